# Alle Døre. `make help` lists the targets. Every target sets up what it needs first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_APP ?= python3.11
# Rasa Open Source 3.6 needs Python 3.10. A pyenv shim may be on PATH and still not run it, so
# ask the interpreter where it is, else look in pyenv's versions.
PYTHON_RASA ?= $(shell python3.10 -c 'import sys; print(sys.executable)' 2>/dev/null || ls $(HOME)/.pyenv/versions/3.10*/bin/python3.10 2>/dev/null | tail -1)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RASA_VENV := .venv-rasa
RASA := $(RASA_VENV)/bin/rasa
RASA_STAMP := $(RASA_VENV)/.installed
export PYTHONPATH := $(CURDIR)

# Models come from installed packages only; nothing is fetched from a model hub.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export RASA_TELEMETRY_ENABLED := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements/app.txt requirements/dev.txt
	@test -x $(PY) || $(PYTHON_APP) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	@# torch first and alone: pip then takes the local CPU build instead of a multi-GB CUDA one.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -r requirements/app.txt -r requirements/dev.txt
	@touch $@

$(RASA_STAMP): requirements/rasa-constraints.txt requirements/rasa-extra.txt
	@test -n "$(PYTHON_RASA)" || { echo "Python 3.10 not found: set PYTHON_RASA=/path/to/python3.10"; exit 1; }
	@test -x $(RASA_VENV)/bin/python || $(PYTHON_RASA) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install -q --upgrade pip
	@# rasa alone, pinned with everything it pulls in; never app packages here.
	$(RASA_VENV)/bin/python -m pip install -q rasa==3.6.21 -c requirements/rasa-constraints.txt
	$(RASA_VENV)/bin/python -m pip install -q -r requirements/rasa-extra.txt -c requirements/rasa-constraints.txt
	@touch $@

# Browser tests: Debian's chromium (never a browser a tool downloads) driven by npm playwright-core.
CHROMIUM ?= /usr/bin/chromium
BROWSER_DIR := tests/browser
BROWSER_STAMP := $(BROWSER_DIR)/node_modules/.installed
SUDO := $(shell test "$$(id -u)" = 0 || echo sudo)

$(CHROMIUM):
	$(SUDO) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium

$(BROWSER_STAMP): $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json
	cd $(BROWSER_DIR) && npm ci --no-audit --no-fund
	@touch $@

.PHONY: browser
browser: $(CHROMIUM) $(BROWSER_STAMP) ## Install Debian chromium and the npm test packages

# The production settings' stores, from Debian's packages. The tests start their own server of
# each on private ports (tests/services.py), so the machine's own services are never used.
.PHONY: services
services: ## Install Debian's PostgreSQL and Redis servers (for the scale-out tests)
	@if [ -z "$(wildcard /usr/lib/postgresql/*/bin/pg_ctl)" ] || ! command -v redis-server >/dev/null; then \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q postgresql redis-server; \
	fi

# The deployment files (docker/), checked without a Docker engine: Debian's docker-compose
# validates and resolves compose.yml (with the committed example env file), hadolint lints the
# Dockerfiles, and tests/docker/ (run by pytest) compares them with what the supervisor starts.
# --no-install-recommends: docker-compose recommends docker.io, an engine this check never uses.
DOCKER_COMPOSE ?= /usr/bin/docker-compose

$(DOCKER_COMPOSE):
	$(SUDO) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends docker-compose

.PHONY: docker-check
docker-check: $(STAMP) $(DOCKER_COMPOSE) ## Check docker/ without an engine: compose config, hadolint
	$(DOCKER_COMPOSE) -f docker/compose.yml --env-file docker/alledore.env.example config -q
	$(VENV)/bin/hadolint docker/*.Dockerfile
	@echo "docker/: compose.yml resolves, the Dockerfiles pass hadolint (tests/docker/ checks the rest)"

.PHONY: venv
venv: $(STAMP) $(RASA_STAMP) ## Create or update both environments (.venv 3.11, .venv-rasa 3.10)

# Translations: locale/<language>/LC_MESSAGES/messages.po, keys found in the code (locale/README.md).
PO_FILES := $(wildcard locale/*/LC_MESSAGES/messages.po)
CATALOG_STAMP := locale/.compiled
BABEL_KEYWORDS := -k text -k plural:1,2 -k N_ -k t

$(CATALOG_STAMP): $(PO_FILES) | $(STAMP)
	$(VENV)/bin/pybabel -q compile -d locale -D messages --statistics
	@touch $@

.PHONY: catalogs
catalogs: $(CATALOG_STAMP) ## Compile the translations (.po to .mo) if they changed

