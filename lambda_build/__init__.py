"""Building the Lambda artifacts: deterministic zips, dependency layers, code archives.

`lambda_build/lambda_package.py` is the entry point (`ensure_built`, the CLI); the modules
here each do one step of it.
"""
