"""The sign-up form states and checks the rules the user pools enforce."""

from __future__ import annotations

import re
from pathlib import Path

from handlers.core.contracts.password_policy import PASSWORD_POLICY

SITE_RULES = Path(__file__).resolve().parents[2] / "frontend" / "lib" / "password.ts"


def test_the_site_states_the_pools_rules() -> None:
    source = SITE_RULES.read_text()
    minimum = re.search(r"PASSWORD_MIN_LENGTH = (\d+);", source)
    assert minimum is not None
    assert int(minimum[1]) == PASSWORD_POLICY.minimum_length
    rules = re.search(r"PASSWORD_RULES = `([^`]*)`", source)
    assert rules is not None
    stated = {
        "require_lowercase": "lower case" in rules[1],
        "require_uppercase": "upper" in rules[1],
        "require_numbers": "a number" in rules[1],
        "require_symbols": "a symbol" in rules[1],
    }
    assert stated == {name: getattr(PASSWORD_POLICY, name) for name in stated}
