"""The condition language of rule packs, compiled once and evaluated per document.

Every condition, evaluated on a document, yields hits: sentence index -> token spans. A condition
holds when it has hits; the hits are the evidence. Conditions (one operator key per mapping):

    find: SIGNAL | [terms] | {sv: [...], en: [...]}   sentences where a term matches
        polarity: positive (default) | any | negated  - a match in a clause with a negation or a
                  deferral ("reglerar inte", "beslutas senare", "will be agreed separately") is not
                  positive; a heading's positive match is dropped when the text under it denies
                  the same terms ("Uppföljning" over "Ingen uppföljning görs")
        unless: SIGNAL | [SIGNAL, ...] drop sentences where one of these also matches ("ersattes av")
        not_inside: SIGNAL | [SIGNAL, ...]  drop only the matches that lie inside a match of these: the
                  party a task goes to ("remiss till BUP") is not the one that takes it on, while the
                  subject of the same sentence ("Barnhälsovården ansvarar för ...") still counts
        in_section: SIGNAL             the heading path must match
        outside_section: SIGNAL | [SIGNAL, ...]   the heading path must match none of these
        in_table: true | header | first_column   only sentences of table cells (a row read with its
                                       headers), of a table's first row, or of its first column
        outside_column: SIGNAL | [SIGNAL, ...]   drop table cells whose column header matches one of
                                       these: "Fastställs av styrgruppen" under "Ansvarig" says who will
                                       answer for a task, not who decided the document
        stated: true                   only sentences of the text, not of headings, titles, running
                                       headers or footers: a heading names a topic ("Barnets perspektiv"),
                                       it applies nothing
    together: [cond, ...]  scope: clause | sentence | row | block | section | document   within: N
                           every part holds inside one unit (a table row is one unit with `row`;
                           `clause` is `row` where a sentence's parts must also share a clause, so
                           an agent in "innan skolsköterskan ombeds …" does not do the main verb)
    all: [cond, ...]       every part holds somewhere;  any: [...] at least one;  not: cond
    count: [cond, ...]  at_least: N     N distinct facets hold (who / when / what)
        at_least_for: {DOC_TYPE: N}    another number in documents of that type (a routine is itself the
                                       working procedure: one concrete part of the "how" shows it)
    date: on_or_after_as_of | before_as_of | any      sentences carrying such a date
      in_section: SIGNAL   only dates under a heading the signal matches
    sequence: N            N or more numbered steps in a row ("1. …", "2) …", "Steg 3 …", or items of a
                           numbered list whose format draws the number: Block.number): an ordered procedure
      in_section: SIGNAL   only steps under a heading the signal matches - and there also paragraphs
                           numbered "5.1 …", "5.2 …" (a procedure section's numbered paragraphs are its
                           steps; elsewhere they are an agreement's clauses)
    statute: TABLE  status: repealed | in_force | any  unless: SIGNAL
                           citations of the pack's statute table, judged at --as-of

Any condition may carry `facet: ID` (an id the rule declares under `facets:`): its hits are the
evidence that the document supplies that part of the criterion, shown to the auditor as a checklist.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import zip_longest

from govcheck.model import Block
from govcheck.rules.terms import Index, Span, Term, compile_term

Hits = dict[int, list[Span]]
SCOPES = ("clause", "sentence", "row", "block", "section", "document")
# Readings other than the pack's, for review flags: each asks whether the outcome would rise if one
# mechanism's judgement were looser.
READINGS: dict[str, dict[str, str]] = {
    # together: scope widened one step (clause -> row, sentence -> block, row and block -> section)
    "scope": {"en": "parts in the same section counted as together", "sv": "delar i samma avsnitt räknas som samlade"},
}
_WIDER = {"clause": "row", "sentence": "block", "row": "section", "block": "section", "section": "document",
          "document": "document"}
LABEL_KINDS = frozenset({"heading", "title", "header", "footer"})  # blocks that label text, not state it


class RuleError(Exception):
    """A rule pack problem: message names file, line and path."""


@dataclass
class Context:
    """What conditions see of one document."""

    index: Index
    blocks: list[Block]
    sentence_block: list[int]
    as_of: dt.date
    signals: dict[str, list[Term]]  # compiled for the document's language
    tables: dict[str, list[dict]]
    # (cues, window, exempt: matches of these are no cue - "no fewer than" bounds, it does not deny)
    negation: list[tuple[list[Term], int | None, list[Term]]] = field(default_factory=list)
    _cache: dict[int, Hits] = field(default_factory=dict)
    # Results of conditions with no `together` in them, which read the same in every reading: shared
    # with the variants, so a review reading recomputes only what a widened scope can change.
    _fixed: dict[int, Hits] = field(default_factory=dict)
    _clauses: dict[int, list[int]] = field(default_factory=dict)
    _agent_clauses: dict[int, list[int]] = field(default_factory=dict)
    # Per-document memos: every rule asks the same questions of the same sentences.
    _cues: list[tuple[dict[int, list[Span]], int | None]] | None = None
    _latest: dict[bool, dict[int, dt.date]] = field(default_factory=dict)
    _headings: tuple[dict[tuple[str, ...], int], Index] | None = None  # heading path -> row of one index
    _sections: dict[str, set[int]] = field(default_factory=dict)  # signal -> rows of the paths it matches
    _merged: dict[int, tuple[list[Term], Hits]] = field(default_factory=dict)
    # Per sentence: None (no negation cue) or clause -> True (a cue without a window covers the clause)
    # or [(window, cue starts ascending, running max of their ends, their ends)].
    _cue_clauses: dict[int, dict[int, object] | None] = field(default_factory=dict)
    _polarity: dict[int, tuple[list[Span], list[Span], list[Span]]] = field(default_factory=dict)
    _finds: dict[object, tuple[object, Hits]] = field(default_factory=dict)
    # A reading of the rules other than the pack's own (see READINGS): how the outcome would change
    # if a scope were widened. Review flags come from it.
    reading: frozenset[str] = frozenset()
    planned: str | None = None  # the pack's signal of what is still to be made (Pack.planned), for review
    doc_type: str | None = None  # the document's type, for a `count` whose number differs by type
    _empty: frozenset[int] | None = None
    _tables: dict[int, list[tuple[int, int, int]]] | None = None
    _all_tables: dict[int, list[tuple[int, int, int]]] | None = None
    _lead_ins: dict[int, int] | None = None  # block of a list item -> block of the sentence that leads into it
    _lead_items: dict[int, list[object]] | None = None  # lead-in block -> the units it shares with its items
    _unit_maps: dict[str, _Units] = field(default_factory=dict)  # scope -> sentence -> its units
    _steps: tuple[dict[int, int], list[tuple[int, list[int], bool]]] | None = None  # see `_steps`
    _asides: dict[int, list[int]] = field(default_factory=dict)  # sentence -> tokens inside asides
    # The context a variant was made from: what reads the same in every reading and is worked out on
    # first use (dates, steps, lead-ins, tables, empty headings) is asked of it, so that a variant made
    # before the base needed them does not work them out a second time.
    _base: Context | None = None

    def variant(self, reading: frozenset[str]) -> Context:
        """The same document under another reading. The memos of text searches are shared (the
        terms and their matches do not change); only the conditions' own results are recomputed."""
        other = Context(index=self.index, blocks=self.blocks, sentence_block=self.sentence_block,
                        as_of=self.as_of, signals=self.signals, tables=self.tables, negation=self.negation,
                        reading=reading, doc_type=self.doc_type)
        for name in ("_clauses", "_agent_clauses", "_sections", "_merged", "_cue_clauses", "_polarity",
                     "_finds", "_fixed", "_unit_maps", "_asides"):
            setattr(other, name, getattr(self, name))
        other._base = self._base or self
        other._cues, other._headings = self.cue_hits(), self._heading_index()
        return other

    def merged(self, terms: list[Term]) -> Hits:
        """The union of the terms' hits (`merge` order), once per document for each term list: many
        conditions look for the same signal."""
        entry = self._merged.get(id(terms))
        if entry is None or entry[0] is not terms:
            entry = self._merged[id(terms)] = (terms, merge(self.index.find_many(terms)))
        return entry[1]

    def _heading_index(self) -> tuple[dict[tuple[str, ...], int], Index]:
        """Each heading path of the document (joined by " / ") as one row of a single index: an index
        per path cost more to build than the finds in it."""
        if self._headings is None:
            rows: dict[tuple[str, ...], int] = {}
            texts: list[str] = []
            # The document's title, when one heading stands over all the others, is left out of the paths below
            # it: it names the document's topic, not the section's ("Student Attendance, Respiratory Health"
            # makes no section one about who attends; "Överenskommelse om hänvisning av barnfamiljer" none a
            # list of references)
            roots = {b.headings[0] for b in self.blocks if b.headings}
            title = next(iter(roots)) if len(roots) == 1 else None
            for b in self.blocks:
                if b.headings and b.headings not in rows:
                    path = b.headings[1:] if title is not None and len(b.headings) > 1 else b.headings
                    text = " / ".join(path)
                    if text:
                        rows[b.headings] = len(texts)
                        texts.append(text)
            self._headings = (rows, Index(texts, self.index.lang, self.index.lexicon))
        return self._headings

    def heading_row(self, si: int) -> int | None:
        """The row of the sentence's heading path (None: no heading above it)."""
        return self._heading_index()[0].get(self.blocks[self.sentence_block[si]].headings)

    def section_rows(self, signal: str) -> set[int]:
        """Rows of the heading paths where the signal matches (a find in one row is the find in that
        heading alone: the index searches sentence by sentence)."""
        found = self._sections.get(signal)
        if found is None:
            idx = self._heading_index()[1]
            # (find_many: the terms the headings' words rule out are skipped, not looked up one by one)
            found = self._sections[signal] = {r for hits in idx.find_many(self.signals.get(signal, [])) for r in hits}
        return found

    def _blank_labels(self) -> tuple[set[int], set[int]]:
        """A form's labels whose value is blank - "| Målgrupp | |" states no group, as "Beslutad av:" with nothing
        after it names no body (a short label in the first column, every other cell of its row empty) - and, as a
        second set, the label cells with the header cells of a table that is nothing but such a form: its
        "| Fält | Innehåll |" says nothing either. Both fill no heading above them."""
        labels: set[int] = set()
        quiet: set[int] = set()
        for cells in self.table_cells().values():
            if max(c for _, c, _ in cells) == 0:
                continue  # one column: no value cell to be blank
            rows: dict[int, list[tuple[int, int]]] = defaultdict(list)
            for r, c, bi in cells:
                rows[r].append((c, bi))
            blank_rows: set[int] = set()
            for r, row in rows.items():
                label = self.blocks[row[0][1]]
                # (a label that carries its value after a colon is filled: "| Fastställd: 2024-03-11 | |")
                # (the first row too: a form drawn as a table has no header row - "| Beslutad av | |" on top)
                if len(row) == 1 and row[0][0] == 0 and _blank_label_cell(label.text):
                    labels.add(label.index)
                    blank_rows.add(r)
            first = min(rows)
            if blank_rows and all(r in blank_rows for r in rows if r != first):
                quiet |= {bi for r, row in rows.items() for _, bi in row}
        # a table of one row whose only text is a short label in its first cell: a form's field drawn as a table of its
        # own, its value cell left empty ("## 4. Målgrupp" over "| Målgrupp | |" and nothing else)
        for cells in self._table_groups().values():
            if len(cells) == 1 and cells[0][1] == 0 and _blank_label_cell(self.blocks[cells[0][2]].text):
                labels.add(cells[0][2])
        return labels, quiet | labels

    def empty_headings(self) -> frozenset[int]:
        """Blocks of headings with no text under them: "1. Syfte" followed straight by the next
        section states no aim. A heading over subsections that have text is not empty."""
        if self._base is not None:
            return self._base.empty_headings()
        if self._empty is None:
            blank_labels, quiet = self._blank_labels()
            filled: set[tuple[str, ...]] = set()
            for b in self.blocks:
                # (a dash or dots alone under a heading is a placeholder, not text: "## 9. Avvikelser" over "–")
                # (nor a placeholder: "Avsnittet kompletteras.", "To be completed")
                # (nor a form left blank: "## 7. Informationsutbyte" over "| Fält | Innehåll |" and
                # "| Informationsutbyte | |")
                # (nor a template field left blank: "Sammankallande:" under "9. Sammankallande")
                if (b.kind not in LABEL_KINDS and b.headings and any(c.isalnum() for c in b.text)
                        and not _PLACEHOLDER.match(b.text) and not blank_field(b.text) and b.index not in quiet):
                    for n in range(1, len(b.headings) + 1):
                        filled.add(b.headings[:n])
            # a long "heading" is text set large (a slide's statement), not a label: it says what it says; so does a
            # label with its value after a colon ("Aim 1: Fewer school days lost", "Mål 2: Ingen väntar"), and a heading
            # written as a clause ("Tamariki are seen early")
            empty = {b.index for b in self.blocks if b.kind == "heading" and b.headings not in filled
                     and len(b.text.split()) <= 6 and not _LABELLED_HEADING.search(b.text)
                     and (not _CLAUSE_HEADING.search(b.text) or _QUESTION_HEADING.search(b.text))
                     and not _DATED_HEADING.search(b.text)}
            empty |= blank_labels
            self._empty = frozenset(empty)
        return self._empty

    def unit_map(self, scope: str) -> _Units:
        """Sentence -> `units(si, scope)`, each worked out once per document: `together` asks for the
        same sentences' units again for every part, rule and reading."""
        found = self._unit_maps.get(scope)
        if found is None:
            found = self._unit_maps[scope] = _Units(self, scope)
        return found

    def release(self) -> None:
        """Drop the unit maps, which refer back to this context (`_Units.ctx`): without that cycle the
        document's index, blocks and memos are freed by reference counting when the last context goes,
        not left for the cyclic collector to walk and free (2,400-19,000 objects a document on the
        benchmark sample; bench/RESULTS.md, seventeenth session). Only when no condition will be
        evaluated again in this context or its variants: they share the maps."""
        self._unit_maps.clear()

    def units(self, si: int, scope: str) -> list[object]:
        """The units a sentence belongs to. A table's header cell ("Ansvarig", "Målvärde") labels
        its whole column: in `row` scope it belongs to every row of its table, in `block` scope to
        every cell of its column, so a row is read with its column headers. A list's items go on
        the sentence that leads into them ("Disagreements are escalated in three steps:"), so in
        `sentence`, `row` and `block` scope an item shares a unit with its lead-in."""
        b = self.blocks[self.sentence_block[si]]
        if b.table and b.table[1] == 0 and scope in ("row", "block"):
            column = self.table_cells().get(b.table[0], [])
            if len(column) > 1 and len(b.text.split()) <= 5:
                if scope == "row":
                    return [("t", b.table[0], r) for r in {r for r, _, _ in column}]
                return [bi for _, c, bi in column if c == b.table[2]]
        if scope in ("sentence", "row", "block"):
            shared = self.lead_units(b.index, si)
            if shared:
                return [self.unit(si, scope), *shared]
        return [self.unit(si, scope)]

    def lead_units(self, block: int, si: int) -> list[object]:
        """The units a list item shares with its lead-in: one per item, and the lead-in holds them all.
        So "Samordnaren ska" reads with each item below it, but two items do not read as one sentence:
        the group convened in the first and the yearly report in the third are no meeting frequency.
        Of the lead-in paragraph only its last sentence leads in: in "This policy applies to all
        pupils. It sets out how we:" the first sentence is not read with "- promote mental health"."""
        lead = (self._lead_ins if self._lead_ins is not None else self.lead_ins()).get(block)
        if lead is None:
            return []
        if block != lead:
            return [("lead", lead, block)]
        if si + 1 < len(self.sentence_block) and self.sentence_block[si + 1] == block:
            return []  # not the lead-in's last sentence
        if self._base is not None:
            return self._base.lead_units(block, si)
        if self._lead_items is None:
            items: dict[int, list[object]] = defaultdict(list)
            for item, of in self.lead_ins().items():
                if item != of:
                    items[of].append(("lead", of, item))
            self._lead_items = dict(items)
        return self._lead_items.get(lead, [])

    def lead_ins(self) -> dict[int, int]:
        """Block -> the block whose text leads into it: a paragraph ending in a colon or a question
        mark ("Vad vill vi uppnå?"), or a short line with no full stop and no "Label:" ("Socialnämnden
        beslutar"), and the list items (or enumerated lines) that follow it under the same heading.
        The lead-in maps to itself."""
        if self._base is not None:
            return self._base.lead_ins()
        if self._lead_ins is None:
            found: dict[int, int] = {}
            lead: Block | None = None
            for b in self.blocks:
                if b.kind in ("header", "footer"):
                    continue
                if lead is not None and b.headings == lead.headings and not b.table and (
                        b.kind == "list-item" or _ITEM_START.match(b.text)):
                    found[b.index] = found[lead.index] = lead.index
                    continue
                # a paragraph, not an item ("- Beslutad av:" is a blank field of a list); a short line
                # leads in only when it is no "Label: value" field ("Fastställd: 2024-05-14")
                text = b.text.rstrip()
                # (and a statute-style lead-in whose modal waits for each item's verb: "The Department of
                # Health Services shall—", "Regionen ska")
                lead = b if b.kind == "paragraph" and (text.endswith((":", "?", "—", "–")) or (
                    len(text.split()) <= 4 and text[-1:] not in ".!?;," and ":" not in text) or (
                    text[-1:].isalpha() and text.rsplit(None, 1)[-1].casefold() in _WAITING_MODALS)) else None
            self._lead_ins = found
        return self._lead_ins

    def _table_groups(self) -> dict[int, list[tuple[int, int, int]]]:
        """Table number -> (row, column, block index) of its cells, every table, once per document."""
        if self._all_tables is None:
            self._all_tables = {}
            for b in self.blocks:
                if b.table:
                    self._all_tables.setdefault(b.table[0], []).append((b.table[1], b.table[2], b.index))
        return self._all_tables

    def table_cells(self) -> dict[int, list[tuple[int, int, int]]]:
        """The tables of more than one row (`_table_groups`), once per document."""
        if self._base is not None:
            return self._base.table_cells()
        if self._tables is None:
            self._tables = {t: cells for t, cells in self._table_groups().items() if len({r for r, _, _ in cells}) > 1}
        return self._tables

    def unit(self, si: int, scope: str) -> object:
        b = self.blocks[self.sentence_block[si]]
        if scope == "sentence":
            return si
        if scope == "row":
            return ("t", b.table[0], b.table[1]) if b.table else si
        if scope == "block":
            return b.index
        if scope == "section":
            return b.headings
        return 0

    def clause_ids(self, si: int) -> list[int]:
        """Clause number of each token: commas, semicolons, colons, brackets and 'men/but' split."""
        cached = self._clauses.get(si)
        if cached is not None:
            return cached
        text = self.index.sentences[si]
        ids, clause, prev_end, prev, prev2 = [], 0, 0, "", ""
        starts, ends = self.index.offsets(si)
        relative = False  # inside "som/that/which ..." (a relative clause)
        rel_verb = -1  # after its negation: auxiliaries still allowed (>0), the verb seen (0), none (-1)
        # the commas around a short aside ("obligations, if any, will be set out ...") split nothing
        asides = {i for m in _ASIDE.finditer(text) for i in (m.start(), m.end() - 1)} if "," in text else set()
        for w, s, e in zip(self.index.words[si], starts, ends, strict=True):
            brk = _CLAUSE_BREAK.search(text, prev_end, s)
            if brk and w in _APPOSITIVE and text[prev_end:s].strip() == ",":
                brk = None  # ", framför allt hur ...": the same clause, narrowed
            in_aside = False
            if brk and asides and brk.start() in asides and text[prev_end:s].strip() == ",":
                brk, in_aside = None, True  # neither the comma nor the aside's "if"/"where" opens a clause
            end_of_relative = False
            if rel_verb == 0:
                # "Samverkansproblem som gruppen inte kan lösa | lyfts till ledningsgruppen": the relative
                # clause ends with its negated verb; the next word is the main clause's verb
                end_of_relative, rel_verb = True, -1
            elif rel_verb > 0:
                # a determiner where the verb should be: "barn som inte har en SIP" has an object, not a
                # verb ending the clause - leave it whole
                rel_verb = rel_verb - 1 if w in _AUXILIARIES else (-1 if w in _DETERMINERS else 0)
            opens = w in _CLAUSE_WORDS and not in_aside
            if brk or opens or end_of_relative or (w in _CONTRAST_NOT and prev in _AND_OR):
                clause += 1
                relative = w in _RELATIVES
            elif relative and w in _REL_NEGATIONS:
                rel_verb = 2
            elif w in _CONTRAST_NOT and prev2 in _AND_OR and ids:
                # "lämnas över vid mötet och skickas inte med e-post", "and is not sent by email": a
                # second verb negated after "och"/"and" opens a clause of its own, verb included
                clause += 1
                ids[-1] = clause
            ids.append(clause)
            prev_end, prev2, prev = e, prev, w
        self._clauses[si] = ids
        return ids

    def agent_clause_ids(self, si: int) -> list[int]:
        """Clause number of each token for `scope: clause`: who does a task must stand in the task's
        clause. Subordinate clauses ("innan skolsköterskan ombeds …", "when the school nurse …")
        and brackets are clauses of their own; a subordinate clause ends at the next comma, where the
        clause it interrupted goes on ("X, when needed, convenes …"), unless ", och"/", and" opens a
        new main clause there. Commas alone do not split (a task and its agent are often a comma
        apart), nor do relative pronouns: in "the Health Authority, which records minutes" the
        antecedent does the task."""
        cached = self._agent_clauses.get(si)
        if cached is not None:
            return cached
        text = self.index.sentences[si]
        starts, ends = self.index.offsets(si)
        ids: list[int] = []
        stack: list[int] = []  # clauses interrupted by the current subordinate or bracketed one
        current = top = prev_end = 0
        words = self.index.words[si]
        opener, opened_at = "", 0  # the word that opened the innermost subordinate clause, and where
        for k, (w, s, e) in enumerate(zip(words, starts, ends, strict=True)):
            gap = text[prev_end:s]
            comma = "," in gap
            # after a comma, or (no comma) inside a clause opened by "before"/"until", which may have been a
            # preposition: "X circulates papers before each meeting and takes the minutes"
            if w in _COORDINATORS and (comma or (stack and opener in _ALSO_PREPOSITIONS)):
                phrase = words[opened_at + 1:k]
                if _shares_subject(words, k, self.index.lang) or (
                        not comma and phrase and phrase[0] in _PHRASE_OPENERS and len(phrase) <= 5
                        and _CLAUSE_AUXILIARIES.isdisjoint(phrase)):
                    # (and after "before each meeting", a phrase with no verb: "before" was a preposition, and
                    # "and records decisions" the main clause's subject's second verb)
                    # "..., and records the conversation": a second verb of the main clause's subject
                    current = stack[0] if stack else current
                    stack.clear()
                elif comma:
                    # ", och samtycket dokumenteras": a new main clause with a subject of its own
                    stack.clear()
                    top += 1
                    current = top
                if comma:
                    gap = ""
            for ch in gap:
                if ch in ",;" and stack:
                    current = stack.pop()
                elif ch == "(":
                    stack.append(current)
                    top += 1
                    current = top
                elif ch == ")" and stack:
                    current = stack.pop()
            if w in _SUBORDINATORS:
                stack.append(current)
                top += 1
                current = top
                opener, opened_at = w, k
            ids.append(current)
            prev_end = e
        self._agent_clauses[si] = ids
        return ids

    def negated(self, si: int, span: Span) -> bool:
        """Is a match inside a negated or deferred clause? Cues with a window must stand within that
        many words of the match ("reglerar inte kostnadsfördelningen"); cues without one (deferrals
        such as "regleras i en särskild överenskommelse") cover their whole clause.

        The cues of a sentence are grouped by clause once (`clause_cues`), so one question costs a
        dictionary lookup and a bisection, not a walk over every cue of the sentence: a long sentence
        with thousands of matches and cues stays linear."""
        by_clause = self.clause_cues(si)
        if by_clause is None:
            return False
        ids = self.clause_ids(si)
        return _negated_in(by_clause.get(ids[span[0]] if span[0] < len(ids) else -1), span)

    def filter_polarity(self, si: int, spans: list[Span], want_negated: bool) -> list[Span]:
        """The spans whose `negated` is want_negated: one sentence's worth of `negated` in one call,
        memoised per span list (conditions on one signal share their lists, see `merged`)."""
        by_clause = self.clause_cues(si)
        if by_clause is None:  # no cue in the sentence: nothing is negated
            return [] if want_negated else spans
        memo = self._polarity.get(id(spans))
        if memo is None or memo[0] is not spans:  # (the memo holds the list: its id stays its own)
            ids = self.clause_ids(si)
            n = len(ids)
            get = by_clause.get
            positive: list[Span] = []
            negated: list[Span] = []
            for sp in spans:  # _negated_in, with its two cheap answers inline
                entry = get(ids[sp[0]] if sp[0] < n else -1)
                if entry is None:
                    positive.append(sp)
                elif entry is True or _negated_in(entry, sp):
                    negated.append(sp)
                else:
                    positive.append(sp)
            memo = self._polarity[id(spans)] = (spans, positive, negated)
        return memo[2] if want_negated else memo[1]

    def aside_tokens(self, si: int) -> list[int]:
        """Tokens inside the sentence's asides, ascending: a bracket, or an agent's channel between commas
        (", through the District Medical Officer,", ", genom sin förvaltning,")."""
        found = self._asides.get(si)
        if found is None:
            text = self.index.sentences[si]
            spans = [m.span() for m in _ASIDE_SPAN.finditer(text)] if ("(" in text or "," in text) else []
            found = []
            if spans:
                starts = self.index.offsets(si)[0]
                found = [i for i, st in enumerate(starts) if any(a < st < b for a, b in spans)]
            self._asides[si] = found
        return found

    def _number_sign(self, si: int, start: int, end: int) -> bool:
        """"No." before a number is the number sign ("School District No. 67 is responsible", "Act No. 9"),
        not the negation "no": it negated the responsibility the sentence states."""
        if end - start != 1 or self.index.words[si][start].casefold() != "no":
            return False
        text = self.index.sentences[si]
        return _NUMBER_SIGN.match(text, self.index.offsets(si)[1][start]) is not None

    def clause_cues(self, si: int) -> dict[int, object] | None:
        """The sentence's negation cues by clause (see `_cue_clauses`); None when it has none."""
        found = self._cue_clauses.get(si, _UNKNOWN)
        if found is not _UNKNOWN:
            return found  # type: ignore[return-value]
        ids: list[int] | None = None
        per: dict[int, dict[int | None, list[tuple[int, int]]]] = {}
        for cue_hits, window in self.cue_hits():
            spans = cue_hits.get(si)
            if not spans:
                continue
            if ids is None:
                ids = self.clause_ids(si)
            for start, end in spans:
                if start < len(ids):
                    if self._condition_only(si, ids, start, cue_hits) or self._number_sign(si, start, end):
                        continue
                    if window is None and (self._closing_bracket(si, end) or self._opening_bracket(si, start)):
                        # "(TBD)" at the end of a sentence marks the whole sentence as not yet settled,
                        # and so does a drafter's note that opens it ("[Drafting note: confirm whether ...]")
                        for clause in set(ids):
                            per.setdefault(clause, {}).setdefault(None, []).append((start, end))
                        continue
                    if window is None:
                        # a cue without a window covers its clause, and every clause its own words run over:
                        # "Vem som ska vara familjens kontaktperson ... ska arbetsgruppen föreslå" defers the
                        # relative clause it holds as much as the main one
                        for clause in set(ids[start:end]):
                            per.setdefault(clause, {}).setdefault(None, []).append((start, end))
                        continue
                    per.setdefault(ids[start], {}).setdefault(window, []).append((start, end))
        found = None
        if per:
            found = {}
            for clause, by_window in per.items():
                if None in by_window:
                    found[clause] = True
                    continue
                entry = []
                for window, cues in by_window.items():
                    cues.sort()
                    max_ends, top = [], None
                    for _, end in cues:
                        top = end if top is None or end > top else top
                        max_ends.append(top)
                    entry.append((window, [start for start, _ in cues], max_ends, [end for _, end in cues]))
                found[clause] = entry
        self._cue_clauses[si] = found
        return found

    def _opening_bracket(self, si: int, start: int) -> bool:
        """Does a cue open the sentence just inside a bracket ("[Kommentar: ska målgruppen vara 0–17 år?")?
        The bracket holds a note about the text, and the note runs past the colon that ends its first clause."""
        first = self.index.sentences[si].lstrip()[:1]
        return start == 0 and first != "" and first in "[("

    def _closing_bracket(self, si: int, end: int) -> bool:
        """Does a cue ending at token `end` stand in brackets that close the sentence ("... lämnar ett
        förslag till styrgruppen (TBD).")? Such a note is about the sentence, not the bracket's clause."""
        offsets = self.index.offsets(si)
        if not end or end > len(offsets[1]):
            return False
        text = self.index.sentences[si]
        cut = offsets[1][end - 1]
        before = text[:cut]
        return _BRACKET_TAIL.match(text, cut) is not None and "(" in before[before.rfind(")") + 1:]

    def _condition_only(self, si: int, ids: list[int], start: int, cue_hits: dict[int, list[Span]]) -> bool:
        """Is this the first negation of a clause that opens with a condition ("Om samverkan inte
        fungerar lyfts frågan till närmaste chef", "If the school does not agree the matter is
        referred", "Kan parterna inte enas hänskjuts frågan")? It negates the condition, not what
        happens then; Swedish puts no comma there, so the clause runs on. A second negation in the
        clause ("... kan uppgifter inte lämnas") still negates."""
        clause = ids[start]
        first = ids.index(clause)
        word = self.index.words[si][first]
        if word not in _CONDITIONS and not (
                first == 0 and word in _VERB_FIRST and not self.index.sentences[si].rstrip().endswith("?")):
            return False
        return not any(first <= s < start for s, _ in cue_hits.get(si, ()))

    def cue_hits(self) -> list[tuple[dict[int, list[Span]], int | None]]:
        """Each negation cue's matches, all its terms merged: looked up once per document, not once
        per term for every candidate match."""
        if self._cues is None:
            self._cues = []
            for cues, window, exempt in self.negation:
                merged: dict[int, list[Span]] = defaultdict(list)
                for hits in self.index.find_many(cues):
                    for si, spans in hits.items():
                        merged[si].extend(spans)
                if exempt:
                    outer = self.merged(exempt)
                    merged = defaultdict(list, {si: kept for si, spans in merged.items()
                                                if (kept := _outside(spans, outer.get(si)))})
                self._cues.append((merged, window))
        return self._cues

    def latest_dates(self, exact: bool) -> dict[int, dt.date]:
        """Sentence -> the latest date it carries, in document order, for the sentences with a date;
        computed once per document."""
        if self._base is not None:
            return self._base.latest_dates(exact)
        if not self._latest:
            sentences = self.index.sentences
            latest: dict[int, dt.date] = {}
            with_day: dict[int, dt.date] = {}
            for si in self.index.sentences_with(_YEAR):  # every date has a year: most sentences have none
                found = _dated(sentences[si])
                if found:
                    latest[si] = max(d for d, _ in found)
                    days = [d for d, day in found if day]
                    if days:
                        with_day[si] = max(days)
            self._periods_from_earlier(latest, with_day)
            self._latest = {False: latest, True: with_day}
        return self._latest[exact]

    def _periods_from_earlier(self, latest: dict[int, dt.date], with_day: dict[int, dt.date]) -> None:
        """"Approved on 3 March 2025. The protocol is valid for three years from that date.": a period
        counted from a date an earlier sentence of the same block gave ends where the sentence means,
        though neither the start nor the end stands in it."""
        sentences = self.index.sentences
        low = self.index.joined().lower()
        if not any(word in low for word in _FROM_EARLIER_WORDS):
            return  # two substring tests instead of a case-blind regex search of the whole text
        for si in self.index.sentences_with(_FROM_EARLIER):
            if si in latest:
                continue
            block = self.sentence_block[si]
            earlier = next((k for k in range(si - 1, -1, -1)
                            if self.sentence_block[k] != block or k in with_day), None)
            if earlier is None or self.sentence_block[earlier] != block:
                continue
            for end, day in _period_ends(sentences[si], [(with_day[earlier], True)]):
                latest[si] = end
                if day:
                    with_day[si] = end


