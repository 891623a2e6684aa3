"""Project configuration (govcheck.yaml) and waivers.

A repository keeps its scan settings in one file so CI, pre-commit and people run the same check.
The file is validated strictly (schemas/config.schema.json) and every problem names file, line and
key, like rule packs: a misspelt key or a waiver without a decision must stop the run (exit 2)
before any document is read, not silently change what fails.

Waivers are applied after the scan as a pure step (report in, report out): a waived cell keeps its
outcome, so every report still shows the gap, with who decided to accept it and until when.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path

import jsonschema
import yaml

from govcheck.model import DocumentResult, ScanReport
from govcheck.rules import Pack, RuleError
from govcheck.rules.loader import _line_of, _PackLoader, _parts, resolve_pack, schema

CONFIG_NAMES = ("govcheck.yaml", "govcheck.yml", ".govcheck.yaml")
MAX_CONFIG_BYTES = 1024 * 1024
# Outcomes a waiver can cover: gaps. A met cell needs none; cannot_assess/not_applicable never fail.
WAIVABLE = ("partial", "not_met")


class ConfigError(Exception):
    """A configuration problem: the message names file, line and key."""


@dataclass(frozen=True)
class Waiver:
    rule: str
    path: str  # glob
    justification: str
    decided_by: str
    expires: dt.date
    where: str = ""  # "govcheck.yaml:12", for messages

    def info(self) -> dict:
        """What a waived cell carries in every report (RuleResult.waived)."""
        return {"justification": self.justification, "decided_by": self.decided_by,
                "expires": self.expires.isoformat(), "path": self.path}

    def to_json(self) -> dict:
        return {"rule": self.rule, **self.info(), "where": self.where}


@dataclass
class Config:
    path: Path | None = None
    packs: list[str] = field(default_factory=list)  # resolved pack files or bundled ids
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    doc_types: list[tuple[str, str]] = field(default_factory=list)
    doc_langs: list[tuple[str, str]] = field(default_factory=list)
    as_of: dt.date | None = None
    fail_on: str | None = None
    lang: str | None = None
    enable: list[str] = field(default_factory=list)
    disable: list[str] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)
    _node: yaml.Node | None = None

    def where(self, key_path: str) -> str:
        """'file:line' of a key path such as 'waivers[2].rule'."""
        line = _line_of(self._node, _parts(key_path)) if self._node is not None else None
        return f"{self.path}:{line or 1}"


# --- finding and reading ------------------------------------------------------------------------


def find_config(start: Path) -> Path | None:
    """The nearest govcheck.yaml in the folder of `start` or any folder above it, up to the root."""
    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def _date(value: str, where: str, key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{where}: {key}: {value!r} is not a valid date (YYYY-MM-DD)") from None


def load_config(path: Path) -> Config:
    """Read and validate a config file; ConfigError names file, line and key on any problem."""
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: {size} bytes is larger than the {MAX_CONFIG_BYTES} byte limit")
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        for event in yaml.parse(text, Loader=_PackLoader):
            if isinstance(event, yaml.AliasEvent):
                raise ConfigError(f"{path}:{event.start_mark.line + 1}: YAML aliases (*name) are not allowed")
        node = yaml.compose(text, Loader=_PackLoader)
        data = yaml.load(text, Loader=_PackLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        data = {}  # an empty file (or only comments) means all defaults
    cfg = Config(path=path, _node=node)

    validator = jsonschema.Draft202012Validator(schema("config.schema.json"))
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        err = errors[0]
        key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path).lstrip(".")
        message = err.message
        if err.validator == "additionalProperties":
            unexpected = re.findall(r"'([^']+)' was unexpected", err.message)
            if unexpected:
                key = f"{key}.{unexpected[0]}".lstrip(".")
                message = f"unknown key {unexpected[0]!r}"
        elif err.validator == "pattern" and key.endswith(("as_of", "expires")):
            message = f"{err.instance!r} is not a valid date (YYYY-MM-DD)"
        elif err.validator in ("pattern", "minLength") and err.validator_value in ("\\S", 1):
            message = "must not be blank"
        raise ConfigError(f"{cfg.where(key)}: {key or '(top)'}: {message}")
    assert isinstance(data, dict)

    base = path.resolve().parent
    for i, name in enumerate(data.get("packs", [])):
        candidate = base / name
        if candidate.is_file():
            cfg.packs.append(str(candidate))
            continue
        try:
            cfg.packs.append(str(resolve_pack(name)))
        except RuleError:
            raise ConfigError(f"{cfg.where(f'packs[{i}]')}: packs[{i}]: {name!r} is neither a pack file "
                              f"(relative to {path.name}) nor a bundled pack id") from None
    cfg.include = list(data.get("include", []))
    cfg.exclude = list(data.get("exclude", []))
    cfg.doc_types = list(data.get("doc_types", {}).items())
    cfg.doc_langs = list(data.get("doc_langs", {}).items())
    if "as_of" in data:
        cfg.as_of = _date(data["as_of"], cfg.where("as_of"), "as_of")
    cfg.fail_on = data.get("fail_on")
    cfg.lang = data.get("lang")
    cfg.enable = list(data.get("rules", {}).get("enable", []))
    cfg.disable = list(data.get("rules", {}).get("disable", []))
    for i, w in enumerate(data.get("waivers", [])):
        at = cfg.where(f"waivers[{i}]")
        cfg.waivers.append(Waiver(
            rule=w["rule"], path=w["path"], justification=w["justification"].strip(),
            decided_by=w["decided_by"].strip(),
            expires=_date(w["expires"], cfg.where(f"waivers[{i}].expires"), f"waivers[{i}].expires"), where=at,
        ))
    return cfg


# --- rules ----------------------------------------------------------------------------------------


def check_rule_ids(cfg: Config, packs: list[Pack]) -> None:
    """Every rule the config names must exist in the loaded packs: a typo must not disable nothing."""
    known = {r.id for p in packs for r in p.rules}
    named = [(f"rules.enable[{i}]", r) for i, r in enumerate(cfg.enable)]
    named += [(f"rules.disable[{i}]", r) for i, r in enumerate(cfg.disable)]
    named += [(f"waivers[{i}].rule", w.rule) for i, w in enumerate(cfg.waivers)]
    for key, rule in named:
        if rule not in known:
            packs_text = ", ".join(p.id for p in packs)
            raise ConfigError(f"{cfg.where(key)}: {key}: unknown rule {rule!r} (not in the loaded packs: "
                              f"{packs_text}; see `govcheck rules list`)")


def select_rules(packs: list[Pack], enable: list[str], disable: list[str]) -> list[Pack]:
    """Packs with only the rules that should run: `enable` (if any) keeps, `disable` drops."""
    out = []
    for p in packs:
        rules = [r for r in p.rules if (not enable or r.id in enable) and r.id not in disable]
        out.append(replace(p, rules=rules))
    return out


def keep_rules(report: ScanReport, rule_ids: set[str]) -> ScanReport:
    """The report restricted to these rules (worker processes reload full packs, so results are
    filtered again after the scan)."""
    docs = [keep_document_rules(d, rule_ids) for d in report.documents]
    return replace(report, rules=[r for r in report.rules if r.id in rule_ids], documents=docs)


def keep_document_rules(doc: DocumentResult, rule_ids: set[str]) -> DocumentResult:
    """One document's results restricted to these rules (the streaming scan filters result by result)."""
    return replace(doc, results=[r for r in doc.results if r.rule in rule_ids])


