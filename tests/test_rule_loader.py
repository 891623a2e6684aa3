"""A rule pack is loaded strictly: every problem is one message naming file, line and path (exit 2)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from conftest import govcheck

from govcheck.rules import RuleError, load_pack

MINIMAL = """\
id: mini
version: "1"
title: {sv: Mini, en: Mini}
languages: [sv, en]
signals:
  owner: {sv: [dokumentägare], en: [owner]}
rules:
  - id: has-owner
    title: {sv: Ägare, en: Owner}
    description: {sv: Ägare anges., en: An owner is named.}
    met:
      find: owner
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_minimal_pack_loads(tmp_path: Path) -> None:
    assert [r.id for r in load_pack(write(tmp_path, MINIMAL)).rules] == ["has-owner"]


@pytest.mark.parametrize(
    ("edit", "line", "needle"),
    [
        (("    met:\n", "    colour: red\n    met:\n"), 11, "Additional properties are not allowed ('colour'"),
        (("      find: owner\n", "      find: ownr\n"), 12, "undefined signal 'ownr'"),
        (("[owner]", "['re:(unclosed']"), 6, "invalid regex"),
        (("[owner]", "['re:(?=lookahead)']"), 6, "invalid regex"),
        (
            ("      find: owner\n", "      together: [{find: owner}]\n      scope: chapter\n"),
            13,
            "unsupported scope 'chapter'",
        ),
        (("      find: owner\n", "      sometimes: owner\n"), 12, "expected exactly one of"),
        (("      find: owner\n", "      find: owner\n      unless: [owner, nobody]\n"), 13, "signal 'nobody'"),
        (("      find: owner\n", "      find: owner\n      not_inside: nobody\n"), 13, "signal 'nobody'"),
        (("      find: owner\n", "      find: owner\n      outside_section: [owner, nobody]\n"), 13, "signal 'nobody'"),
        (("      find: owner\n", "      find: owner\n      in_table: sometimes\n"), 13, "in_table: must be"),
        (("      find: owner\n", "      find: owner\n      stated: maybe\n"), 13, "stated: must be true or false"),
        (("      find: owner\n", "      sequence: 1\n"), 12, "a number of steps, 2 or more"),
        (("signals:\n", "aliases: [nobody]\nsignals:\n"), 5, "aliases[0]: undefined signal 'nobody'"),
        (("signals:\n", "planned: nobody\nsignals:\n"), 5, "planned: undefined signal 'nobody'"),
        (("      find: owner\n", "      find: owner\n      outside_column: nobody\n"), 13, "signal 'nobody'"),
        (("signals:\n", "negation: [{signal: owner, not_inside: nobody}]\nsignals:\n"), 5,
         "negation[0].not_inside: undefined signal 'nobody'"),
        (("      find: owner\n", "      count: [{find: owner}]\n      at_least: 1\n      at_least_for: {routine: 2}\n"),
         14, "at_least_for: document type -> a number from 1 to 1"),
    ],
    ids=["unknown-key", "undefined-signal", "bad-regex", "lookahead-not-linear", "bad-scope", "unknown-operator",
         "undefined-unless-in-list", "undefined-not-inside", "undefined-outside-section-in-list",
         "bad-in-table", "bad-stated", "bad-sequence",
         "undefined-alias", "undefined-planned", "undefined-outside-column", "undefined-negation-exemption",
         "count-per-type-beyond-its-parts"],
)
def test_errors_name_file_line_and_path(tmp_path: Path, edit: tuple[str, str], line: int, needle: str) -> None:
    path = write(tmp_path, MINIMAL.replace(*edit, 1))
    with pytest.raises(RuleError) as info:
        load_pack(path)
    message = str(info.value)
    wheres = ("rules[0]", "signals", "aliases", "planned", "negation")
    assert message.startswith(tuple(f"{path}:{line}: {where}" for where in wheres)), message
    assert needle in message


def test_validate_command_exits_2_with_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("find: owner", "find: nobody"))
    proc = govcheck("rules", "validate", str(path))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and re.search(r"pack\.yaml:12: rules\[0\]\.met\.find: undefined signal 'nobody'", lines[0])


def test_scan_with_a_broken_pack_fails_before_reading_documents(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace("find: owner", "find: nobody"))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# Rutin\n\nDokumentägare: Anna.\n", encoding="utf-8")
    proc = govcheck("scan", str(docs), "--rules", str(path), "--format", "json")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "undefined signal" in proc.stderr


def test_yaml_alias_bombs_are_refused(tmp_path: Path) -> None:
    bomb = MINIMAL + 'x: &a ["a","a"]\ny: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nz: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
    with pytest.raises(RuleError, match="aliases"):
        load_pack(write(tmp_path, bomb))


