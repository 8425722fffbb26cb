"""The program ends with its error, fast, when the site is not built or a build fails.

Before the fix these errors were raised after `pulumi.deferred_output()`: outputs waiting
on the site's origin never resolved and the runtime waited for them forever (preview/up
printed nothing until killed). Each run is a subprocess so a hang is a timeout, not a
hung test session.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.infra.program import ROOT
from tests.infra.run_program import FAILED_BUILD

# Starting Python and importing Pulumi takes a few seconds; a hang never ends.
TIMEOUT_SECONDS = 60


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-m", "tests.infra.run_program", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the program hung (no result in {TIMEOUT_SECONDS} s) instead of failing")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_without_a_built_site_the_program_fails_with_how_to_build_it(stack: str) -> None:
    result = _run(stack, "--no-site")
    assert result.returncode != 0
    assert "the site has not been built" in result.stderr
    assert "make site" in result.stderr


def test_a_failing_lambda_build_fails_the_program_with_its_message() -> None:
    result = _run("dev", "--failing-build")
    assert result.returncode != 0
    assert FAILED_BUILD in result.stderr
    assert "function 'api'" in result.stderr
