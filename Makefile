# PATEN platform: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
# Test processes (pytest-xdist): one per CPU core by default; TEST_WORKERS=0 runs in one.
TEST_WORKERS ?= auto

.PHONY: run test install lint format check bench translations clean-var help

help:
	@echo "make run    install, migrate, load demo data, start web + Celery worker + beat"
	@echo "make test   run the whole test suite"
	@echo "make bench  print performance figures next to their references"
	@echo "make lint   ruff format + ruff check --fix"

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

translations: $(STAMP)
	$(MANAGE) compile_translations

run: $(STAMP) translations
	$(PY) scripts/run.py

# Tests that share an outside service run on one worker (xdist_group, tests/conftest.py);
# -rs lists every skipped test with its reason (a missing service, say).
test: $(STAMP) translations
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup -rs $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

clean-var:
	rm -rf var/
