"""Tests of salesfunnel.cli."""
