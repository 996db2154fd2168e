import os
import subprocess
import sys

import pytest

from portfolio_api.config import DEFAULT_CORS_ORIGINS, ConfigurationError, load_settings
from tests.helpers.app import REQUIRED_ENVIRONMENT as REQUIRED


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name, value in REQUIRED.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_defaults_fill_everything_but_the_required_four(environment: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.dynamodb_table_name == "portfolio-test"
    assert settings.cors_origins == DEFAULT_CORS_ORIGINS
    assert settings.owner_group == "owner"


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_a_missing_setting_is_named(environment: pytest.MonkeyPatch, missing: str) -> None:
    environment.delenv(missing)
    with pytest.raises(ConfigurationError, match=missing):
        load_settings()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CORS_ORIGINS", "*"),
        ("CORS_ORIGINS", "https://patrickcmd.dev/blog"),
        ("CORS_ORIGINS", " , "),
        ("ENVIRONMENT", "production"),
        ("LOG_LEVEL", "chatty"),
        ("DYNAMODB_ENDPOINT_URL", "localhost:8000"),
        ("COGNITO_JWKS_URL", "file:///etc/passwd"),
        ("TOKEN_LEEWAY_SECONDS", "-1"),
        ("DYNAMODB_TABLE_NAME", ""),
        ("SITE_URL", "patrickcmd.dev"),
        ("POST_URL_PATTERN", "blog/{slug}"),
        ("POST_URL_PATTERN", "/blog/{title}"),
        ("POST_URL_PATTERN", "/blog/{slug"),
        ("POST_URL_PATTERN", "/blog"),
        ("POST_URL_PATTERN", "/blog/{slug!r}"),
        ("PROJECT_URL_PATTERN", "/projects/{slug}"),
        ("CERTIFICATION_URL_PATTERN", "/certifications/ {id}"),
        ("FEED_ITEMS", "0"),
    ],
)
def test_an_invalid_setting_is_named(
    environment: pytest.MonkeyPatch, name: str, value: str
) -> None:
    environment.setenv(name, value)
    with pytest.raises(ConfigurationError, match=name):
        load_settings()


def test_feeds_link_to_the_site_by_its_patterns(environment: pytest.MonkeyPatch) -> None:
    # GIVEN a site URL with a trailing slash, and a post pattern naming both placeholders
    environment.setenv("SITE_URL", "https://example.com/")
    environment.setenv("POST_URL_PATTERN", "/posts/{id}/{slug}")
    # WHEN the settings are read
    settings = load_settings()
    # THEN the origin loses the slash (patterns start with one) and the pattern is kept
    assert settings.site_url == "https://example.com"
    assert settings.post_url_pattern == "/posts/{id}/{slug}"
    assert (settings.project_url_pattern, settings.feed_items) == ("/projects/{id}", 50)


def test_cors_origins_parse_from_a_comma_separated_list(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("CORS_ORIGINS", "https://patrickcmd.dev, http://localhost:5173 ,")
    assert load_settings().cors_origins == ("https://patrickcmd.dev", "http://localhost:5173")


def test_the_jwks_url_derives_from_the_issuer_unless_set(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("AWS_REGION", "eu-west-1")
    settings = load_settings()
    issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_POOL"
    assert settings.cognito_issuer == issuer
    assert settings.jwks_url == f"{issuer}/.well-known/jwks.json"
    environment.setenv(
        "COGNITO_JWKS_URL", "http://127.0.0.1:5000/eu-west-1_POOL/.well-known/jwks.json"
    )
    environment.setenv("COGNITO_REGION", "us-east-2")
    local = load_settings()
    assert local.jwks_url.startswith("http://127.0.0.1:5000/")
    assert local.cognito_issuer.startswith("https://cognito-idp.us-east-2.amazonaws.com/")


def test_the_app_refuses_to_start_without_its_settings() -> None:
    # GIVEN an environment with none of the app's settings
    env = {key: value for key, value in os.environ.items() if key not in REQUIRED}
    # WHEN the Lambda entry module is imported
    result = subprocess.run(
        [sys.executable, "-c", "import portfolio_api.main"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    # THEN start-up stops, naming every missing variable
    assert result.returncode != 0
    for name in REQUIRED:
        assert name in result.stderr
