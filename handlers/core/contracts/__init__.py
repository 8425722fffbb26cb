"""What the infrastructure shares with the handlers: storage layout, routes, password policy, metrics.

`components/`, `local/` and the handlers import these modules; they import nothing else from
`handlers/`, so the Pulumi program never loads handler code through them.
"""
