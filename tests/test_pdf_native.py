"""The compiled PDF helper (govcheck/extract/_pdf/_native.c) reads every PDF exactly as the Python reader does.

Why: the helper stands in for the reader's per-line geometry, its cut searches and its page-object walk;
reports must not change by one byte with or without it (it is not built where there is no compiler).
Every PDF of the shared corpus and of the test folders (holdouts, fuzz crashes) is read both ways and the
page models - every line, run, coordinate, grid and flag as repr prints it - compared.
"""

from __future__ import annotations

import contextlib
import ctypes
from pathlib import Path

import pytest

from govcheck.extract._pdf import pdfium as reader
from govcheck.extract._pdf.model import _Broken, _Encrypted

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"


def _pdfs() -> list[Path]:
    found = []
    for folder in (SHARED / "dev" / "docs", SHARED / "wild", ROOT / "tests"):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.suffix.lower() in (".pdf", ""):
                    try:
                        with open(path, "rb") as fh:
                            if b"%PDF-" in fh.read(1024):
                                found.append(path)
                    except OSError:
                        pass
    return found


def _model(path: Path) -> str:
    try:
        doc = reader._read_pdfium(path)
    except (_Broken, _Encrypted) as exc:
        return f"{type(exc).__name__} {exc.args!r}"
    return repr((doc.count, doc.meta_title, doc.pages))


native = reader._native()
needs_native = pytest.mark.skipif(native is None, reason="PDF helper not compiled (no C compiler at install)")


@needs_native
def test_native_reads_every_pdf_as_python_does(monkeypatch: pytest.MonkeyPatch) -> None:
    pdfs = _pdfs()
    assert len(pdfs) >= 20
    with_native = {p: _model(p) for p in pdfs}
    monkeypatch.setattr(reader, "_native", lambda: None)
    differ = [p.name for p in pdfs if _model(p) != with_native[p]]
    assert not differ


