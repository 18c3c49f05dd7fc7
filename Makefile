# The service's commands. GNU make and bash; on a fresh machine only python3
# is needed: `.venv` gets a pinned uv, and uv installs exactly what uv.lock says.
#
#   make run     the demo on 127.0.0.1:$(PORT): web, Celery workers (one per queue), Celery beat
#   make serve   the same in production mode (gunicorn, DEBUG off, whitenoise)
#   make test    lint, types, migrations check, then the whole test suite
#
# Settings come from the environment and from `.env` (see .env.example).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# Written after a successful install; newer lock or project files redo it.
INSTALLED := $(VENV)/.make-installed

# $(call dotenv,NAME): the value of NAME in .env, if .env sets it.
dotenv = $(shell sed -n 's/^[[:space:]]*$(1)[[:space:]]*=[[:space:]]*//p' .env 2>/dev/null | tail -n 1 | sed 's/^["'\'']//; s/["'\'']$$//')

# PORT: the environment wins, then a PORT= line in .env, then 8000.
PORT ?= $(or $(call dotenv,PORT),8000)
# pytest-xdist processes of `make test` (each file whole in one of them, the
# fault stage whole in one: tests/conftest.py): it mostly waits on outages
# while the other two share the rest between them.
TEST_PROCESSES ?= 3
URL := http://127.0.0.1:$(PORT)
# Processes of each queue's Celery worker (Procfile, Procfile.dev): the
# environment wins, then .env, then the default.
export CELERY_SCREENING_CONCURRENCY ?= $(or $(call dotenv,CELERY_SCREENING_CONCURRENCY),2)
export CELERY_OUTBOUND_CONCURRENCY ?= $(or $(call dotenv,CELERY_OUTBOUND_CONCURRENCY),2)
export CELERY_HOUSEKEEPING_CONCURRENCY ?= $(or $(call dotenv,CELERY_HOUSEKEEPING_CONCURRENCY),1)
# Where every process writes its metric counts (see config/metrics.py).
METRICS_DIR ?= $(or $(call dotenv,METRICS_DIR),var/metrics)

export PORT
export PATH := $(BIN):$(PATH)
export PYTHONUNBUFFERED := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
# Read by scripts/announce.py, which prints where to go once the web answers.
export ANNOUNCE_URL := $(URL)

MANAGE := $(BIN)/python manage.py
# Honcho would let `.env` override the real environment; Django reads `.env`
# itself (without overriding), so honcho is told not to read it.
HONCHO := $(BIN)/honcho start --env /dev/null --port $(PORT)

.PHONY: help install run serve worker beat migrate seed check test test-faults bench corpus eval model messages screenshots schema schema-release clean image sbom

help: ## list the commands
	@grep -hE '^[a-z.-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

install: $(INSTALLED) ## create .venv and install from uv.lock (dev tools included)

$(INSTALLED): pyproject.toml uv.lock
	@if [[ "$$($(VENV)/bin/uv --version 2>/dev/null | awk '{print $$2}')" != "$(UV_VERSION)" ]]; then \
	  echo "==> $(VENV): a virtual environment with uv $(UV_VERSION)"; \
	  [[ -x $(VENV)/bin/pip ]] || $(PYTHON) -m venv $(VENV); \
	  $(VENV)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"; \
	fi
	@echo "==> installing from uv.lock"
	$(VENV)/bin/uv sync --frozen
	@touch $@

.env:
	@echo "==> writing .env with a new random DJANGO_SECRET_KEY and POSTGRES_PASSWORD (never commit it; see .env.example)"
	@umask 077 && $(PYTHON) -c 'import secrets; print("# Local settings, read by Django and docker compose; every variable is described in .env.example.\nDJANGO_SECRET_KEY=" + secrets.token_urlsafe(50) + "\nPOSTGRES_PASSWORD=" + secrets.token_urlsafe(24))' > $@

# Links in emails point at the port actually served, unless set elsewhere.
ifeq ($(origin PUBLIC_BASE_URL)$(call dotenv,PUBLIC_BASE_URL),undefined)
run serve: export PUBLIC_BASE_URL := $(URL)
endif

