"""Content on the single table: the same tests against moto and against DynamoDB Local."""

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from portfolio_api.core.clock import iso_utc
from portfolio_api.core.errors import SlugTaken, WriteConflict
from portfolio_api.models.conditional import Generation
from portfolio_api.models.content import Status
from portfolio_api.models.posts import Post
from portfolio_api.repositories.content import ContentRepository
from portfolio_api.repositories.kinds import POSTS, PROJECTS
from tests.helpers.aws import Backend
from tests.helpers.clock import FakeClock
from tests.helpers.content import stored_post, stored_project

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import BatchGetItemOutputTypeDef


type PostRepository = ContentRepository[Post]


@pytest.fixture
def posts(any_dynamodb: Backend) -> PostRepository:
    client, table, _ = any_dynamodb
    return ContentRepository(client=client, table_name=table, clock=FakeClock(), kind=POSTS)


def test_an_item_reads_back_as_written(posts: PostRepository) -> None:
    # GIVEN a stored post
    post = stored_post()
    posts.create(item=post)
    # WHEN it is read by id
    # THEN every field, the version included, comes back
    assert posts.get(item_id=post.id) == post
    assert posts.get(item_id="01jd0000000000000000000099") is None


def test_the_item_is_stored_under_its_keys_with_plain_attributes(
    posts: PostRepository, any_dynamodb: Backend
) -> None:
    post = stored_post()
    posts.create(item=post)
    client, table, _ = any_dynamodb
    item = client.get_item(
        TableName=table, Key={"PK": {"S": f"POST#{post.id}"}, "SK": {"S": "POST"}}
    )["Item"]
    assert item["entityType"] == {"S": "Post"}
    assert item["GSI1PK"] == {"S": "POST"}
    assert item["GSI1SK"] == {"S": post.id}
    assert item["version"] == {"N": "1"}
    assert item["tags"] == {"L": [{"S": "python"}]}
    assert "publishedTime" not in item  # None is left out, not stored as NULL


def test_a_stale_version_is_refused_and_nothing_changes(posts: PostRepository) -> None:
    # GIVEN a post at version 2
    post = stored_post()
    posts.create(item=post)
    second = post.model_copy(update={"title": "Second", "version": 2})
    posts.replace(item=second, previous=post)
    # WHEN a writer that read version 1 writes
    late = post.model_copy(update={"title": "Late", "version": 2})
    with pytest.raises(WriteConflict):
        posts.replace(item=late, previous=post)
    # THEN version 2 stands
    assert posts.get(item_id=post.id) == second


def test_delete_needs_the_current_version(posts: PostRepository) -> None:
    # GIVEN a post changed to version 2 after it was read at version 1
    post = stored_post()
    posts.create(item=post)
    posts.replace(item=post.model_copy(update={"version": 2}), previous=post)
    # WHEN the stale reader deletes it
    # THEN DynamoDB refuses, and the post stays
    with pytest.raises(WriteConflict):
        posts.delete(item=post)
    assert posts.get(item_id=post.id) is not None
    posts.delete(item=post.model_copy(update={"version": 2}))
    assert posts.get(item_id=post.id) is None


def test_a_delete_that_another_delete_beat_is_done(posts: PostRepository) -> None:
    # GIVEN a post that another request deleted after this one read it
    post = stored_post()
    posts.create(item=post)
    posts.delete(item=post)
    # WHEN this request's delete runs
    posts.delete(item=post)
    # THEN it is done: the post is gone, and so are its slug and counter
    assert posts.get(item_id=post.id) is None
    assert posts.holder_of(value=post.slug) is None


def test_a_slug_is_held_by_one_post_only(posts: PostRepository) -> None:
    # GIVEN a post holding `post-1`
    first = stored_post(1)
    posts.create(item=first)
    # WHEN another post claims the same slug
    with pytest.raises(SlugTaken):
        posts.create(item=stored_post(2, slug="post-1"))
    # THEN the second post was not written either: one transaction
    assert posts.get(item_id=stored_post(2).id) is None
    assert posts.holder_of(value="post-1") == first.id
    assert posts.taken(values=["post-1", "post-2"]) == {"post-1"}


