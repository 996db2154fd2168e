"""Media records, the same tests on moto and on DynamoDB Local: once only, newest first, paged."""

from dataclasses import replace

from portfolio_api.core.ids import new_id
from portfolio_api.models.media import MediaRecord, MediaType
from portfolio_api.repositories.media import MediaRecords
from tests.helpers.aws import Backend
from tests.helpers.clock import FakeClock


def _record(clock: FakeClock, *, filename: str = "a.png") -> MediaRecord:
    clock.advance(1)
    return MediaRecord(
        media_id=new_id(now=clock.now()),
        filename=filename,
        content_type=MediaType.PNG,
        size=68,
        created_at=clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def test_a_record_is_added_once_and_the_second_add_gets_the_first(any_dynamodb: Backend) -> None:
    # GIVEN a recorded upload
    records = MediaRecords(client=any_dynamodb.client, table_name=any_dynamodb.table)
    first = _record(FakeClock(), filename="first.png")
    assert records.add(record=first) == first
    # WHEN a racing completion records the same id with other facts
    second = records.add(record=replace(first, filename="second.png"))
    # THEN it gets the first record back, and the table still holds the first
    assert second == first
    assert records.get(media_id=first.media_id) == first


def test_pages_run_newest_first_and_say_whether_more_follow(any_dynamodb: Backend) -> None:
    # GIVEN five records made a second apart
    records = MediaRecords(client=any_dynamodb.client, table_name=any_dynamodb.table)
    clock = FakeClock()
    made = [_record(clock) for _ in range(5)]
    for record in made:
        records.add(record=record)
    newest = made[::-1]
    # WHEN they are read two at a time
    # THEN each page holds the next two, and only the last says nothing follows
    assert records.page(offset=0, limit=2) == (newest[:2], True)
    assert records.page(offset=2, limit=2) == (newest[2:4], True)
    assert records.page(offset=4, limit=2) == (newest[4:], False)
    assert records.page(offset=5, limit=2) == ([], False)


def test_removing_a_record_twice_is_no_error(any_dynamodb: Backend) -> None:
    records = MediaRecords(client=any_dynamodb.client, table_name=any_dynamodb.table)
    record = _record(FakeClock())
    records.add(record=record)
    records.remove(media_id=record.media_id)
    records.remove(media_id=record.media_id)
    assert records.get(media_id=record.media_id) is None
