"""A list page's byte budget and its memory, on the real service and repository (moto); and
creates that meet another write on the kind's generation (botocore's Stubber)."""

from collections.abc import Iterator

import boto3
import pytest
from botocore.stub import ANY, Stubber

from portfolio_api.core.errors import WriteConflict
from portfolio_api.models.conditional import KnownTags
from portfolio_api.models.content import Page
from portfolio_api.models.projects import Project, ProjectQuery
from portfolio_api.repositories.content import ContentRepository
from portfolio_api.repositories.kinds import POSTS, PROJECTS
from portfolio_api.services.content import PAGE_BYTES, ContentService
from portfolio_api.services.pages import PageCache
from portfolio_api.services.posts import PostService
from tests.helpers.aws import REGION, Backend, transaction_collided
from tests.helpers.clock import FakeClock
from tests.helpers.content import OWNER, post_create, project_create
from tests.helpers.in_process import in_process_dynamodb, interloping, new_client, recorded_calls

SETTLED = 6  # seconds: past the time a page waits after a write before it is dated and kept


@pytest.fixture
def backend() -> Iterator[Backend]:
    with in_process_dynamodb() as backend:
        yield backend


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _service(backend: Backend, clock: FakeClock, *, page_bytes: int) -> ContentService[Project]:
    repository = ContentRepository(
        client=backend.client, table_name=backend.table, clock=clock, kind=PROJECTS
    )
    return ContentService(
        repository=repository, clock=clock, pages=PageCache(clock=clock), page_bytes=page_bytes
    )


def _published(service: ContentService[Project], clock: FakeClock, count: int) -> list[Project]:
    """`count` projects, newest first, as the list orders them."""
    made = []
    for number in range(count):
        clock.advance(1)
        draft = service.create(data=project_create(name=f"Project {number}"))
        made.append(service.publish(item_id=draft.id, precondition=None))
    return made[::-1]


