# IRO Oversight: `make run` to try the app, `make test` to run every check.
SHELL := /bin/bash
PORT ?= 8000
UV_VERSION := 0.9.7
UV := .tools/bin/uv
PY := .venv/bin/python
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

.PHONY: run test setup services lint check-deploy up browser bench load clean

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	@touch $@

setup: .venv/.synced

## .validator: the DfE's SSDA903 validator in a tool environment of its own (it pins pandas 1.5);
## tests/children/test_codes_against_validator.py runs it (ADR 0019)
.validator/.synced:
	python3 -m venv .validator
	.validator/bin/pip install --quiet "csc-validator-be-903==0.1.17"
	@touch $@

## run: set up, migrate, load the demo authority once, print demo logins and serve on PORT
run: setup
	$(PY) manage.py migrate --verbosity 0
	$(PY) manage.py seed_demo --if-empty
	@# Celery runs eager here, so no beat: the alerts scan runs now and then daily beside the server.
	$(PY) manage.py scan_alerts --trigger start --summary --every 86400 & trap "kill $$!" EXIT; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## services: start PostgreSQL and Redis if installed but stopped
services:
	@bash scripts/ensure-services.sh

## browser: install Debian's Chromium for the browser tests if it is missing
browser:
	@bash scripts/ensure-chromium.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/djlint templates --lint
	.venv/bin/mypy core audit iro_service children reviews support escalations reporting alerts dashboards ssda903
	DJANGO_SETTINGS_MODULE=iro_service.settings.test $(PY) manage.py makemigrations --check --dry-run

check-deploy: setup
	DJANGO_SETTINGS_MODULE=iro_service.settings.production \
	SECRET_KEY="$$(head -c 48 /dev/urandom | base64)" \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres ALLOWED_HOSTS=iro.example.gov.uk \
	$(PY) manage.py check --deploy --fail-level WARNING

## test: set up, start services, lint, check production settings, run the whole suite
test: setup services browser lint check-deploy .validator/.synced
	DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest --create-db -n 2 --dist worksteal $(PYTEST_ARGS)

## up: the production-like stack without Docker (gunicorn, Celery worker and beat) on local PostgreSQL and Redis
up: setup services
	@bash scripts/up.sh

## bench: build (once, cached) authorities of 626, 20,000 and 100,000 children and time every page
bench: setup services
	.venv/bin/python bench/run.py $(BENCH_ARGS)

## load: load test the authority DATABASE_URL holds through gunicorn, 20 and 100 users, 60 s each
load: setup services
	$(PY) bench/load.py --users 20 --users 100 --duration 60 $(LOAD_ARGS)

clean:
	rm -rf .venv .tools .validator staticfiles db.sqlite3
