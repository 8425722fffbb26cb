"""What the handler test suites (tests/handlers, tests/agent) share: the moto document store,
API Gateway and SQS events, the Lambda context, and in-process route calls."""
