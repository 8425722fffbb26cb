"""A misspelt argument of a pulumi-aws args class fails type-checking (issue 12, item 4).

`user_attribute_update_settings={"attributes_require_verification_before_update": ...}`
(singular) passed every test and would have sent Cognito no setting at all. The
components now build these values with the SDK's typed `*Args` classes, and mypy follows
those services (pyproject.toml); this test holds that configuration to its promise.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.infra.program import ROOT

SNIPPET = """
from pulumi_aws import cognito

cognito.UserPoolUserAttributeUpdateSettingsArgs(
    attributes_require_verification_before_update=["email"]
)
"""


def test_mypy_rejects_a_misspelt_cognito_argument(tmp_path: Path) -> None:
    source = tmp_path / "misspelt.py"
    source.write_text(SNIPPET)
    result = subprocess.run(
        [
            sys.executable, "-m", "mypy",
            "--config-file", str(ROOT / "pyproject.toml"),
            "--cache-dir", str(tmp_path / "cache"),
            str(source),
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'Unexpected keyword argument "attributes_require_verification_before_update"' in (
        result.stdout
    )
