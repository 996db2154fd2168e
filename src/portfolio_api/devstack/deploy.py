"""`make deploy`: samconfig.toml's section for ENV, plus the account's own values, to sam deploy.

python -m portfolio_api.devstack.deploy --env dev --uv uv --sam-cli aws-sam-cli==X [--dry-run]

The Makefile builds and validates first. This merges the section's parameter overrides with
ALARM_EMAIL, CERTIFICATE_ARN and HOSTED_ZONE_ID (a command-line --parameter-overrides replaces
the section's list), refuses a custom domain without its certificate and zone, adds the
VersionKey that names the function's published version, sets API Gateway's CloudWatch role if
the region has none, and runs the pinned SAM CLI's `sam deploy`.
"""

import argparse
import hashlib
import logging
import os
import shlex
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from portfolio_api.devstack import REPO_ROOT
from portfolio_api.devstack.apigateway_logging import PreflightError, ensure_cloudwatch_role
from portfolio_api.devstack.aws import NoCredentialsError, session_with_credentials
from portfolio_api.devstack.samconfig import (
    SAMCONFIG,
    DeployTarget,
    SamConfigError,
    deploy_target,
    load_samconfig,
    render_overrides,
)

logger = logging.getLogger("devstack")

# Template parameter -> the make variable that gives it.
ACCOUNT_PARAMETERS = {
    "AlarmEmail": "ALARM_EMAIL",
    "CertificateArn": "CERTIFICATE_ARN",
    "HostedZoneId": "HOSTED_ZONE_ID",
}
DOMAIN_NEEDS = ("CertificateArn", "HostedZoneId")
TEMPLATE = REPO_ROOT / "template.yaml"
BUILT_FUNCTION = REPO_ROOT / ".aws-sam" / "build" / "ApiFunction"
SAM_ENVIRONMENT = {"SAM_CLI_TELEMETRY": "0"}


class DeployError(RuntimeError):
    """The deploy cannot go ahead; the message says what to give or fix."""


@dataclass(frozen=True, kw_only=True)
class DeployPlan:
    target: DeployTarget
    parameters: dict[str, str]
    command: list[str]
    environment: dict[str, str] = field(default_factory=lambda: dict(SAM_ENVIRONMENT))

    def shell_line(self) -> str:
        assignments = [f"{name}={value}" for name, value in self.environment.items()]
        return shlex.join([*assignments, *self.command])


def merge_parameters(
    overrides: Mapping[str, str], *, account_values: Mapping[str, str]
) -> dict[str, str]:
    """The section's overrides, with each non-empty account value added or replacing its own."""
    return {**overrides, **{key: value for key, value in account_values.items() if value}}


def require_domain_pieces(parameters: Mapping[str, str], *, environment: str) -> None:
    domain = parameters.get("DomainName", "")
    missing = [ACCOUNT_PARAMETERS[key] for key in DOMAIN_NEEDS if not parameters.get(key)]
    if domain and missing:
        raise DeployError(
            f"{environment} serves the custom domain {domain}, which needs "
            f"{' and '.join(missing)}: make deploy ENV={environment} "
            "CERTIFICATE_ARN=arn:aws:acm:<region>:<account>:certificate/<id> "
            "HOSTED_ZONE_ID=<Route 53 zone id>. docs/DEPLOYMENT.md says where both come from."
        )


