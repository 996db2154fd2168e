"""samconfig.toml read as `sam deploy --config-env` reads it (the SAM CLI's own parser agrees:
tests/deploy/test_sam_validate.py)."""

import pytest

from portfolio_api.devstack.samconfig import (
    SamConfigError,
    deploy_target,
    environments,
    load_samconfig,
    parse_overrides,
    render_overrides,
)

CONFIG = {
    "version": 0.1,
    "default": {"validate": {"parameters": {"lint": True}}},
    "qa": {
        "global": {"parameters": {"stack_name": "portfolio-api-qa", "region": "eu-west-1"}},
        "deploy": {"parameters": {"parameter_overrides": ["Environment=dev", "A=1"]}},
    },
}


def test_the_repository_samconfig_has_three_environments_and_no_default_deploy() -> None:
    # GIVEN samconfig.toml
    config = load_samconfig()
    # WHEN its environments are listed
    # THEN they are the three stacks; default is for commands without --config-env
    assert environments(config) == ["dev", "prod", "staging"]
    assert "deploy" not in config["default"]


def test_a_target_takes_its_stack_and_region_from_the_global_table() -> None:
    # GIVEN a section with stack and region under global, overrides under deploy
    # WHEN it is read
    target = deploy_target(CONFIG, environment="qa")
    # THEN each comes from where SAM finds it
    assert (target.stack_name, target.region) == ("portfolio-api-qa", "eu-west-1")
    assert target.overrides == {"Environment": "dev", "A": "1"}


def test_an_unknown_environment_names_the_known_ones() -> None:
    # GIVEN no section called "stage"
    # WHEN it is asked for
    with pytest.raises(SamConfigError, match="no environment 'stage'; it has qa"):
        deploy_target(CONFIG, environment="stage")
    # THEN default never counts as an environment either
    with pytest.raises(SamConfigError):
        deploy_target(CONFIG, environment="default")


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        (
            ["Environment=prod", "DomainName=api.example.com"],
            {"Environment": "prod", "DomainName": "api.example.com"},
        ),
        (
            "Environment=prod  CorsOrigins=https://a.dev,https://b.dev",
            {"Environment": "prod", "CorsOrigins": "https://a.dev,https://b.dev"},
        ),
        (['DomainName=""', "Name='two words'"], {"DomainName": "", "Name": "two words"}),
        (['Name="a \\"quoted\\" word"'], {"Name": 'a "quoted" word'}),
    ],
    ids=["list", "one string", "quoted", "escaped"],
)
def test_overrides_parse_as_the_sam_cli_parses_them(value: object, parsed: dict[str, str]) -> None:
    # GIVEN parameter_overrides written in one of SAM's forms, WHEN parsed, THEN the same pairs
    assert parse_overrides(value) == parsed


@pytest.mark.parametrize(
    "value",
    [
        ["Environment"],
        ["Environment=dev oops"],
        ["ParameterKey=Environment,ParameterValue=dev"],
        {"Environment": "dev"},
        [1],
    ],
    ids=["no value", "stray word", "long form", "a table", "not text"],
)
def test_overrides_sam_would_misread_are_refused(value: object) -> None:
    # GIVEN an override SAM would reject or silently drop part of
    # WHEN parsed THEN it is refused, so no typo goes unnoticed
    with pytest.raises(SamConfigError):
        parse_overrides(value)


def test_rendering_quotes_only_what_needs_it_and_parses_back() -> None:
    # GIVEN values plain, empty and with a space
    overrides = {"Environment": "dev", "DomainName": "", "Name": "Ada Lovelace"}
    # WHEN rendered for --parameter-overrides
    rendered = render_overrides(overrides)
    # THEN only the last two are quoted, and parsing gives the values back
    assert rendered == ["Environment=dev", 'DomainName=""', 'Name="Ada Lovelace"']
    assert parse_overrides(rendered) == overrides


def test_a_value_sam_could_not_read_back_is_refused() -> None:
    # GIVEN a value with a double quote, WHEN rendered, THEN it is refused
    with pytest.raises(SamConfigError, match="quotes"):
        render_overrides({"Name": 'say "hi"'})
