"""key_accounts."""
