"""Preview links on the single table: the same tests against moto and against DynamoDB Local."""

import pytest

from portfolio_api.models.previews import PreviewRecord
from portfolio_api.repositories.content import ContentRepository
from portfolio_api.repositories.kinds import PROJECTS
from portfolio_api.repositories.previews import PreviewLinks
from tests.helpers.aws import Backend
from tests.helpers.clock import FakeClock
from tests.helpers.content import stored_project

ITEM_ID = "01jd0000000000000000000001"
FIRST = PreviewRecord(token_digest="a" * 64, expires_at=1_800_000_000)
SECOND = PreviewRecord(token_digest="b" * 64, expires_at=1_800_003_600)


@pytest.fixture
def links(any_dynamodb: Backend) -> PreviewLinks:
    return PreviewLinks(client=any_dynamodb.client, table_name=any_dynamodb.table)


def _put(links: PreviewLinks, record: PreviewRecord, *, entity: str = "PROJECT") -> None:
    links.put(entity=entity, item_id=ITEM_ID, record=record, created_at="2026-12-03T12:00:00Z")


def test_a_new_link_replaces_the_items_old_one(links: PreviewLinks) -> None:
    # GIVEN an item's link
    _put(links, FIRST)
    assert links.get(entity="PROJECT", item_id=ITEM_ID) == FIRST
    # WHEN another is made for it
    _put(links, SECOND)
    # THEN only the new one is kept; another kind's item of the same id has none
    assert links.get(entity="PROJECT", item_id=ITEM_ID) == SECOND
    assert links.get(entity="POST", item_id=ITEM_ID) is None


def test_revoking_leaves_no_link_and_may_be_repeated(links: PreviewLinks) -> None:
    # GIVEN an item's link
    _put(links, FIRST)
    # WHEN it is revoked twice
    links.revoke(entity="PROJECT", item_id=ITEM_ID)
    links.revoke(entity="PROJECT", item_id=ITEM_ID)
    # THEN there is none, and the second revoke was no error
    assert links.get(entity="PROJECT", item_id=ITEM_ID) is None


def test_deleting_the_item_deletes_its_link_in_the_same_transaction(
    any_dynamodb: Backend, links: PreviewLinks
) -> None:
    # GIVEN a project whose repository counts the links among what belongs to an item
    projects = ContentRepository(
        client=any_dynamodb.client,
        table_name=any_dynamodb.table,
        kind=PROJECTS,
        clock=FakeClock(),
        dependents=(links,),
    )
    project = stored_project(1)
    projects.create(item=project)
    links.put(entity="PROJECT", item_id=project.id, record=FIRST, created_at="2026-12-03T12:00:00Z")
    # WHEN the project is deleted
    projects.delete(item=project)
    # THEN its link went with it
    assert projects.get(item_id=project.id) is None
    assert links.get(entity="PROJECT", item_id=project.id) is None