def test_changing_a_slug_moves_its_guard(posts: PostRepository) -> None:
    post = stored_post(1)
    posts.create(item=post)
    renamed = post.model_copy(update={"slug": "renamed", "version": 2})
    posts.replace(item=renamed, previous=post)
    assert posts.holder_of(value="post-1") is None
    assert posts.holder_of(value="renamed") == post.id


def test_a_slug_change_onto_a_taken_slug_changes_nothing(posts: PostRepository) -> None:
    first, second = stored_post(1), stored_post(2)
    posts.create(item=first)
    posts.create(item=second)
    with pytest.raises(SlugTaken):
        posts.replace(
            item=second.model_copy(update={"slug": "post-1", "version": 2}), previous=second
        )
    assert posts.get(item_id=second.id) == second
    assert posts.holder_of(value="post-2") == second.id


def test_delete_frees_the_slug(posts: PostRepository) -> None:
    post = stored_post(1)
    posts.create(item=post)
    posts.delete(item=post)
    assert posts.holder_of(value="post-1") is None
    posts.create(item=stored_post(2, slug="post-1"))
    assert posts.holder_of(value="post-1") == stored_post(2).id


def test_indexed_items_hold_what_lists_filter_and_sort_on(posts: PostRepository) -> None:
    # GIVEN a published post and a draft
    published = stored_post(
        1,
        status=Status.PUBLISHED,
        published_at="2026-11-26",
        published_time="2026-11-26T12:00:00Z",
        tags=["python", "aws"],
    )
    posts.create(item=published)
    posts.create(item=stored_post(2, category="Cloud"))
    # WHEN the kind is read through its index
    indexed = {post.id: post for post in posts.indexed()}
    # THEN each item holds exactly its INDEXED fields (and its id), typed as the model types them
    assert indexed[published.id].model_dump(exclude_unset=True) == published.model_dump(
        include={"id", *Post.INDEXED}
    )
    assert indexed[published.id].status is Status.PUBLISHED
    assert indexed[stored_post(2).id].category == "Cloud"
    assert "content" not in indexed[published.id].model_fields_set


def test_the_index_is_read_page_after_page(any_dynamodb: Backend, posts: PostRepository) -> None:
    # GIVEN 2 MB of index entries, twice what one Query page holds
    client = any_dynamodb.client
    for number in range(8):
        posts.create(item=stored_post(number, category=f"{number}" + "x" * 250_000))
    queries: list[str] = []
    client.meta.events.register("after-call.dynamodb.Query", lambda **_: queries.append("Q"))
    # WHEN the kind is read through its index
    indexed = posts.indexed()
    # THEN the Query went on past its first page, and every post is there
    assert len(queries) >= 2
    assert sorted(post.id for post in indexed) == [stored_post(n).id for n in range(8)]


def test_get_many_keeps_the_order_asked_and_skips_the_missing(posts: PostRepository) -> None:
    stored = [stored_post(number) for number in range(1, 106)]
    for post in stored:
        posts.create(item=post)
    wanted = [post.id for post in reversed(stored)] + ["01jd0000000000000000009999"]
    found = posts.get_many(ids=wanted)
    assert [post.id for post in found] == wanted[:-1]


class _Throttled:
    """Hands back only the first key of each BatchGetItem, the rest as UnprocessedKeys."""

    def __init__(self, client: "DynamoDBClient") -> None:
        self._client = client
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def batch_get_item(self, **request: Any) -> "BatchGetItemOutputTypeDef":
        self.calls += 1
        ((table, wanted),) = request["RequestItems"].items()
        keys = wanted["Keys"]
        response = self._client.batch_get_item(RequestItems={table: {"Keys": keys[:1]}})
        if len(keys) > 1:
            response["UnprocessedKeys"] = {table: {"Keys": keys[1:]}}
        return response


