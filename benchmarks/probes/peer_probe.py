"""Inside a fresh process: the yardsticks' import and init, the way their handlers do it.

    python -S -P peer_probe.py bare|langchain|langchain-faiss

`bare`: a plain handler of the kind the AWS serverless-pdf-chat sample ships for its
document routes: boto3 and the Powertools Logger, and at module level a DynamoDB table
resource, an S3 client and the Logger. No typing, validation, tracing or metrics.
`langchain`: that sample's answer handler's imports (LangChain chains and memory, the
Bedrock chat model and embeddings, the DynamoDB chat history, the FAISS vector store, a
prompt template) and its module-level S3 client and Logger. `langchain-faiss` adds
`import faiss`, which LangChain's wrapper defers to the first answer.
Prints one JSON line: `import`, `init` and `cpu` (the CPU time of both), seconds.
"""

from __future__ import annotations

import importlib
import json
import sys
import time

BARE = ("boto3", "aws_lambda_powertools", "boto3.dynamodb.conditions")
LANGCHAIN = (
    "boto3",
    "aws_lambda_powertools",
    "langchain_classic.chains",
    "langchain_classic.memory",
    "langchain_aws.chat_models",
    "langchain_aws.embeddings",
    "langchain_community.chat_message_histories",
    "langchain_community.vectorstores",
    "langchain_core.prompts",
)
MODULES = {"bare": BARE, "langchain": LANGCHAIN, "langchain-faiss": (*LANGCHAIN, "faiss")}


def main() -> None:
    kind = sys.argv[1]
    start, start_cpu = time.perf_counter(), time.process_time()
    for name in MODULES[kind]:
        importlib.import_module(name)
    imported = time.perf_counter()

    import boto3
    from aws_lambda_powertools import Logger

    if kind == "bare":
        boto3.resource("dynamodb").Table("bench")
    boto3.client("s3")
    Logger()
    done, cpu = time.perf_counter(), time.process_time() - start_cpu
    result = {"import": imported - start, "init": done - imported, "cpu": cpu, "errors": []}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
