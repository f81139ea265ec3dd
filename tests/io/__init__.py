"""Tests of salesfunnel.io."""