.PHONY: catalogs-extract
catalogs-extract: $(STAMP) ## Find every key in the code: locale/messages.pot, Danish text as comments
	$(VENV)/bin/pybabel -q extract -F locale/babel.cfg $(BABEL_KEYWORDS) --no-location \
	  --sort-output --omit-header -o locale/messages.pot knowledge actions widgets
	$(PY) -m knowledge.catalogs annotate

.PHONY: catalogs-update
catalogs-update: catalogs-extract ## Bring every language's .po in line with the keys; then translate
	$(VENV)/bin/pybabel -q update -i locale/messages.pot -d locale -D messages \
	  --ignore-obsolete --no-fuzzy-matching --width 100
	$(PY) -m knowledge.catalogs check || true

.PHONY: catalogs-check
catalogs-check: $(STAMP) ## List keys with no text, or a fuzzy one, in any language
	$(PY) -m knowledge.catalogs check

.PHONY: index
index: $(STAMP) catalogs ## Build the search index if the corpus or catalogue changed
	$(PY) -m knowledge build

.PHONY: validate
validate: $(STAMP) ## Check the service catalogue and list unverified contact facts
	$(PY) -m knowledge validate

.PHONY: model
model: venv catalogs ## Train the Rasa model if bot/ changed
	$(PY) -m stack train

.PHONY: run
run: venv catalogs ## Set up (train, index) and start Rasa and the action server; Ctrl-C stops all
	$(PY) -m stack run

.PHONY: sms
sms: $(STAMP) catalogs ## A phone in the terminal: text the running app's SMS webhook (after make run)
	$(PY) -m widgets.sms.simulate --kommune $(or $(KOMMUNE),svendborg)

.PHONY: purge
purge: $(STAMP) ## Delete conversations older than the retention period (ALLEDORE_RETENTION_DAYS, 30)
	$(PY) -m widgets.retention

.PHONY: search
search: index ## An interactive search prompt over the knowledge base
	$(PY) -m knowledge prompt

.PHONY: validate-bot
validate-bot: $(RASA_STAMP) ## rasa data validate: no errors, no warnings but responses the actions send
	@mkdir -p var
	cd bot && ../$(RASA) data validate --data data --domain domain --config config.yml > ../var/validate.log 2>&1 || { cat ../var/validate.log; exit 1; }
	@! grep "UserWarning" var/validate.log | grep -v "is not used in any story or rule"
	@echo "rasa data validate: clean (responses sent only by actions are checked in tests/bot/test_domain.py)"

.PHONY: lint
lint: $(STAMP) ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: types
types: $(STAMP) ## mypy
	$(VENV)/bin/mypy

.PHONY: test
test: lint types validate-bot docker-check browser services catalogs ## Lint, types, rasa data validate, docker/, unit, stack and browser tests
	$(PY) -m stack prepare
	$(PY) -m pytest

.PHONY: eval
eval: venv catalogs ## Retrieval quality, the crisis net (blind set, through /api/chat, Rasa up and down), first-reply doors, conversations
	$(PY) -m knowledge eval
	$(PY) -m knowledge crisis-eval --set dev
	$(PY) -m knowledge crisis-eval --set blind
	$(PY) -m stack crisis-eval
	$(PY) -m stack door-eval
	$(PY) -m stack eval

.PHONY: crisis-model
crisis-model: $(STAMP) ## Train the learned crisis stage again (after its training data or the lexicon changed)
	$(PY) -m knowledge crisis-train

.PHONY: redact-fuzz
redact-fuzz: $(STAMP) ## Redaction: misses on 10,000 generated messages of each kind, false redactions on ours
	$(PY) -m knowledge redact-fuzz

# One run, one report (docs/bench/report.md, .json, PNG plots). Training from nothing takes about
# 7 minutes, the soak 10. Quicker, not for quoting: BENCH_ARGS="--short --soak-minutes 1
# --skip-train --skip-venvs".
BENCH_ARGS ?=

.PHONY: bench
bench: venv browser catalogs ## Quality, speed, load, soak, memory, setup times, widget size: docs/bench/
	$(PY) -m stack prepare
	$(PY) -m stack bench $(BENCH_ARGS)

.PHONY: format
format: $(STAMP) ## Format the code
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

.PHONY: lock
lock: $(STAMP) ## Re-pin requirements/*.txt from the installed environment
	@echo "Edit requirements/*.in, install, then copy 'pip freeze' into requirements/*.txt by hand."

.PHONY: clean
clean: ## Remove built artefacts (keeps the environments)
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
