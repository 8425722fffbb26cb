"""Code shared by the Lambda handlers (and, for `layout`, by the Pulumi components)."""
