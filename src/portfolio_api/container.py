"""Wiring: one set of clients, repositories and services per app, built from Settings."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from portfolio_api.config import Settings
from portfolio_api.core.clock import Clock, SystemClock
from portfolio_api.core.metrics import BusinessMetrics
from portfolio_api.core.security import HttpJwksSource, JwksSource, TokenVerifier
from portfolio_api.models.analytics import ContentType
from portfolio_api.models.certifications import Certification, CertificationSummary
from portfolio_api.models.projects import Project, ProjectSummary
from portfolio_api.repositories.analytics import AnalyticsRepository
from portfolio_api.repositories.aws import create_cognito_client, create_dynamodb_client
from portfolio_api.repositories.cognito import CognitoIdentityProvider
from portfolio_api.repositories.content import ContentRepository
from portfolio_api.repositories.health import TableProbe
from portfolio_api.repositories.kinds import CERTIFICATIONS, POSTS, PROJECTS
from portfolio_api.repositories.posts import PostRepository
from portfolio_api.repositories.salts import SaltRepository
from portfolio_api.repositories.sessions import SessionRepository
from portfolio_api.repositories.sign_in_attempts import SignInAttempts
from portfolio_api.repositories.views import ViewCounters
from portfolio_api.services.auth import AuthService
from portfolio_api.services.certifications import CertificationService
from portfolio_api.services.health import HealthService
from portfolio_api.services.posts import PostService
from portfolio_api.services.projects import ProjectService
from portfolio_api.services.sign_in_limit import SignInLimit
from portfolio_api.services.views import ViewService
from portfolio_api.services.visitors import VisitorIdentities, VisitorService

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True, kw_only=True)
class Container:
    settings: Settings
    metrics: BusinessMetrics
    auth: AuthService
    health: HealthService
    posts: PostService
    projects: ProjectService
    certifications: CertificationService
    visitors: VisitorService
    views: ViewService


def build_container(
    settings: Settings,
    *,
    dynamodb: "DynamoDBClient | None" = None,
    cognito: "CognitoIdentityProviderClient | None" = None,
    jwks: JwksSource | None = None,
    clock: Clock | None = None,
) -> Container:
    """Every argument after `settings` swaps one outside dependency, for tests."""
    clock = clock or SystemClock()
    metrics = BusinessMetrics(environment=settings.environment)
    dynamodb = dynamodb or create_dynamodb_client(settings)
    table = settings.dynamodb_table_name
    ephemeral = settings.dynamodb_ephemeral_table_name
    content = _content_repositories(client=dynamodb, table_name=table, clock=clock)
    posts = PostService(repository=content.posts, clock=clock)
    projects = ProjectService(repository=content.projects, clock=clock)
    certifications = CertificationService(repository=content.certifications, clock=clock)
    counts = AnalyticsRepository(
        client=dynamodb,
        table_name=table,
        ephemeral_table_name=ephemeral,
        shards=settings.counter_shards,
        views=content.views,
        content=content.by_type(),
        clock=clock,
    )
    identities = VisitorIdentities(
        salts=SaltRepository(client=dynamodb, table_name=ephemeral), clock=clock
    )
    auth = _auth_service(
        settings,
        dynamodb=dynamodb,
        connect_cognito=(lambda: cognito) if cognito else partial(create_cognito_client, settings),
        jwks=jwks
        or HttpJwksSource(url=settings.jwks_url, timeout_seconds=settings.jwks_timeout_seconds),
        clock=clock,
        metrics=metrics,
        limit=SignInLimit(
            attempts=SignInAttempts(client=dynamodb, table_name=ephemeral),
            identities=identities,
            clock=clock,
            limit=settings.login_failures_per_client,
            window_seconds=settings.login_failure_window_seconds,
        ),
    )
    return Container(
        settings=settings,
        metrics=metrics,
        auth=auth,
        health=HealthService(probe=TableProbe(client=dynamodb, table_name=table)),
        posts=posts,
        projects=projects,
        certifications=certifications,
        visitors=VisitorService(counts=counts, identities=identities, clock=clock, metrics=metrics),
        views=ViewService(
            counts=counts,
            identities=identities,
            metrics=metrics,
            content={
                ContentType.BLOG: posts,
                ContentType.PROJECT: projects,
                ContentType.CERTIFICATION: certifications,
            },
        ),
    )


@dataclass(frozen=True, kw_only=True)
class _ContentRepositories:
    posts: PostRepository
    projects: ContentRepository[Project, ProjectSummary]
    certifications: ContentRepository[Certification, CertificationSummary]
    views: ViewCounters

    def by_type(self) -> dict[ContentType, ContentRepository[Any, Any]]:
        return {
            ContentType.BLOG: self.posts,
            ContentType.PROJECT: self.projects,
            ContentType.CERTIFICATION: self.certifications,
        }


def _content_repositories(
    *, client: "DynamoDBClient", table_name: str, clock: Clock
) -> _ContentRepositories:
    """Each content repository deletes an item's view counter in the item's own transaction."""
    views = ViewCounters(client=client, table_name=table_name)
    dependents = (views,)
    return _ContentRepositories(
        posts=PostRepository(
            client=client, table_name=table_name, clock=clock, kind=POSTS, dependents=dependents
        ),
        projects=ContentRepository(
            client=client, table_name=table_name, clock=clock, kind=PROJECTS, dependents=dependents
        ),
        certifications=ContentRepository(
            client=client,
            table_name=table_name,
            clock=clock,
            kind=CERTIFICATIONS,
            dependents=dependents,
        ),
        views=views,
    )


def _auth_service(
    settings: Settings,
    *,
    dynamodb: "DynamoDBClient",
    connect_cognito: Callable[[], "CognitoIdentityProviderClient"],
    jwks: JwksSource,
    clock: Clock,
    metrics: BusinessMetrics,
    limit: SignInLimit,
) -> AuthService:
    verifier = TokenVerifier(
        issuer=settings.cognito_issuer,
        audience=settings.cognito_client_id,
        jwks=jwks,
        clock=clock,
        leeway_seconds=settings.token_leeway_seconds,
        refetch_interval_seconds=settings.jwks_refetch_interval_seconds,
    )
    identity = CognitoIdentityProvider(
        connect=connect_cognito,
        user_pool_id=settings.cognito_user_pool_id,
        client_id=settings.cognito_client_id,
    )
    return AuthService(
        identity=identity,
        verifier=verifier,
        sessions=SessionRepository(client=dynamodb, table_name=settings.dynamodb_table_name),
        clock=clock,
        owner_group=settings.owner_group,
        id_token_max_lifetime_seconds=settings.id_token_max_lifetime_seconds,
        metrics=metrics,
        limit=limit,
    )
