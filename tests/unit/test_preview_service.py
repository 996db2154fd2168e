"""PreviewService on in-process moto and a fake clock: where a link ends, what a token is
compared with, and what a read costs in calls. The HTTP side is tests/api/test_preview_links.py."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from portfolio_api.core.errors import NotFound
from portfolio_api.models.analytics import ContentType
from portfolio_api.models.content import Status
from portfolio_api.models.posts import Post
from portfolio_api.repositories.content import ContentRepository
from portfolio_api.repositories.kinds import POSTS, PROJECTS
from portfolio_api.repositories.previews import PreviewLinks
from portfolio_api.services.previews import PreviewService
from tests.helpers.clock import FakeClock
from tests.helpers.content import stored_post
from tests.helpers.in_process import ApiCalls, in_process_dynamodb, recorded_calls

HOUR = 3600


@dataclass(frozen=True, kw_only=True)
class Site:
    previews: PreviewService
    posts: ContentRepository[Post]
    clock: FakeClock
    calls: ApiCalls


@pytest.fixture
def site() -> Iterator[Site]:
    clock = FakeClock()
    with in_process_dynamodb() as backend, recorded_calls(backend.client) as calls:
        links = PreviewLinks(client=backend.client, table_name=backend.table)
        posts = ContentRepository(
            client=backend.client,
            table_name=backend.table,
            kind=POSTS,
            clock=clock,
            dependents=(links,),
        )
        projects = ContentRepository(
            client=backend.client, table_name=backend.table, kind=PROJECTS, clock=clock
        )
        previews = PreviewService(
            links=links,
            content={ContentType.BLOG: posts, ContentType.PROJECT: projects},
            clock=clock,
            site_url="https://example.com/",
            url_pattern="/drafts?token={token}",
        )
        yield Site(previews=previews, posts=posts, clock=clock, calls=calls)


def _draft(site: Site) -> Post:
    post = stored_post(1)
    site.posts.create(item=post)
    return post


def test_the_url_is_the_site_then_the_pattern_and_the_end_is_the_clocks_now_plus_the_lifetime(
    site: Site,
) -> None:
    # GIVEN a draft
    post = _draft(site)
    # WHEN a link of an hour is made for it
    link = site.previews.create(kind=ContentType.BLOG, item_id=post.id, lifetime=HOUR)
    # THEN its URL is the site's, one slash between, the token in the pattern's place
    assert link.url == f"https://example.com/drafts?token={link.token}"
    assert link.token.startswith(f"blog-{post.id}-")
    # AND it ends an hour after the fake clock's now
    assert link.expires_at == "2026-11-26T13:00:00Z"


def test_a_link_lives_until_its_last_second_and_not_at_its_end(site: Site) -> None:
    # GIVEN a draft's link of an hour
    post = _draft(site)
    token = site.previews.create(kind=ContentType.BLOG, item_id=post.id, lifetime=HOUR).token
    # WHEN it is read a second before its end
    site.clock.advance(HOUR - 1)
    shown = site.previews.read(token=token)
    # THEN the draft, its kind, and the end
    assert (shown.kind, shown.item.id, shown.item.status) == ("blog", post.id, Status.DRAFT)
    assert shown.expires_at == "2026-11-26T13:00:00Z"
    # AND at its end it is not found
    site.clock.advance(1)
    with pytest.raises(NotFound, match=r"^Preview not found$"):
        site.previews.read(token=token)


@pytest.mark.parametrize("position", [32, 60, -1])
def test_one_changed_digit_anywhere_in_the_secret_is_not_found(site: Site, position: int) -> None:
    # GIVEN a live link
    post = _draft(site)
    token = site.previews.create(kind=ContentType.BLOG, item_id=post.id, lifetime=HOUR).token
    # WHEN one hex digit of its secret is changed
    index = position % len(token)
    changed = token[:index] + ("0" if token[index] != "0" else "1") + token[index + 1 :]
    # THEN it reads nothing
    with pytest.raises(NotFound, match=r"^Preview not found$"):
        site.previews.read(token=changed)


def test_a_read_is_two_getitems_and_a_malformed_token_none(site: Site) -> None:
    # GIVEN a live link
    post = _draft(site)
    token = site.previews.create(kind=ContentType.BLOG, item_id=post.id, lifetime=HOUR).token
    site.calls.operations.clear()
    # WHEN it is read, then a malformed token is
    site.previews.read(token=token)
    read = list(site.calls.operations)
    with pytest.raises(NotFound):
        site.previews.read(token=token + "0")
    # THEN the read took the link's GetItem and the item's; the malformed one, no call
    assert read == ["GetItem", "GetItem"]
    assert site.calls.operations == read


def test_a_link_for_a_missing_item_is_the_kinds_404_and_writes_nothing(site: Site) -> None:
    # WHEN a link is asked for a project that does not exist
    with pytest.raises(NotFound, match=r"^Project not found$"):
        site.previews.create(
            kind=ContentType.PROJECT, item_id="01jd0000000000000000000009", lifetime=HOUR
        )
    # THEN nothing was written
    assert "PutItem" not in site.calls.operations
