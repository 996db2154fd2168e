"""The shared content service on in-process moto: visibility, lists, versions, status changes,
and the retries that settle lost races (another request writes first, through a botocore hook).

Projects write one item (PutItem, DeleteItem); posts write transactions (slug guards, view
counters), so each path of the repository is met by the same service rules.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from portfolio_api.core.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    PreconditionFailed,
    WriteConflict,
)
from portfolio_api.models.content import Page, Precondition, Status, StatusFilter
from portfolio_api.models.identity import Principal
from portfolio_api.models.posts import PostUpdate
from portfolio_api.models.projects import Project, ProjectQuery, ProjectUpdate
from portfolio_api.services.content import ContentService, is_item_id
from tests.helpers.aws import Backend
from tests.helpers.clock import FakeClock
from tests.helpers.content import OWNER, READER, post_create, project_create
from tests.helpers.in_process import in_process_dynamodb, interloping, new_client, recorded_calls
from tests.helpers.services import ContentServices, content_services_on

T0 = "2026-11-26T12:00:00Z"
NOT_FOUND = "Project not found"
ALREADY_PUBLISHED = "Project is already published"
BUSY = "Project is being changed by other requests; retry"
STALE = "Project has changed since it was read: If-Match does not name its current version"
SIGN_IN_FOR_DRAFTS = "Sign in as the owner to list drafts"
OWNER_ONLY_DRAFTS = "Only the site owner may list drafts"
UNKNOWN_ID = "01jd0000000000000000000099"  # the shape of an id, naming no item


@pytest.fixture
def backend() -> Iterator[Backend]:
    with in_process_dynamodb() as backend:
        yield backend


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def site(backend: Backend, fake_clock: FakeClock) -> ContentServices:
    return content_services_on(backend, clock=fake_clock)


@pytest.fixture
def rival(backend: Backend, fake_clock: FakeClock) -> ContentServices:
    """Another request's services: a client of its own on the same tables."""
    return content_services_on(backend._replace(client=new_client()), clock=fake_clock)


def _if_match(header: str) -> Precondition:
    return Precondition.from_header(header)


def _project(site: ContentServices, clock: FakeClock, *, published: bool, **body: Any) -> Project:
    """A project made one second after the previous one (lists order by second-precision time)."""
    clock.advance(1)
    project = site.projects.create(data=project_create(**body))
    if published:
        return site.projects.publish(item_id=project.id, precondition=None)
    return project


def _change(services: ContentServices, item_id: str, **fields: Any) -> None:
    services.projects.update(
        item_id=item_id, changes=ProjectUpdate.model_validate(fields), precondition=None
    )


# --- create and get -------------------------------------------------------------------------


def test_a_new_item_is_a_draft_at_version_one_made_now(site: ContentServices) -> None:
    # WHEN the owner creates a project
    created = site.projects.create(data=project_create(name="Harvest"))
    # THEN it is a draft at version 1, made now, with an id this API makes
    assert (created.name, created.status, created.version) == ("Harvest", Status.DRAFT, 1)
    assert (created.created_at, created.updated_at) == (T0, T0)
    assert is_item_id(created.id)
    # AND it is stored as returned
    assert site.projects.get(item_id=created.id, viewer=OWNER) == created


@pytest.mark.parametrize(
    ("published", "viewer", "visible"),
    [
        (False, None, False),
        (False, READER, False),
        (False, OWNER, True),
        (True, None, True),
        (True, READER, True),
        (True, OWNER, True),
    ],
)
def test_drafts_are_the_owners_alone(
    site: ContentServices,
    fake_clock: FakeClock,
    published: bool,
    viewer: Principal | None,
    visible: bool,
) -> None:
    # GIVEN a draft or a published project
    project = _project(site, fake_clock, published=published)
    # WHEN nobody, a reader or the owner reads it
    # THEN only the owner sees a draft; anyone sees what is published; others get "not found"
    if visible:
        assert site.projects.get(item_id=project.id, viewer=viewer) == project
    else:
        with pytest.raises(NotFound, match=f"^{NOT_FOUND}$"):
            site.projects.get(item_id=project.id, viewer=viewer)


