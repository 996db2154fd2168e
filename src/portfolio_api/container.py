"""Wiring: one set of clients, repositories and services per app, built from Settings."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from portfolio_api.config import Settings
from portfolio_api.core.clock import Clock, SystemClock
from portfolio_api.core.metrics import BusinessMetrics
from portfolio_api.core.security import HttpJwksSource, JwksSource, TokenVerifier
from portfolio_api.models.analytics import ContentType
from portfolio_api.models.certifications import Certification
from portfolio_api.models.links import SiteLinks
from portfolio_api.models.posts import Post
from portfolio_api.models.projects import Project
from portfolio_api.repositories.analytics import AnalyticsRepository, ContentChecks
from portfolio_api.repositories.aws import (
    create_cognito_client,
    create_dynamodb_client,
    create_s3_client,
)
from portfolio_api.repositories.cognito import CognitoIdentityProvider
from portfolio_api.repositories.content import ContentKind, ContentRepository
from portfolio_api.repositories.health import TableProbe
from portfolio_api.repositories.kinds import CERTIFICATIONS, POSTS, PROJECTS
from portfolio_api.repositories.media import MediaRecords
from portfolio_api.repositories.media_files import MediaFiles
from portfolio_api.repositories.previews import PreviewLinks
from portfolio_api.repositories.salts import SaltRepository
from portfolio_api.repositories.sessions import SessionRepository
from portfolio_api.repositories.sign_in_attempts import SignInAttempts
from portfolio_api.repositories.stats import DailyStats
from portfolio_api.repositories.views import ViewCounters
from portfolio_api.services.audience import AudienceService
from portfolio_api.services.auth import AuthService
from portfolio_api.services.content import ContentService
from portfolio_api.services.feeds import FeedService
from portfolio_api.services.health import HealthService
from portfolio_api.services.identities import VisitorIdentities
from portfolio_api.services.media import MediaService
from portfolio_api.services.pages import PageCache
from portfolio_api.services.posts import PostService
from portfolio_api.services.previews import PreviewService, StoredItems
from portfolio_api.services.sign_in_limit import SignInLimit
from portfolio_api.services.sitemap import SitemapService
from portfolio_api.services.views import ViewService
from portfolio_api.services.visitors import VisitorService

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client


@dataclass(frozen=True, kw_only=True)
class Container:
    settings: Settings
    metrics: BusinessMetrics
    auth: AuthService
    health: HealthService
    posts: PostService
    projects: ContentService[Project]
    certifications: ContentService[Certification]
    feeds: FeedService
    sitemap: SitemapService
    visitors: VisitorService
    views: ViewService
    previews: PreviewService
    media: MediaService
    audience: AudienceService


@dataclass(frozen=True, kw_only=True)
class _Storage:
    """The clients and tables every repository is built on."""

    client: "DynamoDBClient"
    table: str
    ephemeral: str
    clock: Clock
    views: ViewCounters
    previews: PreviewLinks

    def content[M: Post | Project | Certification](
        self, kind: ContentKind[M]
    ) -> ContentRepository[M]:
        """Each content repository deletes an item's view counter and preview link in the
        item's transaction."""
        return ContentRepository(
            client=self.client,
            table_name=self.table,
            kind=kind,
            clock=self.clock,
            dependents=(self.views, self.previews),
        )


@dataclass(frozen=True, kw_only=True)
class _Content:
    posts: ContentRepository[Post]
    projects: ContentRepository[Project]
    certifications: ContentRepository[Certification]

    def by_type(self) -> dict[ContentType, ContentChecks]:
        return {
            ContentType.BLOG: self.posts,
            ContentType.PROJECT: self.projects,
            ContentType.CERTIFICATION: self.certifications,
        }

    def stored(self) -> dict[ContentType, StoredItems]:
        return {
            ContentType.BLOG: self.posts,
            ContentType.PROJECT: self.projects,
            ContentType.CERTIFICATION: self.certifications,
        }


