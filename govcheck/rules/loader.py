"""Load rule packs strictly: every problem is one message naming file, line and path.

Packs come from third parties, so loading is defensive: size-capped, no YAML aliases (alias bombs),
schema-validated, every regex compiled on a linear-time engine, every signal reference resolved —
all before any document is read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml

from govcheck import gcpause
from govcheck.model import RuleInfo
from govcheck.rules.conditions import (
    Condition,
    RuleError,
    compile_condition,
    compile_terms,
    facet_conditions,
    met_count,
    written_terms,
)
from govcheck.rules.terms import Term

MAX_PACK_BYTES = 2 * 1024 * 1024
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _data_dir(name: str, installed: str) -> Path:
    """Bundled data: next to the package when installed, at the repo root in a checkout."""
    inside = PACKAGE_DIR / installed
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


RULES_DIR = _data_dir("rules", "packs")
SCHEMAS_DIR = _data_dir("schemas", "schemas")


@dataclass
class Rule:
    id: str
    info: RuleInfo
    kind: str  # graded | forbidden
    met: Condition | None
    partial: Condition | None
    forbid: Condition | None
    evidence: Condition | None  # what a forbidden rule quotes when met
    applies_to: list[str] | None
    examples: list[dict]
    looked_for: dict[str, str]
    # cells a person should check: (outcomes the hint applies to, condition, reason per language)
    # (outcomes, condition or None for "met at the count's minimum", reason)
    # (outcomes, when, reason): `when` is a condition, None for `at_minimum`, or the id of a facet whose
    # absence is the hint (`without_facet`)
    review: list[tuple[frozenset[str], Condition | str | None, dict[str, str]]] = field(default_factory=list)
    # how often auditors gave each outcome, per document type ("*": all types), and when an outcome
    # counts as rare (`BaseRates`); None when the pack has no base rates
    base_rates: BaseRates | None = None


@dataclass(frozen=True)
class BaseRates:
    """Auditors' outcome counts for one rule: an outcome they seldom gave to documents of a type is
    worth a person's look when the tool gives it. On first contact with nine labelled sets, cells
    whose outcome auditors gave to fewer than a tenth of such documents were wrong 57 % of the time,
    against 11 % for all cells."""

    counts: dict[str, dict[str, int]]  # doc type or "*" -> outcome -> documents
    rare_below: float
    min_documents: int
    # the tool's own record on first contact: outcome -> {"cells": n, "agreed": n}, and the share of
    # agreement below which an outcome is flagged (with at least `min_cells` cells behind it)
    tool: dict[str, dict[str, int]] = field(default_factory=dict)
    agreed_below: float = 0.0
    min_cells: int = 20
    # the same record per document type: doc type -> outcome -> {"cells": n, "agreed": n}
    tool_by_type: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    # ... and per type ("*": all) and number of parts found: type -> outcome -> "n" -> record
    tool_by_parts: dict[str, dict[str, dict[str, dict[str, int]]]] = field(default_factory=dict)
    # > 0: the records are pooled from the rule's down to the narrowest, each narrower one weighed
    # against the estimate so far as if that estimate were `prior_cells` more cells (see `unconfirmed`)
    prior_cells: int = 0
    # the same record per language (the labelled one) and type ("*": all types): language -> type -> outcome -> record
    tool_by_lang: dict[str, dict[str, dict[str, dict[str, int]]]] = field(default_factory=dict)

    def unconfirmed(self, outcome: str, doc_type: str | None = None, parts: int | None = None,
                    lang: str | None = None) -> tuple[int, int] | None:
        """(agreed, cells) when auditors confirmed this outcome of the rule in fewer than `agreed_below`
        of the first-contact cells where the tool gave it; else None. The narrowest record with
        `min_cells` cells decides: of the document's type and the number of parts (facets) found, of
        that number over all types, of the language and type, of the type, of the language, of the rule.
        Replayed on the first-contact reports of holdout141-182 with records from the sets before each
        round, type and parts at 90 % flagged 0.19-0.20 of the cells and caught 0.61-0.79 of the wrong ones,
        the type alone at 85 % 0.15-0.18 and 0.56-0.77 ("met" on a rule's minimum two parts is less sure
        than on four; "goals met" is sound in action plans, seldom in guidelines). The language came in
        the 33rd session (see `count_agreement`)."""
        chain = []
        if parts is not None:
            chain += [((self.tool_by_parts.get(doc_type or "") or {}).get(outcome) or {}).get(str(parts)),
                      ((self.tool_by_parts.get("*") or {}).get(outcome) or {}).get(str(parts))]
        by_lang = self.tool_by_lang.get(lang or "") or {}
        chain += [(by_lang.get(doc_type or "") or {}).get(outcome),
                  (self.tool_by_type.get(doc_type or "") or {}).get(outcome),
                  (by_lang.get("*") or {}).get(outcome), self.tool.get(outcome)]
        record = next((r for r in chain if r and r["cells"] >= self.min_cells), None)
        if record is None:
            return None
        share = self._pooled(chain) if self.prior_cells else record["agreed"] / record["cells"]
        if share >= self.agreed_below:
            return None
        return record["agreed"], record["cells"]

    def _pooled(self, chain: list[dict[str, int] | None]) -> float:
        """The agreement estimated from every record in `chain` (narrowest first), not from the narrowest
        with `min_cells` alone: start at the rule's record and let each narrower one move the estimate by
        its weight, cells against `prior_cells` (`(agreed + prior_cells * estimate) / (cells + prior_cells)`).
        A narrow record of 25 cells then no longer outvotes its type's 400, and one of 12 is no longer
        ignored. Replayed on the first-contact reports of 90 sets (holdout147-236, each round's records
        from the other rounds), at the same share of cells flagged it caught 0.02-0.04 more of the wrong
        ones than the narrowest record alone."""
        estimate: float | None = None
        for record in reversed(chain):
            if not record or not record["cells"]:
                continue
            if estimate is None:
                estimate = record["agreed"] / record["cells"]
            else:
                estimate = (record["agreed"] + self.prior_cells * estimate) / (record["cells"] + self.prior_cells)
        return 1.0 if estimate is None else estimate

    def share(self, outcome: str, doc_type: str | None) -> tuple[float, int, str] | None:
        """The share of labelled documents given this outcome, their number, and the type it is
        over ("*" when the document's type has too few); None without labels."""
        per = self.counts.get(doc_type or "*") or {}
        key = doc_type or "*"
        if sum(per.values()) < self.min_documents:
            per, key = self.counts.get("*") or {}, "*"
        total = sum(per.values())
        if not total:
            return None
        return per.get(outcome, 0) / total, total, key


@dataclass
class Pack:
    id: str
    version: str
    title: dict[str, str]
    languages: list[str]
    path: Path
    doc_types: dict[str, dict[str, list[str]]]
    signals: dict[str, dict[str, list[Term]]]
    negation: list[dict]  # [{signal: name, window: N | None}]
    tables: dict[str, list[dict]]
    rules: list[Rule] = field(default_factory=list)
    # doc type -> signal -> language -> terms: a word's sense in documents of that type ("planen" is
    # the action plan itself in an action plan, one child's plan in a SIP routine)
    type_signals: dict[str, dict[str, dict[str, list[Term]]]] = field(default_factory=dict)
    # signals whose names a document may abbreviate: "the Hospital Authority (HA)" makes "HA" a party
    aliases: list[str] = field(default_factory=list)
    # a signal of what is still to be made ("ska tas fram", "will be developed"): a met one of whose parts
    # stands only in sentences that carry it is flagged for review
    planned: str | None = None

    def terms(self, lang: str | None = None) -> list[Term]:
        """Every term of the pack, in every language: signals, statute tables and terms written into
        conditions. With a language, the terms a document in that language can be searched for (its
        signals under every document type, the tables, the conditions' terms for it)."""
        if lang is None:
            out = [t for per in self.signals.values() for terms in per.values() for t in terms]
            out += [t for sigs in self.type_signals.values() for per in sigs.values() for terms in per.values()
                    for t in terms]
        else:
            out = [t for doc_type in (None, *self.type_signals) for terms in self.signals_for(lang, doc_type).values()
                   for t in terms]
        out += [t for rows in self.tables.values() for row in rows for t in (*row["_terms"], *row.get("_where", ()))]
        for rule in self.rules:
            for cond in (rule.met, rule.partial, rule.forbid, rule.evidence, *(h[1] for h in rule.review)):
                if cond is not None:
                    out += written_terms(cond, lang)
        return out

    def signals_for(self, lang: str, doc_type: str | None = None) -> dict[str, list[Term]]:
        fallback = self.languages[0] if self.languages else lang
        out = {name: per.get(lang) or per.get(fallback, []) for name, per in self.signals.items()}
        for name, per in self.type_signals.get(doc_type or "", {}).items():
            out[name] = per.get(lang) or per.get(fallback, [])
        return out


class _PackLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader for packs (libyaml's when PyYAML has it: the pure-Python parser took ~0.4 s per run,
    once in the scan and once more in a spawned worker): dates stay strings (the schema checks them as
    text), and only true/false are booleans - YAML 1.1 would turn the English term "no" (or "on",
    "off") into a boolean."""


_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_PackLoader.yaml_implicit_resolvers = {
    k: [(tag, _BOOL if tag == "tag:yaml.org,2002:bool" else rx)
        for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@lru_cache(maxsize=4)
def schema(name: str) -> dict:
    return json.loads((SCHEMAS_DIR / name).read_text(encoding="utf-8"))


def bundled_packs() -> list[Path]:
    return sorted(p for p in RULES_DIR.glob("*.yaml") if not p.name.startswith("_"))


def resolve_pack(name_or_path: str) -> Path:
    """A pack by path, or by id among the bundled packs."""
    p = Path(name_or_path)
    if p.is_file():
        return p
    for candidate in bundled_packs():
        if candidate.stem == name_or_path:
            return candidate
    known = ", ".join(c.stem for c in bundled_packs())
    raise RuleError(f"{name_or_path}: no such rule pack file or bundled pack (bundled: {known})")


# --- YAML with line numbers ---------------------------------------------------------------------


def _parts(path: str) -> list[str | int]:
    return [int(i) if i else k for k, i in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path)]


def _line_of(node: yaml.Node | None, parts: list[str | int]) -> int | None:
    """The 1-based line of the deepest node along a path."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in parts:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            nxt = node.value[part]
        else:
            nxt = None
        if nxt is None:
            break
        node = nxt
        line = node.start_mark.line + 1
    return line


def _no_duplicate_keys(path: Path, root: yaml.Node) -> None:
    """A key given twice in one mapping: YAML keeps the last and drops the first without a word, so a
    signal's second `en:` list would silently replace its first. Refused, with both lines."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        raise RuleError(f"{path}:{key.start_mark.line + 1}: key {key.value!r} is given twice in one "
                                        f"mapping (first on line {seen[key.value]}); YAML would keep only the last")
                    seen[key.value] = key.start_mark.line + 1
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _read_yaml(path: Path) -> tuple[object, yaml.Node | None]:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise RuleError(f"{path}: cannot read ({exc.strerror})") from None
    if size > MAX_PACK_BYTES:
        raise RuleError(f"{path}: {size} bytes is larger than the {MAX_PACK_BYTES} byte limit for a rule pack")
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        for event in yaml.parse(text, Loader=_PackLoader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                raise RuleError(f"{path}:{mark.line + 1}: YAML aliases (*name) are not allowed in rule packs")
        loader = _PackLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _no_duplicate_keys(path, node)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise RuleError(f"{path}{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    return data, node


def _failer(path: Path, node: yaml.Node | None):
    """An error builder for one YAML file: `file:line: where: message`, the line of the node at
    `where` (a dotted path such as rules[3].met.find)."""

    def fail(where: str, message: str) -> RuleError:
        line = _line_of(node, _parts(where))
        return RuleError(f"{path}:{line or 1}: {where or '(top)'}: {message}")

    return fail


def _check_schema(data: object, schema_name: str, fail) -> None:
    """Raise the first schema error (in document order) as `fail` words it; an unexpected key is
    pointed at on its own line."""
    validator = jsonschema.Draft202012Validator(schema(schema_name))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path).lstrip(".")
        unexpected = []
        if err.validator == "additionalProperties":
            unexpected = re.findall(r"'([^']+)' was unexpected", err.message)
        if unexpected:  # point at the offending key's own line
            where = f"{where}.{unexpected[0]}".lstrip(".")
        raise fail(where, err.message)


def load_pack(path: Path) -> Pack:
    data, node = _read_yaml(path)
    fail = _failer(path, node)
    _check_schema(data, "rulepack.schema.json", fail)
    assert isinstance(data, dict)
    langs = list(data["languages"])
    signals: dict[str, dict[str, list[Term]]] = {}
    try:
        for name, spec in data.get("signals", {}).items():
            signals[name] = compile_terms(spec, f"signals.{name}", langs)
    except RuleError as exc:
        where, _, message = str(exc).partition(": ")
        raise fail(where, message) from None
    tables: dict[str, list[dict]] = {}
    for tname, rows in data.get("tables", {}).items():
        for i, row in enumerate(rows):
            try:
                row["_terms"] = compile_terms(row["cite"], f"tables.{tname}[{i}].cite", ["*"])["*"]
                if "only_where" in row:
                    row["_where"] = compile_terms(row["only_where"], f"tables.{tname}[{i}].only_where", ["*"])["*"]
            except RuleError as exc:
                where, _, message = str(exc).partition(": ")
                raise fail(where.replace(".*", ""), message) from None
        tables[tname] = rows
    type_signals: dict[str, dict[str, dict[str, list[Term]]]] = {}
    for doc_type, sigs in data.get("doc_type_signals", {}).items():
        for name, spec in sigs.items():
            if name not in signals:
                raise fail(f"doc_type_signals.{doc_type}.{name}", f"undefined signal {name!r}")
            if isinstance(spec, dict) and ("remove" in spec or "add" in spec):
                # the signal's own terms with some taken out or put in: the sense that differs in this type of
                # document is said once, and what is added to the signal later reaches this type too (a copy of
                # the whole list drifted: it missed half of what the signal learned after it was made)
                spec = _edited_terms(data["signals"][name], spec, f"doc_type_signals.{doc_type}.{name}", fail)
            try:
                type_signals.setdefault(doc_type, {})[name] = compile_terms(
                    spec, f"doc_type_signals.{doc_type}.{name}", langs)
            except RuleError as exc:
                where, _, message = str(exc).partition(": ")
                raise fail(where, message) from None
    aliases = list(data.get("aliases", []))
    for i, name in enumerate(aliases):
        if name not in signals:
            raise fail(f"aliases[{i}]", f"undefined signal {name!r}")
    planned = data.get("planned")
    if planned is not None and planned not in signals:
        raise fail("planned", f"undefined signal {planned!r}")
    rates = _base_rates(path, data.get("base_rates"), fail)
    negation = list(data.get("negation", []))
    for i, cue in enumerate(negation):
        if cue["signal"] not in signals:
            raise fail(f"negation[{i}].signal", f"undefined signal {cue['signal']!r}")
        if cue.get("not_inside") is not None and cue["not_inside"] not in signals:
            raise fail(f"negation[{i}].not_inside", f"undefined signal {cue['not_inside']!r}")
    pack = Pack(
        id=data["id"], version=str(data["version"]), title=data["title"], languages=langs, path=path,
        doc_types=data.get("doc_types", {}), signals=signals, negation=negation, tables=tables,
        type_signals=type_signals, aliases=aliases, planned=planned,
    )
    ids = {spec["id"] for spec in data["rules"]}
    for rid in rates:
        if rid not in ids:
            raise fail("base_rates.file",
                       f"{data['base_rates']['file']}: rates for {rid!r}, a rule this pack does not have")
    seen: set[str] = set()
    for i, spec in enumerate(data["rules"]):
        if spec["id"] in seen:
            raise fail(f"rules[{i}].id", f"duplicate rule id {spec['id']!r}")
        seen.add(spec["id"])
        try:
            pack.rules.append(_compile_rule(spec, f"rules[{i}]", pack))
            pack.rules[-1].base_rates = rates.get(spec["id"])
        except RuleError as exc:
            where, _, message = str(exc).partition(": ")
            raise fail(where, message) from None
    return pack


def _base_rates(pack_path: Path, spec: dict | None, fail) -> dict[str, BaseRates]:
    """The pack's `base_rates:` file, read as defensively as a pack and checked against its schema;
    per rule id. A rule id the pack does not have is refused (a renamed rule would lose its rates
    without a word)."""
    if not spec:
        return {}
    file = pack_path.parent / spec["file"]
    try:
        data, node = _read_yaml(file)
    except RuleError as exc:
        raise fail("base_rates.file", str(exc)) from None
    _check_schema(data, "base-rates.schema.json", _failer(file, node))
    assert isinstance(data, dict)
    below, least = float(spec.get("rare_below", 0.1)), int(spec.get("min_documents", 10))
    tool = (data.get("tool") or {}).get("rules") or {}
    tool_by_type = (data.get("tool") or {}).get("by_type") or {}
    tool_by_parts = (data.get("tool") or {}).get("by_parts") or {}
    tool_by_lang = (data.get("tool") or {}).get("by_lang") or {}
    agreed_below, min_cells = float(spec.get("agreed_below", 0.0)), int(spec.get("min_cells", 20))
    prior_cells = int(spec.get("prior_cells", 0))
    for rid in tool:
        if rid not in data["rules"]:
            raise fail("base_rates.file", f"{spec['file']}: tool record for {rid!r}, which has no base rates")
    return {rid: BaseRates(counts, below, least, tool.get(rid, {}), agreed_below, min_cells, tool_by_type.get(rid, {}),
                           tool_by_parts.get(rid, {}), prior_cells, tool_by_lang.get(rid, {}))
            for rid, counts in data["rules"].items()}


def _compile_rule(spec: dict, path: str, pack: Pack) -> Rule:
    sigs, tabs = set(pack.signals), set(pack.tables)

    def cond(key: str) -> Condition | None:
        if key not in spec:
            return None
        return compile_condition(spec[key], f"{path}.{key}", sigs, tabs, pack.languages)

    kind = spec.get("kind", "graded")
    if kind == "graded" and "met" not in spec:
        raise RuleError(f"{path}: a graded rule needs a 'met' condition")
    if kind == "forbidden" and "forbid" not in spec:
        raise RuleError(f"{path}: a forbidden rule needs a 'forbid' condition")
    info = RuleInfo(
        id=spec["id"], pack=pack.id, title=spec["title"], description=spec["description"],
        recommendation=spec.get("recommendation", {}), source=spec.get("source", ""),
        applies_to=spec.get("applies_to"), kind=kind, facets=dict(spec.get("facets", {})),
    )
    cond_of = {key: cond(key) for key in ("met", "partial", "forbid", "evidence")}
    declared = set(info.facets)

    def undeclared(where: str, facet: object) -> RuleError:
        return RuleError(f"{where}: {facet!r} is not declared in the rule's facets "
                         f"(declared: {', '.join(sorted(declared)) or 'none'})")

    for key in ("met", "partial"):
        for c in facet_conditions(cond_of.get(key)):
            if c.facet not in declared:
                raise undeclared(f"{c.path}.facet", c.facet)
    hints = []
    for i, hint in enumerate(spec.get("review", [])):
        if "without_facet" in hint:
            # no condition: the outcome was reached without this facet (a coordinated plan "met" on when it
            # starts and how it closes, with no one who convenes it)
            if hint["without_facet"] not in declared:
                raise undeclared(f"{path}.review[{i}].without_facet", hint["without_facet"])
            hints.append((frozenset(hint["outcome"]), str(hint["without_facet"]), hint["reason"]))
            continue
        if hint.get("at_minimum"):
            # no condition: the engine checks the met count's facets (engine.review_of)
            if met_count(cond_of["met"]) is None:
                raise RuleError(f"{path}.review[{i}].at_minimum: the rule's met is not a count")
            hints.append((frozenset(hint["outcome"]), None, hint["reason"]))
            continue
        hints.append((frozenset(hint["outcome"]),
                      compile_condition(hint["when"], f"{path}.review[{i}].when", sigs, tabs, pack.languages),
                      hint["reason"]))
    return Rule(
        review=hints,
        id=spec["id"], info=info, kind=kind, met=cond_of["met"], partial=cond_of["partial"],
        forbid=cond_of["forbid"], evidence=cond_of["evidence"], applies_to=spec.get("applies_to"),
        examples=spec.get("examples", []), looked_for=spec.get("looked_for", spec["description"]),
    )


def _edited_terms(base: object, edit: dict, where: str, fail) -> dict[str, list]:
    """A signal's terms per language, with `remove` taken out and `add` put in. A term to remove that the
    signal does not hold is an error: the edit would otherwise outlive the term it was written against."""
    if not isinstance(base, dict):
        raise fail(where, "remove/add needs a signal whose terms are given per language")
    # (other keys than remove/add are refused by the pack schema before this is read)
    out = {lang: list(terms) for lang, terms in base.items()}
    for lang, terms in (edit.get("remove") or {}).items():
        for term in terms:
            if term not in out.get(lang, []):
                raise fail(f"{where}.remove.{lang}", f"{term!r} is not a term of the signal")
            out[lang].remove(term)
    for lang, terms in (edit.get("add") or {}).items():
        out.setdefault(lang, []).extend(terms)
    return out


def load_packs(names: list[str] | None) -> list[Pack]:
    """Packs by path or bundled id; the bundled default pack when none are named."""
    paths = [resolve_pack(n) for n in names] if names else [resolve_pack("child-youth-collaboration")]
    with gcpause.paused():  # a pack is ~10^5 long-lived objects and no garbage (govcheck/gcpause.py)
        packs = [load_pack(p) for p in paths]
    ids = [r.id for p in packs for r in p.rules]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise RuleError(f"rule ids defined in more than one pack: {', '.join(sorted(dup))}")
    return packs
