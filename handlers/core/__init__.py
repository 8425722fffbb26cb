"""Code shared by the Lambda handlers, one package per concern (README's layout table).

`contracts/` is also imported by the Pulumi components and the local stack; the package
graph is acyclic (tests/test_package_cycles.py).
"""
