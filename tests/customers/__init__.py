"""Tests of salesfunnel.customers."""
