# Alle Døre. `make help` lists the targets. Every target sets up what it needs first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_APP ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

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

.PHONY: venv
venv: $(STAMP) ## Create or update the app environment (.venv, Python 3.11)

.PHONY: index
index: $(STAMP) ## Build the search index if the corpus or catalogue changed
	$(PY) -m knowledge build

.PHONY: validate
validate: $(STAMP) ## Check the service catalogue and list unverified contact facts
	$(PY) -m knowledge validate

.PHONY: run
run: index ## Set up and start an interactive search prompt
	$(PY) -m knowledge prompt

.PHONY: lint
lint: $(STAMP) ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

.PHONY: types
types: $(STAMP) ## mypy
	$(VENV)/bin/mypy

.PHONY: test
test: lint types ## Lint, types and all tests
	$(PY) -m pytest

.PHONY: eval
eval: index ## Retrieval quality: dense, lexical and hybrid side by side
	$(PY) -m knowledge eval

.PHONY: bench
bench: $(STAMP) ## Speed and memory figures
	$(PY) -m knowledge bench

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