class _Units(dict):
    """Sentence -> its units in one scope, filled in as sentences are asked for (see Context.unit_map)."""

    def __init__(self, ctx: Context, scope: str) -> None:
        super().__init__()
        self.ctx, self.scope = ctx, scope

    def __missing__(self, si: int) -> list[object]:
        found = self[si] = self.ctx.units(si, self.scope)
        return found


_NO_TERMS: list[Term] = []
_UNKNOWN = object()


def _negated_in(entry: object, span: Span) -> bool:
    """Does a clause's cue entry (see Context._cue_clauses) negate this span?"""
    if entry is None:
        return False
    if entry is True:
        return True
    first, last = span
    for window, starts, max_ends, ends in entry:  # type: ignore[attr-defined]
        # some cue with start - last < window and first - end < window ...
        k = bisect_left(starts, last + window)
        if not k or max_ends[k - 1] <= first - window:
            continue
        # ... that is not part of the match itself: a term may spell its negation ("inte överens")
        for j in range(k - 1, -1, -1):
            if max_ends[j] <= first - window:
                break
            if ends[j] > first - window and not (starts[j] >= first and ends[j] <= last):
                return True
    return False


# "Label: value" in one cell: a form field filled in where it is named ("| Fastställd: 2024-03-11 | |")
_FILLED_FIELD = re.compile(r":\s*\S")
_LABELLED_HEADING = re.compile(r":\s*\S+\s+\S")  # a heading's label, a colon and at least two words of value
# A heading written as a clause, its subject and a finite verb after it, says what it says ("Whānau feel connected and
# supported", "Alla barn får en tid"), as a label does not ("1. Syfte", "Roles"); a question is a label
# ("Who is responsible?", "Vem gör vad").
_CLAUSE_HEADING = re.compile(r"(?i)^\W*(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?\w[\w'’-]*(?:\s+[\w'’-]+)?\s+"
                             r"(?:are|is|feel|feels|get|gets|can|know|knows|will|är|får|känner|kan|vet|mår|ska)\s+\w")
