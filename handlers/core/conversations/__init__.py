"""Conversations: models, their data access, and the use cases behind the agent's routes."""
