# Rehome's front door. `make run` serves the demo region; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
PY := .venv/bin/python
PORT ?= 8000
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: run test test-pg check bench lint format vendor-govuk-frontend clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet
	touch $@

## run: migrate, load the demo region if the database is empty, serve the web app and the task worker
run: .venv/.synced
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py seed_demo --if-empty
	PORT=$(PORT) scripts/serve.sh

## test: the whole suite on SQLite, browser tests included
test: .venv/.synced
	$(PY) -m pytest

## test-pg: the same suite on PostgreSQL (local server on 127.0.0.1:5432, else a throw-away cluster)
test-pg: .venv/.synced
	scripts/test-pg.sh

## check: lint, formatting, migrations in step with models, deployment checks under production settings
check: .venv/.synced
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	DEBUG=false SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		ALLOWED_HOSTS=rehome.example SITE_URL=https://rehome.example \
		$(PY) manage.py check --deploy --fail-level WARNING

## bench: every benchmark in bench/, each printing its figure beside its baseline
bench: .venv/.synced
	$(PY) -m bench

format: .venv/.synced
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

## vendor-govuk-frontend: rebuild the vendored GOV.UK Frontend CSS/JS (see docs/frontend.md)
vendor-govuk-frontend:
	scripts/vendor-govuk-frontend.sh

clean:
	rm -rf .venv .tools staticfiles rehome.sqlite3 rehome.sqlite3-*