_QUESTION_HEADING = re.compile(r"(?i)^\W*(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?"
                               r"(?:who|what|how|when|where|why|which|vem|vad|hur|när|var|varför|vilka|vilken)\b|\?\s*$")
# A template field left blank counts as nothing (criteria.md): a paragraph that is only a short label and its colon
# ("Sammankallande:", "Beslutad av:") or only a bracketed instruction to the writer ("(Beskriv vilken huvudman som
# ansvarar för vad.)", "[Insert the name of the lead agency]", "(Fylls i av uppdragsgivaren.)", "[To be confirmed]").
# Its words are not read (engine.build_index):
# "Sammankallande:" would otherwise assign the convening, and the instruction would name the division of
# responsibility it asks for; nor is it text under its heading. (Not a table cell: there the value stands in the
# next cell of the row.)
_LABEL_WORD = r"[^\W\d_][\w-]*(?:/[^\W\d_][\w-]*)?"  # (and two joined by a slash: "Uppdragstagare/sammankallande:")
# (up to three words: "Tidpunkt för återrapportering:", "Date of review:")
_BLANK_LABEL = re.compile(rf"^\W*(?:\d+(?:\.\d+)*[.)]?\s+)?{_LABEL_WORD}(?:\s+{_LABEL_WORD}){{0,2}}\s*:\s*$")
# (and several such labels run together in one paragraph, each of two or three words: "Återrapportering sker till:
# Datum för återrapportering:"; one-word labels are left alone there, since "Ansvarig: Rektor Datum:" holds a value)
_BLANK_LABELS = re.compile(rf"^\W*(?:\d+(?:\.\d+)*[.)]?\s+)?(?:{_LABEL_WORD}(?:\s+{_LABEL_WORD}){{1,2}}\s*:\s*){{2,}}$")
_INSTRUCTION = re.compile(
    r"^\s*[(\[]\s*(?:beskriv|ange|fyll\s+i|fylls\s+i|skriv|lägg\s+till|kompletteras|describe|state|enter|insert|add|list|"
    r"specify|to\s+be\s+(?:completed|filled\s+in|added|confirmed)|tbc|tbd)\b"
    r"[^)\]]*[)\]]\s*\.?\s*$", re.IGNORECASE)


