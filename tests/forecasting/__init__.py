"""Tests of salesfunnel.forecasting."""