def test_the_ids_each_viewer_may_see(site: ContentServices, fake_clock: FakeClock) -> None:
    # GIVEN a published project and a draft
    published = _project(site, fake_clock, published=True)
    draft = _project(site, fake_clock, published=False)
    # WHEN each viewer's visible ids are asked for
    # THEN the owner has both, anyone else the published one alone
    assert site.projects.visible_ids(viewer=OWNER) == {published.id, draft.id}
    assert site.projects.visible_ids(viewer=READER) == {published.id}
    assert site.projects.visible_ids(viewer=None) == {published.id}


@pytest.mark.parametrize(
    "item_id",
    ["", "not-an-id", "01JD0000000000000000000001", "01jd000000000000000000000u", "0" * 27],
)
def test_an_id_this_api_never_made_is_not_found_without_asking_dynamodb(
    site: ContentServices, backend: Backend, item_id: str
) -> None:
    # WHEN an id of another shape is read, changed, published or deleted
    with recorded_calls(backend.client) as calls:
        for attempt in (
            lambda: site.projects.get(item_id=item_id, viewer=OWNER),
            lambda: _change(site, item_id, company="X"),
            lambda: site.projects.publish(item_id=item_id, precondition=None),
            lambda: site.projects.delete(item_id=item_id, precondition=None),
        ):
            # THEN each is "not found"
            with pytest.raises(NotFound, match=f"^{NOT_FOUND}$"):
                attempt()
        found = site.projects.find(ids=[item_id])
    # AND DynamoDB was never asked
    assert found == []
    assert calls.operations == []


def test_an_unknown_id_of_the_right_shape_is_looked_up_and_not_found(
    site: ContentServices, backend: Backend
) -> None:
    # WHEN an id this API could have made, naming no item, is read, changed, published,
    # unpublished or deleted (even with If-Match: *)
    with recorded_calls(backend.client) as calls:
        for attempt in (
            lambda: site.projects.get(item_id=UNKNOWN_ID, viewer=OWNER),
            lambda: _change(site, UNKNOWN_ID, company="X"),
            lambda: site.projects.publish(item_id=UNKNOWN_ID, precondition=None),
            lambda: site.projects.unpublish(item_id=UNKNOWN_ID, precondition=None),
            lambda: site.projects.delete(item_id=UNKNOWN_ID, precondition=_if_match("*")),
        ):
            # THEN each is "not found"
            with pytest.raises(NotFound, match=f"^{NOT_FOUND}$"):
                attempt()
    # AND each looked it up once, and wrote nothing
    assert calls.operations == ["GetItem"] * 5


def test_find_returns_the_items_that_exist_in_the_order_asked(
    site: ContentServices, fake_clock: FakeClock
) -> None:
    # GIVEN two projects
    first = _project(site, fake_clock, published=True)
    second = _project(site, fake_clock, published=False)
    # WHEN they are asked for among an unknown id and a malformed one
    found = site.projects.find(ids=[second.id, "bad id", UNKNOWN_ID, first.id])
    # THEN both come back, in the order asked, whatever their status
    assert found == [second, first]


# --- lists ----------------------------------------------------------------------------------


@pytest.fixture
def catalogue(site: ContentServices, fake_clock: FakeClock) -> dict[str, Project]:
    """Five projects made a second apart: three published (one featured), two drafts (one
    featured)."""
    return {
        "old": _project(site, fake_clock, published=True, name="Old"),
        "featured": _project(site, fake_clock, published=True, name="Featured", featured=True),
        "draft": _project(site, fake_clock, published=False, name="Draft"),
        "new": _project(site, fake_clock, published=True, name="New"),
        "featured draft": _project(
            site, fake_clock, published=False, name="Featured draft", featured=True
        ),
    }


def _listed(
    site: ContentServices, *, query: ProjectQuery, viewer: Principal | None
) -> Page[Project]:
    """A list with no If-None-Match: always the page itself."""
    page = site.projects.list(query=query, viewer=viewer).value
    assert page is not None
    return page


def _names(items: list[Project]) -> list[str]:
    return [item.name for item in items]