def _blank_label_cell(text: str) -> bool:
    """A table cell that is only a short label (its value, if any, in another cell of the row); a label that carries
    its value after a colon is filled ("| Fastställd: 2024-03-11 | |"). Up to six words, as a paragraph's label
    (`_LONG_LABEL`): "| Ansvarsfördelning mellan deltagande verksamheter | |" asks for the division it names."""
    return len(text.split()) <= 6 and not text.rstrip().endswith((".", "!", "?")) and not _FILLED_FIELD.search(text)


def blank_field(text: str) -> bool:
    """Whether a paragraph is a template field left blank (see above)."""
    return bool(_BLANK_LABEL.match(text) or _BLANK_LABELS.match(text) or _INSTRUCTION.match(text))


# (and a longer label, four to six words, when nothing follows it as its value: the next block is a heading, another
# blank label, or none. "Ansvarsfördelning mellan region och kommun:" over "Mötesfrekvens:" asks for the division it
# names; over a list or a table, the same words lead into their value and are read.)
_LONG_LABEL = re.compile(rf"^\W*(?:\d+(?:\.\d+)*[.)]?\s+)?{_LABEL_WORD}(?:\s+{_LABEL_WORD}){{3,5}}\s*:\s*$")


def blank_blocks(blocks: list[Block]) -> set[int]:
    """The positions of paragraphs and list items that are a longer label with no value after it (the shorter blank
    fields are told sentence by sentence, `blank_field`)."""
    out: set[int] = set()
    for i, b in enumerate(blocks):
        if b.kind not in ("paragraph", "list-item"):
            continue
        if _LONG_LABEL.match(b.text):
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            if nxt is None or nxt.kind == "heading" or (nxt.kind == "paragraph" and
                                                        (blank_field(nxt.text) or _LONG_LABEL.match(nxt.text))):
                out.add(i)
    return out


# A section's text that only says the text is still to come leaves its heading empty, also when it says when ("To be
# added after the first review", "Kompletteras efter första uppföljningen")
_PLACEHOLDER = re.compile(r"(?i)^\W*(?:(?:avsnittet|texten|detta\s+avsnitt|this\s+section)\s+(?:is\s+)?)?"
                          r"(?:kompletteras|ska\s+kompletteras|fylls\s+i|skrivs\s+senare|tbc|tbd|to\s+be\s+"
                          r"(?:completed|confirmed|added|written)|to\s+follow)"
                          r"(?:\s+(?:senare|later|(?:after|when|once|by|at|efter|när|vid|till)\s+[^.;:]{1,40}))?\W*$")
# A line with a whole date is a dated record, not a label, though a text file's layout makes it a heading: "Endorsed
# 14 May 2025", "Fastställd 2024-03-12"; so is a version with its year ("Version 1.2 – March 2025")
_DATED_HEADING = re.compile(r"(?i)\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}(?:st|nd|rd|th)?\s+"
                            r"(?:jan|feb|mar|apr|maj|may|jun|jul|aug|sep|okt|oct|nov|dec)[a-zé]*\.?\s+\d{4}\b"
                            r"|\b(?:version|utgåva|revision)\s+\d+(?:\.\d+)*\b[^/]{0,30}?\b(?:19|20)\d\d\b")
_NUMBER_SIGN = re.compile(r"\.\s*\d")  # right after "No": "No. 67"
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]–—]")
_BRACKET_TAIL = re.compile(r"[^()]*\)\W*$")  # the rest of a sentence is a bracket's end: ") ." or ")"
# After a comma, words that name what the clause before it is about go on in that clause: "Ett par
# frågor är inte färdigberedda, framför allt hur kostnaderna ska fördelas" defers the costs too
# A short aside between commas that qualifies its clause without starting another: "if any", "where
# applicable", "as needed", "i förekommande fall", "om möjligt"
_ASIDE = re.compile(r"(?i),\s*(?:if\s+any|if\s+(?:needed|necessary|possible|required)|"
                    r"where\s+(?:applicable|appropriate|relevant|possible|needed|necessary|required)|"
                    r"as\s+(?:appropriate|needed|required|necessary)|"
                    r"om\s+möjligt|vid\s+behov|i\s+förekommande\s+fall|om\s+sådana\s+finns|där\s+det\s+behövs|"
                    # who provides the subject: "The secretariat, provided by the Family Support Service, circulates"
                    r"(?:provided|hosted|employed|funded|appointed|nominated)\s+by\s+[^,;()]{1,80}?)\s*,")
# An aside a `within` distance does not count (Context.aside_tokens): a bracket, or an agent's channel
# between commas, which may carry its own short form in brackets (", through Family and Community Support
# Services (FCSS),").
_ASIDE_SPAN = re.compile(r"\([^()]{1,80}\)|,\s*(?i:through|via|genom|acting\s+through|represented\s+by|by\s+way\s+of)"
                         r"\b(?:[^,;()]|\([^(),;]{1,40}\)){1,120},")
_APPOSITIVE = frozenset({"framför", "särskilt", "exempelvis", "especially", "particularly", "notably", "including",
                         "inklusive"})
# Words that open a condition: its own negation ("om ... inte fungerar") negates only the condition
_CONDITIONS = frozenset({"om", "ifall", "såvida", "if", "unless", "should"})
# A statement that opens with its finite verb is a condition in Swedish ("Kan parterna inte enas
# hänskjuts frågan till ...") and in formal English ("Were the parties not to agree, ..."); a question
# ends in "?".
_VERB_FIRST = frozenset(
    "kan går finns saknas blir uppstår behövs lyckas fungerar löser når kommer vill får har är skulle were had".split())
# An enumerated or bulleted line: "1. …", "2) …", "a) …", "– …", "• …"
_ITEM_START = re.compile(r"\s*(?:\d{1,2}[.)]|[a-zA-Z][.)]|\((?:\d{1,2}|[a-z]|[ivx]{1,4})\)|[-–•·*▪])\s")
# A lead-in that ends with its modal: the verb comes in each item ("X shall— (a) screen ...; (b) ...")
_WAITING_MODALS = frozenset({"shall", "will", "must", "should", "ska", "skall", "bör"})
# Words that open a new clause: a negation in "tvister som inte kan lösas lokalt lyfts till
# styrgruppen" or "disputes that cannot be resolved are escalated" does not negate the escalation.
_CLAUSE_WORDS = frozenset({"men", "but", "however", "dock", "däremot", "whereas", "som", "där", "that",
                           "which", "who", "where", "unless", "utom", "except", "if"})
# Words that open an adverbial clause, whose subject is not the agent of the main clause's verb
# (`Context.agent_clause_ids`). "om", "då", "sedan", "after" are left out: mostly "about", "then",
# a preposition.
_SUBORDINATORS = frozenset({"innan", "när", "eftersom", "medan", "tills", "förrän", "ifall",
                            "before", "when", "whenever", "while", "until", "unless", "because", "although",
                            "though", "whereas"})
