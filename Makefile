# Ulinzi — the two commands of the README, and a few helpers.
#   make demo   set up and run the demo on SQLite (PORT=8000 by default)
#   make test   ruff, mypy, pytest on SQLite and PostgreSQL, browser tests

PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint typecheck pytest browser pdf bench serve worker clean

$(BIN)/python:
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Ulinzi needs Python 3.11 (set PY=/path/to/python3.11)")'
	$(PY) -m venv $(VENV)

$(VENV)/.base: requirements/base.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements/base.lock
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

$(VENV)/.dev: requirements/dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements/dev.lock
	$(BIN)/pip install -q --no-deps -e .
	@touch $@ $(VENV)/.base

demo: $(VENV)/.base
	$(BIN)/ulinzi demo --port $(PORT)

serve: $(VENV)/.base
	$(BIN)/ulinzi serve --port $(PORT)

worker: $(VENV)/.base
	$(BIN)/ulinzi worker

test: $(VENV)/.dev browser pdf lint typecheck pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy src

browser:
	@bash scripts/ensure-chromium.sh

pdf:
	@bash scripts/ensure-pango.sh

pytest: $(VENV)/.dev
	@bash scripts/test-databases.sh

bench: $(VENV)/.dev
	$(BIN)/ulinzi bench all

clean:
	rm -rf $(VENV) var/test
