"""The yardsticks measured beside our functions, in the same run and the same interpreter.

- *bare handler*: boto3 + the Powertools Logger, a DynamoDB table resource and an S3 client
  at module level (the AWS serverless-pdf-chat sample's plain handlers): what the `api`
  function would cost with no typed validation, tracing or metrics.
- *LangChain answer handler*: that sample's answer handler's imports, with today's LangChain
  packages (the sample's own pins, langchain 0.0.329, no longer install): installed once for
  the measuring interpreter under `.build/bench/<cache tag>/peer-langchain/`, a throwaway
  set the way docs/packaging.md builds ours (boto3 from the runtime).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from benchmarks.lambda_like import Job, Layout, host_install
from lambda_build.bytecode import BytecodeCompiler

PROBE = str(Path(__file__).resolve().parent / "probes" / "peer_probe.py")
LANGCHAIN_SET = (
    "langchain-classic==1.0.8",
    "langchain-community==0.4.2",
    "langchain-aws==1.9.1",
    "langchain-core==1.8.3",
    "faiss-cpu==1.15.1",
)


@dataclass(frozen=True)
class Yardstick:
    name: str
    path: tuple[Path, ...]
    kind: str
    """The probe's argument: bare, langchain or langchain-faiss."""

    def job(self, *, bytecode: bool) -> Job:
        return Job(self.name, Layout(self.path, bytecode), (PROBE, self.kind))


BARE = "bare handler (boto3 + Logger)"
LANGCHAIN = "LangChain answer handler"


def yardsticks(
    python: BytecodeCompiler, runtime: Path, *, langchain: bool = True
) -> tuple[list[Yardstick], str]:
    """The yardsticks that install here, and a note on any that does not."""
    powertools = f"aws-lambda-powertools=={version('aws-lambda-powertools')}\n"
    bare_set = host_install(python, "bare-handler", powertools.encode())
    found = [Yardstick(BARE, (bare_set, runtime), "bare")]
    if not langchain:
        return found, ""
    try:
        requirements = "".join(f"{line}\n" for line in LANGCHAIN_SET) + powertools
        peer_set = host_install(python, "peer-langchain", requirements.encode())
    except SystemExit as error:
        return found, f"{LANGCHAIN}: could not install here: {str(error).splitlines()[-1]}"
    found.append(Yardstick(LANGCHAIN, (peer_set, runtime), "langchain"))
    found.append(Yardstick("LangChain + faiss imported", (peer_set, runtime), "langchain-faiss"))
    return found, ""
