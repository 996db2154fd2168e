"""The SAM CLI, run as an isolated uv tool: it never enters the project's own environment.

Its environment also holds `samtranslator`, which `translate_template.py` runs under it.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from portfolio_api.devstack import REPO_ROOT

SAM_CLI = "aws-sam-cli==1.170.0"
CFN_LINT = "cfn-lint==1.58.0"
TEMPLATE = REPO_ROOT / "template.yaml"
TRANSLATE_SCRIPT = Path(__file__).with_name("translate_template.py")


PRIVATE_UV = REPO_ROOT / ".tools" / "bin" / "uv"


def uv_command() -> list[str]:
    """uv from PATH, else the copy that `make` installs into .tools/ when PATH has none."""
    uv = shutil.which("uv") or (str(PRIVATE_UV) if PRIVATE_UV.exists() else None)
    return [uv] if uv else [sys.executable, "-m", "uv"]


def tool_environment() -> dict[str, str]:
    """Offline-safe: a region, no telemetry, no Python downloads, no AWS credentials needed."""
    return os.environ | {
        "AWS_DEFAULT_REGION": "us-east-1",
        "SAM_CLI_TELEMETRY": "0",
        "UV_PYTHON_DOWNLOADS": "never",
    }


def run_tool(
    package: str, *command: str, cwd: Path = REPO_ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`uv tool run --from <package> <command...>`, captured; the caller checks the return code."""
    return subprocess.run(
        [*uv_command(), "tool", "run", "--from", package, *command],
        cwd=cwd,
        env=env or tool_environment(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def sam(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return run_tool(SAM_CLI, "sam", *args, cwd=cwd)


def translate(
    *, template: Path = TEMPLATE, parameters: dict[str, str] | None = None
) -> dict[str, Any]:
    """The CloudFormation that SAM's own translator makes of `template`, as a dict."""
    result = run_tool(
        SAM_CLI,
        "python",
        str(TRANSLATE_SCRIPT),
        str(template),
        json.dumps(parameters or {}),
    )
    if result.returncode != 0:
        raise RuntimeError(f"SAM translation failed:\n{result.stderr}")
    translated: dict[str, Any] = json.loads(result.stdout)
    return translated


_PARSE_OVERRIDES = """
import json, sys
from samcli.cli.types import CfnParameterOverridesType
print(json.dumps(CfnParameterOverridesType().convert(tuple(sys.argv[1:]), None, None)))
"""


def parse_parameter_overrides(*, values: list[str]) -> dict[str, str]:
    """What `sam deploy` makes of samconfig's `parameter_overrides`, by the SAM CLI's parser."""
    result = run_tool(SAM_CLI, "python", "-c", _PARSE_OVERRIDES, *values)
    if result.returncode != 0:
        raise RuntimeError(f"SAM CLI refused the parameter overrides:\n{result.stderr}")
    parsed: dict[str, str] = json.loads(result.stdout)
    return parsed


def resources_of_type(template: dict[str, Any], *, type_: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] == type_
    }


def gateway_body(template: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document of the translated template's one REST API."""
    (api,) = resources_of_type(template, type_="AWS::ApiGateway::RestApi").values()
    body: dict[str, Any] = api["Properties"]["Body"]
    return body


# Parameters to translate with: the stack creating its pool, or using an existing one.
COGNITO_AUTHORIZER = "CognitoAuthorizer"


def authorizers_of(operation: dict[str, Any]) -> set[str]:
    """SAM writes `security: [{NONE: []}]` for a method that opts out of the default."""
    return {name for requirement in operation.get("security", []) for name in requirement} - {
        "NONE"
    }


CREATED_POOL_WITH_DOMAIN = {
    "AlarmEmail": "alarms@example.com",
    "DomainName": "api.patrickcmd.dev",
    "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
    "HostedZoneId": "Z0123456789ABC",
}
EXISTING_POOL_WITHOUT_DOMAIN = {
    "AlarmEmail": "alarms@example.com",
    "CognitoUserPoolId": "us-east-1_Existing1",
    "CognitoClientId": "existingclient",
    "DomainName": "",
}
