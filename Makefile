# Two commands on a fresh machine with Python 3.11 and git:  `make up`  and  `make test`.
# uv is bootstrapped into .tools/ from PyPI; everything else comes from uv.lock.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
RUN := $(UV) run --frozen --all-packages
PYTEST_ARGS ?=

.PHONY: up down status test lint typecheck pytest sync schemas test-faults bench clean eval

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

test: sync lint typecheck pytest ## everything CI runs

lint: sync
	$(RUN) ruff check .

typecheck: sync
	$(RUN) mypy

pytest: sync
	$(RUN) pytest $(PYTEST_ARGS)

schemas: sync ## regenerate the reviewed JSON Schema snapshots after a deliberate contract change
	$(RUN) python -m madoguchi.shared.contracts.snapshot --write

test-faults: sync
	$(RUN) pytest tests/fault -m fault $(PYTEST_ARGS)

eval: sync ## redaction precision/recall/F2 on the synthetic corpus -> bench/results/redaction_eval.json
	$(RUN) python services/redaction/eval/evaluate.py bench/results/redaction_eval.json

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache
