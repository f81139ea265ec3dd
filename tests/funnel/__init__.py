"""Tests of salesfunnel.funnel."""