_COORDINATORS = frozenset({"och", "men", "samt", "and", "but"})
# A relative clause negated ("som gruppen inte kan lösa", "that cannot be resolved", "a child who may not be enrolled
# sends ...") ends with its verb:
# up to two auxiliaries after the negation, then the verb, then the main clause goes on
_RELATIVES = frozenset({"som", "that", "which", "who"})
_REL_NEGATIONS = frozenset({"inte", "ej", "not", "cannot", "can't"})
_DETERMINERS = frozenset({"en", "ett", "den", "det", "de", "någon", "något", "några", "sin", "sitt", "sina", "a", "an",
                          "the", "any", "their", "its", "his", "her"})
_AUXILIARIES = frozenset({"kan", "kunde", "ska", "skall", "har", "hade", "kunnat", "gått", "går", "att", "be", "been",
                          "is", "are", "was", "were", "can", "could", "has", "have", "had", "will", "would"})
# the words a noun phrase opens with, and the auxiliaries a clause would have: "before each meeting" has no verb
# (for `agent_clause_ids`; the relative-clause test above keeps its own lists)
_PHRASE_OPENERS = frozenset("the a an each every any its their his her this that these those all both "
                            "den det de en ett varje alla båda sin sitt sina".split())
_CLAUSE_AUXILIARIES = frozenset("is are was were be been being has have had will shall can could may might must should "
                                "would does do did är var har hade ska skall kan kunde får måste blir bli vill".split())
# Subordinators that are as often prepositions ("before each meeting", "until the review")
_ALSO_PREPOSITIONS = frozenset({"before", "until"})
# "sent through the portal and not by email", "via Linka och inte med e-post", "med säker digital post och
# aldrig med vanlig e-post": a contrastive "and not" / "and never" negates what follows it, not what came before.
_CONTRAST_NOT = frozenset({"not", "never", "inte", "ej", "aldrig"})
_AND_OR = frozenset({"and", "or", "och", "eller"})
# After ", and"/", och": a verb in the present tense whose object follows ("records the conversation",
# "skickar den vidare") goes on with the main clause's subject; a noun there starts a clause of its own
# ("och samtycket dokumenteras"). Only this shape is trusted: a finite verb without its object is left
# as a new clause.
_OBJECT_START = {
    "en": frozenset({"the", "a", "an", "all", "each", "every", "any", "their", "his", "her", "its", "this", "that",
                     "these", "those", "it", "them"}),
    "sv": frozenset({"den", "det", "de", "dem", "en", "ett", "sin", "sitt", "sina", "alla", "varje", "samtliga",
                     "dess", "deras"}),
}


def _shares_subject(words: list[str], k: int, lang: str) -> bool:
    """Is words[k] (a coordinator after a comma) followed by a finite verb and its object?"""
    if k + 2 >= len(words):
        return False
    verb, nxt = words[k + 1], words[k + 2]
    if nxt not in _OBJECT_START.get(lang, ()):
        return False
    if lang == "en":
        return verb.endswith("s") and not verb.endswith("ss") and len(verb) > 3
    return verb.endswith(("ar", "er", "ir", "or")) and len(verb) > 3


def _flag(spec: dict, key: str, path: str) -> bool:
    value = spec.get(key, False)
    if not isinstance(value, bool):
        raise RuleError(f"{path}.{key}: must be true or false")
    return value


def _in_table(spec: dict, path: str) -> bool | str:
    value = spec.get("in_table", False)
    if value not in (True, False, "header", "first_column"):
        raise RuleError(f"{path}.in_table: must be true, false, header or first_column")
    return value


class Condition:
    path: str = ""
    facet: str | None = None  # the part of the criterion this condition decides (see `facets`)
    _scoped: bool | None = None  # (see `scoped`)

    def eval(self, ctx: Context) -> Hits:  # pragma: no cover - interface
        raise NotImplementedError

    def __call__(self, ctx: Context) -> Hits:
        key = id(self)
        scoped = self._scoped
        if scoped is None:
            scoped = self.scoped()
        cache = ctx._cache if scoped else ctx._fixed
        found = cache.get(key)
        if found is None:
            found = cache[key] = self.eval(ctx)
        return found

    def scoped(self) -> bool:
        """Is there a `together` in the condition? Only then can a reading (READINGS: a widened scope)
        change what it finds; the others are evaluated once per document for all readings."""
        if self._scoped is None:
            parts = [self.part] if isinstance(self, Not) else getattr(self, "parts", [])
            self._scoped = isinstance(self, Together) or any(p.scoped() for p in parts)
        return self._scoped


def merge(parts: list[Hits]) -> Hits:
    """Union of hit sets. Order matters: sentences are interleaved part by part, so the first few
    (which become the quoted evidence) show every facet that decided the outcome.

    Span lists are never changed once a condition has returned them, so a single part's lists are
    shared, not copied."""
    queues = [h for h in parts if h]
    if not queues:
        return {}
    if len(queues) == 1:
        return dict(queues[0])
    out: dict[int, list[Span]] = {}
    for row in zip_longest(*[h.items() for h in queues]):  # rank by rank, part by part
        for item in row:
            if item is not None:
                si, spans = item
                have = out.get(si)
                if have is None:
                    out[si] = list(spans)
                else:
                    have.extend(spans)
    return out


@dataclass
class Find(Condition):
    terms: dict[str, list[Term]] | str  # per language, or a signal name
    polarity: str = "positive"
    unless: tuple[str, ...] = ()
    in_section: str | None = None
    outside_section: tuple[str, ...] = ()
    path: str = ""
    in_table: bool | str = False
    stated: bool = False
    not_inside: tuple[str, ...] = ()
    outside_column: tuple[str, ...] = ()

    def _terms(self, ctx: Context) -> list[Term]:
        if isinstance(self.terms, str):
            return ctx.signals.get(self.terms, [])
        return self.terms.get(ctx.index.lang) or self.terms.get("*") or []

    def eval(self, ctx: Context) -> Hits:
        # A find reads the same in every reading (only `together` widens), so its memo is shared by
        # the readings; finds of one term list with the same options (a signal many rules use, often
        # with the same `unless` or `stated`) share one entry: `_eval` reads nothing else of the find.
        # (On the 200-document sample 3,106 of 22,957 evaluations were such repeats.)
        terms = self._terms(ctx)
        key = (id(terms), self.polarity, self.unless, self.in_section, self.outside_section, self.in_table,
               self.stated, self.not_inside, self.outside_column)
        memo = ctx._finds.get(key)
        if memo is None or memo[0] is not terms:  # (the memo holds the list: its id stays its own)
            memo = ctx._finds[key] = (terms, self._eval(ctx, terms, self.polarity))
        return memo[1]

    def _eval(self, ctx: Context, terms: list[Term], polarity: str) -> Hits:
        merged = ctx.merged(terms)
        if not merged:  # most finds in most documents: every filter below keeps nothing of nothing
            return {}
        empty = ctx.empty_headings()
        hits = {si: merged[si] for si in sorted(merged) if ctx.sentence_block[si] not in empty}  # document order
        found = hits
        for name in self.unless:
            bad = ctx.merged(ctx.signals.get(name, _NO_TERMS))
            hits = {si: sp for si, sp in hits.items() if si not in bad}
        for name in self.not_inside:
            outer = ctx.merged(ctx.signals.get(name, _NO_TERMS))
            hits = {si: kept for si, sp in hits.items() if (kept := _outside(sp, outer.get(si)))}
        if self.in_section or self.outside_section:
            hits = {si: sp for si, sp in hits.items() if self._section_ok(ctx, si)}
        if self.in_table:
            axis = {"header": 1, "first_column": 2}.get(str(self.in_table))  # this coordinate must be 0
            hits = {si: sp for si, sp in hits.items() if (t := ctx.blocks[ctx.sentence_block[si]].table)
                    and (axis is None or t[axis] == 0)}
        if self.outside_column:
            named = self._named_columns(ctx)
            hits = {si: sp for si, sp in hits.items() if not ((t := ctx.blocks[ctx.sentence_block[si]].table)
                                                               and t[1] and (t[0], t[2]) in named)}
        if self.stated:
            hits = {si: sp for si, sp in hits.items() if ctx.blocks[ctx.sentence_block[si]].kind not in LABEL_KINDS}
        if polarity != "any":
            want_negated = polarity == "negated"
            kept: Hits = {}
            for si, spans in hits.items():
                ok = ctx.filter_polarity(si, spans, want_negated)
                if ok:
                    kept[si] = ok
            if not want_negated:
                kept = {si: sp for si, sp in kept.items() if not _denied_heading(ctx, si, found, kept)}
            hits = kept
        return hits

    def _named_columns(self, ctx: Context) -> set[tuple[int, int]]:
        """(table, column) of the header cells `outside_column` matches: their body cells are left out."""
        return {(t[0], t[2]) for name in self.outside_column for sj in ctx.merged(ctx.signals.get(name, _NO_TERMS))
                if (t := ctx.blocks[ctx.sentence_block[sj]].table) and t[1] == 0}

    def _section_ok(self, ctx: Context, si: int) -> bool:
        row = ctx.heading_row(si)
        if self.in_section and (row is None or row not in ctx.section_rows(self.in_section)):
            return False
        return row is None or not any(row in ctx.section_rows(name) for name in self.outside_section)


def _outside(spans: list[Span], outer: list[Span] | None) -> list[Span]:
    """The spans that do not lie inside one of `outer` (a find's `not_inside`)."""
    if not outer:
        return spans
    return [a for a in spans if not any(o[0] <= a[0] and a[1] <= o[1] for o in outer)]


def _denied_heading(ctx: Context, si: int, found: Hits, positive: Hits) -> bool:
    """A heading is a label, not a claim: "Uppföljning" over "Ingen uppföljning görs" says no
    follow-up is done. A heading's match counts only when the text under it does not deny the same
    terms (some match there, none of them positive). `found` holds the matches before `unless`: a
    section whose every match is of what the find sets aside ("Uppföljning" over "Specialpedagogen
    följer upp elevens anpassningar", one pupil's follow-up) labels that, not what the find asks."""
    block = ctx.blocks[ctx.sentence_block[si]]
    if block.kind != "heading":
        return False
    path, denied = block.headings, False
    for sj in found:
        if sj <= si:
            continue
        b = ctx.blocks[ctx.sentence_block[sj]]
        if b.kind in ("header", "footer") or b is block:
            continue
        if b.headings[: len(path)] != path:
            break  # past the section: sentences are in document order
        if sj in positive:
            return False
        denied = True
    return denied


@dataclass
class All(Condition):
    parts: list[Condition]
    path: str = ""

    def eval(self, ctx: Context) -> Hits:
        results = []
        for p in self.parts:  # the first part that fails decides: the rest need not be looked at
            hits = p(ctx)
            if not hits:
                return {}
            results.append(hits)
        return merge(results)


