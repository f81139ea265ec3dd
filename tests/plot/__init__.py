"""Tests of salesfunnel.plot."""
