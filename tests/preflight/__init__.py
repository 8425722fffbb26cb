"""make preflight: the account and machine checks before a first deploy."""
