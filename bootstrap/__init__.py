"""The one-time bootstrap: GitHub OIDC and the deploy roles the pipelines assume."""