def build_container(
    settings: Settings,
    *,
    dynamodb: "DynamoDBClient | None" = None,
    cognito: "CognitoIdentityProviderClient | None" = None,
    jwks: JwksSource | None = None,
    clock: Clock | None = None,
    pages: PageCache | None = None,
    s3: "S3Client | None" = None,
) -> Container:
    """Every argument after `settings` swaps one outside dependency, for tests (`pages`: the
    public pages' memory, which a bench empties to measure reads without it)."""
    clock = clock or SystemClock()
    pages = pages or PageCache(clock=clock)
    client = dynamodb or create_dynamodb_client(settings)
    storage = _Storage(
        client=client,
        table=settings.dynamodb_table_name,
        ephemeral=settings.dynamodb_ephemeral_table_name,
        clock=clock,
        views=ViewCounters(client=client, table_name=settings.dynamodb_table_name),
        previews=PreviewLinks(client=client, table_name=settings.dynamodb_table_name),
    )
    content = _Content(
        posts=storage.content(POSTS),
        projects=storage.content(PROJECTS),
        certifications=storage.content(CERTIFICATIONS),
    )
    metrics = BusinessMetrics(environment=settings.environment)
    identities = VisitorIdentities(
        salts=SaltRepository(client=client, table_name=storage.ephemeral), clock=clock
    )
    posts = PostService(repository=content.posts, clock=clock, pages=pages)
    projects = ContentService(repository=content.projects, clock=clock, pages=pages)
    certifications = ContentService(repository=content.certifications, clock=clock, pages=pages)
    links = _site_links(settings)
    counts = AnalyticsRepository(
        client=client,
        table_name=storage.table,
        ephemeral_table_name=storage.ephemeral,
        shards=settings.counter_shards,
        per_client=settings.visitors_per_client_day,
        views=storage.views,
        stats=DailyStats(
            client=client,
            table_name=storage.table,
            shards=settings.counter_shards,
            cap=settings.stats_keys_per_day,
        ),
        pageviews_per_visitor=settings.pageviews_per_visitor,
        retention_days=settings.analytics_retention_days,
        content=content.by_type(),
        clock=clock,
    )
    return Container(
        settings=settings,
        metrics=metrics,
        auth=_auth_service(
            settings,
            storage=storage,
            connect_cognito=(lambda: cognito)
            if cognito
            else partial(create_cognito_client, settings),
            jwks=jwks
            or HttpJwksSource(url=settings.jwks_url, timeout_seconds=settings.jwks_timeout_seconds),
            identities=identities,
            metrics=metrics,
        ),
        health=HealthService(probe=TableProbe(client=client, table_name=storage.table)),
        posts=posts,
        projects=projects,
        certifications=certifications,
        feeds=FeedService(posts=posts, pages=pages, links=links, items=settings.feed_items),
        sitemap=SitemapService(
            posts=posts,
            projects=projects,
            certifications=certifications,
            pages=pages,
            links=links,
        ),
        visitors=VisitorService(
            counts=counts,
            identities=identities,
            clock=clock,
            metrics=metrics,
            site_host=settings.site_host,
        ),
        audience=AudienceService(counts=counts, clock=clock),
        views=ViewService(
            counts=counts,
            counters=storage.views,
            identities=identities,
            content={
                ContentType.BLOG: posts,
                ContentType.PROJECT: projects,
                ContentType.CERTIFICATION: certifications,
            },
            entities={kind: repository.entity for kind, repository in content.by_type().items()},
            metrics=metrics,
        ),
        previews=PreviewService(
            links=storage.previews,
            content=content.stored(),
            clock=clock,
            site_url=settings.site_url,
            url_pattern=settings.preview_url_pattern,
        ),
        media=_media_service(settings, storage=storage, s3=s3),
    )


def _site_links(settings: Settings) -> SiteLinks:
    return SiteLinks(
        site_url=settings.site_url,
        post=settings.post_url_pattern,
        project=settings.project_url_pattern,
        certification=settings.certification_url_pattern,
    )


def _media_service(settings: Settings, *, storage: _Storage, s3: "S3Client | None") -> MediaService:
    """Without a bucket and its public address the media routes answer 503; nothing else
    needs S3, so its client is made on the first media call."""
    bucket, base_url = settings.media_bucket_name, settings.media_base_url
    files = (
        MediaFiles(
            connect=(lambda: s3) if s3 else partial(create_s3_client, settings),
            bucket=bucket,
            base_url=base_url,
        )
        if bucket and base_url
        else None
    )
    return MediaService(
        files=files,
        records=MediaRecords(client=storage.client, table_name=storage.table),
        clock=storage.clock,
        max_bytes=settings.media_max_bytes,
    )


def _auth_service(
    settings: Settings,
    *,
    storage: _Storage,
    connect_cognito: Callable[[], "CognitoIdentityProviderClient"],
    jwks: JwksSource,
    identities: VisitorIdentities,
    metrics: BusinessMetrics,
) -> AuthService:
    verifier = TokenVerifier(
        issuer=settings.cognito_issuer,
        audience=settings.cognito_client_id,
        jwks=jwks,
        clock=storage.clock,
        leeway_seconds=settings.token_leeway_seconds,
        refetch_interval_seconds=settings.jwks_refetch_interval_seconds,
    )
    identity = CognitoIdentityProvider(
        connect=connect_cognito,
        user_pool_id=settings.cognito_user_pool_id,
        client_id=settings.cognito_client_id,
    )
    limit = SignInLimit(
        attempts=SignInAttempts(client=storage.client, table_name=storage.ephemeral),
        identities=identities,
        clock=storage.clock,
        limit=settings.login_failures_per_client,
        window_seconds=settings.login_failure_window_seconds,
    )
    return AuthService(
        identity=identity,
        verifier=verifier,
        sessions=SessionRepository(client=storage.client, table_name=storage.table),
        clock=storage.clock,
        owner_group=settings.owner_group,
        id_token_max_lifetime_seconds=settings.id_token_max_lifetime_seconds,
        metrics=metrics,
        limit=limit,
    )
