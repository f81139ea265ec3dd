"""Tests of salesfunnel.key_accounts."""
