"""Tests of salesfunnel.analytics."""