# --- waivers --------------------------------------------------------------------------------------


def expired_waivers(waivers: list[Waiver], as_of: dt.date) -> list[Waiver]:
    return [w for w in waivers if w.expires < as_of]


def _candidates(rel: str, roots: list[str], base: Path | None) -> set[str]:
    """The names a document can be matched by: its report path, its file name, and its path
    relative to the config file's folder (so waivers can be written from the repository root)."""
    out = {rel, rel.rsplit("/", 1)[-1]}
    if base is not None:
        for root in roots:
            r = Path(root).resolve()
            for p in (r / rel, r) if r.name == rel.rsplit("/", 1)[-1] else (r / rel,):
                if p.is_relative_to(base):
                    out.add(p.relative_to(base).as_posix())
    return out


def apply_waivers(report: ScanReport, waivers: list[Waiver], as_of: dt.date, base: Path | None = None) -> ScanReport:
    """A copy of the report where gap cells matching an unexpired waiver carry the waiver.

    The outcome is kept: a waiver records an accepted gap, it does not close it."""
    live = [w for w in waivers if w.expires >= as_of]
    if not live:
        return report
    return replace(report, documents=[waive_document(d, live, report.roots, base) for d in report.documents])


def waive_document(doc: DocumentResult, live: list[Waiver], roots: list[str], base: Path | None) -> DocumentResult:
    """One document with the unexpired waivers `live` applied to its gap cells (see apply_waivers); the
    streaming scan applies it to each result before the result is written."""
    if not live:
        return doc
    names = _candidates(doc.path, roots, base)
    results = []
    for r in doc.results:
        w = next((w for w in live if w.rule == r.rule and r.outcome in WAIVABLE
                  and any(fnmatch(n, w.path) for n in names)), None)
        results.append(replace(r, waived=w.info()) if w else r)
    return replace(doc, results=results)


# --- init -----------------------------------------------------------------------------------------

STARTER = """\
# govcheck configuration. `govcheck scan PATH` finds this file by walking up from PATH;
# command-line options override every key. Reference: schemas/config.schema.json.

# Rule packs: bundled ids (`govcheck rules list`) or YAML files relative to this file.
packs:
  - policy-basics

# Which files to scan (globs on paths relative to the scanned folder).
include:
  - "*.md"
  - "*.docx"
  - "*.pdf"
exclude:
  - "README.md"
  - "CHANGELOG.md"

# Override the detected document type or language per glob.
# doc_types:
#   "procedures/*.md": routine
# doc_langs:
#   "en/*": en

# Exit 1 when a cell is at or above this outcome: never | partial | not_met.
fail_on: not_met

# Report language (sv | en); default: the documents' language.
# lang: en

# Judge review dates at a fixed date instead of today (reproducible reports).
# as_of: 2026-01-31

# Run only some rules, or drop some (unknown rule ids are an error).
# rules:
#   enable: [owner, approved-by, review-date]
#   disable: [version-history]

# Agreed exceptions. A matching cell keeps its outcome, is marked waived in every report and does
# not fail the scan until `expires`; after that it counts again and is reported as expired.
waivers: []
#  - rule: version-history
#    path: "policies/legacy-*.md"
#    justification: Legacy policies are replaced by the new handbook this year.
#    decided_by: Governance committee, minutes 2026-03-04 § 7
#    expires: 2026-12-31
"""
