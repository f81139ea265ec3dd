"""Fuzz suites: hostile inputs at a fixed example budget, each example within a second."""
