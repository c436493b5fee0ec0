# Lelang Kinerja — the two commands a newcomer needs: `make run` and `make test`.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
# Local development runs with debug on; production sets DJANGO_DEBUG=0 and a secret key.
export DJANGO_DEBUG ?= 1

.PHONY: run test bench lint format messages check-system check-pdf clean lock restore-check

check-system:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Missing: Python 3.11 or newer. On Debian/Ubuntu: sudo apt-get install python3 python3-venv"; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || { \
	  echo "Missing: Python 3.11 or newer ($(PYTHON) is $$($(PYTHON) --version 2>&1)). Install python3.11 and run: make run PYTHON=python3.11"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	  echo "Missing: the Python venv module. On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }

# WeasyPrint (the signed PDFs) needs Pango from the system; say so in one line.
check-pdf: $(VENV)/.installed-run
	@$(BIN)/python -c 'import weasyprint' 2>/dev/null || { \
	  echo "Missing: Pango for PDF documents (WeasyPrint). On Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"; exit 1; }

$(BIN)/python:
	@$(MAKE) --no-print-directory check-system
	$(PYTHON) -m venv $(VENV)

# Dependencies come from the lock files (exact versions with hashes, `make lock`);
# the project itself is installed on top, without resolving anything again.
PIP := $(BIN)/python -m pip --disable-pip-version-check
$(VENV)/.installed-run: requirements/run.txt pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --require-hashes -r requirements/run.txt
	$(PIP) install --quiet --no-deps -e .
	$(PIP) check
	@touch $@

$(VENV)/.installed-test: requirements/test.txt pyproject.toml | $(BIN)/python
	$(PIP) install --quiet --require-hashes -r requirements/test.txt
	$(PIP) install --quiet --no-deps -e .
	$(PIP) check
	@touch $@ $(VENV)/.installed-run

# Re-resolve the lock files after a change to pyproject.toml's dependencies (keeps the
# other pins); `make lock UPGRADE=1` moves every pin to the newest allowed release.
LOCK_VENV := $(VENV)-lock
PIP_COMPILE = $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
  --no-emit-index-url --no-emit-trusted-host --no-emit-find-links $(if $(UPGRADE),--upgrade)
lock: | $(BIN)/python
	test -x $(LOCK_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install --quiet pip-tools; }
	$(PIP_COMPILE) -o requirements/run.txt pyproject.toml
	$(PIP_COMPILE) --extra test -o requirements/test.txt pyproject.toml

# Ctrl+C (or SIGTERM) ends the live screens' streams at once (lelang/events/), so the
# server stops within a second; any other request still running after 3 s is cut off.
# The demo is Malang in 2018, whose planning agency was called Barenlitbang.
run: export LELANG_PLANNING_AGENCY ?= Barenlitbang
run: $(VENV)/.installed-run
	@$(MAKE) --no-print-directory check-pdf
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Lelang Kinerja is running at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	$(BIN)/uvicorn lelang.asgi:application --host $(HOST) --port $(PORT) --lifespan off \
	  --timeout-graceful-shutdown 3

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Performance figures (DESIGN.md §6), printed as one line each; needs PostgreSQL on 127.0.0.1.
bench: $(VENV)/.installed-test
	@$(BIN)/python -c 'import os, platform; print(f"machine cores={os.cpu_count()} python={platform.python_version()} system={platform.system()}-{platform.machine()}")'
	$(BIN)/python manage.py bench_live $(BENCH_ARGS)
	$(BIN)/python manage.py bench_excel
	$(BIN)/python manage.py bench_documents
	$(BIN)/python manage.py bench_dashboard

# Backup and restore proof (docs/deploy.md): scratch databases on PostgreSQL 127.0.0.1:5432
# (user postgres) and scratch folders, all dropped afterwards.
restore-check: $(VENV)/.installed-run
	@$(MAKE) --no-print-directory check-pdf
	PYTHON=$(BIN)/python bash scripts/restore_check.sh

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the Indonesian catalogue after changing user-facing text (needs gettext).
messages: $(VENV)/.installed-test
	$(BIN)/python manage.py makemessages --locale id --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --locale id --ignore '.venv/*'

clean:
	rm -rf $(VENV) $(LOCK_VENV) staticfiles .pytest_cache .ruff_cache