def test_a_key_given_twice_is_refused_with_both_lines(tmp_path: Path) -> None:
    """A signal's second `en:` list would silently replace its first (YAML keeps the last key): the
    pack's author would lose terms without a word."""
    twice = "  owner:\n    en: [owner]\n    sv: [dokumentägare]\n    en: [proprietor]\n"
    path = write(tmp_path, MINIMAL.replace("  owner: {sv: [dokumentägare], en: [owner]}\n", twice))
    proc = govcheck("rules", "validate", str(path))
    assert proc.returncode == 2
    found = re.search(r"pack\.yaml:9: key 'en' is given twice in one mapping \(first on line 7\)", proc.stderr)
    assert found, proc.stderr


def test_yes_and_no_stay_words(tmp_path: Path) -> None:
    pack = load_pack(write(tmp_path, MINIMAL.replace("en: [owner]", "en: [owner, no, yes]")))
    assert [t.source for t in pack.signals["owner"]["en"]] == ["owner", "no", "yes"]


def test_a_catastrophic_regex_cannot_hang_a_scan(tmp_path: Path) -> None:
    """RE2 runs in linear time: the classic (a+)+$ blow-up finishes at once on a long line."""
    path = write(tmp_path, MINIMAL.replace("[owner]", "['re:(a+)+$', '(x+x+)+y']".replace("'(x", "'re:(x")))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("a" * 200_000 + "!\n\n" + "x" * 100_000 + "\n", encoding="utf-8")
    proc = govcheck("scan", str(docs), "--rules", str(path), "--format", "json", "-q", timeout=60)
    assert proc.returncode in (0, 1), proc.stderr


def _term_lists(node: object) -> list[list[str]]:
    """Every list of strings in a loaded pack: the signals' terms, the tables' citations."""
    if isinstance(node, dict):
        return [found for value in node.values() for found in _term_lists(value)]
    if isinstance(node, list):
        if node and all(isinstance(x, str) for x in node):
            return [node]
        return [found for value in node for found in _term_lists(value)]
    return []


def test_no_term_of_the_shipped_packs_was_split_by_a_comma_in_a_flow_sequence() -> None:
    """`[ehcp*, education, health and care plan*]` is three terms to YAML, not two: the word
    "education" alone then marked every sentence with it as one child's case. A neighbour pair that
    reads as a term written elsewhere in the pack is such a split."""
    from itertools import pairwise

    import yaml

    for pack in sorted((Path(__file__).resolve().parents[1] / "rules").glob("*.yaml")):
        lists = _term_lists(yaml.safe_load(pack.read_text(encoding="utf-8")))
        known = {t.lower().rstrip("*") for items in lists for t in items}
        split = [(a, b) for items in lists for a, b in pairwise(items)
                 if f"{a} {b}".lower().rstrip("*") in known]
        assert not split, f"{pack.name}: terms split at a comma (quote them): {split}"


def test_a_review_hint_at_the_minimum_needs_a_counted_met(tmp_path: Path) -> None:
    # "at_minimum" flags a met reached by no more facets than the count asks for; a rule whose met is
    # no count has no such minimum, and the pack is refused with the hint's path
    text = MINIMAL + """\
    review:
      - outcome: [met]
        at_minimum: true
        reason: {sv: Kontrollera., en: Check.}
"""
    with pytest.raises(RuleError, match=r"pack.yaml:\d+: rules\[0\]\.review\[0\]\.at_minimum"):
        load_pack(write(tmp_path, text))


def test_a_review_hint_without_a_facet_names_a_declared_facet(tmp_path: Path) -> None:
    # "without_facet" flags an outcome reached without one of the rule's facets; a facet the rule does not
    # declare is a typo that would flag every cell, and the pack is refused with the hint's path
    text = MINIMAL + """\
    review:
      - outcome: [met]
        without_facet: convener
        reason: {sv: Kontrollera., en: Check.}
"""
    with pytest.raises(RuleError, match=r"pack.yaml:\d+: rules\[0\]\.review\[0\]\.without_facet"):
        load_pack(write(tmp_path, text))


def test_a_type_s_edit_of_a_signal_takes_out_only_terms_the_signal_has(tmp_path: Path) -> None:
    # doc_type_signals may take terms out of a signal and put others in, instead of copying its whole list;
    # a term to take out that the signal does not hold (renamed or dropped since) is refused by its path
    # rather than silently kept, and an edit that holds applies in documents of that type only
    edited = MINIMAL.replace("rules:\n", """\
doc_type_signals:
  routine:
    owner:
      remove: {sv: [dokumentägare]}
      add: {sv: [rutinägare]}
rules:
""")
    pack = load_pack(write(tmp_path, edited))
    terms = {t.source for t in pack.type_signals["routine"]["owner"]["sv"]}
    assert terms == {"rutinägare"}, terms
    stale = edited.replace("remove: {sv: [dokumentägare]}", "remove: {sv: [ägare]}")
    with pytest.raises(RuleError, match=r"pack.yaml:\d+: doc_type_signals\.routine\.owner\.remove\.sv"):
        load_pack(write(tmp_path, stale))
