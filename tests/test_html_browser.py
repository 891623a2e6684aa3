"""The HTML report in a real browser: headless Chromium through chromedriver, as a user would open it.

Static checks cannot tell whether the filters and the evidence panel work, or whether the page logs
errors (a blocked resource, a script error, a CSP violation). This test fails, never skips, when
Chromium or chromedriver is missing: CI installs them with `make system-deps`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from govcheck.model import ScanReport
from govcheck.report import ReportOptions, render
from govcheck.report.common import report_from_json

REPO = Path(__file__).parents[1]
DEV_DOCS = REPO / ".." / "shared" / "corpus" / "dev" / "docs"
AS_OF = "2026-11-22"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,1000")
HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>'


@pytest.fixture(scope="module")
def report() -> ScanReport:
    proc = subprocess.run(
        [sys.executable, "-m", "govcheck", "scan", str(DEV_DOCS), "--as-of", AS_OF, "--format", "json", "-q"],
        capture_output=True, text=True, timeout=300, cwd=REPO,
    )
    assert proc.returncode in (0, 1), proc.stderr  # 1 = findings at or above --fail-on
    data = report_from_json(json.loads(proc.stdout))
    # hostile text in a quote and a title: it must show as text and never run
    doc = next(d for d in data.documents if d.status == "ok")
    next(r for r in doc.results if r.evidence).evidence[0].text += " " + HOSTILE
    doc.title = (doc.title or "") + HOSTILE
    return data


@pytest.fixture(scope="module")
def page(report: ScanReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(render(report, "html", ReportOptions(lang="en")), encoding="utf-8")
    return path


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("Chromium is not installed: run `make system-deps` (Debian packages chromium chromium-driver)")


@pytest.fixture(scope="module")
def driver() -> Iterator[webdriver.Chrome]:
    binary = chromium_binary()
    if not Path(CHROMEDRIVER).exists():
        pytest.fail(f"{CHROMEDRIVER} is missing: run `make system-deps` (Debian package chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="govcheck-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def loaded(driver: webdriver.Chrome, page: Path) -> webdriver.Chrome:
    driver.get(page.as_uri())
    return driver


def visible(driver: webdriver.Chrome, css: str) -> list:
    return [el for el in driver.find_elements(By.CSS_SELECTOR, css) if el.is_displayed()]


def test_loads_without_console_errors_and_hostile_text_stays_text(loaded: webdriver.Chrome,
                                                                   report: ScanReport) -> None:
    severe = [entry for entry in loaded.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == []
    assert loaded.execute_script("return window.pwned === undefined")
    assert len(visible(loaded, "#matrix tbody tr")) == len(report.documents)
    assert HOSTILE in loaded.find_element(By.ID, "details").text


def test_outcome_filter_hides_rows_and_cells(loaded: webdriver.Chrome, report: ScanReport) -> None:
    Select(loaded.find_element(By.ID, "f-outcome")).select_by_value("not_met")
    rows = visible(loaded, "#matrix tbody tr")
    with_not_met = [d for d in report.documents if any(r.outcome == "not_met" for r in d.results)]
    assert 0 < len(rows) == len(with_not_met) < len(report.documents)
    cells = visible(loaded, "#matrix td.cell")
    assert len(cells) == sum(r.outcome == "not_met" for d in report.documents for r in d.results)
    assert {c.get_attribute("data-outcome") for c in cells} == {"not_met"}
    assert loaded.find_element(By.ID, "f-count").text == str(len(rows))
    # the rule filter narrows it to one column; the type filter to one kind of document
    Select(loaded.find_element(By.ID, "f-outcome")).select_by_value("")
    Select(loaded.find_element(By.ID, "f-rule")).select_by_value("cost-sharing")
    assert {c.get_attribute("data-rule") for c in visible(loaded, "#matrix td.cell")} == {"cost-sharing"}
    Select(loaded.find_element(By.ID, "f-type")).select_by_value("routine")
    routines = [d for d in report.documents if d.doc_type == "routine"]
    assert len(visible(loaded, "#matrix tbody tr")) == len(routines)


def test_clicking_a_cell_shows_its_evidence(loaded: webdriver.Chrome, report: ScanReport) -> None:
    panel = loaded.find_element(By.ID, "panel")
    assert not panel.is_displayed()
    n, doc = next((n, d) for n, d in enumerate(report.documents)
                  if any(r.outcome == "partial" and r.evidence for r in d.results))
    j, res = next((j, r) for j, r in enumerate(doc.results) if r.outcome == "partial" and r.evidence)
    row = loaded.find_elements(By.CSS_SELECTOR, "#matrix tbody tr")[n]
    row.find_elements(By.CSS_SELECTOR, "td.cell")[j].click()
    assert panel.is_displayed()
    text = panel.text
    assert res.evidence[0].text.split(HOSTILE)[0].strip() in text
    assert doc.path in text and "partial" in text and "Recommendation" in text
    loaded.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    assert not panel.is_displayed()


def test_print_layout_hides_controls_and_met_cells(loaded: webdriver.Chrome) -> None:
    loaded.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not loaded.find_element(By.ID, "filters").is_displayed()
        assert visible(loaded, ".detail.o-not_met")
        assert not visible(loaded, ".detail.o-met")
    finally:
        loaded.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_review_mode_exports_verdicts_the_cli_applies(driver: webdriver.Chrome, tmp_path: Path) -> None:
    """An auditor opens the HTML report offline, judges a cell and exports; the next scan applies it."""
    import time

    import yaml
    from test_judgements import PARTIAL_TEXT, TINY_PACK

    (tmp_path / "tiny.yaml").write_text(TINY_PACK, encoding="utf-8")
    (tmp_path / "govcheck.yaml").write_text("packs: [tiny.yaml]\nfail_on: partial\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "policy.txt").write_text(PARTIAL_TEXT, encoding="utf-8")
    html_report = tmp_path / "report.html"

    def scan(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "govcheck", "scan", "docs", "--as-of", AS_OF, "-q", *args],
                              capture_output=True, text=True, timeout=120, cwd=tmp_path)

    assert scan("-f", "html", "-o", str(html_report)).returncode == 1  # the tool: partial
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.get(html_report.as_uri())
    driver.find_element(By.ID, "review-mode").click()
    cell = driver.find_element(By.CSS_SELECTOR, '#matrix td.cell[data-rule="has-owner"]')
    cell.click()
    panel = driver.find_element(By.ID, "panel")
    assert "The author of this policy is Sam." in panel.text  # the evidence, beside the form
    Select(driver.find_element(By.ID, "v-outcome")).select_by_value("met")
    driver.find_element(By.ID, "v-reason").send_keys("Sam signs as owner in the approval block.")
    driver.find_element(By.ID, "v-by").send_keys("A. Revisor")
    driver.find_element(By.ID, "v-save").click()
    assert "Saved" in driver.find_element(By.ID, "v-status").text
    assert cell.find_elements(By.CSS_SELECTOR, ".pending")  # the cell shows it is judged now
    driver.find_element(By.ID, "export-panel").click()  # beside the form
    exported = downloads / "govcheck-judgements.yaml"
    deadline = time.monotonic() + 15
    while not exported.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert exported.exists(), list(downloads.iterdir())
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    # the exported file, saved beside govcheck.yaml, is what the next scan applies
    (tmp_path / "govcheck-judgements.yaml").write_bytes(exported.read_bytes())
    proc = scan("-f", "json")
    assert proc.returncode == 0, proc.stderr
    result = next(r for r in json.loads(proc.stdout)["documents"][0]["results"] if r["rule"] == "has-owner")
    assert result["outcome"] == "met" and result["tool_outcome"] == "partial"
    assert result["judged_by"]["by"] == "A. Revisor"
    assert yaml.safe_load(exported.read_text(encoding="utf-8"))["judgements"][0]["date"] == dt_today()


def dt_today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()


def test_review_mode_keeps_verdicts_across_a_reload_until_cleared(driver: webdriver.Chrome, tmp_path: Path) -> None:
    """An auditor's verdicts survive a reload (localStorage, keyed by the report's documents), export is
    accepted by the CLI, they are dropped by themselves once in force, "Clear" forgets them, and verdicts
    chosen on one version of a document do not come back on another."""
    import time

    from test_judgements import PARTIAL_TEXT, TINY_PACK

    (tmp_path / "tiny.yaml").write_text(TINY_PACK, encoding="utf-8")
    (tmp_path / "govcheck.yaml").write_text("packs: [tiny.yaml]\nfail_on: partial\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    doc = tmp_path / "docs" / "policy.txt"
    doc.write_text(PARTIAL_TEXT + "Kept across reloads.\n", encoding="utf-8")  # its own identity in this browser
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})

    def scan(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "govcheck", "scan", "docs", "--as-of", AS_OF, "-q", "--lang", "en",
                               *args], capture_output=True, text=True, timeout=120, cwd=tmp_path)

    def html(name: str) -> Path:
        out = tmp_path / name
        assert scan("-f", "html", "-o", str(out)).returncode in (0, 1)
        return out

    def cell(rule: str):
        return driver.find_element(By.CSS_SELECTOR, f'#matrix td.cell[data-rule="{rule}"]')

    def judge(rule: str, outcome: str, reason: str) -> None:
        if driver.find_element(By.ID, "review-mode").get_attribute("aria-pressed") != "true":
            driver.find_element(By.ID, "review-mode").click()
        cell(rule).click()
        Select(driver.find_element(By.ID, "v-outcome")).select_by_value(outcome)
        driver.find_element(By.ID, "v-reason").clear()
        driver.find_element(By.ID, "v-reason").send_keys(reason)
        by = driver.find_element(By.ID, "v-by")
        by.clear()
        by.send_keys("A. Revisor")
        driver.find_element(By.ID, "v-save").click()
        assert "Saved in this browser" in driver.find_element(By.ID, "v-status").text

    def pending(rule: str) -> bool:
        return bool(cell(rule).find_elements(By.CSS_SELECTOR, ".pending"))

    def stored(report: Path) -> int:
        """How many drafts this browser keeps for `report`, read from the page now open (any report)."""
        digest = re.search(r'data-report="([^"]*)"', report.read_text(encoding="utf-8")).group(1)
        return driver.execute_script(
            "const s = JSON.parse(localStorage.getItem(arguments[0]) || 'null');"
            "return s ? s.changes.length : 0;", "govcheck-review:" + digest)

    blank = tmp_path / "blank.html"  # a page of the same (file://) origin that keeps nothing itself
    blank.write_text("<!doctype html><title>blank</title>", encoding="utf-8")

    def settle(report: Path, want: int) -> None:
        """Chromium hands a page's localStorage writes to its storage process asynchronously; under load a
        reload that raced them read the storage as it was before the save (seen twice: once in CI, once on a
        busy machine). Wait until another tab of the origin sees `want` drafts for `report`, as a reload will.
        It only waits: in one CI run (28th session) another tab still read the old storage after 10 s while the
        key was there a moment later, so what a user notices (the reloaded page shows the drafts) is asserted
        by `reload_until`, which reloads until it does."""
        here = driver.current_window_handle
        driver.switch_to.new_window("tab")
        try:
            deadline = time.monotonic() + 20
            driver.get(blank.as_uri())
            while stored(report) != want and time.monotonic() < deadline:
                time.sleep(0.2)
                driver.get(blank.as_uri())
        finally:
            driver.close()
            driver.switch_to.window(here)

    def banner() -> str:
        element = driver.find_element(By.ID, "drafts")
        return element.text if element.is_displayed() else ""

    def reload_until(shown) -> None:
        """Reload the tab until the page shows what the browser keeps. Even after `settle`, a reload in a full test
        run (2 of 3 runs in the 27th session, never alone) now and then read the storage as it was before the save;
        the drafts were still stored (restore() returns on an empty read and deletes nothing) and the next reload
        showed them. The page must show them within a few reloads, or the test fails with what storage held."""
        deadline = time.monotonic() + 20
        driver.refresh()
        while not shown() and time.monotonic() < deadline:
            time.sleep(0.5)
            driver.refresh()
        assert shown(), driver.execute_script("return JSON.stringify(localStorage)")

    first = html("report.html")
    driver.get(first.as_uri())
    assert banner() == "" and not pending("has-owner")
    judge("has-owner", "met", "Sam signs as owner in the approval block.")
    assert "Verdicts chosen in this browser for this report: 1." in banner()

    settle(first, 1)
    # the tab reloaded (or closed and opened again): nothing is lost
    reload_until(lambda: pending("has-owner") and "for this report: 1." in banner())
    driver.find_element(By.ID, "review-mode").click()
    cell("has-owner").click()
    assert Select(driver.find_element(By.ID, "v-outcome")).first_selected_option.get_attribute("value") == "met"
    assert driver.find_element(By.ID, "v-reason").get_attribute("value") == "Sam signs as owner in the approval block."

    driver.find_element(By.ID, "close").click()  # the panel lies over the page's right side
    driver.find_element(By.ID, "export-drafts").click()  # the export button beside the count
    exported = downloads / "govcheck-judgements.yaml"
    deadline = time.monotonic() + 15
    while not exported.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert exported.exists(), list(downloads.iterdir())
    (tmp_path / "govcheck-judgements.yaml").write_bytes(exported.read_bytes())
    proc = scan("-f", "json")
    assert proc.returncode == 0, proc.stderr  # the CLI accepts the export and applies it: met
    result = next(r for r in json.loads(proc.stdout)["documents"][0]["results"] if r["rule"] == "has-owner")
    assert result["outcome"] == "met" and result["judged_by"]["by"] == "A. Revisor"

    # The next report of the same documents has the verdict in force: nothing is pending any more, and
    # what the browser kept for these documents is dropped by itself.
    second = html("report2.html")
    driver.get(second.as_uri())
    assert banner() == "" and not pending("has-owner")
    assert cell("has-owner").find_elements(By.CSS_SELECTOR, ".mark.judged")  # ✎ from the report itself
    assert driver.execute_script(
        "return Object.keys(localStorage).filter((k) => k === 'govcheck-review:' + "
        "document.querySelector('#matrix').dataset.report).length") == 0

    # "Clear" forgets what was chosen here, also after a reload; the verdict in force stays
    judge("has-author", "not_met", "Sam is named, but not as the author.")
    assert pending("has-author") and "for this report: 1." in banner()
    driver.find_element(By.ID, "close").click()
    driver.find_element(By.ID, "clear-drafts").click()
    driver.switch_to.alert.accept()
    assert banner() == "" and not pending("has-author")
    settle(second, 0)
    reload_until(lambda: banner() == "" and not pending("has-author"))
    assert driver.find_element(By.CSS_SELECTOR, "#export .v-count").get_attribute("textContent") == "1"

    # A verdict chosen on this version of the document does not come back on an edited one
    judge("has-author", "not_met", "Sam is named, but not as the author.")
    settle(second, 1)
    # kept by the browser for this version of the document...
    reload_until(lambda: pending("has-author") and "for this report: 1." in banner())
    doc.write_text(PARTIAL_TEXT + "Edited after the review.\n", encoding="utf-8")
    third = html("report3.html")
    driver.get(third.as_uri())
    assert banner() == "" and not pending("has-author")  # ...not shown on the edited one...
    assert stored(second) == 1, driver.execute_script("return Object.keys(localStorage)")
    driver.get(second.as_uri())  # ...and still there for the version it was chosen on (the page opened again
    # reads the storage as `reload_until` says: under load a first read now and then sees it as it was)
    reload_until(lambda: pending("has-author") and "for this report: 1." in banner())
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
