"""Preview tokens and their settings, without a server: the token's shape and secrecy, the URL
settings checked at start-up, and the token kept out of the error log's path."""

import pytest

from portfolio_api.api.middleware import loggable
from portfolio_api.config import ConfigurationError, load_settings
from portfolio_api.models.analytics import ContentType
from portfolio_api.models.previews import TOKEN_MAX_LENGTH, TOKEN_MIN_LENGTH, PreviewToken
from tests.helpers.app import REQUIRED_ENVIRONMENT

ITEM_ID = "01jdz3k8v4q6m2x9t7r5n0b1cd"


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name, value in REQUIRED_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


@pytest.mark.parametrize("kind", list(ContentType))
def test_a_minted_token_names_its_item_and_carries_256_random_bits(kind: ContentType) -> None:
    # WHEN two tokens are minted for one item
    first = PreviewToken.minted(kind=kind, item_id=ITEM_ID)
    second = PreviewToken.minted(kind=kind, item_id=ITEM_ID)
    # THEN each reads back as itself, with 64 hex digits of secret, and they differ
    assert PreviewToken.parsed(first.text) == first
    assert first.text.startswith(f"{kind.value}-{ITEM_ID}-")
    assert len(first.secret) == 64
    assert int(first.secret, 16) >= 0
    assert first.secret != second.secret
    assert TOKEN_MIN_LENGTH <= len(first.text) <= TOKEN_MAX_LENGTH
    # AND its digest is SHA-256 hex, which never shows the secret; nor does its repr
    assert len(first.digest()) == 64
    assert first.secret not in first.digest()
    assert first.secret not in repr(first)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "blog",
        f"blog-{ITEM_ID}-{'a' * 63}",
        f"blog-{ITEM_ID}-{'a' * 65}",
        f"blog-{ITEM_ID}-{'A' * 64}",
        f"video-{ITEM_ID}-{'a' * 64}",
        f"blog-{ITEM_ID.upper()}-{'a' * 64}",
        f"blog-{ITEM_ID}-{'a' * 64}\n",
        f"blog-{ITEM_ID}-{'a' * 64}" + "a" * 10_000,
    ],
)
def test_anything_not_minted_here_parses_as_no_token(text: str) -> None:
    assert PreviewToken.parsed(text) is None


def test_the_preview_url_settings_default_to_the_site(environment: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.site_url == "https://patrickcmd.dev"
    assert settings.preview_url_pattern == "/preview/{token}"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SITE_URL", "patrickcmd.dev"),
        ("SITE_URL", "ftp://patrickcmd.dev"),
        ("PREVIEW_URL_PATTERN", "preview/{token}"),
        ("PREVIEW_URL_PATTERN", "/preview"),
        ("PREVIEW_URL_PATTERN", "/preview/{token}/{token}"),
        ("PREVIEW_URL_PATTERN", "/preview/{id}/{token}"),
        ("PREVIEW_URL_PATTERN", "/preview/{token}#top"),
        ("PREVIEW_URL_PATTERN", "/pre view/{token}"),
    ],
)
def test_a_bad_preview_url_setting_stops_start_up(
    environment: pytest.MonkeyPatch, name: str, value: str
) -> None:
    environment.setenv(name, value)
    with pytest.raises(ConfigurationError, match=name):
        load_settings()


def test_a_pattern_with_a_query_is_accepted(environment: pytest.MonkeyPatch) -> None:
    environment.setenv("PREVIEW_URL_PATTERN", "/drafts?token={token}")
    assert load_settings().preview_url_pattern == "/drafts?token={token}"


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (f"/v1/preview/blog-{ITEM_ID}-{'a' * 64}", "/v1/preview/{token}"),
        (f"/prod/v1/preview/blog-{ITEM_ID}-{'a' * 64}", "/prod/v1/preview/{token}"),
        (f"/v1/blog/posts/{ITEM_ID}/preview-link", f"/v1/blog/posts/{ITEM_ID}/preview-link"),
    ],
)
def test_the_error_log_names_a_preview_path_without_its_token(path: str, logged: str) -> None:
    assert loggable(path) == logged
