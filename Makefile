# The README's two commands: `make run` and `make test`. Both build .venv/ from the pinned
# requirements the first time (and again whenever a requirements file changes).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BUILD_STAMP := $(VENV)/.build-installed
DEMO_DIR := demo-data

.PHONY: run test lint format postgres demo-large bench package clean try-team

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## Open the window on a demo database kept in ./demo-data (made on first run).
run: $(STAMP)
	@test -f $(DEMO_DIR)/rapport.db || $(PY) main.py --data-dir $(DEMO_DIR) demo --size small
	$(PY) main.py --data-dir $(DEMO_DIR)

## Lint, then the whole test suite (the team-server tests start a PostgreSQL of their own).
test: $(STAMP) lint postgres
	$(PY) -m pytest

## PostgreSQL's programs for the team-server tests: Debian's package, installed where missing.
postgres:
	@sh .ci/ensure-postgres

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

## A large demo database in ./demo-large for measuring.
demo-large: $(STAMP)
	$(PY) main.py --data-dir demo-large demo --size large --replace

## The packaged program in dist/Rapport/ (PyInstaller, build.spec), then its frozen self-test.
package: $(STAMP) $(BUILD_STAMP)
	rm -rf build/Rapport dist/Rapport
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN build.spec
	@du -sh dist/Rapport
	dist/Rapport/Rapport --self-test

$(BUILD_STAMP): requirements-build.txt requirements.txt
	$(PY) -m pip install --quiet -r requirements-build.txt
	touch $(BUILD_STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist

## A throwaway team server and two data folders on this machine, to try team use.
try-team: $(STAMP) postgres
	RAPPORT_DB_KEY=$${RAPPORT_DB_KEY:-$$(python3 -c "print('ab' * 32)")} $(PY) -m tests.try_team

## Figures on the large demo (not part of `make test`).
bench: $(STAMP)
	$(PY) -m pytest -s -p no:cacheprovider tests/benchmarks/bench_foundation.py tests/benchmarks/bench_tables.py tests/benchmarks/bench_encryption.py tests/benchmarks/bench_sync.py
