"""Scripts the cold-start benchmark runs in fresh Lambda-like processes (stdlib only)."""
