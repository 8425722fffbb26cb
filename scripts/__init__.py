"""Developer and deployer tools run as `python scripts/<name>.py` (see each docstring)."""