def _filled(
    backend: Backend, clock: FakeClock, *, count: int, fitting: int
) -> tuple[list[Project], ContentService[Project]]:
    """`count` published projects, newest first, and a service whose page budget `fitting` of
    them fill, with half of one more to spare."""
    projects = _published(_service(backend, clock, page_bytes=0), clock, count)
    one = len(projects[0].model_dump_json().encode())
    return projects, _service(backend, clock, page_bytes=fitting * one + one // 2)


def _page(service: ContentService[Project], **query: int) -> Page[Project]:
    page = service.list(query=ProjectQuery.model_validate(query), viewer=None).value
    assert page is not None
    return page


def test_a_page_stops_before_its_items_pass_the_byte_budget(
    backend: Backend, clock: FakeClock
) -> None:
    # GIVEN five projects, and a budget that two of them fill
    projects, service = _filled(backend, clock, count=5, fitting=2)
    # WHEN pages of up to 5 are read from the start, each at the last one's nextOffset
    pages = [_page(service, limit=5, offset=offset) for offset in (0, 2, 4)]
    # THEN each holds what fits, counts them all, and says where the next starts
    assert [[item.id for item in page.items] for page in pages] == [
        [project.id for project in projects[start : start + 2]] for start in (0, 2, 4)
    ]
    assert [page.next_offset for page in pages] == [2, 4, None]
    assert [page.total for page in pages] == [5, 5, 5]
    assert pages[0].size == sum(len(p.model_dump_json().encode()) for p in projects[:2])


def test_the_first_item_goes_in_whatever_its_size(backend: Backend, clock: FakeClock) -> None:
    # GIVEN two projects, and a budget smaller than either (an item is at most 400 KB)
    service = _service(backend, clock, page_bytes=1)
    projects = _published(service, clock, 2)
    # WHEN the first page is read
    page = _page(service, limit=20)
    # THEN it holds one item, so paging always moves on
    assert ([item.id for item in page.items], page.next_offset) == ([projects[0].id], 1)


def test_a_settled_anonymous_page_is_read_again_from_memory(
    backend: Backend, clock: FakeClock
) -> None:
    # GIVEN a published project, a page read once the write has settled
    service = _service(backend, clock, page_bytes=100_000)
    _published(service, clock, 1)
    clock.advance(SETTLED)
    first = service.list(query=ProjectQuery(), viewer=None)
    # WHEN it is read again, plainly and naming its tag
    with recorded_calls(backend.client) as calls:
        again = service.list(query=ProjectQuery(), viewer=None)
        known = service.list(
            query=ProjectQuery(), viewer=None, known=KnownTags.from_header(first.etag)
        )
    # THEN each read was the generation's alone; the second knew the page and got none
    assert calls.operations == ["GetItem", "GetItem"]
    assert again == first
    assert (known.etag, known.value) == (first.etag, None)


def _stubbed(clock: FakeClock) -> tuple[ContentService[Project], Stubber]:
    client = boto3.client("dynamodb", region_name=REGION)
    repository = ContentRepository(client=client, table_name="t", clock=clock, kind=PROJECTS)
    return ContentService(repository=repository, clock=clock, pages=PageCache(clock=clock)), (
        Stubber(client)
    )


@pytest.mark.parametrize("collisions", [1, 4])
def test_a_create_that_met_another_write_on_the_generation_is_sent_again(
    clock: FakeClock, collisions: int
) -> None:
    # GIVEN DynamoDB cancelling the first transactions: another write held the generation item
    service, stubber = _stubbed(clock)
    for _ in range(collisions):
        stubber.add_client_error("transact_write_items", **transaction_collided())
    stubber.add_response("transact_write_items", {}, {"TransactItems": ANY})
    # WHEN a project is created
    with stubber:
        created = service.create(data=project_create())
    # THEN the same create (its item and the bump) went again until it was written
    stubber.assert_no_pending_responses()
    assert created.version == 1


def test_a_post_whose_create_collided_keeps_its_free_slug(clock: FakeClock) -> None:
    # GIVEN DynamoDB cancelling a post's first create for a collision, not for its slug
    client = boto3.client("dynamodb", region_name=REGION)
    repository = ContentRepository(client=client, table_name="t", clock=clock, kind=POSTS)
    service = PostService(repository=repository, clock=clock, pages=PageCache(clock=clock))
    stubber = Stubber(client)
    stubber.add_client_error("transact_write_items", **transaction_collided())
    stubber.add_response("transact_write_items", {}, {"TransactItems": ANY})
    # WHEN the post is created
    with stubber:
        created = service.create(data=post_create(title="Hello World"))
    # THEN the same slug went again, with no search for another (no BatchGet was stubbed)
    stubber.assert_no_pending_responses()
    assert created.slug == "hello-world"


def test_a_create_that_keeps_colliding_ends_in_the_busy_error(clock: FakeClock) -> None:
    service, stubber = _stubbed(clock)
    for _ in range(5):
        stubber.add_client_error("transact_write_items", **transaction_collided())
    busy = r"^Project is being changed by other requests; retry$"
    with stubber, pytest.raises(WriteConflict, match=busy):
        service.create(data=project_create())
    stubber.assert_no_pending_responses()


def test_a_budget_met_exactly_still_takes_the_item(backend: Backend, clock: FakeClock) -> None:
    # GIVEN three projects, and a budget exactly the size of two
    probe = _service(backend, clock, page_bytes=0)
    projects = _published(probe, clock, 3)
    two = sum(len(project.model_dump_json().encode()) for project in projects[:2])
    # WHEN the first page is read
    page = _page(_service(backend, clock, page_bytes=two), limit=3)
    # THEN both fit: the budget is a most, not a less-than
    assert ([item.id for item in page.items], page.next_offset) == (
        [project.id for project in projects[:2]],
        2,
    )


def test_a_page_cut_after_the_first_read_counts_from_its_own_offset(
    backend: Backend, clock: FakeClock
) -> None:
    # GIVEN 24 projects, and a budget of 22: the cut falls in the second BatchGet of 20
    projects, service = _filled(backend, clock, count=24, fitting=22)
    # WHEN a page of up to 24 is read from offset 1
    page = _page(service, limit=24, offset=1)
    # THEN it holds the 22 that fit and says the next starts 22 further
    assert [item.id for item in page.items] == [project.id for project in projects[1:23]]
    assert page.next_offset == 23


def test_an_item_deleted_after_the_index_was_read_drops_out_and_the_page_goes_on(
    backend: Backend, clock: FakeClock
) -> None:
    # GIVEN three projects, the second deleted by another request just before our BatchGet
    service = _service(backend, clock, page_bytes=PAGE_BYTES)
    projects = _published(service, clock, 3)
    rival = _service(backend._replace(client=new_client()), clock, page_bytes=PAGE_BYTES)
    with interloping(
        backend.client,
        operation="BatchGetItem",
        write=lambda _: rival.delete(item_id=projects[1].id, precondition=None),
        times=1,
    ):
        # WHEN the list is read
        page = _page(service, limit=3)
    # THEN the others are on it, in order, and the page counts what the index showed
    assert [item.id for item in page.items] == [projects[0].id, projects[2].id]
    assert (page.total, page.next_offset) == (3, None)


def test_anonymous_and_signed_in_pages_are_tagged_apart(backend: Backend, clock: FakeClock) -> None:
    # GIVEN a published project, settled
    service = _service(backend, clock, page_bytes=PAGE_BYTES)
    _published(service, clock, 1)
    clock.advance(SETTLED)
    # WHEN nobody and the owner read the same list
    anonymous = service.list(query=ProjectQuery(), viewer=None)
    owner = service.list(query=ProjectQuery(), viewer=OWNER)
    # THEN the same page carries two tags: a shared cache never confuses the two answers
    assert anonymous.value == owner.value
    assert anonymous.etag != owner.etag
