"""make deploy's plan: samconfig's overrides merged with the account's values, refused early."""

import logging
import shlex
from pathlib import Path

import pytest

from portfolio_api.devstack import deploy
from portfolio_api.devstack.samconfig import load_samconfig, parse_overrides

SAM_CLI = "aws-sam-cli==1.170.0"
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
ZONE = "Z0123456789ABC"


def _plan(environment: str, **account_values: str) -> deploy.DeployPlan:
    return deploy.plan_deploy(
        load_samconfig(),
        environment=environment,
        account_values=account_values,
        uv="uv",
        sam_cli=SAM_CLI,
    )


def _overrides(command: list[str]) -> dict[str, str]:
    return parse_overrides(command[command.index("--parameter-overrides") + 1 :])


def test_dev_deploys_its_section_with_the_alarm_email_added() -> None:
    # GIVEN dev's section, and an alarm e-mail from the make command line
    # WHEN the deploy is planned
    plan = _plan("dev", AlarmEmail="ops@example.com", CertificateArn="", HostedZoneId="")
    # THEN the pinned SAM CLI deploys dev with the section's overrides and the e-mail, no domain
    head = ["uv", "tool", "run", "--from", SAM_CLI, "sam", "deploy", "--config-env", "dev"]
    assert plan.command[: len(head)] == head
    passed = _overrides(plan.command)
    assert passed["Environment"] == "dev"
    assert passed["AlarmEmail"] == "ops@example.com"
    assert "DomainName" not in passed
    assert set(passed) == {"Environment", "CorsOrigins", "AlarmEmail", "VersionKey"}
    assert (plan.target.stack_name, plan.target.region) == ("portfolio-api-dev", "us-east-1")


def _built(tmp_path: Path, files: dict[str, bytes]) -> Path:
    built = tmp_path / "ApiFunction"
    for name, content in files.items():
        path = built / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return built


def test_the_version_key_changes_with_the_code_the_template_and_each_parameter(
    tmp_path: Path,
) -> None:
    """It names the version the alias `live` serves; SAM's own hash never sees parameters."""
    # GIVEN a build, a template and parameters
    template = tmp_path / "template.yaml"
    template.write_text("Resources: {}\n")
    parameters = {"Environment": "dev", "SnapStart": "None"}
    built = _built(tmp_path, {"main.py": b"app = 1\n", "pkg/mod.pyc": b"\x00compiled"})

    def key(**changed: str) -> str:
        return deploy.version_key(parameters | changed, template=template, built=built)

    before = key()
    # THEN it is the same for the same inputs, and made of hex digits, as the template asks
    assert key() == before
    assert len(before) == 16
    assert int(before, 16) >= 0
    # AND a parameter alone changes it: turning SnapStart on publishes a version
    assert key(SnapStart="PublishedVersions") != before
    # AND so does a source file, but not a .pyc, which follows from the sources
    (built / "pkg" / "mod.pyc").write_bytes(b"\x00recompiled")
    assert key() == before
    (built / "main.py").write_bytes(b"app = 2\n")
    assert key() != before
    # AND so does the template
    changed_code = key()
    template.write_text("Resources: {Other: {}}\n")
    assert key() != changed_code


def test_make_deploy_passes_the_version_key_of_what_it_deploys(tmp_path: Path) -> None:
    # GIVEN a build
    built = _built(tmp_path, {"main.py": b"app = 1\n"})
    # WHEN dev's deploy is planned
    plan = deploy.plan_deploy(
        load_samconfig(),
        environment="dev",
        account_values={},
        uv="uv",
        sam_cli=SAM_CLI,
        built=built,
    )
    # THEN sam deploy gets the key of that build, the template and the other parameters
    passed = _overrides(plan.command)
    others = {name: value for name, value in passed.items() if name != "VersionKey"}
    assert passed["VersionKey"] == deploy.version_key(others, built=built)


def test_an_account_value_replaces_the_sections_own() -> None:
    # GIVEN a section that sets a value, and the same key given at deploy time
    merged = deploy.merge_parameters(
        {"A": "section", "B": "kept"}, account_values={"A": "given", "C": ""}
    )
    # THEN the given one wins, and empty ones add nothing
    assert merged == {"A": "given", "B": "kept"}


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({}, "CERTIFICATE_ARN and HOSTED_ZONE_ID"),
        ({"CertificateArn": CERTIFICATE}, "HOSTED_ZONE_ID"),
        ({"HostedZoneId": ZONE}, "CERTIFICATE_ARN"),
    ],
)
def test_prod_is_refused_without_its_certificate_and_zone(
    given: dict[str, str], missing: str
) -> None:
    # GIVEN prod, which serves api.patrickcmd.dev, without all it needs for that
    # WHEN the deploy is planned THEN it is refused, naming what to add
    with pytest.raises(deploy.DeployError, match=f"needs {missing}: make deploy ENV=prod"):
        _plan("prod", **given)


def test_prod_with_certificate_and_zone_passes_them_with_its_domain() -> None:
    # GIVEN prod with its certificate and zone
    plan = _plan("prod", CertificateArn=CERTIFICATE, HostedZoneId=ZONE)
    # THEN all three reach sam deploy
    passed = _overrides(plan.command)
    assert passed["DomainName"] == "api.patrickcmd.dev"
    assert (passed["CertificateArn"], passed["HostedZoneId"]) == (CERTIFICATE, ZONE)


def test_an_unknown_environment_fails_before_anything_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # GIVEN an ENV that samconfig.toml has no section for
    # WHEN make deploy's first step checks it
    code = deploy.main(["--env", "qa", "--uv", "uv", "--sam-cli", SAM_CLI, "--check-only"])
    # THEN it fails, naming the environments there are
    assert code == 1
    assert "no environment 'qa'; it has dev, prod, staging" in caplog.text


def test_the_dry_run_prints_the_exact_deploy_and_stops(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="devstack")
    # GIVEN staging and an alarm address with a space-free quirk: a plus sign
    args = ["--env", "staging", "--uv", "/opt/uv", "--sam-cli", SAM_CLI, "--dry-run"]
    # WHEN make deploy DRY_RUN=1 reaches its last step
    code = deploy.main([*args, "--alarm-email", "ops+alarms@example.com"])
    # THEN it prints the command it would run, which a shell reads back as exactly that
    out = caplog.text
    assert code == 0
    (line,) = [line for line in out.splitlines() if " sam deploy " in line]
    words = shlex.split(line)
    assert words[0] == "SAM_CLI_TELEMETRY=0"
    assert words[1:9] == [
        "/opt/uv",
        "tool",
        "run",
        "--from",
        SAM_CLI,
        "sam",
        "deploy",
        "--config-env",
    ]
    assert _overrides(words)["AlarmEmail"] == "ops+alarms@example.com"
    # AND it says what a real run would do first
    assert "set API Gateway's CloudWatch role in us-east-1 if the region has none" in out


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A machine where `aws configure` never ran."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.usefixtures("no_credentials")
def test_missing_credentials_stop_make_deploy_before_the_build(
    caplog: pytest.LogCaptureFixture,
) -> None:
    args = ["--env", "dev", "--uv", "uv", "--sam-cli", SAM_CLI, "--check-only"]
    # GIVEN no AWS credentials, WHEN make deploy's first step runs
    code = deploy.main(args)
    # THEN it stops, saying how to set them
    assert code == 1
    assert "no AWS credentials found: run `aws configure`" in caplog.text
    # AND a dry run needs none
    assert deploy.main([*args, "--dry-run"]) == 0
    assert deploy.main([*args[:-1], "--dry-run"]) == 0
