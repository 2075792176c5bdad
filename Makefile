# The two commands: `make serve` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB := $(or $(PORTAL_DB),build/portal.db)
INSTALLED := $(VENV)/.installed
FRONTEND := node_modules/.installed

.PHONY: serve test install validate build lint audit clean

serve: build
	PORTAL_DB=$(DB) $(BIN)/gunicorn -c gunicorn.conf.py 'portal.asgi:create_app()'

test: install
	$(BIN)/ruff check portal tests
	$(BIN)/pytest

install: $(INSTALLED) $(FRONTEND)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
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
	$(BIN)/ruff check portal tests
	$(BIN)/ruff format --check portal tests

# Known vulnerabilities in the installed dependencies (needs PyPI's JSON API or OSV).
audit: install
	$(BIN)/pip install --quiet --disable-pip-version-check pip-audit
	$(BIN)/pip-audit --strict --skip-editable --progress-spinner off

clean:
	rm -rf build $(VENV)
