"""Tests of salesfunnel.pipeline."""
