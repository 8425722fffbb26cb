"""The GitHub workflows, checked offline: GitHub's workflow schema (check-jsonschema ships
it), zizmor's security audits (offline), and the shape the deploys rely on: OIDC and no
stored AWS keys, one deploy per stack at a time, prod after dev behind its environment,
the policy pack on every preview and deploy, the smoke test after dev."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent
FILES = sorted(WORKFLOWS.glob("*.yml"))


def load(name: str) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return loaded


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )


def check_schema(*paths: Path) -> subprocess.CompletedProcess[str]:
    return run(
        str(BIN / "check-jsonschema"),
        "--builtin-schema",
        "vendor.github-workflows",
        *map(str, paths),
    )


def zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    # --offline: no GitHub API (the online audits need a token and the network)
    return run(str(BIN / "zizmor"), "--offline", "--no-progress", *map(str, paths))


def test_there_are_the_three_workflows() -> None:
    assert [f.name for f in FILES] == ["deploy-stack.yml", "deploy.yml", "pull-request.yml"]


def test_every_workflow_matches_githubs_schema() -> None:
    result = check_schema(*FILES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing() -> None:
    result = zizmor(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_checks_catch_a_bad_workflow(tmp_path: Path) -> None:
    # Given a workflow with a tag-pinned action, default permissions and an injectable title
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\n"
        "jobs:\n"
        "  x:\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n'
    )
    findings = zizmor(bad).stdout
    assert zizmor(bad).returncode != 0
    for audit in ("unpinned-uses", "template-injection", "artipacked"):
        assert audit in findings, findings
    # And a job without runs-on or steps breaks the schema
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    name: nothing\n")
    assert check_schema(broken).returncode != 0


def _actions(workflow: dict[Any, Any]) -> list[str]:
    return [
        step["uses"]
        for job in workflow["jobs"].values()
        for step in job.get("steps", [])
        if "uses" in step
    ]


@pytest.mark.parametrize("name", ["deploy-stack.yml", "pull-request.yml", "deploy.yml"])
def test_aws_access_is_oidc_only(name: str) -> None:
    text = (WORKFLOWS / name).read_text()
    assert "AWS_SECRET_ACCESS_KEY" not in text
    assert "aws-access-key-id" not in text
    workflow = load(name)
    assert workflow["permissions"] == {}
    for job_name, job in workflow["jobs"].items():
        permissions = job.get("permissions", {})
        assumes_role = any(
            "configure-aws-credentials" in step.get("uses", "") for step in job.get("steps", [])
        )
        calls_deploy = "deploy-stack.yml" in job.get("uses", "")
        if assumes_role or calls_deploy:
            assert permissions.get("id-token") == "write", job_name
        else:
            assert "id-token" not in permissions, job_name


def test_each_stack_deploys_alone_with_the_policy_pack_then_smoke_tests() -> None:
    workflow = load("deploy-stack.yml")
    (job,) = workflow["jobs"].values()
    assert job["environment"] == "${{ inputs.stack }}"
    assert job["concurrency"] == {
        "group": "deploy-${{ inputs.stack }}",
        "cancel-in-progress": False,
    }
    steps = job["steps"]
    (up,) = [s for s in steps if s.get("with", {}).get("command") == "up"]
    assert up["with"]["policyPacks"] == "policy"
    smoke = steps[-1]["run"]
    assert "python -m ops.smoke --outputs outputs.json" in smoke
    assert steps.index(up) < len(steps) - 1


def test_main_deploys_dev_then_prod_and_prod_only_checks_health() -> None:
    jobs = load("deploy.yml")["jobs"]
    assert jobs["dev"]["needs"] == "test"
    assert jobs["prod"]["needs"] == "dev"
    assert jobs["dev"]["with"] == {"stack": "dev", "smoke": "journey"}
    assert jobs["prod"]["with"] == {"stack": "prod", "smoke": "health"}


def test_pull_requests_preview_both_stacks_with_a_comment() -> None:
    preview = load("pull-request.yml")["jobs"]["preview"]
    assert preview["needs"] == "test"
    assert preview["strategy"]["matrix"]["stack"] == ["dev", "prod"]
    (step,) = [s for s in preview["steps"] if s.get("with", {}).get("command") == "preview"]
    assert step["with"]["policyPacks"] == "policy"
    assert step["with"]["comment-on-pr"] is True


def test_every_action_is_pinned_to_a_commit() -> None:
    for path in FILES:
        for uses in _actions(yaml.safe_load(path.read_text())):
            if not uses.startswith(("./", "$/")):
                ref = uses.rsplit("@", 1)[1]
                assert len(ref) == 40, (path.name, uses)
                assert all(c in "0123456789abcdef" for c in ref), (path.name, uses)
