# The two commands: `make serve` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB := $(or $(PORTAL_DB),build/portal.db)
INSTALLED := $(VENV)/.installed
LOCK := requirements-lock.txt
FRONTEND := node_modules/.installed

.PHONY: serve test install validate build lint audit lock benchmark clean

serve: build
	PORTAL_DB=$(DB) $(BIN)/gunicorn -c gunicorn.conf.py 'portal.web.asgi:create_app()'

test: install
	$(BIN)/ruff check portal tests tools
	$(BIN)/python tools/audit_dependencies.py $(LOCK)
	$(BIN)/pytest

install: $(INSTALLED) $(FRONTEND)

# Exactly the locked versions, pip and setuptools first (a new venv's own may be old and flawed).
$(INSTALLED): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
	  $$(grep -E '^(pip|setuptools)==' $(LOCK))
	$(BIN)/pip install --quiet --disable-pip-version-check -r $(LOCK) -e ".[test]"
	touch $@

# Front-end packages (the API docs page, the charts) from the npm registry, never committed.
$(FRONTEND): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

validate: install
	$(BIN)/portal validate

build: validate
	$(BIN)/portal build --db $(DB)
	$(BIN)/portal downloads --db $(DB)

lint: install
	$(BIN)/ruff check portal tests tools
	$(BIN)/ruff format --check portal tests tools

# Known vulnerabilities in the locked dependencies, from PyPI's JSON API (docs/operations.md).
# make test runs it too, but there a package it could not check is a warning; here a failure.
audit: install
	$(BIN)/python tools/audit_dependencies.py --strict $(LOCK)

# The newest versions that pyproject.toml allows, resolved in a fresh venv, as the new lock.
lock:
	rm -rf build/lock-venv
	$(PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -U pip setuptools
	build/lock-venv/bin/pip install --quiet --disable-pip-version-check -e ".[test]"
	{ sed -n '/^#/p' $(LOCK); build/lock-venv/bin/pip freeze --all --exclude-editable; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf build/lock-venv

# docs/performance.md at a million targets (needs Debian's wrk and sqlite3; some 20 minutes).
benchmark: install
	$(BIN)/python benchmarks/performance.py --targets 1000000

clean:
	rm -rf build $(VENV)
