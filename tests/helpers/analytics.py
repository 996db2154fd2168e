"""The analytics layers built straight on a table, for repository and service tests."""

from dataclasses import dataclass
from typing import Any

from portfolio_api.core.metrics import BusinessMetrics
from portfolio_api.models.analytics import ContentType, VisitorSignal
from portfolio_api.repositories.analytics import AnalyticsRepository
from portfolio_api.repositories.content import ContentRepository
from portfolio_api.repositories.kinds import CERTIFICATIONS, POSTS, PROJECTS
from portfolio_api.repositories.posts import PostRepository
from portfolio_api.repositories.salts import SaltRepository
from portfolio_api.repositories.views import ViewCounters
from portfolio_api.services.visitors import VisitorIdentities, VisitorService
from tests.helpers.aws import Backend
from tests.helpers.clock import FakeClock

SIGNAL = VisitorSignal(
    ip="198.51.100.7", user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"
)


@dataclass(frozen=True, kw_only=True)
class Analytics:
    posts: PostRepository
    counts: AnalyticsRepository
    salts: SaltRepository
    identities: VisitorIdentities
    visitors: VisitorService
    clock: FakeClock


def analytics_on(backend: Backend, *, clock: FakeClock, shards: int = 4) -> Analytics:
    client, table, ephemeral = backend
    views = ViewCounters(client=client, table_name=table)
    posts = PostRepository(
        client=client, table_name=table, clock=clock, kind=POSTS, dependents=(views,)
    )
    content: dict[ContentType, ContentRepository[Any, Any]] = {
        ContentType.BLOG: posts,
        ContentType.PROJECT: ContentRepository(
            client=client, table_name=table, clock=clock, kind=PROJECTS
        ),
        ContentType.CERTIFICATION: ContentRepository(
            client=client, table_name=table, clock=clock, kind=CERTIFICATIONS
        ),
    }
    counts = AnalyticsRepository(
        client=client,
        table_name=table,
        ephemeral_table_name=ephemeral,
        shards=shards,
        views=views,
        content=content,
        clock=clock,
    )
    salts = SaltRepository(client=client, table_name=ephemeral)
    identities = VisitorIdentities(salts=salts, clock=clock)
    return Analytics(
        posts=posts,
        counts=counts,
        salts=salts,
        identities=identities,
        visitors=VisitorService(
            counts=counts,
            identities=identities,
            clock=clock,
            metrics=BusinessMetrics(environment="test"),
        ),
        clock=clock,
    )
