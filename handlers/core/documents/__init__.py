"""Documents: models, the use cases behind the routes, and their data access."""
