"""Entity tags as `If-None-Match` compares them, generations, and the size-bounded LRU."""

from datetime import UTC, datetime, timedelta

import pytest

from portfolio_api.core.lru import SizedLru
from portfolio_api.models.conditional import Generation, KnownTags, weak_etag

NOON = datetime(2026, 12, 3, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "etag", "matches"),
    [
        ('"7"', '"7"', True),
        ('W/"7"', '"7"', True),
        ('"7"', 'W/"7"', True),
        ('W/"g3-ab"', 'W/"g3-ab"', True),
        ('"1", W/"7" ,"9"', '"7"', True),
        ("*", 'W/"anything"', True),
        (" * ", '"7"', True),
        ('"8"', '"7"', False),
        ("7", '"7"', False),
        ('W/"7', '"7"', False),
        ("", '"7"', False),
        ('"a,b"', '"a,b"', True),
    ],
)
def test_if_none_match_compares_weakly(header: str, etag: str, *, matches: bool) -> None:
    # WHEN a header is held against a tag
    # THEN W/ is ignored on both sides (RFC 9110 weak comparison), `*` matches any tag, and
    # a malformed tag matches nothing
    assert KnownTags.from_header(header).match(etag) is matches


@pytest.mark.parametrize(
    ("changed_at", "now", "settled"),
    [
        (None, NOON, True),
        (NOON, NOON, False),
        (NOON, NOON + timedelta(seconds=4), False),
        (NOON, NOON + timedelta(seconds=5), True),
    ],
)
def test_a_generation_settles_some_time_after_its_last_change(
    changed_at: datetime | None, now: datetime, *, settled: bool
) -> None:
    generation = Generation(number=3, changed_at=changed_at)
    assert generation.settled(now=now, after=timedelta(seconds=5)) is settled


def test_a_weak_tag_depends_on_every_part_and_nothing_else() -> None:
    tag = weak_etag("g3", "POST", "list", '{"limit":20}')
    assert tag == weak_etag("g3", "POST", "list", '{"limit":20}')
    assert tag.startswith('W/"g3-')
    assert tag.endswith('"')
    assert tag != weak_etag("g4", "POST", "list", '{"limit":20}')
    assert tag != weak_etag("g3", "PROJECT", "list", '{"limit":20}')
    assert tag != weak_etag("g3", "POST", "list", '{"limit":21}')


def test_the_lru_drops_the_least_recently_used_to_stay_within_its_bytes() -> None:
    # GIVEN room for 10 bytes, holding a (4) and b (4)
    lru: SizedLru[str, str] = SizedLru(max_bytes=10)
    lru.put("a", "A", size=4)
    lru.put("b", "B", size=4)
    # WHEN a is read, then c (4) comes in
    assert lru.get("a") == "A"
    lru.put("c", "C", size=4)
    # THEN b, the least recently used, made room
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == ("A", None, "C")
    assert (lru.size, len(lru)) == (8, 2)


def test_the_lru_never_keeps_a_value_larger_than_its_budget() -> None:
    lru: SizedLru[str, str] = SizedLru(max_bytes=10)
    lru.put("a", "A", size=4)
    # WHEN a value larger than the whole budget comes in
    lru.put("big", "B", size=11)
    # THEN it is not kept, and nothing else was dropped for it
    assert (lru.get("big"), lru.get("a"), lru.size) == (None, "A", 4)


def test_the_lru_counts_a_replaced_value_once() -> None:
    lru: SizedLru[str, str] = SizedLru(max_bytes=10)
    lru.put("a", "A", size=4)
    lru.put("a", "A2", size=6)
    assert (lru.get("a"), lru.size, len(lru)) == ("A2", 6, 1)
    # AND an empty budget keeps nothing at all
    nothing: SizedLru[str, str] = SizedLru(max_bytes=0)
    nothing.put("a", "A", size=1)
    assert (nothing.get("a"), len(nothing)) == (None, 0)


def test_a_generation_is_stamped_by_the_scheduled_times_that_have_passed() -> None:
    # GIVEN a generation with two items scheduled, at noon and at one
    schedule = (("a", NOON), ("b", NOON + timedelta(hours=1)))
    generation = Generation(number=7, changed_at=None, schedule=schedule)
    # WHEN it is stamped before, between and after them
    stamps = [
        generation.stamp(now=NOON - timedelta(seconds=1)),
        generation.stamp(now=NOON),
        generation.stamp(now=NOON + timedelta(hours=2)),
    ]
    # THEN each time that passed changes the stamp; none passed, the plain generation's
    assert stamps == ["g7", "g7r1", "g7r2"]
    assert Generation(number=7, changed_at=None).stamp(now=NOON) == "g7"
