"""The analytics layers built straight on both tables, for repository and service tests."""

import hashlib
import re
from dataclasses import dataclass

from portfolio_api.core.metrics import BusinessMetrics, MetricsSink
from portfolio_api.models.analytics import ContentType, VisitorSignal
from portfolio_api.models.posts import Post
from portfolio_api.repositories.analytics import AnalyticsRepository, ContentChecks
from portfolio_api.repositories.content import ContentRepository
from portfolio_api.repositories.kinds import CERTIFICATIONS, POSTS, PROJECTS
from portfolio_api.repositories.salts import SaltRepository
from portfolio_api.repositories.stats import DailyStats
from portfolio_api.repositories.views import ViewCounters
from portfolio_api.services.identities import VisitorIdentities
from portfolio_api.services.visitors import VisitorService
from tests.helpers.aws import Backend
from tests.helpers.clock import FakeClock

SIGNAL = VisitorSignal(
    ip="198.51.100.7",
    user_agent="Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
)


def visitor(number: int = 0, *, ip: str = SIGNAL.ip) -> VisitorSignal:
    """Visitor `number` as the network sees it: one browser, made distinct by its build."""
    return VisitorSignal(ip=ip, user_agent=f"{SIGNAL.user_agent} Visitor/{number}")


def daily_hash(salt: bytes, *parts: str) -> str:
    """A daily identity as docs/DYNAMODB-DESIGN.md defines it, spelled out apart from the code:
    SHA-256 over the salt, then each part as its UTF-8 length (4 bytes, big-endian) and bytes
    (lone surrogates, which a header may decode to, kept as the bytes they stood for)."""
    digest = hashlib.sha256(salt)
    for part in parts:
        encoded = part.encode("utf-8", "surrogateescape")
        digest.update(len(encoded).to_bytes(4, "big") + encoded)
    return digest.hexdigest()


def folded_agent(user_agent: str) -> str:
    """A User-Agent as the visitor hash takes it: runs of whitespace one space, none at either
    end, casefolded (docs/DYNAMODB-DESIGN.md#visitor-identity-dedup)."""
    return re.sub(r"\s+", " ", user_agent).strip().casefold()


@dataclass(frozen=True, kw_only=True)
class Analytics:
    posts: ContentRepository[Post]
    counts: AnalyticsRepository
    counters: ViewCounters
    salts: SaltRepository
    identities: VisitorIdentities
    visitors: VisitorService
    clock: FakeClock


def analytics_on(
    backend: Backend,
    *,
    clock: FakeClock,
    shards: int = 4,
    per_client: int = 10,
    metrics: MetricsSink | None = None,
    stats_cap: int = 30,
    pageviews_per_visitor: int = 50,
) -> Analytics:
    client, table, ephemeral = backend
    counters = ViewCounters(client=client, table_name=table)
    posts = ContentRepository(
        client=client, table_name=table, clock=clock, kind=POSTS, dependents=(counters,)
    )
    content: dict[ContentType, ContentChecks] = {
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
        per_client=per_client,
        views=counters,
        stats=DailyStats(client=client, table_name=table, shards=shards, cap=stats_cap),
        pageviews_per_visitor=pageviews_per_visitor,
        retention_days=730,
        content=content,
        clock=clock,
    )
    salts = SaltRepository(client=client, table_name=ephemeral)
    identities = VisitorIdentities(salts=salts, clock=clock)
    visitors = VisitorService(
        counts=counts,
        identities=identities,
        clock=clock,
        metrics=metrics or BusinessMetrics(environment="test", enabled=False),
        site_host="patrickcmd.dev",
    )
    return Analytics(
        posts=posts,
        counts=counts,
        counters=counters,
        salts=salts,
        identities=identities,
        visitors=visitors,
        clock=clock,
    )