run: export DJANGO_SETTINGS_MODULE := config.settings.local
run: install .env ## install, migrate, seed the demo, serve with worker and beat (Ctrl-C stops all)
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	rm -f $(METRICS_DIR)/*.db
	@echo "==> starting web ($(URL)), Celery worker and Celery beat; Ctrl-C stops them all"
	exec $(HONCHO) -f Procfile.dev

serve: export DJANGO_SETTINGS_MODULE := config.settings.production
serve: export DJANGO_DEBUG := false
# Plain http on loopback: secure-only cookies would make the admin login fail.
serve: export DJANGO_SECURE_COOKIES ?= false
serve: install .env ## production mode: collectstatic, migrate, seed, gunicorn with worker and beat
	$(MANAGE) collectstatic --noinput -v 0
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	rm -f $(METRICS_DIR)/*.db
	@echo "==> starting gunicorn ($(URL)), Celery worker and Celery beat; Ctrl-C stops them all"
	exec $(HONCHO) -f Procfile

worker: install .env ## only a Celery worker, on every queue (CELERY_CONCURRENCY processes)
	exec celery -A config worker --loglevel INFO

beat: install .env ## only Celery beat (the periodic scheduler)
	exec celery -A config beat --loglevel INFO

migrate: install .env ## apply database migrations
	$(MANAGE) migrate --noinput

seed: install .env ## create the demo data (idempotent)
	$(MANAGE) seed_demo

# The checks import the test settings: they need no .env and no database.
check: export DJANGO_SETTINGS_MODULE := config.settings.test
check: install ## ruff, ruff format, mypy, and no missing migrations
	ruff check .
	ruff format --check .
	mypy .
	$(MANAGE) makemigrations --check --dry-run

test: export DJANGO_SETTINGS_MODULE := config.settings.test
test: check ## check, then the whole test suite (skipped tests are listed with their reason)
	scripts/install-test-tools
	pytest -n $(TEST_PROCESSES) --no-loadscope-reorder --durations=20

test-faults: export DJANGO_SETTINGS_MODULE := config.settings.test
test-faults: install ## only the fault tests: real Redis, PostgreSQL and workers, each fault injected
	pytest -m faults

# DATABASE_URL / REDIS_URL as for `make serve`; the bench makes its own
# database (<name>_bench) and Redis key prefix, and removes them afterwards.
bench: install .env ## load test: 100,000 stories, wrk against gunicorn and nginx; var/bench.json
	scripts/install-bench-tools
	$(BIN)/python scripts/bench.py

# Generated sources come from templates and Faker (pinned in uv.lock), so
# they rebuild byte for byte; test.jsonl is pinned by its hash in the tests.
corpus: export DJANGO_SETTINGS_MODULE := config.settings.test
corpus: install ## rebuild the screening corpus: generated sources, then the train/validation/test splits
	$(BIN)/python -m moderation.screening.corpus.generate
	$(BIN)/python -m moderation.screening.corpus.build

eval: install .env ## screening on the frozen corpus test split and ../shared/data (or FILE=...); fails if a target is missed
	$(MANAGE) evaluate_screening $(FILE) --check

model: install .env ## train the learned screening model on the corpus (train, validation) into its artefact
	$(MANAGE) train_screening_model

# makemessages needs GNU gettext (xgettext); compiling needs only polib.
messages: export DJANGO_SETTINGS_MODULE := config.settings.test
messages: install ## update locale/*/django.po from the code, then compile the .mo files
	$(MANAGE) makemessages --all --no-obsolete --ignore=.venv --ignore=tests --ignore=var
	$(BIN)/python scripts/compile_messages.py

screenshots: export DJANGO_SETTINGS_MODULE := config.settings.test
screenshots: install ## refresh docs/screenshots from the browser tests (needs Chromium)
	SAVE_SCREENSHOTS=docs/screenshots pytest tests/browser

# The OpenAPI schema is committed: tests/test_openapi_schema.py fails when it
# differs from what the code generates, or when the code breaks what the
# newest release of the same major version (openapi/released/) promised.
VERSION := $(shell sed -n 's/^version = "\(.*\)"$$/\1/p' pyproject.toml | head -n 1)
# Where `make image` and `make sbom` write the bill of materials.
DIST := dist
IMAGE ?= testimonials-service

image: ## build the production image tagged with the version (needs a Docker engine), its SBOM in dist/
	docker build --build-arg VERSION=$(VERSION) -t $(IMAGE):$(VERSION) -t $(IMAGE):latest .
	@mkdir -p $(DIST)
	@container=$$(docker create $(IMAGE):$(VERSION)) \
	  && docker cp $$container:/app/sbom.cdx.json $(DIST)/sbom-$(VERSION).cdx.json \
	  && docker rm $$container >/dev/null
	@echo "==> $(IMAGE):$(VERSION) and $(DIST)/sbom-$(VERSION).cdx.json"

sbom: install ## the SBOM (CycloneDX) of the locked runtime dependencies, as the image carries it
	@mkdir -p $(DIST)
	$(BIN)/uv export --frozen --no-dev --format cyclonedx1.5 --preview-features sbom-export \
	  --output-file $(DIST)/sbom-$(VERSION).cdx.json >/dev/null
SCHEMA := openapi/schema.yaml
RELEASED_SCHEMAS := openapi/released

schema: export DJANGO_SETTINGS_MODULE := config.settings.test
schema: install ## regenerate openapi/schema.yaml from the code; fails on a change that breaks the released API
	$(MANAGE) spectacular --validate --fail-on-warn --file $(SCHEMA)
	$(BIN)/python scripts/openapi_breaks.py --released $(RELEASED_SCHEMAS) $(SCHEMA)

schema-release: schema ## keep this version's schema in openapi/released/ as the baseline later changes must not break
	@if [[ -e $(RELEASED_SCHEMAS)/$(VERSION).yaml ]]; then \
	  echo "$(RELEASED_SCHEMAS)/$(VERSION).yaml exists: raise the version in pyproject.toml and SPECTACULAR_SETTINGS first"; exit 1; \
	fi
	cp $(SCHEMA) $(RELEASED_SCHEMAS)/$(VERSION).yaml

clean: ## remove .venv and var/ (the SQLite database, broker files, static files)
	rm -rf $(VENV) var
