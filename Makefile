# moot — two commands do all set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export MOOT_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test lint mypy-baseline bench install install-test

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# Static files are collected (hashed and compressed, about 20 s) only when they or the installed
# packages changed, so that a second `make run` starts in seconds.
STATIC_STAMP := $(MOOT_VAR_DIR)/static/.collected
STATIC_SOURCES := $(shell find src -path '*/static/*' -type f)

$(STATIC_STAMP): $(VENV)/.installed $(STATIC_SOURCES)
	MOOT_HTTPS=$${MOOT_HTTPS:-0} $(VENV)/bin/moot collectstatic --noinput --verbosity 0
	touch $@

## make run: install, migrate, make the audit signing key (in MOOT_KEYS_DIR, outside var/) if
## missing, seed the demo organisation if the database is empty, sign the audit head, serve.
run: $(VENV)/.installed $(STATIC_STAMP)
	MOOT_HTTPS=$${MOOT_HTTPS:-0} $(VENV)/bin/moot migrate --noinput
	MOOT_HTTPS=$${MOOT_HTTPS:-0} $(VENV)/bin/moot audit ensure-key
	MOOT_HTTPS=$${MOOT_HTTPS:-0} $(VENV)/bin/moot demo --if-empty
	MOOT_HTTPS=$${MOOT_HTTPS:-0} $(VENV)/bin/moot audit checkpoint --if-new
	MOOT_HTTPS=$${MOOT_HTTPS:-0} $(VENV)/bin/moot demo --banner --port $(PORT)
	MOOT_HTTPS=$${MOOT_HTTPS:-0} $(VENV)/bin/moot serve --port $(PORT)

## make test: test dependencies, Chromium, a throwaway PostgreSQL, lint, the suite on SQLite and PostgreSQL.
test: $(VENV)/.installed-test
	bash scripts/test.sh

## make lint: ruff, the import contracts, and mypy held to scripts/mypy_baseline.txt.
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/ruff format --check src tests bench scripts
	$(VENV)/bin/lint-imports
	$(PY) scripts/mypy_check.py

## make mypy-baseline: rewrite scripts/mypy_baseline.txt from today's mypy errors.
mypy-baseline: $(VENV)/.installed-test
	$(PY) scripts/mypy_check.py --update

bench: $(VENV)/.installed-test
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) bench/count_500k.py
	$(PY) bench/import_members.py
	$(PY) bench/members_page.py
	$(PY) bench/quorum_panel.py
	$(PY) bench/live_vote.py --voters 2000 --db both
	$(PY) bench/cases.py
	$(PY) bench/cases.py --pg
	$(PY) bench/national_ballot.py --members 500000
	$(PY) bench/national_ballot.py --members 500000 --db sqlite
	$(PY) bench/national_ballot.py --members 500000 --faults
