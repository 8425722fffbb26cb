"""Base forms of the comparatives, superlatives and adverbs Snowball keeps derived."""

from __future__ import annotations

import pytest

from handlers.core.text.forms import base_forms
from handlers.core.text.terms import terms


@pytest.mark.parametrize(
    ("word", "base"),
    [
        ("stronger", "strong"),
        ("strongest", "strong"),
        ("slowly", "slow"),
        ("bigger", "big"),
        ("easier", "easy"),
        ("larger", "large"),
    ],
)
def test_a_derived_form_leads_to_its_base_stem(word: str, base: str) -> None:
    (derived,) = terms(word)
    (stem,) = terms(base)
    assert derived != stem  # what Snowball alone leaves apart
    assert stem in base_forms(derived)


@pytest.mark.parametrize("term", ["password", "$random", "er", "li", "32bit"])
def test_other_terms_have_no_base_form(term: str) -> None:
    assert base_forms(term) == ()
