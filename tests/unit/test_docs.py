"""The docs name only what exists: make targets, samconfig environments, variables, files.

Each checker is also shown to catch a wrong name, on a few lines of markdown.
"""

import ast
import re
import tomllib
from functools import cache
from pathlib import Path

import pytest
from botocore.session import get_session

from portfolio_api.config import Settings
from portfolio_api.devstack import REPO_ROOT
from tests.helpers.docs import (
    RepositoryFiles,
    makefile_targets,
    missing_paths,
    unknown_config_envs,
    unknown_make_targets,
    unknown_variables,
)

DOCS = [REPO_ROOT / "README.md", REPO_ROOT / "AGENTS.md", *sorted(REPO_ROOT.glob("docs/*.md"))]
# Variables the docs may name besides Settings' fields: make dev's, the Makefile's, the tools'.
OTHER_VARIABLES = frozenset(
    {
        # make dev (devstack/stack.py)
        "PORT",
        "HOST",
        "DYNAMODB_LOCAL_PORT",
        "COGNITO_LOCAL_PORT",
        "DEV_DATA_DIR",
        "OWNER_EMAIL",
        "OWNER_PASSWORD",
        "OWNER_NAME",
        # the Makefile's
        "ENV",
        "DRY_RUN",
        "EMAIL",
        "NAME",
        "POOL_ID",
        "ALARM_EMAIL",
        "CERTIFICATE_ARN",
        "HOSTED_ZONE_ID",
        "SAM_LOCAL_DOCKER",
        "SAM_LOCAL_HOST",
        "SAM_LOCAL_PORT",
        "UV_VERSION",
        "LAMBDA_PLATFORM",
        "ARTIFACTS_DIR",
        "CHROMIUM",
        "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD",
        # uv, pyenv, venv, the SAM CLI
        "UV_PYTHON_DOWNLOADS",
        "PYENV_VERSION",
        "VIRTUAL_ENV",
        "SAM_CLI_TELEMETRY",
    }
)
# AWS's SDKs and Lambda, Powertools, and moto (its settings, e.g. for TOTP in tests).
OTHER_PREFIXES = ("AWS_", "POWERTOOLS_", "MOTO_")
# AWS's own constants that docs quote (NEW_PASSWORD_REQUIRED, CAPABILITY_IAM...) are no variables.
AWS_SERVICES = (
    *("cognito-idp", "cloudformation", "dynamodb", "apigateway", "iam", "lambda"),
    *("cloudwatch", "logs", "sns", "route53", "acm", "xray"),
)


@cache
def aws_constants() -> frozenset[str]:
    session = get_session()
    values: set[str] = set()
    for service in AWS_SERVICES:
        model = session.get_service_model(service)
        for name in model.shape_names:
            values.update(getattr(model.shape_for(name), "enum", None) or [])
    return frozenset(values)


@cache
def app_constants() -> frozenset[str]:
    """UPPER_SNAKE strings the app itself returns, such as the challenge USER_NOT_CONFIRMED."""
    found: set[str] = set()
    for path in (REPO_ROOT / "src" / "portfolio_api").rglob("*.py"):
        if "devstack" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return frozenset(value for value in found if re.fullmatch(r"[A-Z][A-Z0-9_]*", value))


@cache
def code_constants() -> frozenset[str]:
    """Module constants of the app and the tests (SALT_BYTES, MODULES), which docs/TESTING.md
    names when it says what a mutant changed."""
    found: set[str] = set()
    for path in [*(REPO_ROOT / "src").rglob("*.py"), *(REPO_ROOT / "tests").rglob("*.py")]:
        for node in ast.parse(path.read_text()).body:
            targets = (
                node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            )
            found.update(target.id for target in targets if isinstance(target, ast.Name))
    return frozenset(name for name in found if re.fullmatch(r"[A-Z][A-Z0-9_]*", name))


def known_variable(name: str) -> bool:
    return (
        name.lower() in Settings.model_fields
        or name in OTHER_VARIABLES
        or name.startswith(OTHER_PREFIXES)
        or name in aws_constants()
        or name in app_constants()
        or name in code_constants()
    )


@cache
def repository() -> RepositoryFiles:
    return RepositoryFiles()


def _sections() -> set[str]:
    return set(tomllib.loads((REPO_ROOT / "samconfig.toml").read_text())) - {"version"}


@pytest.mark.parametrize("doc", DOCS, ids=[str(doc.relative_to(REPO_ROOT)) for doc in DOCS])
def test_each_doc_names_only_what_exists(doc: Path) -> None:
    # GIVEN a doc
    text = doc.read_text()
    # WHEN its make targets, environments, variables and paths are looked up
    # THEN each exists
    assert unknown_make_targets(text, targets=makefile_targets()) == set()
    assert unknown_config_envs(text, sections=_sections()) == set()
    assert unknown_variables(text, known=known_variable) == set()
    assert missing_paths(text, repository=repository()) == set()


def test_a_target_the_makefile_lacks_is_caught() -> None:
    # GIVEN targets in inline code and in a fenced block, and make as a plain word
    text = (
        "Run `make deploy ENV=prod DRY_RUN=1` or `make deploi`; make sure it builds.\n"
        "```bash\nmake owner EMAIL=you@example.com NAME='Ada L'   # then make dev writes\n"
        "DRY_RUN=1 make -s sam-locale\n```\n"
    )
    # WHEN checked THEN only the misspelt ones are reported
    found = unknown_make_targets(text, targets={"deploy", "owner", "dev", "sam-local"})
    assert found == {"deploi", "sam-locale"}


def test_an_environment_samconfig_lacks_is_caught() -> None:
    text = "`--config-env dev`, `--config-env=qa`, and `--config-env <env>` as a placeholder"
    assert unknown_config_envs(text, sections={"default", "dev"}) == {"qa"}


def test_an_unknown_variable_is_caught_in_code_and_tables_only() -> None:
    # GIVEN names in code spans, a table, a fenced block and prose
    text = (
        "Set `DYNAMODB_TABLE_NAME` and `DYNAMO_TABLE`; `make owner EMAIL=a@b.c MAIL=x`.\n"
        "| `COUNTER_SHARDS` | 20 |\n| TABLE_SIZE | 3 |\n"
        "The challenge is `NEW_PASSWORD_REQUIRED`, or `USER_NOT_CONFIRMED`.\n"
        "```bash\nTOKEN=$(curl ...) SHELL_ONLY_VAR=1\n```\nIn prose, PROSE_WORD is free.\n"
    )
    # WHEN checked THEN the unknown ones in code and tables are reported, nothing else
    assert unknown_variables(text, known=known_variable) == {"DYNAMO_TABLE", "MAIL", "TABLE_SIZE"}


def test_a_missing_file_is_caught_wherever_it_is_named() -> None:
    # GIVEN paths from the root, from a package folder, a module reference, a git-ignored
    # build output, API paths and media types, a link, and files that do not exist
    text = (
        "`docs/DEPLOYMENT.md`, `core/logging.py`, `tests/helpers/clock.FakeClock`, "
        "`.aws-sam/build/ApiFunction`, `GET /v1/auth/me`, `application/json`, "
        "`sam local start-api --env-vars events/env.json`, `docs/MISSING.md`, "
        "[the quickstart](docs/QUICKSTART.md#run-it), [gone](docs/GONE.md)"
    )
    # WHEN checked THEN only the missing ones are reported
    assert missing_paths(text, repository=repository()) == {
        "events/env.json",
        "docs/MISSING.md",
        "docs/GONE.md",
    }