@dataclass
class Any(Condition):
    parts: list[Condition]
    path: str = ""

    def eval(self, ctx: Context) -> Hits:
        return merge([h for p in self.parts if (h := p(ctx))])


@dataclass
class Not(Condition):
    part: Condition
    path: str = ""

    def eval(self, ctx: Context) -> Hits:
        # Holds with no evidence of its own: a marker hit on no sentence.
        return {} if self.part(ctx) else {-1: []}


@dataclass
class Count(Condition):
    parts: list[Condition]
    at_least: int
    path: str = ""
    at_least_for: dict[str, int] = field(default_factory=dict)  # doc type -> its own number

    def needed(self, doc_type: str | None) -> int:
        return self.at_least_for.get(doc_type or "", self.at_least)

    def eval(self, ctx: Context) -> Hits:
        results = []
        needed = self.needed(ctx.doc_type)
        for i, p in enumerate(self.parts):
            if len(results) + len(self.parts) - i < needed:
                return {}  # too few parts left to reach at_least
            hits = p(ctx)
            if hits:
                results.append(hits)
        return merge(results) if len(results) >= needed else {}


def met_count(cond: Condition | None) -> Count | None:
    """The count a `met` is decided by: the condition itself, or the one count among an `all`'s parts (a met that is a
    count of facets behind a guard, "all: [not: deferred, count: ...]"). None when there is none, or more than one."""
    if isinstance(cond, Count):
        return cond
    if isinstance(cond, All):
        counts = [c for p in cond.parts if (c := met_count(p)) is not None]
        return counts[0] if len(counts) == 1 else None
    return None


@dataclass
class Together(Condition):
    parts: list[Condition]
    scope: str = "sentence"
    within: int | None = None
    path: str = ""

    def eval(self, ctx: Context) -> Hits:
        results = []
        for p in self.parts:
            hits = p(ctx)
            if not hits:
                return {}
            results.append(hits)
        scope, within = self.scope, self.within
        if "scope" in ctx.reading:
            scope, within = _WIDER[scope], None
        if scope == "clause":
            return self._in_clause(ctx, results)
        units = ctx.unit_map(scope)
        # the units every part stands in, part by part: a part none of whose sentences shares a unit
        # with the parts before ends the search (most `together`s that fail fail there)
        common = {u for si in results[0] if si >= 0 for u in units[si]}
        for h in results[1:]:
            if not common:
                break
            common = {u for si in h if si >= 0 for u in units[si] if u in common}
        if not common:
            return {}
        out = _collect(results, lambda si, spans: spans if any(u in common for u in units[si]) else [])
        if within is not None and scope == "sentence":
            # a sentence holding every part keeps them close; parts met across a lead-in and its list do not
            out = {si: sp for si, sp in out.items() if self._close(ctx, results, si)
                   or any(isinstance(u, tuple) and u in common for u in units[si])}
        return out

    def _in_clause(self, ctx: Context, results: list[Hits]) -> Hits:
        """`scope: clause`: a table row is one unit (a task in one cell, who does it in the next);
        in running text every part must stand in one clause of one sentence, or in a list and the
        sentence that leads into it ("Samordnaren ska" + "- sammankalla gruppen"). Units belong to
        spans here, not sentences: two clauses of one sentence are two units."""
        memo: dict[tuple[int, int], list[object]] = {}  # a span's units depend on its first token only

        def units(si: int, span: Span) -> list[object]:
            found = memo.get((si, span[0]))
            if found is not None:
                return found
            b = ctx.blocks[ctx.sentence_block[si]]
            if b.table:
                found = ctx.unit_map("row")[si]
            else:
                ids = ctx.agent_clause_ids(si)
                own: list[object] = [("c", si, ids[span[0]] if span[0] < len(ids) else -1)]
                found = [*own, *ctx.lead_units(b.index, si)]  # "Samordnaren ska" + "- sammankalla gruppen …"
            memo[(si, span[0])] = found
            return found

        common = {u for si, spans in results[0].items() if si >= 0 for sp in spans for u in units(si, sp)}
        for h in results[1:]:  # part by part, as in `eval`
            if not common:
                break
            common = {u for si, spans in h.items() if si >= 0 for sp in spans for u in units(si, sp) if u in common}
        if not common:
            return {}
        return _collect(results, lambda si, spans: [sp for sp in spans if any(u in common for u in units(si, sp))])

    def _close(self, ctx: Context, results: list[Hits], si: int) -> bool:
        """Are the parts within `within` words of the first part? Words of an aside between them are not
        counted: in "The Ministry of Health, through the District Medical Officer, is responsible for ..."
        the ministry stands as near its duty as without the aside."""
        first = results[0].get(si, [])
        within = self.within
        aside = ctx.aside_tokens(si)

        def near(a: int, b: int) -> bool:
            d = abs(b - a)
            if d <= within:
                return True
            if not aside:
                return False
            lo, hi = (a, b) if a < b else (b, a)
            return d - (bisect_left(aside, hi) - bisect_right(aside, lo)) <= within

        return any(all(any(near(a[0], b[0]) for b in h.get(si, [])) for h in results[1:]) for a in first)


def _collect(results: list[Hits], keep) -> Hits:
    """The parts' hits that `keep(sentence, spans)` keeps, ordered for quoting: a sentence that holds
    every part by itself is the best quote; then document order."""
    out: dict[int, list[Span]] = defaultdict(list)
    parts_in: dict[int, int] = defaultdict(int)
    for h in results:
        for si, spans in h.items():
            kept = keep(si, spans) if si >= 0 else []
            if kept:
                out[si].extend(kept)
                parts_in[si] += 1
    return {si: out[si] for si in sorted(out, key=lambda si: (-parts_in[si], si))}


def written_terms(cond: Condition, lang: str | None = None) -> list[Term]:
    """The terms written into a condition and its parts (signals are listed by the pack itself); with a
    language, those a document in that language is searched for (`Find._terms`)."""
    out: list[Term] = []
    todo = [cond]
    while todo:
        c = todo.pop()
        if isinstance(c, Find) and isinstance(c.terms, dict):
            if lang is None:
                out.extend(t for terms in c.terms.values() for t in terms)
            else:
                out.extend(c.terms.get(lang) or c.terms.get("*") or [])
        elif isinstance(c, Not):
            todo.append(c.part)
        elif isinstance(c, All | Any | Count | Together):
            todo.extend(c.parts)
    return out


def readings_that_matter(cond: Condition | None) -> set[str]:
    """The readings (READINGS) that can change what a condition tree finds: a tree with no
    `together` has no scope to widen."""
    out: set[str] = set()
    todo = [cond] if cond is not None else []
    while todo:
        c = todo.pop()
        if isinstance(c, Together):
            out.add("scope")
            break
        elif isinstance(c, Not):
            todo.append(c.part)
        elif isinstance(c, All | Any | Count):
            todo.extend(c.parts)
    return out


def facet_conditions(cond: Condition | None) -> list[Condition]:
    """The conditions of a tree that carry a facet, in the order they are written."""
    out: list[Condition] = []
    todo = [cond] if cond is not None else []
    while todo:
        c = todo.pop(0)
        if c.facet:
            out.append(c)
        if isinstance(c, Not):
            todo.insert(0, c.part)
        elif isinstance(c, All | Any | Count | Together):
            todo[0:0] = c.parts
    return out


# --- dates -------------------------------------------------------------------------------------

MONTHS = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    "october": 10,
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_SCHOOL_YEARS = r"(?<![\d:/])((?:19|20)\d\d)\s*[/–-]\s*((?:19|20)\d\d)\s+(?:school|academic)\s+years?\b"
_LASAR = r"\bläsår(?:et)?\s+((?:19|20)\d\d)\s*[/–-]\s*((?:19|20)\d\d)\b"
DATE_PATTERNS = [
    (re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b"), "ymd"),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\s+((?:19|20)\d\d)\b", re.I), "dmy"),
    (re.compile(rf"\b({_MONTH_RE})\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\b", re.I), "mdy"),
    (re.compile(rf"\b({_MONTH_RE})\s+((?:19|20)\d\d)\b", re.I), "my"),
    # "1.4.2025" (Finland), "12/04/2025" (UK, Ireland, Australia, New Zealand): day first; a first
    # number above 12 can only be a day, a second above 12 only a day of a US-style date
    (re.compile(r"(?<![\d.])(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d\d)\b"), "numeric"),
    # a financial or school year, "2025/26" or "2025-26": it ends in the second year (taken at mid-year,
    # between the end of a financial year in March or June and of a school year in August)
    (re.compile(r"(?<![\d:/])((?:19|20)\d\d)[/–-](\d\d)(?![\d:/-])"), "span"),
    # ... and a school year written with both years in full: "at the end of the 2025–2026 school year", "läsåret
    # 2025/2026" (a plan's "2024–2026" runs to the end of its last year: only a school year ends at mid-year)
    (re.compile(_SCHOOL_YEARS, re.I), "span"),
    (re.compile(_LASAR, re.I), "span"),
    # a season of a year ends before the year does: "Gäller för sommarlovet 2026" has passed in December 2026
    (re.compile(r"\b(sommarlovet|sommaren|sommar|summer|våren|vårterminen|spring)"
                r"(?:\s+(?:term|holidays?|holiday\s+period))?\s+((?:19|20)\d\d)\b", re.I), "season"),
    # A bare year, but not an SFS number (2001:453), a case number (2024/0934) or part of a date.
    (re.compile(r"(?<![\d:/-])((?:19|20)\d\d)(?![\d:/]|-\d\d-)"), "y"),
    # the end of a range of years written with a hyphen, "2024-2026"
    (re.compile(r"(?<=(?:19|20)\d\d-)((?:19|20)\d\d)(?![\d:/]|-\d\d-)"), "y"),
]


_YEAR = re.compile(r"(?:19|20)\d\d")
# The last day of a season (by its first three letters): a summer holiday ends with August, a spring
# term with June.
_SEASON_END = {"som": (8, 31), "sum": (8, 31), "vår": (6, 30), "spr": (6, 30)}
# What a date pattern cannot match without: one of some characters, or (None) a month name. Keyed by
# the pattern's source: a pattern edited or added later has no entry and is always run.
_MONTH = re.compile(_MONTH_RE, re.I)
_NEEDS: dict[str, tuple[str, ...] | None] = {
    r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b": ("-",),
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\s+((?:19|20)\d\d)\b": None,
    rf"\b({_MONTH_RE})\s+(\d{{1,2}}),?\s+((?:19|20)\d\d)\b": None,
    rf"\b({_MONTH_RE})\s+((?:19|20)\d\d)\b": None,
    r"(?<![\d.])(\d{1,2})[./](\d{1,2})[./]((?:19|20)\d\d)\b": (".", "/"),
    r"(?<![\d:/])((?:19|20)\d\d)[/–-](\d\d)(?![\d:/-])": ("/", "–", "-"),
    _SCHOOL_YEARS: ("chool", "cademic", "CHOOL", "CADEMIC"),
    _LASAR: ("läsår", "Läsår", "LÄSÅR"),
    r"(?<=(?:19|20)\d\d-)((?:19|20)\d\d)(?![\d:/]|-\d\d-)": ("-",),
}
_ALWAYS = ("",)  # `_NEEDS` of a pattern it has no entry for: always run
# Three letters that every month name holds, none of them "i" or "s" (re.I matches "ı" and "ſ" to those,
# which lower to other letters): a sentence whose lower case holds none of them names no month, and
# the case-blind search of all month names is not run (tests check both).
_MONTH_STEMS = ("jan", "feb", "mar", "apr", "maj", "may", "jun", "jul", "aug", "ept", "okt", "oct", "nov", "dec")


