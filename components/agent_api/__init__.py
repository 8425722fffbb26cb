"""AgentApi: Lambda functions, IAM, Cognito and API Gateway."""

from components.agent_api.component import AgentApi, AgentApiArgs, StoreRefs

__all__ = ["AgentApi", "AgentApiArgs", "StoreRefs"]