@pytest.mark.parametrize(
    ("status", "viewer", "names"),
    [
        (StatusFilter.PUBLISHED, None, ["Featured", "New", "Old"]),
        (StatusFilter.PUBLISHED, READER, ["Featured", "New", "Old"]),
        (StatusFilter.PUBLISHED, OWNER, ["Featured", "New", "Old"]),
        (StatusFilter.DRAFT, OWNER, ["Featured draft", "Draft"]),
        (StatusFilter.ALL, OWNER, ["Featured draft", "Featured", "New", "Draft", "Old"]),
    ],
)
def test_a_list_holds_the_status_asked_for_featured_first_then_newest(
    site: ContentServices,
    catalogue: dict[str, Project],
    status: StatusFilter,
    viewer: Principal | None,
    names: list[str],
) -> None:
    # WHEN a list of one status is asked for
    page = _listed(site, query=ProjectQuery(status=status), viewer=viewer)
    # THEN it holds the full items of that status, in the kind's order, all on one page
    assert _names(page.items) == names
    assert page.items[0] == site.projects.get(item_id=page.items[0].id, viewer=OWNER)
    assert (page.total, page.limit, page.offset) == (len(names), 20, 0)


@pytest.mark.parametrize(
    ("status", "viewer", "error", "message"),
    [
        (StatusFilter.DRAFT, None, NotAuthenticated, SIGN_IN_FOR_DRAFTS),
        (StatusFilter.ALL, None, NotAuthenticated, SIGN_IN_FOR_DRAFTS),
        (StatusFilter.DRAFT, READER, PermissionDenied, OWNER_ONLY_DRAFTS),
        (StatusFilter.ALL, READER, PermissionDenied, OWNER_ONLY_DRAFTS),
    ],
)
def test_drafts_are_listed_for_the_owner_alone(
    site: ContentServices,
    status: StatusFilter,
    viewer: Principal | None,
    error: type[Exception],
    message: str,
) -> None:
    # WHEN nobody, or a reader, asks for a list holding drafts
    # THEN nobody is told to sign in as the owner; a reader is refused
    with pytest.raises(error, match=f"^{message}$"):
        site.projects.list(query=ProjectQuery(status=status), viewer=viewer)


@pytest.mark.parametrize(
    ("offset", "limit", "names"),
    [
        (0, 2, ["Featured draft", "Featured"]),
        (1, 2, ["Featured", "New"]),
        (2, 3, ["New", "Draft", "Old"]),
        (4, 3, ["Old"]),
        (5, 1, []),
    ],
)
def test_a_page_is_a_window_of_the_whole_list_which_total_counts(
    site: ContentServices,
    catalogue: dict[str, Project],
    offset: int,
    limit: int,
    names: list[str],
) -> None:
    # WHEN the owner asks for a window of the five
    query = ProjectQuery(status=StatusFilter.ALL, offset=offset, limit=limit)
    page = _listed(site, query=query, viewer=OWNER)
    # THEN it holds that window, and says how many there are in all
    assert _names(page.items) == names
    assert (page.total, page.limit, page.offset) == (5, limit, offset)


@pytest.mark.parametrize(
    ("status", "featured", "names"),
    [
        (StatusFilter.ALL, True, ["Featured draft", "Featured"]),
        (StatusFilter.ALL, False, ["New", "Draft", "Old"]),
        (StatusFilter.PUBLISHED, True, ["Featured"]),
        (StatusFilter.DRAFT, False, ["Draft"]),
    ],
)
def test_a_kinds_filter_and_the_status_must_both_keep_an_item(
    site: ContentServices,
    catalogue: dict[str, Project],
    status: StatusFilter,
    featured: bool,
    names: list[str],
) -> None:
    # WHEN the owner lists projects of one status, featured or not
    page = _listed(site, query=ProjectQuery(status=status, featured=featured), viewer=OWNER)
    # THEN the items passing both are listed, and counted
    assert _names(page.items) == names
    assert page.total == len(names)


# --- update, publish, unpublish -------------------------------------------------------------


def test_an_update_changes_the_fields_sent_and_moves_the_version(
    site: ContentServices, fake_clock: FakeClock
) -> None:
    # GIVEN a project made at T0
    project = site.projects.create(data=project_create(company="ACME"))
    # WHEN its description changes a minute later
    fake_clock.advance(60)
    updated = site.projects.update(
        item_id=project.id,
        changes=ProjectUpdate.model_validate({"description": "Now with drones"}),
        precondition=None,
    )
    # THEN that field alone changed, at version 2, updated now; and it is stored so
    assert (updated.description, updated.company) == ("Now with drones", "ACME")
    assert (updated.version, updated.created_at, updated.updated_at) == (
        2,
        T0,
        "2026-11-26T12:01:00Z",
    )
    assert site.projects.get(item_id=project.id, viewer=OWNER) == updated


