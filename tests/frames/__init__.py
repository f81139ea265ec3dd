"""Tests of salesfunnel.frames."""
