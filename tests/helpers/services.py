"""The content services wired as `container.py` wires them, on a backend and a clock."""

from dataclasses import dataclass

from portfolio_api.models.projects import Project
from portfolio_api.repositories.content import ContentRepository
from portfolio_api.repositories.kinds import POSTS, PROJECTS
from portfolio_api.repositories.views import ViewCounters
from portfolio_api.services.content import ContentService
from portfolio_api.services.pages import PageCache
from portfolio_api.services.posts import PostService
from tests.helpers.aws import Backend
from tests.helpers.clock import FakeClock


@dataclass(frozen=True, kw_only=True)
class ContentServices:
    """Projects (one item and the generation) and posts (slug guards and view counters too)."""

    projects: ContentService[Project]
    posts: PostService


def content_services_on(backend: Backend, *, clock: FakeClock) -> ContentServices:
    client, table, _ = backend
    counters = ViewCounters(client=client, table_name=table)
    pages = PageCache(clock=clock)
    return ContentServices(
        projects=ContentService(
            repository=ContentRepository(
                client=client, table_name=table, clock=clock, kind=PROJECTS
            ),
            clock=clock,
            pages=pages,
        ),
        posts=PostService(
            repository=ContentRepository(
                client=client, table_name=table, clock=clock, kind=POSTS, dependents=(counters,)
            ),
            clock=clock,
            pages=pages,
        ),
    )
