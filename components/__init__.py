"""The reusable Pulumi components that make up a Doc Agent stack."""
