# Two commands on a fresh machine with Python 3.11 and git:  `make up`  and  `make test`.
# uv is bootstrapped into .tools/ from PyPI; everything else comes from uv.lock.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
RUN := $(UV) run --frozen --all-packages
PYTEST_ARGS ?=

.PHONY: up down status test test-fast lint typecheck pytest sync schemas test-faults bench clean eval browser

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

sync: $(UV)
	$(UV) sync --frozen --all-packages --all-groups

up: sync ## run the whole system locally (Ctrl-C stops it)
	$(RUN) madoguchi up

down: $(UV)
	$(RUN) madoguchi down

status: $(UV)
	$(RUN) madoguchi status

test: sync browser lint typecheck pytest ## everything CI runs

# Debian's Chromium for the tablet-app e2e tests (tests/e2e; never `playwright install`).
# Fonts: CJK, Devanagari and Myanmar, so the screenshots in test-artifacts/ are readable.
# poppler-utils (pdftotext) reads the erasure report back; fonts-ipaexfont-gothic is the
# TrueType Japanese font the report embeds. espeak-ng is the synthesis service's robotic
# fallback voice (zh, ko, vi, ne, my, pt, es); the synthesis image installs it the same way.
BROWSER_PACKAGES := chromium fonts-noto-cjk fonts-noto-core poppler-utils fonts-ipaexfont-gothic \
	espeak-ng
browser: ## install chromium, pdftotext, the report font and espeak-ng if missing (root or sudo)
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/pdftotext ] && \
	    [ -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ] && \
	    [ -x /usr/bin/espeak-ng ]; then exit 0; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(BROWSER_PACKAGES); \
	elif sudo -n true 2>/dev/null; then \
	  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y $(BROWSER_PACKAGES); \
	else \
	  echo "tests/e2e need /usr/bin/chromium: run 'sudo apt-get install -y $(BROWSER_PACKAGES)' (the e2e tests fail until then)" >&2; \
	fi

lint: sync
	$(RUN) ruff check .

typecheck: sync
	$(RUN) mypy

pytest: sync
	$(RUN) pytest $(PYTEST_ARGS)

schemas: sync ## regenerate the reviewed JSON Schema snapshots after a deliberate contract change
	$(RUN) python -m madoguchi.shared.contracts.snapshot --write

test-fast: sync ## handlers and pure units: no server, no model (under a minute)
	$(RUN) pytest -m fast $(PYTEST_ARGS)

test-faults: sync
	$(RUN) pytest tests/fault -m fault $(PYTEST_ARGS)

eval: sync ## redaction, recognition and the meaning check on their corpora -> bench/results/*_eval.json
	$(RUN) python services/redaction/eval/evaluate.py bench/results/redaction_eval.json
	$(RUN) python services/translation/eval/evaluate.py bench/results/meaning_eval.json
	$(RUN) python services/recognition/eval/evaluate.py bench/results/recognition_eval.json

bench: sync ## benchmarks (records, never asserts) -> bench/results/*.json + *.png; see bench/README.md
	PYTHONPATH=. $(RUN) python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache
