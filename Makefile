# Doc Agent — the commands a developer and a deployer need.
# `make dev` runs the product locally; `make test` checks everything, set-up included.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STACK ?= dev
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv build lint typecheck test test-python preview up destroy

help:
	@echo "make dev              run the whole product on 127.0.0.1 (PORT, default 8000)"
	@echo "make test             set up, lint, type-check and run every test"
	@echo "make build            build each Lambda's code archive and arm64 dependency layer (.build/)"
	@echo "make lint             ruff (lint + format check)"
	@echo "make preview STACK=dev|prod   pulumi preview (needs the Pulumi CLI and AWS credentials)"
	@echo "make up STACK=dev|prod        pulumi up"

$(VENV)/.installed: requirements.txt requirements-dev.txt handlers/requirements/*.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# Rebuilds only what is missing or stale; `pulumi up` runs the same step itself.
build: venv
	$(PY) -m components.lambda_package

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv
	$(VENV)/bin/mypy .

test-python: venv
	$(PY) -m pytest

test: lint typecheck test-python

preview: venv
	pulumi preview --stack $(STACK)

up: venv
	pulumi up --stack $(STACK)

destroy:
	pulumi destroy --stack $(STACK)