def test_unprocessed_keys_are_asked_for_again(any_dynamodb: Backend) -> None:
    client, table, _ = any_dynamodb
    throttled = _Throttled(client)
    clock = FakeClock()
    projects = ContentRepository(
        client=throttled,  # type: ignore[arg-type]
        table_name=table,
        clock=clock,
        kind=PROJECTS,
    )
    stored = [stored_project(number) for number in range(1, 4)]
    for project in stored:
        projects.create(item=project)
    started = clock.now()
    found = projects.get_many(ids=[project.id for project in stored])
    assert found == stored
    assert throttled.calls == 3
    assert clock.now() > started  # it backed off between attempts


def test_kinds_do_not_see_each_other(any_dynamodb: Backend, posts: PostRepository) -> None:
    client, table, _ = any_dynamodb
    projects = ContentRepository(client=client, table_name=table, clock=FakeClock(), kind=PROJECTS)
    posts.create(item=stored_post(1))
    projects.create(item=stored_project(2))
    assert [post.id for post in posts.indexed()] == [stored_post(1).id]
    assert [project.id for project in projects.indexed()] == [stored_project(2).id]
    assert projects.get(item_id=stored_post(1).id) is None


def test_every_write_adds_one_to_its_kinds_generation_and_dates_it(
    any_dynamodb: Backend,
) -> None:
    # GIVEN a kind never written, on a clock at noon
    client, table, _ = any_dynamodb
    clock = FakeClock()
    posts = ContentRepository(client=client, table_name=table, clock=clock, kind=POSTS)
    projects = ContentRepository(client=client, table_name=table, clock=clock, kind=PROJECTS)
    assert posts.generation() == Generation(number=0, changed_at=None)
    # WHEN a post is created, replaced and deleted, a second apart
    post = stored_post()
    posts.create(item=post)
    clock.advance(1)
    second = post.model_copy(update={"version": 2, "title": "Again"})
    posts.replace(item=second, previous=post)
    after_replace = posts.generation()
    clock.advance(1)
    posts.delete(item=second)
    # THEN each write added one and set the time of the last; other kinds are untouched
    assert after_replace == Generation(number=2, changed_at=clock.now() - timedelta(seconds=1))
    assert posts.generation() == Generation(number=3, changed_at=clock.now())
    assert projects.generation().number == 0


def test_a_refused_write_leaves_the_generation_as_it_was(posts: PostRepository) -> None:
    # GIVEN a post, and the generation its create left
    post = stored_post()
    posts.create(item=post)
    before = posts.generation()
    # WHEN a write on a stale version, and a create of a taken slug, are refused
    with pytest.raises(WriteConflict):
        posts.replace(
            item=post.model_copy(update={"version": 3}),
            previous=post.model_copy(update={"version": 2}),
        )
    with pytest.raises(SlugTaken):
        posts.create(item=stored_post(2, slug=post.slug))
    # THEN the generation moved with neither: it is in the same transaction as the write
    assert posts.generation() == before


def test_the_generation_keeps_a_scheduled_items_time_until_its_next_write(
    posts: PostRepository,
) -> None:
    # GIVEN a post created, then published for a later time
    post = stored_post()
    posts.create(item=post)
    at = "2030-01-01T09:00:00Z"
    scheduled = post.published(now="2026-11-26T12:00:00Z", at=at).model_copy(update={"version": 2})
    posts.replace(item=scheduled, previous=post)
    held = posts.generation()
    # WHEN it is unpublished
    drafted = scheduled.drafted(now="2026-11-26T12:00:00Z").model_copy(update={"version": 3})
    posts.replace(item=drafted, previous=scheduled)
    # THEN the generation held its time while it was scheduled, and no longer
    assert [(item_id, iso_utc(moment)) for item_id, moment in held.schedule] == [(post.id, at)]
    assert posts.generation().schedule == ()
    assert posts.get(item_id=post.id) == drafted
