"""Tests of salesfunnel.render."""
