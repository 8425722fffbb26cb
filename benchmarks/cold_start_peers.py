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

from benchmarks.lambda_like import Layout, Samples, host_install, measure
from components.packaging.bytecode import BytecodeCompiler

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
    cold: Samples | None
    warm: Samples | None
    note: str = ""


def measure_yardsticks(
    python: BytecodeCompiler, runtime: Path, runs: int, *, langchain: bool = True
) -> list[Yardstick]:
    powertools = f"aws-lambda-powertools=={version('aws-lambda-powertools')}\n"
    bare_set = host_install(python, "bare-handler", powertools.encode())
    rows = [_measure("bare handler (boto3 + Logger)", python, [bare_set, runtime], "bare", runs)]
    if not langchain:
        return rows
    try:
        requirements = "".join(f"{line}\n" for line in LANGCHAIN_SET) + powertools
        peer_set = host_install(python, "peer-langchain", requirements.encode())
    except SystemExit as error:
        note = f"could not install here: {str(error).splitlines()[-1]}"
        return [*rows, Yardstick("LangChain answer handler", None, None, note)]
    path = [peer_set, runtime]
    rows.append(_measure("LangChain answer handler", python, path, "langchain", runs))
    rows.append(_measure("LangChain + faiss imported", python, path, "langchain-faiss", runs))
    return rows


def _measure(
    name: str, python: BytecodeCompiler, path: list[Path], kind: str, runs: int
) -> Yardstick:
    cold = measure(python, Layout(tuple(path), bytecode=False), [PROBE, kind], runs)
    warm = measure(python, Layout(tuple(path), bytecode=True), [PROBE, kind], runs)
    return Yardstick(name, cold, warm)