def version_key(
    parameters: Mapping[str, str], *, template: Path = TEMPLATE, built: Path = BUILT_FUNCTION
) -> str:
    """A digest of what the function's version is made of: the built code (its sources; the
    .pyc files follow from them), the template and the parameters.

    The alias `live` serves a new version only when SAM names a new one, and SAM's own hash
    never sees parameter values: without this, turning SnapStart on (or a new CorsOrigins)
    would leave the alias on the old version.
    """
    digest = hashlib.sha256(template.read_bytes())
    for name, value in sorted(parameters.items()):
        digest.update(f"\0{name}={value}".encode())
    for path in sorted(built.rglob("*")):
        if path.is_file() and path.suffix != ".pyc":
            digest.update(f"\0{path.relative_to(built).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def plan_deploy(
    config: Mapping[str, object],
    *,
    environment: str,
    account_values: Mapping[str, str],
    uv: str,
    sam_cli: str,
    built: Path = BUILT_FUNCTION,
) -> DeployPlan:
    target = deploy_target(config, environment=environment)
    parameters = merge_parameters(target.overrides, account_values=account_values)
    require_domain_pieces(parameters, environment=environment)
    parameters["VersionKey"] = version_key(parameters, built=built)
    command = [uv, "tool", "run", "--from", sam_cli, "sam", "deploy", "--config-env", environment]
    command += ["--parameter-overrides", *render_overrides(parameters)]
    return DeployPlan(target=target, parameters=parameters, command=command)


def run_preflight(target: DeployTarget, *, session: boto3.Session) -> None:
    try:
        role = ensure_cloudwatch_role(
            apigateway=session.client("apigateway"), iam=session.client("iam")
        )
    except (ClientError, BotoCoreError) as exc:
        raise DeployError(
            "the API Gateway logging preflight needs apigateway GET and PATCH on /account, and "
            f"iam:GetRole, CreateRole, AttachRolePolicy and PassRole: {exc}"
        ) from exc
    verb = "now set to" if role.changed else "already set to"
    logger.info("API Gateway's CloudWatch role in %s: %s %s", target.region, verb, role.arn)


def _announce_dry_run(plan: DeployPlan) -> None:
    target = plan.target
    logger.info(
        "\nDry run for %s: stack %s in %s. With AWS credentials, make deploy would now\n"
        "  1. set API Gateway's CloudWatch role in %s if the region has none\n"
        "  2. run:\n%s\n",
        target.environment,
        target.stack_name,
        target.region,
        target.region,
        plan.shell_line(),
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m portfolio_api.devstack.deploy")
    parser.add_argument("--env", required=True, help="a samconfig.toml section: dev, ...")
    parser.add_argument("--uv", required=True, help="the uv executable")
    parser.add_argument("--sam-cli", required=True, help="the pinned SAM CLI requirement")
    parser.add_argument("--samconfig", type=Path, default=SAMCONFIG)
    for parameter, variable in ACCOUNT_PARAMETERS.items():
        flag = "--" + variable.lower().replace("_", "-")
        parser.add_argument(flag, default="", help=f"the template's {parameter}")
    parser.add_argument("--check-only", action="store_true", help="refuse early, change nothing")
    parser.add_argument("--dry-run", action="store_true", help="print the deploy, touch no AWS")
    return parser


def _plan_from(args: argparse.Namespace) -> DeployPlan:
    values = {key: getattr(args, var.lower()).strip() for key, var in ACCOUNT_PARAMETERS.items()}
    return plan_deploy(
        load_samconfig(args.samconfig),
        environment=args.env,
        account_values=values,
        uv=args.uv,
        sam_cli=args.sam_cli,
    )


def _run_sam(plan: DeployPlan) -> int:
    logger.info("%s", plan.shell_line())
    try:
        return subprocess.run(  # noqa: S603  # argv built above
            plan.command, cwd=REPO_ROOT, env=os.environ | plan.environment, check=False
        ).returncode
    except KeyboardInterrupt:  # Ctrl-C at the change set's prompt stops sam too
        return 130


def main(argv: list[str] | None = None) -> int:
    """--check-only refuses before make builds: a bad ENV, a domain without its certificate
    and zone, and (unless --dry-run) missing credentials."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    try:
        plan = _plan_from(args)
        if args.dry_run:
            if not args.check_only:
                _announce_dry_run(plan)
            return 0
        session = session_with_credentials(region=plan.target.region)
        if args.check_only:
            return 0
        run_preflight(plan.target, session=session)
    except (SamConfigError, DeployError, PreflightError, NoCredentialsError) as exc:
        logger.error("make deploy: %s", exc)
        return 1
    return _run_sam(plan)


if __name__ == "__main__":
    sys.exit(main())
