"""Settings: read once from the environment, validated before the app serves anything."""

from functools import lru_cache
from string import Formatter
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Environment = Literal["local", "test", "dev", "staging", "prod"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
# json: one JSON object per line, what CloudWatch and Logs Insights read. text: one line a person
# reads per event, tracebacks as Python prints them; make dev sets it.
LogFormat = Literal["json", "text"]
NonEmpty = Annotated[str, Field(min_length=1)]
# The most one presigned POST may carry (S3's limit for a single upload).
MAX_POST_BYTES = 5 * 1024**3

DEFAULT_CORS_ORIGINS = (
    "https://patrickcmd.dev",
    "https://www.patrickcmd.dev",
    "http://localhost:5173",
    "http://localhost:8080",
)


class ConfigurationError(RuntimeError):
    """A setting is missing or invalid; the message names every offending variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", frozen=True)

    environment: Environment = "dev"
    log_level: LogLevel = "INFO"
    log_format: LogFormat = "json"
    aws_region: NonEmpty = "us-east-1"

    dynamodb_table_name: NonEmpty
    # Salts, per-day visitor hashes and sign-in counters: no backups, TTL on every item.
    dynamodb_ephemeral_table_name: NonEmpty
    dynamodb_endpoint_url: str | None = None

    cognito_user_pool_id: NonEmpty
    cognito_client_id: NonEmpty
    cognito_region: str | None = None
    cognito_endpoint_url: str | None = None
    cognito_jwks_url: str | None = None

    owner_group: NonEmpty = "owner"
    cors_origins: Annotated[tuple[str, ...], NoDecode] = DEFAULT_CORS_ORIGINS

    token_leeway_seconds: int = Field(default=0, ge=0, le=300)
    jwks_refetch_interval_seconds: float = Field(default=10.0, ge=1.0)
    jwks_timeout_seconds: float = Field(default=3.0, gt=0, le=30)
    id_token_max_lifetime_seconds: int = Field(default=86_400, ge=300, le=86_400)

    # Failed sign-ins one client (a salted hash of its IP) may make per window before a 429.
    login_failures_per_client: int = Field(default=5, ge=1, le=100)
    login_failure_window_seconds: int = Field(default=900, ge=60, le=86_400)

    # New visitors one client (a salted hash of its IP) may add a day, and new viewers of one
    # item: a household or an office behind one NAT still counts, a script rotating its
    # User-Agent does not.
    visitors_per_client_day: int = Field(default=10, ge=1, le=10_000)

    # Raise it, never lower it: reads sum shards 0..N-1, so counts in higher shards would vanish.
    counter_shards: int = Field(default=20, ge=1, le=100)
    # Distinct keys (referrers, paths, browsers...) one day's item of a dimension keeps, per
    # shard; the rest counts as "other". Bounds each item (a few KB) and so a tracked call's WCU.
    stats_keys_per_day: int = Field(default=30, ge=1, le=200)
    # Pageviews one visitor may add a day: past it a call is tracked: false and adds nothing.
    pageviews_per_visitor: int = Field(default=50, ge=1, le=1000)
    # Days the daily aggregates (pageviews, views by type, dimensions) are kept: TTL.
    analytics_retention_days: int = Field(default=730, ge=1, le=3650)
    # Proxies in front of the app that append to X-Forwarded-For; 0 trusts the header not at all.
    trusted_proxy_hops: int = Field(default=0, ge=0, le=5)

    # The public site the API's links point at (feeds, sitemap, preview links): its origin, and
    # each kind's page as a path with placeholders (checked here, so a typo stops the start-up).
    # A referrer on its host counts as direct.
    site_url: NonEmpty = "https://patrickcmd.dev"
    post_url_pattern: str = "/blog/{slug}"
    project_url_pattern: str = "/projects/{id}"
    certification_url_pattern: str = "/certifications/{id}"
    feed_items: int = Field(default=50, ge=1, le=500)
    # The site's page that shows a preview: a path holding `{token}` once.
    preview_url_pattern: NonEmpty = "/preview/{token}"
    # Media: the private bucket uploads go to, and the public address CloudFront serves it at.
    # Unset, the media routes answer 503; template.yaml sets both on AWS.
    media_bucket_name: str | None = None
    media_base_url: str | None = None
    media_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1, le=MAX_POST_BYTES)
    s3_endpoint_url: str | None = None

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("cors_origins")
    @classmethod
    def _check_origins(cls, origins: tuple[str, ...]) -> tuple[str, ...]:
        if not origins:
            raise ValueError("must list at least one origin")
        for origin in origins:
            _require_http_url(origin, allow_path=False)
        return origins

    @field_validator(
        "dynamodb_endpoint_url",
        "cognito_endpoint_url",
        "cognito_jwks_url",
        "s3_endpoint_url",
    )
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        _require_http_url(value, allow_path=True)
        return value

    @field_validator("site_url")
    @classmethod
    def _check_site_url(cls, value: str) -> str:
        _require_http_url(value, allow_path=True)
        return value.rstrip("/")

    @field_validator("post_url_pattern")
    @classmethod
    def _check_post_pattern(cls, value: str) -> str:
        return _url_pattern(value, allowed=frozenset({"slug", "id"}))

    @field_validator("project_url_pattern", "certification_url_pattern")
    @classmethod
    def _check_item_pattern(cls, value: str) -> str:
        return _url_pattern(value, allowed=frozenset({"id"}))

    @field_validator("preview_url_pattern")
    @classmethod
    def _check_preview_pattern(cls, value: str) -> str:
        if not value.startswith("/") or value.count("{token}") != 1:
            raise ValueError("must be a path starting with / that holds {token} once")
        rest = value.replace("{token}", "")
        if any(character in "{}#" or character.isspace() for character in rest):
            raise ValueError("may hold no other braces, no fragment and no spaces")
        return value

    @field_validator("media_base_url")
    @classmethod
    def _check_base_url(cls, value: str | None) -> str | None:
        """Public URLs are this plus `/media/<file>`: the trailing slash is not doubled."""
        if value is None or value == "":
            return None
        _require_http_url(value, allow_path=True)
        return value.rstrip("/")

    @field_validator("media_bucket_name")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @property
    def site_host(self) -> str:
        return urlsplit(self.site_url).hostname or ""

    @property
    def cognito_pool_region(self) -> str:
        return self.cognito_region or self.aws_region

    @property
    def cognito_issuer(self) -> str:
        """Cognito, and moto too, put this AWS-form issuer in `iss` whatever the endpoint."""
        region, pool = self.cognito_pool_region, self.cognito_user_pool_id
        return f"https://cognito-idp.{region}.amazonaws.com/{pool}"

    @property
    def jwks_url(self) -> str:
        return self.cognito_jwks_url or f"{self.cognito_issuer}/.well-known/jwks.json"


def _require_http_url(value: str, *, allow_path: bool) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL")
    if not allow_path and (parts.path not in ("", "/") or parts.query or parts.fragment):
        raise ValueError(f"{value!r} must be a bare origin, scheme://host[:port]")


def _url_pattern(value: str, *, allowed: frozenset[str]) -> str:
    """A path naming each item apart: `/`, then text with at least one of `allowed` in braces."""
    if not value.startswith("/") or any(c.isspace() or ord(c) < 32 for c in value):
        raise ValueError(f"{value!r} must be a path starting with / and without spaces")
    try:
        fields = [part[1:] for part in Formatter().parse(value) if part[1] is not None]
    except ValueError as exc:
        raise ValueError(f"{value!r} has unbalanced braces") from exc
    if not fields or any(
        name not in allowed or spec or conversion for name, spec, conversion in fields
    ):
        names = ", ".join(f"{{{name}}}" for name in sorted(allowed))
        raise ValueError(f"{value!r} must name the item with {names} and nothing else in braces")
    return value


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']).upper()}: {error['msg']}"
            for error in exc.errors()
        )
        raise ConfigurationError(f"Invalid configuration: {problems}") from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
