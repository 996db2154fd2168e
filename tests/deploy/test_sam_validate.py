"""The SAM CLI and cfn-lint accept template.yaml and samconfig.toml, and do catch a broken copy."""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from portfolio_api.devstack import REPO_ROOT
from tests.helpers.sam import CFN_LINT, TEMPLATE, parse_parameter_overrides, run_tool, sam

SAMCONFIG = REPO_ROOT / "samconfig.toml"


def _report(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


@pytest.mark.parametrize(
    "command",
    [
        ("sam", "validate"),
        ("sam", "validate", "--lint"),
        ("cfn-lint", str(TEMPLATE)),
    ],
    ids=["sam validate", "sam validate --lint", "cfn-lint"],
)
def test_the_template_passes(command: tuple[str, ...]) -> None:
    # GIVEN template.yaml
    # WHEN a validator reads it
    if command[0] == "sam":
        result = sam(*command[1:], "--template-file", str(TEMPLATE))
    else:
        result = run_tool(CFN_LINT, *command)
    # THEN it finds nothing
    assert result.returncode == 0, _report(result)


def test_sam_validate_catches_an_undefined_authorizer(tmp_path: Path) -> None:
    # GIVEN a copy of the template whose default authorizer is one the API lacks
    text, count = re.subn(
        r"DefaultAuthorizer: CognitoAuthorizer",
        "DefaultAuthorizer: Missing",
        TEMPLATE.read_text(),
        count=1,
    )
    assert count == 1
    broken = tmp_path / "template.yaml"
    broken.write_text(text)
    # WHEN sam validate reads it
    result = sam("validate", "--template-file", str(broken))
    # THEN it fails, naming the authorizer
    assert result.returncode != 0, _report(result)
    assert "Missing" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("section", "environment", "domain"),
    [
        ("default", "dev", ""),
        ("staging", "staging", "staging-api.patrickcmd.dev"),
        ("prod", "prod", "api.patrickcmd.dev"),
    ],
)
def test_each_environment_passes_its_own_parameters(
    section: str, environment: str, domain: str
) -> None:
    # GIVEN an environment's parameter_overrides in samconfig.toml
    config = tomllib.loads(SAMCONFIG.read_text())
    overrides = config[section]["deploy"]["parameters"]["parameter_overrides"]
    # WHEN the SAM CLI parses them as `sam deploy` would
    parameters = parse_parameter_overrides(values=overrides)
    # THEN they name the environment and its domain, and origins in the accepted form
    assert parameters["Environment"] == environment
    assert parameters["DomainName"] == domain
    assert re.fullmatch(r"https?://[^,\s/]+(,https?://[^,\s/]+)*", parameters["CorsOrigins"])
