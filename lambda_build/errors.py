"""What can go wrong while building a function's artifacts, in words a deployer can act on."""

from __future__ import annotations

import pulumi


# pulumi.RunError: `pulumi up` prints the message alone, without a Python traceback.
class PackagingError(pulumi.RunError):
    """A function's artifacts could not be built or would not deploy."""


class DependencyInstallError(PackagingError):
    """pip could not install a dependency set (offline, a pin without an aarch64 wheel, …)."""

    def __init__(self, function: str, command: list[str], returncode: int, output: str) -> None:
        self.function = function
        self.command = command
        self.returncode = returncode
        tail = "\n".join(output.strip().splitlines()[-15:])
        super().__init__(
            f"building the dependency layer of {function!r} failed: pip exited with "
            f"{returncode}.\ncommand: {' '.join(command)}\n{tail}"
        )


class ModelFetchError(PackagingError):
    """A model file a layer carries could not be downloaded, checked or unpacked."""

    def __init__(self, function: str, model: str, reason: str) -> None:
        self.function = function
        self.model = model
        super().__init__(
            f"fetching the model {model!r} for the layer of {function!r} failed: {reason}"
        )


class PackageTooLargeError(PackagingError):
    """Code + dependencies unzip past Lambda's limit."""

    def __init__(self, function: str, unzipped_bytes: int, limit_bytes: int) -> None:
        self.function = function
        self.unzipped_bytes = unzipped_bytes
        self.limit_bytes = limit_bytes
        super().__init__(
            f"function {function!r} unzips to {unzipped_bytes / 1_048_576:.1f} MB "
            f"({unzipped_bytes} bytes, code + dependency layer), over Lambda's "
            f"{limit_bytes / 1_048_576:.0f} MB limit ({limit_bytes} bytes): trim "
            f"handlers/requirements/{function}.txt or its models (lambda_build/layer_models.py)"
        )