@pytest.mark.parametrize("header", ['"1"', '"7", "1"', "*"])
def test_if_match_naming_the_current_version_lets_a_write_through(
    site: ContentServices, header: str
) -> None:
    # GIVEN a project at version 1
    project = site.projects.create(data=project_create())
    # WHEN it is changed with an If-Match naming version 1 (among others) or any version
    updated = site.projects.update(
        item_id=project.id,
        changes=ProjectUpdate.model_validate({"company": "Initech"}),
        precondition=_if_match(header),
    )
    # THEN the change is made
    assert (updated.company, updated.version) == ("Initech", 2)


def test_if_match_naming_another_version_is_refused_with_the_current_etag(
    site: ContentServices, fake_clock: FakeClock
) -> None:
    # GIVEN a project at version 2 (published)
    project = _project(site, fake_clock, published=True)
    # WHEN a change, either status change and a delete name version 1
    for attempt in (
        lambda: site.projects.update(
            item_id=project.id,
            changes=ProjectUpdate.model_validate({"company": "Late"}),
            precondition=_if_match('"1"'),
        ),
        lambda: site.projects.publish(item_id=project.id, precondition=_if_match('"1"')),
        lambda: site.projects.unpublish(item_id=project.id, precondition=_if_match('"1"')),
        lambda: site.projects.delete(item_id=project.id, precondition=_if_match('"1"')),
    ):
        # THEN each is refused, naming the current version
        with pytest.raises(PreconditionFailed, match=f"^{STALE}$") as refused:
            attempt()
        assert refused.value.details == {"currentETag": '"2"'}
    # AND nothing changed
    assert site.projects.get(item_id=project.id, viewer=OWNER) == project


def test_publishing_and_unpublishing_move_the_status_and_the_version(
    site: ContentServices, fake_clock: FakeClock
) -> None:
    # GIVEN a draft
    project = site.projects.create(data=project_create())
    # WHEN it is published, then taken back to a draft, a minute apart
    fake_clock.advance(60)
    published = site.projects.publish(item_id=project.id, precondition=None)
    fake_clock.advance(60)
    drafted = site.projects.unpublish(item_id=project.id, precondition=_if_match('"2"'))
    # THEN each step is a new version, updated at its time
    assert (published.status, published.version, published.updated_at) == (
        Status.PUBLISHED,
        2,
        "2026-11-26T12:01:00Z",
    )
    assert (drafted.status, drafted.version, drafted.updated_at) == (
        Status.DRAFT,
        3,
        "2026-11-26T12:02:00Z",
    )
    assert site.projects.get(item_id=project.id, viewer=OWNER) == drafted


def test_a_post_is_published_at_the_time_of_publication(
    site: ContentServices, fake_clock: FakeClock
) -> None:
    # GIVEN a draft post, published three days after it was written
    post = site.posts.create(data=post_create())
    fake_clock.advance(3 * 86_400)
    # WHEN it is published
    published = site.posts.publish(item_id=post.id, precondition=None)
    # THEN it carries the moment of publication, and lists by it
    assert (published.published_at, published.published_time) == (
        "2026-11-29",
        "2026-11-29T12:00:00Z",
    )
    assert site.posts.get(item_id=post.id, viewer=None) == published


@pytest.mark.parametrize(
    ("published", "action", "message"),
    [
        (True, "publish", ALREADY_PUBLISHED),
        (False, "unpublish", "Project is a draft already"),
    ],
)
def test_a_status_change_to_the_status_it_has_is_a_conflict(
    site: ContentServices, fake_clock: FakeClock, published: bool, action: str, message: str
) -> None:
    # GIVEN a published project, or a draft
    project = _project(site, fake_clock, published=published)
    # WHEN it is published again, or drafted again
    change = getattr(site.projects, action)
    # THEN that is a conflict, and it stays as it was
    with pytest.raises(Conflict, match=f"^{message}$"):
        change(item_id=project.id, precondition=None)
    assert site.projects.get(item_id=project.id, viewer=OWNER) == project


