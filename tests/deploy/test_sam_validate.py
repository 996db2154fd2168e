"""The SAM CLI and cfn-lint accept template.yaml and samconfig.toml, and do catch a broken copy."""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

from portfolio_api.devstack import REPO_ROOT
from portfolio_api.devstack.deploy import plan_deploy
from portfolio_api.devstack.samconfig import load_samconfig, parse_overrides
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
    ("environment", "domain"),
    [("dev", ""), ("staging", ""), ("prod", "api.patrickcmd.dev")],
)
def test_each_environment_passes_its_own_parameters(environment: str, domain: str) -> None:
    # GIVEN an environment's parameter_overrides in samconfig.toml
    config = tomllib.loads(SAMCONFIG.read_text())
    overrides = config[environment]["deploy"]["parameters"]["parameter_overrides"]
    # WHEN the SAM CLI parses them as `sam deploy` would
    parameters = parse_parameter_overrides(values=overrides)
    # THEN they name the environment and its domain (none but prod's), and origins in the
    # accepted form; make deploy's own parser reads the same
    assert parameters["Environment"] == environment
    assert parameters.get("DomainName", "") == domain
    assert re.fullmatch(r"https?://[^,\s/]+(,https?://[^,\s/]+)*", parameters["CorsOrigins"])
    assert parse_overrides(overrides) == parameters


def test_make_deploys_overrides_read_back_as_the_sam_cli_reads_them() -> None:
    # GIVEN prod's deploy as make deploy plans it, account values included, one with a space
    plan = plan_deploy(
        load_samconfig(),
        environment="prod",
        account_values={
            "AlarmEmail": "ops@example.com",
            "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
            "HostedZoneId": "Z0123456789ABC",
            "CorsOrigins": "https://a.example,https://b.example",
            "Note": "two words",
        },
        uv="uv",
        sam_cli="aws-sam-cli",
    )
    rendered = plan.command[plan.command.index("--parameter-overrides") + 1 :]
    # WHEN the SAM CLI parses the --parameter-overrides it gets
    parsed = parse_parameter_overrides(values=rendered)
    # THEN it reads exactly the merged parameters
    assert parsed == plan.parameters
    assert parsed["DomainName"] == "api.patrickcmd.dev"


def test_make_deploys_parser_agrees_with_the_sam_clis() -> None:
    # GIVEN overrides in each form samconfig.toml may use: plain, several in one string,
    # empty, single-quoted with a space, double-quoted with escaped quotes
    values = [
        "Environment=prod",
        "A=1  CorsOrigins=https://a.dev,https://b.dev",
        'Empty=""',
        "Name='two words'",
        'Quoted="a \\"quoted\\" word"',
    ]
    # WHEN both parse them THEN they agree
    assert parse_overrides(values) == parse_parameter_overrides(values=values)
