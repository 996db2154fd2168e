"""Scheduled items on the real service and repository (moto in process): the dates a
publication takes, and the schedule the kind's generation item keeps for the list pages."""

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from portfolio_api.core.clock import iso_utc
from portfolio_api.core.errors import Conflict, NotFound
from portfolio_api.models.conditional import Generation
from portfolio_api.models.content import PublishRequest, Status
from portfolio_api.models.identity import Principal
from portfolio_api.models.posts import Post, PostQuery
from portfolio_api.repositories.content import ContentRepository
from portfolio_api.repositories.kinds import POSTS
from portfolio_api.services.pages import PageCache
from portfolio_api.services.posts import PostService
from tests.helpers.aws import Backend
from tests.helpers.clock import FakeClock
from tests.helpers.content import OWNER, READER, post_create, stored_post
from tests.helpers.in_process import in_process_dynamodb, recorded_calls

NOON = "2026-11-26T12:00:00Z"
SETTLED = 6


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def backend() -> Iterator[Backend]:
    with in_process_dynamodb() as backend:
        yield backend


@pytest.fixture
def posts(backend: Backend, clock: FakeClock) -> PostService:
    repository = ContentRepository(
        client=backend.client, table_name=backend.table, clock=clock, kind=POSTS
    )
    return PostService(repository=repository, clock=clock, pages=PageCache(clock=clock))


def _in(clock: FakeClock, seconds: int) -> datetime:
    return clock.now() + timedelta(seconds=seconds)


def _schedule(posts: PostService, at: datetime) -> Post:
    draft = posts.create(data=post_create(title=f"Post {iso_utc(at)}"))
    return posts.publish(item_id=draft.id, precondition=None, at=at)


def _generation(backend: Backend) -> Generation:
    return ContentRepository(
        client=backend.client, table_name=backend.table, clock=FakeClock(), kind=POSTS
    ).generation()


def test_a_draft_published_again_keeps_the_date_it_first_went_live() -> None:
    # GIVEN a post that went live at noon, then became a draft
    post = stored_post().published(now=NOON).drafted(now=NOON)
    # WHEN it is published again the next day
    again = post.published(now="2026-11-27T08:00:00Z")
    # THEN it keeps its first date
    assert (again.published_time, again.published_at) == (NOON, "2026-11-26")
    assert again.live(now="2026-11-27T08:00:00Z")


def test_a_schedule_dates_the_item_and_unpublishing_before_it_forgets_the_date() -> None:
    # GIVEN a post scheduled for the next day
    scheduled = stored_post().published(now=NOON, at="2026-11-27T09:00:00Z")
    # WHEN it is read before and at that time, and unpublished before it
    drafted = scheduled.drafted(now=NOON)
    # THEN it waits until its time, dated by it, and a draft unpublished early has no date
    assert scheduled.scheduled_for(now=NOON) == "2026-11-27T09:00:00Z"
    assert scheduled.published_at == "2026-11-27"
    assert not scheduled.live(now="2026-11-27T08:59:59Z")
    assert scheduled.live(now="2026-11-27T09:00:00Z")
    assert (drafted.status, drafted.published_time, drafted.published_at) == (
        Status.DRAFT,
        None,
        "",
    )


def test_a_publish_at_is_read_in_utc_and_kept_to_the_second() -> None:
    request = PublishRequest.model_validate({"publishAt": "2026-12-01T09:00:00.900+00:00"})
    assert request.publish_at is not None
    assert iso_utc(request.publish_at) == "2026-12-01T09:00:00Z"
    assert PublishRequest.model_validate({}).publish_at is None


def test_the_generation_keeps_the_times_still_to_come_and_drops_those_gone(
    posts: PostService, backend: Backend, clock: FakeClock
) -> None:
    # GIVEN two posts scheduled a minute and an hour ahead
    soon = _schedule(posts, _in(clock, 60))
    later = _schedule(posts, _in(clock, 3600))
    first = _generation(backend)
    # WHEN the first time passes and a third is scheduled; then the second is unpublished
    clock.advance(120)
    third = _schedule(posts, _in(clock, 60))
    after_third = _generation(backend)
    posts.unpublish(item_id=later.id, precondition=None)
    after_unpublish = _generation(backend)
    # THEN the generation names the times pending at the last schedule, and no others
    assert {item_id for item_id, _ in first.schedule} == {soon.id, later.id}
    assert {item_id for item_id, _ in after_third.schedule} == {later.id, third.id}
    assert {item_id for item_id, _ in after_unpublish.schedule} == {third.id}


def test_a_page_stands_for_its_generation_and_the_times_passed(
    posts: PostService, backend: Backend, clock: FakeClock
) -> None:
    # GIVEN a post scheduled a minute ahead, and the list read once settled
    scheduled = _schedule(posts, _in(clock, 60))
    clock.advance(SETTLED)
    before = posts.list(query=PostQuery(), viewer=None)
    # WHEN the time passes, and the list is read twice more
    clock.advance(60)
    with recorded_calls(backend.client) as calls:
        after = posts.list(query=PostQuery(), viewer=None)
    with recorded_calls(backend.client) as again_calls:
        again = posts.list(query=PostQuery(), viewer=None)
    # THEN the page, and its tag, changed with no write; the next came from memory
    assert before.value is not None
    assert after.value is not None
    assert before.value.items == []
    assert [post.id for post in after.value.items] == [scheduled.id]
    assert after.etag != before.etag
    assert "Query" in calls.operations
    assert (again.etag, again_calls.operations) == (after.etag, ["GetItem"])


def test_the_owner_reads_when_a_post_goes_live_and_may_publish_it_now(
    posts: PostService, clock: FakeClock
) -> None:
    # GIVEN a post scheduled a minute ahead
    scheduled = _schedule(posts, _in(clock, 60))
    # WHEN the owner reads it, then publishes it now
    read = posts.get(item_id=scheduled.id, viewer=OWNER)
    now = posts.publish(item_id=scheduled.id, precondition=None)
    # THEN the read says when; the publication is live at once, and a second one a conflict
    assert read.publish_at == iso_utc(_in(clock, 60))
    assert now.publish_at is None
    assert now.live(now=iso_utc(clock.now()))
    assert now.published_time == iso_utc(clock.now())
    with pytest.raises(Conflict):
        posts.publish(item_id=scheduled.id, precondition=None, at=_in(clock, 60))


@pytest.mark.parametrize("viewer", [None, READER], ids=["anonymous", "reader"])
def test_nobody_but_the_owner_reads_a_scheduled_item_before_its_time(
    posts: PostService, clock: FakeClock, viewer: Principal | None
) -> None:
    # GIVEN a post scheduled a minute ahead
    scheduled = _schedule(posts, _in(clock, 60))
    # WHEN anyone else asks for it, by id and among the ids they may see, before and at its time
    with pytest.raises(NotFound):
        posts.get(item_id=scheduled.id, viewer=viewer)
    hidden = posts.visible_ids(viewer=viewer)
    clock.advance(60)
    # THEN it is found only once its time has come, and then without `publishAt`
    assert scheduled.id not in hidden
    assert posts.get(item_id=scheduled.id, viewer=viewer).publish_at is None
    assert scheduled.id in posts.visible_ids(viewer=viewer)