def _has_month(text: str) -> bool:
    low = text.lower()
    for stem in _MONTH_STEMS:
        if stem in low:
            return _MONTH.search(text) is not None
    return False


_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "twelve": 12, "eighteen": 18, "twenty-four": 24, "thirty-six": 36,
                "ett": 1, "en": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8,
                "nio": 9, "tio": 10, "tolv": 12, "arton": 18}
# A period counted from a start: "valid for three years from 1 April 2025", "gäller i två år från och
# med 2025-01-01", "for a period of 24 months from the date of signature (3 March 2025)". The period's
# end is the date the sentence means, though it is not written.
_PERIOD = (r"\b(?:for|i|på|under|period\s+of|perioden?\s+om)\s+(?:a\s+period\s+of\s+)?(\d{1,2}|"
           + "|".join(sorted(_COUNT_WORDS, key=len, reverse=True))
           + r")\s+(years?|months?|år|månader)\b")
_DURATION = re.compile(
    _PERIOD + r"(?=[^.;]{0,80}?\b(?:from|starting|commencing|beginning|från|fr\.\s?o\.\s?m\.|"
    r"räknat\s+från|efter|after)\b)", re.I)
# The same period after its start: "commences on 1 February 2026 and remains in effect for three years",
# "gäller från och med 2025-01-01 och i tre år". The start cue must stand before the period.
_DURATION_AFTER_START = re.compile(_PERIOD, re.I)
_START_CUE = re.compile(
    r"\b(?:commenc\w*|starts?|starting|begins?|beginning|takes?\s+effect|effective\s+(?:from|on)|from|"
    r"gäller\s+från|från\s+och\s+med|fr\.\s?o\.\s?m\.|träder\s+i\s+kraft|börjar\s+gälla)\b", re.I)


# "three years from that date", "två år från undertecknandet": a period whose start an earlier sentence gave.
# Searched from its "from"/"från" (a literal start is what makes a search of the whole text cheap); the
# period itself is then read by _DURATION in the sentence found.
_FROM_EARLIER = re.compile(
    r"\b(?:from\s+(?:that|this|the)\s+date|from\s+(?:the\s+)?(?:date\s+of\s+)?(?:signature|signing|approval|"
    r"adoption)|från\s+(?:och\s+med\s+)?(?:detta|det|samma)\s+datum|från\s+(?:undertecknandet|beslutet|beslutsdatum))",
    re.I)
# Every alternative of _FROM_EARLIER opens with one of these (tests check it): a text whose lower case
# holds none of them has no match. (No character that re.I matches to one of their letters lowers to
# anything else, tested for every code point.)
_FROM_EARLIER_WORDS = ("from", "från")


def find_dates(text: str, exact: bool = False) -> list[dt.date]:
    """Dates in a text; a bare year or month counts as its last day (a period runs to its end).

    exact: only dates with a day ("2021-03-04", "4 March 2021"), not bare years or months.
    """
    return [d for d, with_day in _dated(text) if with_day or not exact]


def _dated(text: str) -> list[tuple[dt.date, bool]]:
    """(date, has a day) for every date in the text. The patterns with a day come first and a match
    blocks later ones over the same characters, so the dates with a day are the same whether or not
    bare years and months are looked for: one pass serves both `find_dates` modes."""
    out: list[tuple[dt.date, bool]] = []
    if not _YEAR.search(text):
        return out  # every pattern needs a year: most sentences are done here
    taken: list[tuple[int, int]] = []
    month: bool | None = None
    for pattern, kind in DATE_PATTERNS:
        # (a pattern that cannot match adds nothing: most dates are bare years)
        needs = _NEEDS.get(pattern.pattern, _ALWAYS)
        if needs is None:
            month = _has_month(text) if month is None else month
            if not month:
                continue
        elif needs is not _ALWAYS:
            for c in needs:
                if c in text:
                    break
            else:
                continue
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            try:
                if kind == "ymd":
                    d = dt.date(int(m[1]), int(m[2]), int(m[3]))
                elif kind == "dmy":
                    d = dt.date(int(m[3]), MONTHS[m[2].lower()], int(m[1]))
                elif kind == "mdy":
                    d = dt.date(int(m[3]), MONTHS[m[1].lower()], int(m[2]))
                elif kind == "numeric":
                    a, b = int(m[1]), int(m[2])
                    d = dt.date(int(m[3]), a, b) if b > 12 else dt.date(int(m[3]), b, a)
                elif kind == "span":
                    # the second year in two digits ("2025/26") or in full ("2025–2026 school year")
                    first, second = int(m[1]), int(m[2])
                    if second != (first + 1) % (100 if len(m[2]) == 2 else 10_000):
                        continue  # "2025-03" is a month, "2010/800" no year at all
                    d = dt.date(first + 1, 6, 30)
                elif kind == "season":
                    d = dt.date(int(m[2]), *_SEASON_END[m[1].lower()[:3]])
                elif kind == "my":
                    y, mo = int(m[2]), MONTHS[m[1].lower()]
                    d = (dt.date(y + (mo == 12), mo % 12 + 1, 1) - dt.timedelta(days=1))
                else:
                    d = dt.date(int(m[1]), 12, 31)
            except ValueError:
                continue
            taken.append((m.start(), m.end()))
            out.append((d, kind not in ("my", "y", "span", "season")))
    if out:
        out += _period_ends(text, out)
    return out


def _period_ends(text: str, found: list[tuple[dt.date, bool]]) -> list[tuple[dt.date, bool]]:
    """The end of a period counted from a date the sentence gives ("for three years from 1 April
    2025" ends 2028-04-01): the earliest date of the sentence is the start. A period with no date
    in its sentence ("three years from that date") is left alone."""
    m = _DURATION.search(text)
    if not m:
        m = _DURATION_AFTER_START.search(text)
        if not m or not _START_CUE.search(text, 0, m.start()):
            return []
    n = int(m[1]) if m[1].isdigit() else _COUNT_WORDS[m[1].lower()]
    months = n * 12 if m[2].lower().startswith(("year", "år")) else n
    start, with_day = min(found)
    y, mo = divmod(start.month - 1 + months, 12)
    year, month = start.year + y, mo + 1
    return [(dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1])), with_day)]


@dataclass
class DateCond(Condition):
    relation: str  # on_or_after_as_of | before_as_of | any | exact (any date with a day)
    path: str = ""
    # only dates under a heading the signal matches: "12. Uppdragstid" over "2026-01-01 – 2027-12-31" says what the
    # dates are, where a date elsewhere may be a deadline or a goal
    in_section: str | None = None

    def eval(self, ctx: Context) -> Hits:
        out: Hits = {}
        rows = ctx.section_rows(self.in_section) if self.in_section else None
        for si, latest in ctx.latest_dates(self.relation == "exact").items():
            if rows is not None and ctx.heading_row(si) not in rows:
                continue
            if (
                self.relation in ("any", "exact")
                or (self.relation == "on_or_after_as_of" and latest >= ctx.as_of)
                or (self.relation == "before_as_of" and latest < ctx.as_of)
            ):
                out[si] = [(0, len(ctx.index.words[si]))]
        return out


@dataclass
class Sequence(Condition):
    """Numbered steps in document order: paragraphs or list items opening 1, 2, 3 … (a PDF line may
    carry several, "1. … 2. …"), and headings "Steg 1 …"/"Step 1 …". Their enumerators make them
    ordered; a bulleted list is not. Text between two steps does not break the run; a list that
    starts again at 1 does. Numbered section headings are not steps.

    Where the format draws the enumerator (Markdown, HTML <ol>, Word numbering, ODF numbered lists) it
    is not in the text: the extractor gives the item its number (Block.number), and that number is the
    step's, whatever the item's text opens with ("3. Skicka ..." under Word's "1." is step 1)."""

    at_least: int
    path: str = ""
    in_section: str | None = None

    def eval(self, ctx: Context) -> Hits:
        first, steps = _steps(ctx)
        if self.in_section:
            rows = ctx.section_rows(self.in_section)
            steps = [(index, numbers, sub) for index, numbers, sub in steps if ctx.heading_row(first[index]) in rows]
        else:
            steps = [step for step in steps if not step[2]]
        out: Hits = {}
        run: list[int] = []
        expected = 1

        def close() -> None:
            if expected - 1 >= self.at_least:
                for bi in run:
                    out[first[bi]] = [(0, len(ctx.index.words[first[bi]]))]

        for index, numbers, _sub in steps:
            if numbers[0] != expected:
                close()
                run, expected = [], 1
                if numbers[0] != 1:
                    continue
            run.append(index)
            expected += len(numbers)
        close()
        return dict(sorted(out.items()))


def _steps(ctx: Context) -> tuple[dict[int, int], list[tuple[int, list[int], bool]]]:
    """(block -> its first sentence; the blocks that are numbered steps, with their numbers and
    whether they are numbered as a section's paragraphs ("5.2 …"), in document order), read once per
    document for every `sequence` of every rule."""
    if ctx._base is not None:
        return _steps(ctx._base)
    if ctx._steps is None:
        # block -> its first sentence (built from the last sentence back, so the first one stays: one
        # C-level pass instead of a setdefault per sentence)
        blocks_of = ctx.sentence_block
        first: dict[int, int] = dict(zip(reversed(blocks_of), range(len(blocks_of) - 1, -1, -1), strict=True))
        steps: list[tuple[int, list[int], bool]] = []
        last_day, day_rank = 0, 0  # the last timeline step's day, and its rank in its timeline
        for b in ctx.blocks:
            if b.index not in first or b.kind in ("header", "footer", "title"):
                continue
            if b.kind == "heading" and not _STEP_HEADING.match(b.text):
                continue
            sub = None
            if b.number is not None and b.kind != "heading":
                numbers = [b.number]
            else:
                head = b.text[:8].lstrip()[:1] or b.text.lstrip()[:1]  # (not a copy of every block's text)
                if head in "DdVvWw":
                    # a timeline's days or weeks, rising: "Dag 1: Mentor ringer …", "Dag 3: …", "Day 10: …" are
                    # steps 1, 2, 3 of one run, though the days skip
                    day = _DAY.match(b.text)
                    if day is None:
                        continue
                    # (a day not after the one before starts a new timeline)
                    day_rank = day_rank + 1 if int(day.group(1)) > last_day else 1
                    last_day = int(day.group(1))
                    steps.append((b.index, [day_rank], False))
                    continue
                if not (head.isdigit() or head in "Ss"):  # a step opens its block (cheap test first)
                    continue
                if head in "Ss" and not _DIGIT.search(b.text):  # "Steg 3": a step has its number
                    continue
                sub = _SUBSTEP.match(b.text)
                # "5.1 …", "5.2 …": a numbered section's paragraphs are its steps, counted by their second number
                numbers = [int(sub.group(1))] if sub else [int(m.group(1)) for m in _STEP.finditer(b.text)]
            if not numbers or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
                continue
            steps.append((b.index, numbers, sub is not None))
        ctx._steps = (first, steps)
    return ctx._steps


