"""The HTML report: one self-contained file an auditor can open, filter, click through and print.

Everything is inline (CSS, script, no fonts or images) so the file works offline, from an e-mail
attachment or a CI artifact, and never calls home. A Content-Security-Policy with hashes of exactly
our style and script blocks backs that up: the page may load nothing, and if escaping ever failed,
text injected by a document could still not run as script.

Documents are hostile input: all document text goes through html.escape, and the script only ever
moves already-escaped elements around (cloneNode), never builds HTML from strings.

Layout: scope, the matrix with filters (outcome / rule / document type / review), a side panel that
shows the clicked cell's evidence, the set-level judgement, then the evidence per document (which is
also what the panel clones, and what gets printed).

Review mode (a second inline script, with its own CSP hash): an auditor clicks a cell, reads the
evidence, picks an outcome and writes a reason, name and date; "Export verdicts" downloads a
govcheck-judgements.yaml for `govcheck scan` - the verdicts already in force (embedded as a JSON data
block) with the new ones in their place. Each matrix row carries its document's sha256, so a verdict
is bound to the version the auditor read. No server. What the auditor chose is kept in the browser's
localStorage under the report's identity (a digest of its documents' paths and sha256: the same
documents scanned again give the same identity, an edited one a new one), so a reload or a closed tab
loses no work; it is restored on opening, shown with a count and a "Clear" button, and dropped by
itself once the exported file is in force (a change equal to the verdict the report was written with).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from typing import TYPE_CHECKING

from govcheck.model import DocumentResult, RuleInfo, RuleResult, ScanReport
from govcheck.report import ReportOptions
from govcheck.report import common as c

if TYPE_CHECKING:
    from govcheck.judgements import JudgementRun

CSS = """
:root { --met:#1a7f37; --partial:#b7791f; --not_met:#c53030; --cannot_assess:#6b46c1; --not_applicable:#718096; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; padding: 1rem 2rem;
       max-width: 1400px; color: #1a202c; }
[hidden] { display: none !important; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #e2e8f0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
#filters { display: flex; flex-wrap: wrap; gap: 1rem; align-items: end; margin: .5rem 0 1rem; }
#filters label { display: flex; flex-direction: column; font-size: .85rem; }
.wrap { overflow-x: auto; }
table { border-collapse: collapse; }
th, td { border: 1px solid #e2e8f0; padding: .25rem .45rem; text-align: left; vertical-align: top; }
thead th { background: #f7fafc; position: sticky; top: 0; }
#matrix td.cell { text-align: center; cursor: pointer; font-size: 1.1rem; min-width: 2rem; }
#matrix td.cell:hover, #matrix td.cell:focus { outline: 2px solid #2b6cb0; }
#matrix td.cell.selected { background: #ebf8ff; }
#matrix td.cell.off { visibility: hidden; }
.o-met { color: var(--met); } .o-partial { color: var(--partial); } .o-not_met { color: var(--not_met); }
.o-cannot_assess { color: var(--cannot_assess); } .o-not_applicable { color: var(--not_applicable); }
.waived, .mark { font-size: .8em; vertical-align: super; }
.mark.review { color: #b7791f; } .mark.judged { color: #2b6cb0; }
.review-note { background: #fffbea; border-left: 3px solid #b7791f; padding: .2rem .6rem; }
.judged-note { background: #ebf8ff; border-left: 3px solid #2b6cb0; padding: .2rem .6rem; }
ul.facets { list-style: none; padding-left: .5rem; } ul.facets .yes { color: var(--met); }
ul.facets .no { color: var(--not_met); }
#verdict { border-top: 1px solid #cbd5e0; margin-top: .8rem; padding-top: .4rem; }
#verdict label { display: flex; flex-direction: column; font-size: .85rem; margin: .3rem 0; }
#review-mode[aria-pressed="true"] { background: #2b6cb0; color: #fff; }
#drafts { background: #ebf8ff; border-left: 3px solid #2b6cb0; padding: .3rem .6rem; }
#panel { position: fixed; right: 1rem; top: 1rem; bottom: 1rem; width: min(32rem, 45vw); overflow-y: auto;
         background: #fff; border: 1px solid #cbd5e0; border-radius: 6px; padding: 1rem;
         box-shadow: 0 4px 18px rgba(0,0,0,.18); }
#panel .docname { display: block; }
#close { float: right; }
.detail { border-left: 4px solid #e2e8f0; padding: .1rem .8rem; margin: .6rem 0; }
.detail.o-met { border-color: var(--met); } .detail.o-partial { border-color: var(--partial); }
.detail.o-not_met { border-color: var(--not_met); } .detail.o-cannot_assess { border-color: var(--cannot_assess); }
.detail h4 { margin: .3rem 0; color: #1a202c; } .detail .docname { display: none; color: #4a5568; }
.detail, .detail p, .detail blockquote { color: #1a202c; }
blockquote { margin: .4rem 0; padding: .2rem .8rem; background: #f7fafc; border-radius: 4px; }
.where { color: #4a5568; font-size: .85rem; }
.verdict { font-weight: 600; }
ol.criteria { columns: 2; font-size: .9rem; } ol.criteria code { color: #4a5568; }
.found { color: var(--met); font-weight: 600; } .missing { color: var(--not_met); font-weight: 600; }
@media print {
  body { padding: 0; max-width: none; font-size: 10pt; }
  #filters, #panel, .hint, #drafts { display: none !important; }
  #matrix td.cell { font-size: 9pt; min-width: 0; }
  thead th { position: static; }
  .detail.o-met, .detail.o-not_applicable { display: none; }
  section.doc { break-inside: avoid-page; }
  a { color: inherit; text-decoration: none; }
}
"""

JS = """
(() => {
  const $ = (sel, el = document) => el.querySelector(sel);
  const $$ = (sel, el = document) => Array.from(el.querySelectorAll(sel));
  const outcome = $('#f-outcome'), rule = $('#f-rule'), type = $('#f-type'), review = $('#f-review');
  const panel = $('#panel'), body = $('#panel-body'), count = $('#f-count');
  const wantedOutcome = (o) => !outcome.value || (outcome.value === 'gaps' ? (o === 'partial' || o === 'not_met')
                                                                          : o === outcome.value);
  const wanted = (el) => wantedOutcome(el.dataset.outcome) && (!review.value || el.dataset[review.value] === '1');
  function apply() {
    const r = rule.value, t = type.value;
    $$('#matrix [data-rule]').forEach((el) => { el.hidden = Boolean(r) && el.dataset.rule !== r; });
    let shown = 0;
    $$('#matrix tbody tr').forEach((row) => {
      let any = false;
      $$('td.cell', row).forEach((cell) => {
        const ok = wanted(cell);
        cell.classList.toggle('off', !ok);
        if (ok && !cell.hidden) any = true;
      });
      row.hidden = !any || (Boolean(t) && row.dataset.type !== t);
      if (!row.hidden) shown += 1;
    });
    $$('.detail').forEach((d) => {
      d.hidden = !wanted(d) || (Boolean(r) && d.dataset.rule && d.dataset.rule !== r)
                 || (Boolean(t) && d.dataset.type !== t);
    });
    count.textContent = String(shown);
  }
  function show(cell) {
    const src = document.getElementById(cell.dataset.target);
    if (!src) return;
    const copy = src.cloneNode(true);
    copy.removeAttribute('id');
    copy.hidden = false;
    body.replaceChildren(copy);
    $$('#matrix td.selected').forEach((el) => el.classList.remove('selected'));
    cell.classList.add('selected');
    panel.hidden = false;
  }
  $('#matrix').addEventListener('click', (ev) => {
    const cell = ev.target.closest('td.cell');
    if (cell) show(cell);
  });
  $('#matrix').addEventListener('keydown', (ev) => {
    const cell = ev.target.closest('td.cell');
    if (cell && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); show(cell); }
  });
  $('#close').addEventListener('click', () => { panel.hidden = true; });
  document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') panel.hidden = true; });
  [outcome, rule, type, review].forEach((el) => el.addEventListener('change', apply));
  apply();
})();
"""


REVIEW_JS = """
(() => {
  const $ = (sel) => document.querySelector(sel);
  const $$ = (sel, el = document) => Array.from(el.querySelectorAll(sel));
  const matrix = $('#matrix');
  const toggle = $('#review-mode'), exportBtn = $('#export'), box = $('#verdict');
  const counts = $$('.v-count');
  const setCount = () => counts.forEach((el) => { el.textContent = String(verdicts.size); });
  const outcome = $('#v-outcome'), reason = $('#v-reason'), quote = $('#v-quote'), by = $('#v-by');
  const date = $('#v-date'), status = $('#v-status');
  const banner = $('#drafts'), draftCount = $('#drafts-count');
  const key = (path, rule) => path + '\\u0000' + rule;
  // The verdicts in force when the report was written, and the ones as the auditor has them now.
  const embedded = new Map();
  JSON.parse($('#gc-verdicts').textContent).forEach((v) => embedded.set(key(v.path, v.rule), v));
  const verdicts = new Map(embedded);
  // What the auditor changed here (a verdict, or null for one taken away), kept in localStorage under
  // the report's identity (its documents' paths and sha256), so a reload or a closed tab loses nothing.
  const changes = new Map();
  const storeKey = 'govcheck-review:' + (matrix.dataset.report || '');
  const FIELDS = ['path', 'rule', 'outcome', 'reason', 'by', 'date', 'page', 'quote', 'tool_outcome', 'sha256'];
  const same = (a, b) => (!a && !b) || (Boolean(a) && Boolean(b)
    && FIELDS.every((f) => String(a[f] ?? '') === String(b[f] ?? '')));
  const cellFor = (path, rule) => {
    const row = $$('tbody tr', matrix).find((r) => r.dataset.path === path);
    return row ? $$('td.cell', row).find((c) => c.dataset.rule === rule) || null : null;
  };
  let current = null;
  const on = () => toggle.getAttribute('aria-pressed') === 'true';
  const today = () => {
    const d = new Date();
    return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
  };
  try { by.value = localStorage.getItem('govcheck-auditor') || ''; } catch (e) { /* storage may be off */ }
  function mark(cell, yes) {
    let m = cell.querySelector('.pending');
    if (yes && !m) {
      m = document.createElement('span');
      m.className = 'mark judged pending';
      m.textContent = '\u270e';
      cell.appendChild(m);
    }
    if (!yes && m) m.remove();
  }
  function showDrafts() {
    banner.hidden = changes.size === 0;
    draftCount.textContent = String(changes.size);
    setCount();
  }
  function persist() {
    try {
      if (changes.size) {
        localStorage.setItem(storeKey, JSON.stringify({ version: 1, changes: Array.from(changes.entries()) }));
      } else {
        localStorage.removeItem(storeKey);
      }
    } catch (e) { /* storage off or full: the verdicts stay until the page is closed; export keeps them */ }
    showDrafts();
  }
  function restore() {
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(storeKey) || 'null'); } catch (e) { saved = null; }
    if (!saved || !Array.isArray(saved.changes)) return;
    saved.changes.forEach((entry) => {
      if (!Array.isArray(entry) || entry.length !== 2) return;
      const [k, v] = entry;
      const [path, rule] = String(k).split('\\u0000');
      const cell = cellFor(path, rule);
      if (!cell || same(v, embedded.get(k))) return;  // not in this report, or in force already
      changes.set(k, v);
      if (v) { verdicts.set(k, v); mark(cell, true); } else { verdicts.delete(k); }
    });
    // What is in force by now (exported, saved and scanned again) needs keeping no longer; a load that drops nothing
    // writes nothing (each reload once wrote the same drafts back, and under load Chromium could apply such a write
    // from a page already gone after a newer one, bringing back drafts chosen since)
    if (changes.size !== saved.changes.length) persist(); else showDrafts();
  }
  function open(cell) {
    if (!on()) return;
    const row = cell.closest('tr');
    current = { path: row.dataset.path, sha256: row.dataset.sha, rule: cell.dataset.rule,
                tool: cell.dataset.tool, cell };
    const v = verdicts.get(key(current.path, current.rule));
    outcome.value = v ? v.outcome : '';
    reason.value = v ? v.reason : '';
    quote.value = v && v.quote ? v.quote : '';
    if (v && !by.value) by.value = v.by;
    date.value = v && changes.has(key(current.path, current.rule)) ? v.date : today();
    status.textContent = current.sha256 ? '' : box.dataset.nosha;
    box.hidden = false;
  }
  matrix.addEventListener('click', (ev) => {
    const cell = ev.target.closest('td.cell');
    if (cell) open(cell);
  });
  matrix.addEventListener('keydown', (ev) => {
    const cell = ev.target.closest('td.cell');
    if (cell && (ev.key === 'Enter' || ev.key === ' ')) open(cell);
  });
  toggle.addEventListener('click', () => {
    const now = !on();
    toggle.setAttribute('aria-pressed', String(now));
    exportBtn.hidden = !now;
    if (!now) box.hidden = true;
  });
  $('#v-save').addEventListener('click', () => {
    if (!current || !current.sha256) { status.textContent = box.dataset.nosha; return; }
    const k = key(current.path, current.rule);
    let v = null;
    if (outcome.value) {
      if (!reason.value.trim() || !by.value.trim() || !/^\\d{4}-\\d{2}-\\d{2}$/.test(date.value)) {
        status.textContent = box.dataset.incomplete;
        return;
      }
      v = { path: current.path, rule: current.rule, outcome: outcome.value, reason: reason.value.trim(),
            by: by.value.trim(), date: date.value, tool_outcome: current.tool, sha256: current.sha256 };
      if (quote.value.trim()) v.quote = quote.value.trim();
      try { localStorage.setItem('govcheck-auditor', v.by); } catch (e) { /* storage may be off */ }
    }
    if (v) verdicts.set(k, v); else verdicts.delete(k);
    if (same(v, embedded.get(k))) changes.delete(k); else changes.set(k, v);
    mark(current.cell, changes.has(k) && Boolean(v));
    persist();
    status.textContent = box.dataset.saved;
  });
  $('#clear-drafts').addEventListener('click', () => {
    if (!window.confirm(banner.dataset.confirm)) return;
    changes.forEach((v, k) => {
      const [path, rule] = k.split('\\u0000');
      const cell = cellFor(path, rule);
      if (cell) mark(cell, false);
      if (embedded.has(k)) verdicts.set(k, embedded.get(k)); else verdicts.delete(k);
    });
    changes.clear();
    persist();
    box.hidden = true;
  });
  const q = (s) => JSON.stringify(String(s));
  function download() {
    const lines = ['# govcheck judgements: auditors\\' verdicts, exported from the HTML report.',
                   '# Save beside govcheck.yaml as govcheck-judgements.yaml, or pass --judgements FILE.',
                   'version: 1', verdicts.size ? 'judgements:' : 'judgements: []'];
    verdicts.forEach((v) => {
      lines.push('  - path: ' + q(v.path));
      FIELDS.slice(1).forEach((f) => {
        if (v[f] === undefined || v[f] === null || v[f] === '') return;
        lines.push('    ' + f + ': ' + (typeof v[f] === 'number' ? String(v[f]) : q(v[f])));
      });
    });
    const blob = new Blob([lines.join('\\n') + '\\n'], { type: 'application/x-yaml' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'govcheck-judgements.yaml';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  }
  [exportBtn, $('#export-panel'), $('#export-drafts')].forEach((el) => el.addEventListener('click', download));
  restore();
  setCount();
})();
"""


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


CSP = (f"default-src 'none'; style-src {_csp_hash(CSS)}; script-src {_csp_hash(JS)} {_csp_hash(REVIEW_JS)}; "
       "base-uri 'none'; form-action 'none'")


def e(text: object) -> str:
    """Escape for element content and quoted attribute values alike."""
    return html.escape(str(text), quote=True)


def write(report: ScanReport, options: ReportOptions | None = None) -> str:
    options = options or ReportOptions()
    lang = c.report_lang(report, options)
    w = c.WORDS[lang]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(w['title'])}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(w['title'])}</h1>",
        _facts(c.scope(report, options, lang)),
        _matrix(report, lang, getattr(options.judgements, "digests", None)),
        _set_level(report, lang),
        _details(report, lang),
        _unreadable(report, lang),
        _expired(options.expired_waivers, lang),
        _unapplied(options.judgements, lang),
        _verdicts_data(options.judgements),
        f"<script>{JS}</script>",
        f"<script>{REVIEW_JS}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def _facts(rows: list[tuple[str, str, str]]) -> str:
    items = "".join(f'<dt>{e(name)}</dt><dd class="{e(key)}">{e(value)}</dd>' for key, name, value in rows)
    return f'<dl class="facts">{items}</dl>'


def _options(pairs: list[tuple[str, str]], all_label: str) -> str:
    return f'<option value="">{e(all_label)}</option>' + "".join(
        f'<option value="{e(v)}">{e(t)}</option>' for v, t in pairs)


def report_identity(report: ScanReport, digests: dict[str, str] | None) -> str:
    """What the review mode keeps an auditor's unexported verdicts under: the documents' paths and
    sha256, in order. The same documents give the same identity whatever the rule pack, options or date
    (a verdict is bound to content and rule, not to a run); an edited, added or removed document gives
    a new one, so verdicts chosen on other text never come back."""
    digests = digests or {}
    listing = json.dumps([[d.path, digests.get(d.path, "")] for d in report.documents], ensure_ascii=False)
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()[:32]


def _matrix(report: ScanReport, lang: str, digests: dict[str, str] | None = None) -> str:
    w = c.WORDS[lang]
    rv = REVIEW_WORDS[lang]
    outcomes = [("gaps", w["gaps_only"]), *[(o, c.label(o, lang)) for o in c.SYMBOLS]]
    rules = [(r.id, f"{i}. {c.pick(r.title, lang)}") for i, r in enumerate(report.rules, 1)]
    types = sorted({d.doc_type for d in report.documents if d.doc_type})
    filters = (
        f'<form id="filters" role="search" aria-label="{e(w["filter"])}">'
        f'<label>{e(w["outcome"])}<select id="f-outcome">{_options(outcomes, w["all"])}</select></label>'
        f'<label>{e(w["rule"])}<select id="f-rule">{_options(rules, w["all"])}</select></label>'
        f'<label>{e(w["type"])}<select id="f-type">'
        f'{_options([(t, c.doc_type_label(t, lang)) for t in types], w["all"])}</select></label>'
        f'<label>{e(c.TEXT[lang]["review"].capitalize())}<select id="f-review">'
        f'{_options([("review", c.TEXT[lang]["needs_review"]), ("judged", c.TEXT[lang]["judged"])], w["all"])}'
        f'</select></label>'
        f'<span><span id="f-count">{len(report.documents)}</span> / {len(report.documents)} '
        f'{e(w["documents"].lower())} {e(w["shown"])}</span>'
        f'<button type="button" id="review-mode" aria-pressed="false">{e(rv["mode"])}</button>'
        f'<button type="button" id="export" hidden>{e(rv["export"])} (<span class="v-count">0</span>)</button>'
        "</form>"
        f'<p id="drafts" hidden role="status" data-confirm="{e(rv["confirm_clear"])}">{c.JUDGED_MARK} '
        f'{e(rv["drafts"])}: <span id="drafts-count">0</span>. {e(rv["drafts_note"])} '
        f'<button type="button" id="export-drafts">{e(rv["export"])}</button> '
        f'<button type="button" id="clear-drafts">{e(rv["clear"])}</button></p>'
    )
    legend = " · ".join(f'<span class="o-{o}">{s}</span> {e(c.label(o, lang))}' for o, s in c.SYMBOLS.items())
    legend += f" · {c.WAIVED_MARK} {e(c.TEXT[lang]['waived'])}"
    legend += (f' · <span class="mark review">{c.REVIEW_MARK}</span> {e(c.TEXT[lang]["needs_review"])}'
               f' · <span class="mark judged">{c.JUDGED_MARK}</span> {e(c.TEXT[lang]["judged"])}')
    head = "".join(f'<th data-rule="{e(r.id)}" title="{e(c.pick(r.title, lang))}">{i}</th>'
                   for i, r in enumerate(report.rules, 1))
    rows = "\n".join(_matrix_row(n, doc, report.rules, lang, (digests or {}).get(doc.path, ""))
                     for n, doc in enumerate(report.documents))
    criteria = "".join(f"<li>{e(c.pick(r.title, lang))} <code>{e(r.id)}</code></li>" for r in report.rules)
    return (
        f'<section id="matrix-section"><h2>{e(w["matrix"])}</h2>{filters}'
        f'<p class="legend">{e(w["legend"])}: {legend}</p><p class="hint">{e(w["click_hint"])}</p>'
        f'<div class="wrap"><table id="matrix" data-report="{report_identity(report, digests)}">'
        f'<thead><tr><th>{e(w["doc"])}</th><th>{e(w["type"])}</th>{head}'
        f"</tr></thead><tbody>\n{rows}\n</tbody></table></div>"
        f'<h3>{e(w["criteria"])}</h3><ol class="criteria">{criteria}</ol>'
        f'<aside id="panel" hidden aria-live="polite"><button type="button" id="close">{e(w["close"])}</button>'
        f'<div id="panel-body"></div>{_verdict_form(lang)}</aside></section>'
    )


def _matrix_row(n: int, doc: DocumentResult, rules: list[RuleInfo], lang: str, sha: str = "") -> str:
    by_rule = c.cells(doc)
    tds = []
    for j, rule in enumerate(rules):
        res = by_rule.get(rule.id)
        outcome = res.outcome if res else "cannot_assess"
        target = f"d{n}-r{j}" if doc.status == "ok" else f"d{n}"
        mark = f'<span class="waived" title="{e(c.TEXT[lang]["waived"])}">{c.WAIVED_MARK}</span>' \
            if res is not None and res.waived is not None else ""
        mark = _review_mark(res, lang) + mark
        tds.append(
            f'<td class="cell o-{e(outcome)}" data-rule="{e(rule.id)}" data-outcome="{e(outcome)}" '
            f'{_flags(res)}data-tool="{e(_tool_outcome(res))}" data-target="{target}" tabindex="0" role="button" '
            f'title="{e(c.pick(rule.title, lang))}: {e(c.label(outcome, lang))}">'
            f"{c.SYMBOLS.get(outcome, '·')}{mark}</td>")
    return (f'<tr data-type="{e(doc.doc_type or "")}" data-status="{e(doc.status)}" data-path="{e(doc.path)}" '
            f'data-sha="{e(sha)}">'
            f'<th scope="row"><a href="#doc-{n}">{e(doc.path)}</a></th>'
            f"<td>{e(c.doc_type_label(doc.doc_type, lang))}</td>{''.join(tds)}</tr>")


REVIEW_WORDS = {
    "sv": {"mode": "Granskningsläge", "export": "Exportera bedömningar", "yours": "Din bedömning",
           "none": "– ingen (verktygets utfall gäller)", "reason": "Motivering",
           "quote": "Sida eller citat du stöder dig på",
           "by": "Namn", "date": "Datum", "save": "Spara bedömningen",
           "saved": "Sparad i den här webbläsaren. Exportera bedömningarna så att govcheck tillämpar dem.",
           "drafts": "Bedömningar gjorda i den här webbläsaren för denna rapport",
           "drafts_note": "De finns kvar när sidan laddas om, tills du rensar dem; exporten skriver dem till "
                          "bedömningsfilen.",
           "clear": "Rensa", "confirm_clear": "Glömma bedömningarna som gjorts i den här webbläsaren för denna "
                                             "rapport? Redan exporterade filer påverkas inte.",
           "incomplete": "Välj en bedömning och skriv motivering, namn och datum.",
           "nosha": "Dokumentets innehåll kunde inte fingeravtryckas; bedömningen kan inte bindas till det."},
    "en": {"mode": "Review mode", "export": "Export verdicts", "yours": "Your verdict",
           "none": "– none (the tool's outcome stands)", "reason": "Reason", "quote": "Page or quote you relied on",
           "by": "Name", "date": "Date", "save": "Save verdict",
           "saved": "Saved in this browser. Export the verdicts for govcheck to apply them.",
           "drafts": "Verdicts chosen in this browser for this report",
           "drafts_note": "They are kept across reloads until you clear them; export writes them to the judgements "
                          "file.",
           "clear": "Clear", "confirm_clear": "Forget the verdicts chosen in this browser for this report? Files "
                                             "already exported are not affected.",
           "incomplete": "Choose an outcome and write a reason, your name and the date.",
           "nosha": "The document's content could not be fingerprinted; a verdict cannot be bound to it."},
}


def _verdict_form(lang: str) -> str:
    """The review-mode form under the evidence in the panel (not a <form>: nothing is ever submitted)."""
    rv = REVIEW_WORDS[lang]
    options = f'<option value="">{e(rv["none"])}</option>' + "".join(
        f'<option value="{o}">{c.SYMBOLS[o]} {e(c.label(o, lang))}</option>' for o in c.SYMBOLS)
    return (f'<div id="verdict" hidden data-saved="{e(rv["saved"])}" data-incomplete="{e(rv["incomplete"])}" '
            f'data-nosha="{e(rv["nosha"])}"><h4>{c.JUDGED_MARK} {e(rv["yours"])}</h4>'
            f'<label>{e(c.WORDS[lang]["outcome"])}<select id="v-outcome">{options}</select></label>'
            f'<label>{e(rv["reason"])}<textarea id="v-reason" rows="3"></textarea></label>'
            f'<label>{e(rv["quote"])}<input id="v-quote" type="text"></label>'
            f'<label>{e(rv["by"])}<input id="v-by" type="text" autocomplete="name"></label>'
            f'<label>{e(rv["date"])}<input id="v-date" type="date"></label>'
            f'<button type="button" id="v-save">{e(rv["save"])}</button> '
            f'<button type="button" id="export-panel">{e(rv["export"])} (<span class="v-count">0</span>)</button>'
            '<p id="v-status" role="status"></p></div>')


def _verdicts_data(run: JudgementRun | None) -> str:
    """The verdicts file's entries as a JSON data block (never executed), so an export keeps them - a
    verdict that followed its document to a new path under that path, one superseded by the document's
    own verdict left out (JudgementRun.current_verdicts).

    '<' is escaped so no document text can close the block."""
    verdicts = [v.to_yaml() for v in (run.current_verdicts() if run is not None else [])]
    text = json.dumps(verdicts, ensure_ascii=False).replace("<", "\\u003c")
    return f'<script type="application/json" id="gc-verdicts">{text}</script>'


def _tool_outcome(res: RuleResult | None) -> str:
    if res is None:
        return "cannot_assess"
    return (res.tool_outcome or res.outcome) if res.judged_by is not None else res.outcome


def _review_mark(res: RuleResult | None, lang: str) -> str:
    """✎ when an auditor decided the cell, else ⚑ when the tool asks a person to check it."""
    if res is None:
        return ""
    if res.judged_by is not None:
        return f'<span class="mark judged" title="{e(c.TEXT[lang]["judged"])}">{c.JUDGED_MARK}</span>'
    if res.review:
        return f'<span class="mark review" title="{e(c.TEXT[lang]["needs_review"])}">{c.REVIEW_MARK}</span>'
    return ""


def _flags(res: RuleResult | None) -> str:
    """data-review / data-judged attributes the review filter reads (trailing space included)."""
    if res is None:
        return ""
    out = 'data-review="1" ' if res.review and res.judged_by is None else ""
    return out + ('data-judged="1" ' if res.judged_by is not None else "")


def _set_level(report: ScanReport, lang: str) -> str:
    w = c.WORDS[lang]
    items = []
    for rule in report.rules:
        text = e(c.set_judgement(rule, c.counts(report, rule.id), lang))
        waived = c.waived_count(report, rule.id)
        if waived:
            text += f" {c.WAIVED_MARK} {waived} {e(c.TEXT[lang]['waived'])}."
        items.append(f"<li>{text}</li>")
    out = f'<section id="set"><h2>{e(w["set"])}</h2><ul>{"".join(items)}</ul>'
    unreadable = sum(1 for d in report.documents if d.status != "ok")
    if unreadable:
        out += f"<p>{e(w['unreadable_note'].format(n=unreadable))}</p>"
    checks = c.set_checks(report, lang)
    if checks:
        rows = []
        for chk in checks:
            if chk.found:
                result, where = f'<span class="found">{e(w["found"])}</span>', chk.met_in
            else:
                result = f'<span class="missing">{e(w["missing"])}</span>'
                if chk.partial_in:
                    result += f" ({e(w['partly_in'].format(n=len(chk.partial_in)))})"
                where = chk.partial_in
            rows.append(f"<tr><td>{e(chk.title)}</td><td>{result}</td><td>{e(', '.join(where) or '–')}</td></tr>")
        out += (f'<h3>{e(w["checks"])}</h3><table id="checks"><thead><tr><th>{e(w["check"])}</th>'
                f'<th>{e(w["result"])}</th><th>{e(w["where"])}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return out + "</section>"


def _details(report: ScanReport, lang: str) -> str:
    """Every cell's evidence, grouped by document: what the panel shows and what gets printed."""
    w = c.WORDS[lang]
    rules = report.rules
    sections = []
    for n, doc in enumerate(report.documents):
        title = f'<p class="title"><em>{e(doc.title)}</em></p>' if doc.title else ""
        head = f'<section class="doc" id="doc-{n}"><h3>{e(doc.path)}</h3>{title}'
        docname = f'<strong class="docname">{e(doc.path)}{" — " + e(doc.title) if doc.title else ""}</strong>'
        if doc.status != "ok":
            sections.append(
                f'{head}<article class="detail o-cannot_assess" id="d{n}" data-outcome="cannot_assess" '
                f'data-type="{e(doc.doc_type or "")}">{docname}<h4>{e(c.label("cannot_assess", lang))}</h4>'
                f"<p>{e(w['reason'])}: {e(doc.reason or w['unknown'])}</p></article></section>")
            continue
        by_rule = c.cells(doc)
        articles = [_cell_detail(n, j, doc, rule, by_rule[rule.id], docname, lang)
                    for j, rule in enumerate(rules) if rule.id in by_rule]
        sections.append(f"{head}{_facts(c.document_facts(doc, lang))}{''.join(articles)}</section>")
    return f'<section id="details"><h2>{e(w["details"])}</h2>{"".join(sections)}</section>'


def _cell_detail(n: int, j: int, doc: DocumentResult, rule: RuleInfo, res: RuleResult, docname: str,
                 lang: str) -> str:
    """One cell in context: criterion, outcome, quotes with page/heading, message, recommendation."""
    t = c.TEXT[lang]
    parts = [docname, f'<h4>{e(c.pick(rule.title, lang))} — <span class="o-{e(res.outcome)}">'
                      f"{c.SYMBOLS.get(res.outcome, '·')} {e(c.label(res.outcome, lang))}</span></h4>"]
    if res.waived is not None:
        parts.append(f'<p class="waiver">{c.WAIVED_MARK} {e(c.waiver_text(res.waived, lang))}</p>')
    if res.judged_by is not None:
        parts.append(f'<p class="judged-note">{c.JUDGED_MARK} {e(c.judged_text(res, lang))}</p>')
    elif res.review:
        reasons = "".join(f"<li>{e(r)}</li>" for r in res.review_reasons)
        parts.append(f'<div class="review-note">{c.REVIEW_MARK} {e(t["needs_review"].capitalize())}'
                     + (f"<ul>{reasons}</ul>" if reasons else "") + "</div>")
    if res.evidence and rule.kind == "forbidden" and res.outcome == "not_met":
        parts.append(f"<p>{e(t['found_instead'])}:</p>")
    for ev in res.evidence:
        place = c.where(ev, lang)
        parts.append(f"<blockquote>“{e(ev.text)}”</blockquote>"
                     + (f'<p class="where">{e(place)}</p>' if place else ""))
    if res.facets:
        items = []
        for f in res.facets:
            quote = ""
            if f.evidence:
                place = c.where(f.evidence[0], lang)
                quote = f": “{e(f.evidence[0].text)}”" + (f' <span class="where">{e(place)}</span>' if place else "")
            sign = '<span class="yes">✓</span>' if f.found else '<span class="no">✗</span>'
            items.append(f'<li data-facet="{e(f.id)}">{sign} {e(c.facet_label(rule, f.id, lang))}{quote}</li>')
        parts.append(f'<p>{e(t["facets"])}:</p><ul class="facets">{"".join(items)}</ul>')
    note = c.cell_note(res, rule, doc, lang)
    if note:
        parts.append(f'<p class="message">{e(note)}</p>')
    recommendation = c.pick(rule.recommendation, lang)
    if recommendation and c.is_gap(res):
        parts.append(f'<p class="recommendation"><strong>{e(t["recommendation"])}:</strong> {e(recommendation)}</p>')
    return (f'<article class="detail o-{e(res.outcome)}" id="d{n}-r{j}" data-outcome="{e(res.outcome)}" '
            f'{_flags(res)}data-rule="{e(rule.id)}" data-type="{e(doc.doc_type or "")}">{"".join(parts)}</article>')


def _unreadable(report: ScanReport, lang: str) -> str:
    w = c.WORDS[lang]
    bad = [d for d in report.documents if d.status != "ok"]
    if not bad:
        return ""
    rows = "".join(f"<tr><td>{e(d.path)}</td><td>{e(d.reason or w['unknown'])}</td></tr>" for d in bad)
    return (f'<section id="unreadable"><h2>{e(w["unreadable"])}</h2><table><thead><tr><th>{e(w["doc"])}</th>'
            f'<th>{e(w["reason"])}</th></tr></thead><tbody>{rows}</tbody></table></section>')


def _unapplied(run: JudgementRun | None, lang: str) -> str:
    """Recorded verdicts that did not apply (stale, for a document that is gone, superseded after a
    move), and those that followed their document to a new path."""
    if run is None or not getattr(run, "entries", None):
        return ""
    words = c.VERDICT_FATE[lang]
    w = c.WORDS[lang]
    out = ""
    entries = run.unapplied()
    if entries:
        rows = "".join(
            f'<tr data-status="{x.status}"><td>{e(x.verdict.path)}</td><td><code>{e(x.verdict.rule)}</code></td>'
            f"<td>{e(c.label(x.verdict.outcome, lang))}</td><td>{e(x.verdict.by)}, {e(x.verdict.date)}</td>"
            f"<td>{e(c.verdict_fate(x, lang))}</td><td><code>{e(x.where)}</code></td></tr>" for x in entries)
        head = "".join(f"<th>{e(w[k])}</th>" for k in ("doc", "rule", "outcome", "decided_by", "reason", "defined_in"))
        out += (f'<section id="unapplied"><h2>{e(words["unapplied"])}</h2><p>{e(words["unapplied_note"])}</p>'
                f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>")
    followed = run.followed()
    if followed:
        rows = "".join(
            f'<tr data-status="moved"><td>{e(x.moved_to)}</td><td>{e(x.verdict.path)}</td>'
            f"<td><code>{e(x.verdict.rule)}</code></td><td>{e(c.label(x.verdict.outcome, lang))}</td>"
            f"<td>{e(x.verdict.by)}, {e(x.verdict.date)}</td><td><code>{e(x.where)}</code></td></tr>"
            for x in followed)
        head = "".join(f"<th>{e(t)}</th>" for t in (words["now"], words["judged_as"], w["rule"], w["outcome"],
                                                      w["decided_by"], w["defined_in"]))
        out += (f'<section id="followed"><h2>{e(words["followed"])}</h2><p>{e(words["followed_note"])}</p>'
                f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>")
    return out


def _expired(expired: tuple[dict, ...], lang: str) -> str:
    if not expired:
        return ""
    w = c.WORDS[lang]
    keys = ("rule", "path", "decided_by", "expires", "justification", "where")
    head = "".join(f"<th>{e(w['defined_in' if k == 'where' else k])}</th>" for k in keys)
    rows = "".join("<tr>" + "".join(f"<td>{e(x.get(k, ''))}</td>" for k in keys) + "</tr>" for x in expired)
    return (f'<section id="expired"><h2>{e(w["expired"])}</h2><p>{e(w["expired_note"])}</p>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></section>")
