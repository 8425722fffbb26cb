"""What the in-process handler suites (tests/handlers, tests/agent, tests/iam) share: the moto
document store, API Gateway and SQS events, the Lambda context, and in-process route calls."""