_STEP_HEADING = re.compile(r"\s*(?:[Ss]teg|[Ss]tep)\s+\d")
# "Dag 3: …", "Day 10 – …", "Vecka 2: …" opening a paragraph: a day or week of a timeline
_DAY = re.compile(r"\s*(?:[Dd]ag|[Dd]ay|[Vv]ecka|[Ww]eek)\s+(\d{1,3})\s*(?:[:.]|[-–]\s)")
_DIGIT = re.compile(r"\d")
# "5.1 ", "5.2. " opening a paragraph: the steps of section 5 (a heading's own number is skipped above)
_SUBSTEP = re.compile(r"\s*\d{1,2}\.(\d{1,2})\.?\s")
# "1. ", "2) ", "Steg 3", "Step 4" at the start of a block or after "; " / ". " inside it
_STEP = re.compile(r"(?:^|(?<=[;.]\s))\s*(?:(?:[Ss]teg|[Ss]tep)\s+)?(\d{1,2})(?:[.):]|\s+[-–])\s")


# --- statutes ----------------------------------------------------------------------------------


@dataclass
class Statute(Condition):
    table: str
    status: str = "any"  # repealed | in_force | any
    unless: str | None = None
    path: str = ""
    # (as_of, the table's rows, the terms of the rows of this status that apply everywhere, and the rows
    # that apply only where the document shows their jurisdiction: (markers, terms)), kept so that the
    # lists are the same objects from one document to the next and the lexicon's plans of them are memoised
    _chosen: tuple[dt.date, list[dict], list[Term], list[tuple[list[Term], list[Term]]]] | None = field(
        default=None, repr=False, compare=False)
    # the lists of this status with the scoped rows a document shows added, by which rows (indexes into the last part)
    _scoped: dict[tuple[int, ...], list[Term]] = field(default_factory=dict, repr=False, compare=False)

    def _terms(self, ctx: Context) -> list[Term]:
        rows = ctx.tables.get(self.table, [])
        chosen = self._chosen
        if chosen is None or chosen[0] != ctx.as_of or chosen[1] is not rows:
            terms: list[Term] = []
            scoped: list[tuple[list[Term], list[Term]]] = []
            for row in rows:
                repealed = row.get("repealed")
                is_repealed = repealed is not None and _as_date(repealed) <= ctx.as_of
                if self.status == "repealed" and not is_repealed:
                    continue
                if self.status == "in_force" and is_repealed:
                    continue
                if "_where" in row:
                    scoped.append((row["_where"], row["_terms"]))
                else:
                    terms.extend(row["_terms"])
            chosen = self._chosen = (ctx.as_of, rows, terms, scoped)
            self._scoped = {}
        # a name two jurisdictions gave their acts (the Residential Tenancies Act 1987 of New South Wales,
        # replaced, and of Western Australia, in force) is the repealed one only in a document that shows
        # the jurisdiction that repealed it
        if not chosen[3]:
            return chosen[2]
        shown = tuple(i for i, (markers, _) in enumerate(chosen[3]) if any(ctx.index.find_many(markers)))
        if not shown:
            return chosen[2]
        # one list per combination of rows shown, kept like the rest, so that its lexicon plan is memoised too
        found = self._scoped.get(shown)
        if found is None:
            found = self._scoped[shown] = [*chosen[2], *(t for i in shown for t in chosen[3][i][1])]
        return found

    def eval(self, ctx: Context) -> Hits:
        # `find_many`, not a `find` per term: a statute table has hundreds of citations, and the ones the
        # lexicon rules out for the document (nearly all) are skipped without a lookup. What it skips
        # would find nothing, and `merge` drops empty parts, so the hits are the same.
        bad: Hits = {}
        if self.unless:
            bad = ctx.merged(ctx.signals.get(self.unless, _NO_TERMS))
        return merge([{si: sp for si, sp in hits.items() if si not in bad}
                      for hits in ctx.index.find_many(self._terms(ctx))])


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


# --- compiling ---------------------------------------------------------------------------------

OPERATORS = ("find", "together", "all", "any", "not", "count", "date", "statute", "sequence")


def compile_condition(spec: object, path: str, signals: set[str], tables: set[str], langs: list[str]) -> Condition:
    """Turn a condition mapping from YAML into a Condition; RuleError names the path on problems."""
    if not isinstance(spec, dict):
        raise RuleError(f"{path}: a condition must be a mapping with one of {', '.join(OPERATORS)}")
    ops = [k for k in spec if k in OPERATORS]
    if len(ops) != 1:
        raise RuleError(f"{path}: expected exactly one of {', '.join(OPERATORS)}, got {sorted(spec)}")
    op = ops[0]
    cond = _compile_op(spec, op, path, signals, tables, langs)
    facet = spec.get("facet")
    if facet is not None:
        if not isinstance(facet, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", facet):
            raise RuleError(f"{path}.facet: a facet id (lower case letters, digits, _)")
        cond.facet = facet
    return cond


def _compile_op(spec: dict, op: str, path: str, signals: set[str], tables: set[str], langs: list[str]) -> Condition:
    allowed = {
        "find": {"find", "polarity", "unless", "not_inside", "in_section", "outside_section", "in_table", "stated",
                 "outside_column"},
        "together": {"together", "scope", "within"},
        "all": {"all"}, "any": {"any"}, "not": {"not"},
        "count": {"count", "at_least", "at_least_for"},
        "date": {"date", "in_section"},
        "sequence": {"sequence", "in_section"},
        "statute": {"statute", "status", "unless"},
    }[op] | {"facet"}
    unknown = set(spec) - allowed
    if unknown:
        raise RuleError(f"{path}: unknown key(s) {sorted(unknown)} for '{op}' (allowed: {sorted(allowed)})")

    def sub(items: object, key: str) -> list[Condition]:
        if not isinstance(items, list) or not items:
            raise RuleError(f"{path}.{key}: must be a non-empty list of conditions")
        return [compile_condition(c, f"{path}.{key}[{i}]", signals, tables, langs) for i, c in enumerate(items)]

    def signal_ref(name: object, key: str) -> str | None:
        if name is None:
            return None
        if name not in signals:
            raise RuleError(f"{path}.{key}: undefined signal {name!r}")
        return str(name)

    if op == "find":
        target = spec["find"]
        terms: dict[str, list[Term]] | str
        if isinstance(target, str):
            terms = signal_ref(target, "find") or ""
        else:
            terms = compile_terms(target, f"{path}.find", langs)
        polarity = spec.get("polarity", "positive")
        if polarity not in ("positive", "any", "negated"):
            raise RuleError(f"{path}.polarity: must be positive, any or negated")
        def signals_of(key: str) -> tuple[str, ...]:  # SIGNAL or [SIGNAL, ...]
            value = spec.get(key)
            names = value if isinstance(value, list) else [value] if value else []
            return tuple(signal_ref(v, key) or "" for v in names)

        return Find(terms, polarity, signals_of("unless"),
                    signal_ref(spec.get("in_section"), "in_section"),
                    signals_of("outside_section"), path,
                    in_table=_in_table(spec, path), stated=_flag(spec, "stated", path),
                    not_inside=signals_of("not_inside"), outside_column=signals_of("outside_column"))
    if op == "together":
        scope = spec.get("scope", "sentence")
        if scope not in SCOPES:
            raise RuleError(f"{path}.scope: unsupported scope {scope!r} (use one of {', '.join(SCOPES)})")
        within = spec.get("within")
        if within is not None and (not isinstance(within, int) or within < 1 or scope != "sentence"):
            raise RuleError(f"{path}.within: a positive number of words, with scope: sentence")
        return Together(sub(spec["together"], "together"), scope, within, path)
    if op == "all":
        return All(sub(spec["all"], "all"), path)
    if op == "any":
        return Any(sub(spec["any"], "any"), path)
    if op == "not":
        return Not(compile_condition(spec["not"], f"{path}.not", signals, tables, langs), path)
    if op == "count":
        n = spec.get("at_least")
        parts = sub(spec["count"], "count")
        if not isinstance(n, int) or not 1 <= n <= len(parts):
            raise RuleError(f"{path}.at_least: a number from 1 to {len(parts)}")
        per_type = spec.get("at_least_for") or {}
        if not isinstance(per_type, dict) or not all(
                isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= len(parts)
                for k, v in per_type.items()):
            raise RuleError(f"{path}.at_least_for: document type -> a number from 1 to {len(parts)}")
        return Count(parts, n, path, dict(per_type))
    if op == "sequence":
        n = spec["sequence"]
        if not isinstance(n, int) or isinstance(n, bool) or n < 2:
            raise RuleError(f"{path}.sequence: a number of steps, 2 or more")
        return Sequence(n, path, signal_ref(spec.get("in_section"), "in_section"))
    if op == "date":
        rel = spec["date"]
        if rel not in ("on_or_after_as_of", "before_as_of", "any", "exact"):
            raise RuleError(f"{path}.date: must be on_or_after_as_of, before_as_of, any or exact")
        return DateCond(rel, path, signal_ref(spec.get("in_section"), "in_section"))
    table = spec["statute"]
    if table not in tables:
        raise RuleError(f"{path}.statute: undefined table {table!r}")
    status = spec.get("status", "any")
    if status not in ("repealed", "in_force", "any"):
        raise RuleError(f"{path}.status: must be repealed, in_force or any")
    return Statute(table, status, signal_ref(spec.get("unless"), "unless"), path)


def compile_terms(target: object, path: str, langs: list[str]) -> dict[str, list[Term]]:
    """A term list for all languages, or a mapping language -> term list."""
    if isinstance(target, list):
        per_lang = {lang: target for lang in langs}
    elif isinstance(target, dict):
        per_lang = target
    else:
        raise RuleError(f"{path}: terms must be a list or a mapping of language -> list")
    out: dict[str, list[Term]] = {}
    for lang, items in per_lang.items():
        if not isinstance(items, list):
            raise RuleError(f"{path}.{lang}: must be a list of terms")
        compiled = []
        for i, raw in enumerate(items):
            if not isinstance(raw, str):
                raise RuleError(f"{path}.{lang}[{i}]: a term must be a string")
            try:
                compiled.append(compile_term(raw, lang))
            except ValueError as exc:
                raise RuleError(f"{path}.{lang}[{i}]: {exc}") from None
        out[lang] = compiled
    return out
