# Two commands do everything on a fresh machine:
#   make demo   install into .venv and scan the bundled examples (matrix + reports in out/)
#   make test   install into .venv (with system packages for OCR and the browser test) and run the tests
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AS_OF ?= 2026-11-22
# Debian packages: OCR (tesseract with Swedish and English), headless Chromium for the HTML report test, and a C
# compiler with Python's headers for the optional compiled helpers (govcheck/extract/_pdf/_native.c,
# govcheck/rules/_index.c; without them the same code runs in Python, slower).
APT_PACKAGES := tesseract-ocr tesseract-ocr-swe tesseract-ocr-eng chromium chromium-driver gcc libc6-dev python3-dev
# Only the benchmark needs these: its peer (pdftotext + grep), and Tesseract's OSD data, against which
# bench/ocr.py measures govcheck's own orientation detection.
BENCH_PACKAGES := poppler-utils unzip tesseract-ocr-osd

.PHONY: demo test lint system-deps bench clean

$(STAMP): pyproject.toml hatch_build.py govcheck/extract/_pdf/_native.c govcheck/rules/_index.c
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@mkdir -p out
	$(BIN)/govcheck scan examples --exclude README.md --exclude 'policy-repo/*' --as-of $(AS_OF) \
		--fail-on never --no-config \
		--format json --output out/examples-report.json \
		--format markdown --output out/examples-report.md \
		--format html --output out/examples-report.html \
		--format terminal
	@echo "reports: out/examples-report.json, out/examples-report.md, out/examples-report.html"

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
		else echo "warning: missing Debian packages:$$missing (run as root: apt-get install$$missing)"; fi; \
	fi

test: system-deps $(STAMP)
	$(BIN)/ruff check govcheck tests
	$(BIN)/govcheck rules test
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check govcheck tests

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) out .pytest_cache