# --- delete ---------------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, '"2"', "*"])
def test_a_delete_removes_the_item(
    site: ContentServices, fake_clock: FakeClock, header: str | None
) -> None:
    # GIVEN a published project at version 2
    project = _project(site, fake_clock, published=True)
    # WHEN it is deleted, without If-Match or naming its version
    site.projects.delete(
        item_id=project.id, precondition=None if header is None else _if_match(header)
    )
    # THEN it is gone, from reads and lists
    with pytest.raises(NotFound, match=f"^{NOT_FOUND}$"):
        site.projects.get(item_id=project.id, viewer=OWNER)
    assert site.projects.find(ids=[project.id]) == []
    assert _listed(site, query=ProjectQuery(), viewer=None).total == 0


# --- lost races: another request writes first -----------------------------------------------

# The service's attempts at a write without If-Match, spelled here rather than imported: a test
# reading WRITE_ATTEMPTS would follow a mutant that lowers it.
ATTEMPTS = 5
# How each kind's delete reaches DynamoDB: a transaction, as every content write (the kind's
# generation goes with it; a post's slug guard and view counter too).
DELETE_OPERATION = {"projects": "TransactWriteItems", "posts": "TransactWriteItems"}


@pytest.mark.parametrize("rivals", [1, 2, ATTEMPTS - 1])
def test_without_if_match_an_update_that_lost_races_is_reapplied_and_the_last_write_wins(
    site: ContentServices, rival: ContentServices, backend: Backend, rivals: int
) -> None:
    # GIVEN a project that another request changes just before each of our first writes
    project = site.projects.create(data=project_create(company="ACME"))
    with interloping(
        backend.client,
        operation="TransactWriteItems",
        write=lambda n: _change(rival, project.id, company=f"Rival {n}"),
        times=rivals,
    ) as interloper:
        # WHEN the owner changes its description, without If-Match
        updated = site.projects.update(
            item_id=project.id,
            changes=ProjectUpdate.model_validate({"description": "Ours"}),
            precondition=None,
        )
    # THEN each lost write was read again and reapplied; the last one won, keeping the rivals'
    assert interloper.calls == rivals + 1
    assert (updated.description, updated.company) == ("Ours", f"Rival {rivals}")
    assert updated.version == 1 + rivals + 1
    assert site.projects.get(item_id=project.id, viewer=OWNER) == updated


def test_an_update_that_loses_every_race_ends_in_the_busy_error(
    site: ContentServices, rival: ContentServices, backend: Backend
) -> None:
    # GIVEN a project that another request changes before each of five writes in a row
    project = site.projects.create(data=project_create(company="ACME"))
    with (
        interloping(
            backend.client,
            operation="TransactWriteItems",
            write=lambda n: _change(rival, project.id, company=f"Rival {n}"),
            times=ATTEMPTS,
        ) as interloper,
        # WHEN the owner changes it
        # THEN it gives up after five attempts, telling the caller to retry
        pytest.raises(WriteConflict, match=f"^{BUSY}$"),
    ):
        _change(site, project.id, description="Ours")
    assert interloper.calls == ATTEMPTS
    # AND the rivals' changes stand, ours nowhere
    stored = site.projects.get(item_id=project.id, viewer=OWNER)
    assert (stored.description, stored.company, stored.version) == (
        project.description,
        f"Rival {ATTEMPTS}",
        1 + ATTEMPTS,
    )


def test_with_if_match_a_lost_race_is_a_412_not_a_retry(
    site: ContentServices, rival: ContentServices, backend: Backend
) -> None:
    # GIVEN a project that another request changes just before our write
    project = site.projects.create(data=project_create())
    with (
        interloping(
            backend.client,
            operation="TransactWriteItems",
            write=lambda n: _change(rival, project.id, company="Rival"),
            times=1,
        ) as interloper,
        # WHEN the owner writes with If-Match naming version 1
        # THEN the second look finds version 2: 412, without a second write
        pytest.raises(PreconditionFailed, match=f"^{STALE}$") as refused,
    ):
        site.projects.update(
            item_id=project.id,
            changes=ProjectUpdate.model_validate({"company": "Ours"}),
            precondition=_if_match('"1"'),
        )
    assert refused.value.details == {"currentETag": '"2"'}
    assert interloper.calls == 1
    assert site.projects.get(item_id=project.id, viewer=OWNER).company == "Rival"