@needs_native
def test_native_objects_on_rotated_page_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ruled table inside a form XObject on a page turned 90 degrees: the walk's matrix, rotation and
    box arithmetic both ways."""
    import pypdfium2 as pdfium

    table = b"".join(b"%d 100 m %d 300 l S " % (x, x) for x in (100, 200, 300, 400))
    table += b"".join(b"100 %d m 400 %d l S " % (y, y) for y in (100, 200, 300))
    form = b"q 0.5 0.1 -0.1 0.5 20 30 cm " + table + b"Q"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Rotate 90 "
        b"/Resources << /XObject << /F1 5 0 R >> >> /Contents 4 0 R >>",
    ]
    content = b"q 1 0 0 1 10 20 cm /F1 Do Q " + table
    objs.append(b"<< /Length %d >> stream\n" % len(content) + content + b"\nendstream")
    objs.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Length %d >> stream\n" % len(form)
                + form + b"\nendstream")
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    path = tmp_path / "rotated-table.pdf"
    path.write_bytes(bytes(out))

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[0]
        from govcheck.extract._pdf.geometry import _Transform

        left, bottom, right, top = page.get_bbox()
        xf = _Transform(left, bottom, right - left, top - bottom, page.get_rotation() % 360)
        got = reader._PdfiumReader().objects(page.raw, xf)
        monkeypatch.setattr(reader, "_native", lambda: None)
        want = reader._PdfiumReader().objects(page.raw, xf)
        page.close()
    finally:
        pdf.close()
    assert want[1] and want[2]  # the rules were found at all
    assert repr(got) == repr(want)


def test_reader_works_without_the_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "_native", lambda: None)
    pdfs = [p for p in _pdfs() if p.suffix.lower() == ".pdf"][:3]
    if not pdfs:
        pytest.skip("no PDF at hand")
    for path in pdfs:
        assert _model(path)


def test_address_of_a_null_handle_is_zero() -> None:
    assert reader._address(ctypes.c_void_p()) == 0


def test_a_built_helper_is_used() -> None:
    """A compiled helper that pdfium.py does not load (an ABI bump in one file and not the other, a
    missing function) would silently turn the comparison above into a skip."""
    built = list((ROOT / "govcheck" / "extract" / "_pdf").glob("_native*.so"))
    if not built:
        pytest.skip("PDF helper not compiled here")
    assert native is not None


# Pieces of text with what lines.py treats specially: bullets strong and weak, enumerators (ASCII, roman,
# dotted, other scripts' digits), spaces of several kinds, control characters and soft-hyphen marks.
_ATOMS = ["1.", "(2)", "12)", "1234.", "a)", "(b.", "iv.", "(xviii)", "1.2", "3.1.", "1..2", "\u0661.\u0662",
          "\uff11.", "\u2173.", "\u2022", "\u25aa", "\uf0b7", "-", "\u2013", "o", "*", "\u00b7", "\u2212", "x", "Word",
          "åtgärd", " ", "  ", "\t", "\r\n", "\r", "\n", "\x00", "\x02", "\x7f", "\u00a0", "\u00ad", "\ufffe",
          "\u2003", "\u200b", ".", ")", "(", "\U0001d7cf"]


def _random_text(rng, most: int = 5) -> str:
    return "".join(rng.choice(_ATOMS) for _ in range(rng.randint(0, most)))


@needs_native
def test_native_is_marker_matches_python() -> None:
    """`_native.is_marker` stands in for lines._is_marker (its _ENUM regex is copied by hand into C)."""
    import random

    from govcheck.extract._pdf.lines import _is_marker

    rng = random.Random(15)
    texts = [*_ATOMS, "", " 1. ", "1.\n", "1.)", "ab.", "A)", "\u00e9.", "(1.2)", "1.2)", "IVX.", "ivxi.", "000."]
    texts += [_random_text(rng, 4) for _ in range(20000)]
    differ = [t for t in texts if native.is_marker(t) != _is_marker(t)]  # type: ignore[union-attr]
    assert not differ


@needs_native
def test_native_make_line_matches_python() -> None:
    """`_native.make_line` stands in for lines._make_line (and _single_line, its one-piece case): the same
    text, coordinates, flags and runs for pieces with every special character lines.py knows."""
    import random

    from govcheck.extract._pdf.lines import _make_line

    rng = random.Random(5)
    differ = []
    for _ in range(20000):
        pieces = [(_random_text(rng), float(rng.randint(0, 50)), float(rng.randint(0, 60)))
                  for _ in range(rng.randint(1, 4))]
        flags = [rng.random() < 0.3, rng.random() < 0.5, rng.random() < 0.3]  # soft, marker_ok, marker_cut
        args = (1.5, 11.0, 2.0, 10.0, rng.random() < 0.5, *flags)
        want = repr(_make_line(list(pieces), *args))
        got = repr(native.make_line(list(pieces), *args))  # type: ignore[union-attr]
        if got != want:
            differ.append((pieces, args, got, want))
    assert not differ[:3]


@needs_native
def test_native_layout_matches_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """The layout's line grouping in C (`_native.group_lines`) gives the blocks the Python layout gives,
    on every PDF the reader opens."""
    from govcheck.extract._pdf.layout import _layout

    docs = []
    for path in _pdfs():
        with contextlib.suppress(_Broken, _Encrypted):
            docs.append(reader._read_pdfium(path))
    assert len(docs) >= 20
    with_native = [repr(_layout(d.pages)) for d in docs]
    monkeypatch.setattr(reader, "_native", lambda: None)
    assert [repr(_layout(d.pages)) for d in docs] == with_native


@needs_native
def test_native_group_lines_matches_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """`_native.group_lines` on made-up lines: list markers set as text (its _ENUMERATED is copied by hand
    into C), bullets, weights, sizes, indents and line pitches around every threshold of _continues."""
    import random

    from govcheck.extract._pdf import layout
    from govcheck.extract._pdf.model import _Line, _Page, _Stats

    rng = random.Random(7)
    starts = ["1. ", "12) ", "(3) ", "(a) ", "b.", "b.\u00a0", "123. ", "\u0663. ", "A. ", "x", "Text ", "(", "1.", ""]
    page = _Page(number=3, label=None, width=600.0, height=800.0)
    runs = []
    for _ in range(3000):
        lines, base = [], 700.0
        for _ in range(rng.randint(0, 8)):
            size = rng.choice([10.0, 10.2, 10.6, 11.0, 14.0])
            base -= rng.choice([0.0, 2.0, 3.0, 11.0, 12.0, 13.0, 14.0, 20.0, 30.0])
            x0 = rng.choice([50.0, 51.0, 52.5, 60.0, 62.0, 70.0, 80.0, 90.0])
            text = rng.choice(starts) + rng.choice(["word", "", " ord"])
            lines.append(_Line(text, x0, x0 + 100, base - 2, base + size, base, size, rng.random() < 0.2,
                               x0 + rng.choice([0.0, 10.0, 20.0]), rng.random() < 0.15))
        runs.append((lines, _Stats(body=10.0, lead=rng.choice([1.0, 1.2, 1.5])), rng.random() < 0.2))
    with_native = [repr(layout._group_lines(list(ls), page, st, furn)) for ls, st, furn in runs]
    monkeypatch.setattr(reader, "_native", lambda: None)
    assert [repr(layout._group_lines(list(ls), page, st, furn)) for ls, st, furn in runs] == with_native


@needs_native
def test_native_stats_matches_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """`_native.stats` gives layout._stats' body size and pitch: sizes that round half to even, ties of
    the size counts (the first seen wins), pitches at the limits, and the sizes Python must judge itself
    (not finite: round() raises; a body of 0: the pitch divides by it)."""
    import random

    from govcheck.extract._pdf import layout
    from govcheck.extract._pdf.model import _Line, _Page

    rng = random.Random(11)
    sizes = [10.0, 10.25, 10.75, 11.0, 11.25, 9.74, 12.0, 0.1, 0.2, float("nan"), float("inf")]
    docs = []
    for _ in range(1500):
        pages = []
        for n in range(rng.randint(0, 3)):
            page = _Page(number=n + 1, label=None, width=600.0, height=800.0)
            base = 700.0
            for _ in range(rng.randint(0, 12)):
                size = rng.choice(sizes) if rng.random() < 0.3 else 10.0
                base -= rng.choice([9.0, 10.0, 12.0, 14.0, 22.0, 25.0, 0.0])
                x0 = rng.choice([50.0, 55.0, 69.0, 71.0])
                page.lines.append(_Line("x" * rng.randint(0, 5), x0, x0 + 10, base, base + size, base, size))
            pages.append(page)
        docs.append(pages)

    def outcome(pages: list) -> str:
        try:
            return repr(layout._stats(pages))
        except Exception as exc:
            return type(exc).__name__

    with_native = [outcome(p) for p in docs]
    monkeypatch.setattr(reader, "_native", lambda: None)
    assert [outcome(p) for p in docs] == with_native


@needs_native
def test_native_grids_match_python() -> None:
    """`_native.grids` (what `page_grids` runs after its object walk) finds geometry._grids' tables on
    made-up rules: clusters of vertical rules sharing tops, full-width and partial horizontal rules,
    ties in every sort (0.0 and -0.0 among them: Python keeps the first of equal values), and None for a
    rule that is not finite, which Python judges."""
    import random

    from govcheck.extract._pdf.geometry import _grids

    rng = random.Random(15)
    common = [0.0, -0.0, 1.0, 2.0, 3.0, 12.0, 14.0, 99.0, 100.0, 101.5, 200.0, 300.0]

    def value() -> float:
        return rng.choice(common) if rng.random() < 0.5 else round(rng.uniform(-5, 400), rng.choice([0, 1, 3]))

    found = 0
    for _ in range(20000):
        vr = [(value(), value(), value()) for _ in range(rng.randint(0, 14))]
        for x, y0, y1 in list(vr):
            if rng.random() < 0.5:
                vr.append((x + rng.choice([0.0, 1.0, 13.0, 20.0, 40.0, -0.0]), y0, y1 + rng.choice([0.0, -1.0, 0.5])))
        hr = [(value(), value(), value()) for _ in range(rng.randint(0, 14))]
        for x, y0, y1 in vr[:6]:
            left, right = x - rng.choice([0.0, 2.0, 5.0]), x + rng.choice([20.0, 60.0, 200.0])
            hr.append((left, right, y1 + rng.choice([0.0, 1.0, -2.0])))
            hr.append((x - 1, x + 300, y0 + rng.choice([0.0, -0.0, 1.5])))
        expected = _grids(list(hr), list(vr))
        found += bool(expected)
        assert repr(native.grids(hr, vr)) == repr(expected), (hr, vr)
    assert found > 500  # the made-up rules draw tables often enough to test the grid code
    assert native.grids([(float("nan"), 1.0, 2.0)], [(1.0, 2.0, 3.0)] * 3) is None
    assert native.grids([], [(1.0, 2.0, float("inf"))] * 3) is None


@needs_native
def test_native_page_grids_match_objects_and_grids() -> None:
    """`page_grids` gives what `objects` then geometry._grids give, on every page of the corpus PDFs."""
    import pypdfium2 as pdfium

    from govcheck.extract._pdf.geometry import _grids, _Transform

    pages = with_grids = 0
    for path in _pdfs():
        try:
            pdf = pdfium.PdfDocument(str(path))
        except Exception:
            continue
        try:
            for i in range(len(pdf)):
                page = pdf[i]
                try:
                    left, bottom, right, top = page.get_bbox()
                    xf = _Transform(left, bottom, right - left, top - bottom, page.get_rotation() % 360)
                    at = (reader._address(page.raw), xf.left, xf.bottom, xf.w, xf.h, xf.rot)
                    drawn, hr, vr = native.objects(*at)
                    expected = (drawn, _grids(hr, vr))
                    assert repr(native.page_grids(*at)) == repr(expected), (path.name, i)
                    pages += 1
                    with_grids += bool(expected[1])
                finally:
                    page.close()
        finally:
            pdf.close()
    assert pages >= 100 and with_grids >= 10
