"""Every rule's annotated examples (rules/*.yaml) run as tests, like Semgrep rule tests."""

import pytest

from govcheck.rules import bundled_packs, load_pack
from govcheck.rules.testing import run_examples

CASES = [(pack_path, res) for pack_path in bundled_packs() for res in run_examples(load_pack(pack_path))]


@pytest.mark.parametrize(
    ("pack_path", "res"), CASES, ids=[f"{p.stem}/{r.rule}/{r.lang}/{r.name}" for p, r in CASES]
)
def test_example(pack_path, res) -> None:
    assert res.got == res.want, f"{res.rule} [{res.lang}] {res.name}: {res.detail}"
    assert res.evidence_ok, f"{res.rule} [{res.lang}] {res.name}: evidence does not quote the example: {res.detail}"


def test_every_default_rule_has_met_partial_and_not_met_examples_in_both_languages() -> None:
    pack = load_pack(next(p for p in bundled_packs() if p.stem == "child-youth-collaboration"))
    for rule in pack.rules:
        have = {(ex["lang"], ex["outcome"]) for ex in rule.examples}
        levels = ("met", "not_met") if rule.kind == "forbidden" else ("met", "partial", "not_met")
        for lang in ("sv", "en"):
            for outcome in levels:
                assert (lang, outcome) in have, f"{rule.id}: no {lang} example for {outcome}"