def test_a_publish_that_lost_to_another_publish_is_a_conflict(
    site: ContentServices, rival: ContentServices, backend: Backend
) -> None:
    # GIVEN a draft that another request publishes just before our write
    project = site.projects.create(data=project_create())
    with (
        interloping(
            backend.client,
            operation="TransactWriteItems",
            write=lambda n: rival.projects.publish(item_id=project.id, precondition=None),
            times=1,
        ),
        # WHEN the owner publishes it too
        # THEN the second look finds it published: a conflict, as if it had been all along
        pytest.raises(Conflict, match=f"^{ALREADY_PUBLISHED}$"),
    ):
        site.projects.publish(item_id=project.id, precondition=None)
    # AND the rival's publication stands, at version 2
    stored = site.projects.get(item_id=project.id, viewer=None)
    assert (stored.status, stored.version) == (Status.PUBLISHED, 2)


@dataclass(frozen=True)
class Raced:
    """An item of one kind, its service, and another request's change to it (its n-th)."""

    service: ContentService[Any]
    item_id: str
    change: Callable[[int], object]


def _raced(site: ContentServices, rival: ContentServices, kind: str) -> Raced:
    if kind == "posts":
        post_id = site.posts.create(data=post_create()).id
        return Raced(
            service=site.posts,
            item_id=post_id,
            change=lambda n: rival.posts.update(
                item_id=post_id,
                changes=PostUpdate.model_validate({"excerpt": f"Rival {n}"}),
                precondition=None,
            ),
        )
    project_id = site.projects.create(data=project_create()).id
    return Raced(
        service=site.projects,
        item_id=project_id,
        change=lambda n: _change(rival, project_id, company=f"Rival {n}"),
    )


@pytest.mark.parametrize("kind", list(DELETE_OPERATION))
@pytest.mark.parametrize("rivals", [1, ATTEMPTS - 1])
def test_a_delete_whose_version_check_fails_while_the_item_exists_retries_until_it_is_gone(
    site: ContentServices, rival: ContentServices, backend: Backend, kind: str, rivals: int
) -> None:
    # GIVEN an item that another request changes just before each of our first deletes
    raced = _raced(site, rival, kind)
    with interloping(
        backend.client, operation=DELETE_OPERATION[kind], write=raced.change, times=rivals
    ) as interloper:
        # WHEN the owner deletes it, without If-Match
        raced.service.delete(item_id=raced.item_id, precondition=None)
    # THEN each refused delete was read again and retried, and the item is gone
    assert interloper.calls == rivals + 1
    assert raced.service.find(ids=[raced.item_id]) == []


@pytest.mark.parametrize("kind", list(DELETE_OPERATION))
def test_a_delete_that_loses_every_race_is_the_busy_error_and_the_item_stays(
    site: ContentServices, rival: ContentServices, backend: Backend, kind: str
) -> None:
    # GIVEN an item that another request changes before each of five deletes in a row
    raced = _raced(site, rival, kind)
    noun = raced.service.not_found().message.removesuffix(" not found")
    with (
        interloping(
            backend.client, operation=DELETE_OPERATION[kind], write=raced.change, times=ATTEMPTS
        ) as interloper,
        # WHEN the owner deletes it
        # THEN it gives up after five attempts, telling the caller to retry
        pytest.raises(
            WriteConflict, match=re.escape(f"{noun} is being changed by other requests; retry")
        ),
    ):
        raced.service.delete(item_id=raced.item_id, precondition=None)
    assert interloper.calls == ATTEMPTS
    # AND the item stays, with every rival change
    (stored,) = raced.service.find(ids=[raced.item_id])
    assert stored.version == 1 + ATTEMPTS


@pytest.mark.parametrize("kind", list(DELETE_OPERATION))
def test_a_delete_that_lost_to_another_delete_is_done(
    site: ContentServices, rival: ContentServices, backend: Backend, kind: str
) -> None:
    # GIVEN an item that another request deletes just before our delete
    raced = _raced(site, rival, kind)
    rivals_service: ContentService[Any] = getattr(rival, kind)
    with interloping(
        backend.client,
        operation=DELETE_OPERATION[kind],
        write=lambda n: rivals_service.delete(item_id=raced.item_id, precondition=None),
        times=1,
    ) as interloper:
        # WHEN the owner deletes it
        raced.service.delete(item_id=raced.item_id, precondition=None)
    # THEN it is done at the first attempt, no error (the API's 204): the item is gone either way
    assert interloper.calls == 1
    assert raced.service.find(ids=[raced.item_id]) == []
