"""Pure rules: slugs, reading time, ids, If-Match parsing, and the index's projection."""

from datetime import UTC, datetime, timedelta

import pytest

from portfolio_api.core.ids import new_id
from portfolio_api.core.text import numbered, read_time, slugify
from portfolio_api.devstack.table_spec import EPHEMERAL_TABLE, MAIN_TABLE, load_table_spec
from portfolio_api.models.certifications import Certification
from portfolio_api.models.content import Precondition
from portfolio_api.models.posts import Post
from portfolio_api.models.projects import Project
from portfolio_api.repositories import attributes
from portfolio_api.repositories.attributes import CONTENT_INDEX


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Building Scalable APIs with FastAPI", "building-scalable-apis-with-fastapi"),
        ("  Crème brûlée & C++ / Go!  ", "creme-brulee-c-go"),
        ("Part 2", "part-2"),
        ("日本語", "post"),
        ("!!!", "post"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_a_long_title_is_cut_at_a_word() -> None:
    slug = slugify("word " * 40)
    assert len(slug) <= 80
    assert slug.endswith("word")


def test_numbered_slugs() -> None:
    assert [numbered("a", number) for number in (1, 2, 3)] == ["a", "a-2", "a-3"]


@pytest.mark.parametrize(("words", "minutes"), [(0, 1), (1, 1), (200, 1), (201, 2), (1000, 5)])
def test_read_time(words: int, minutes: int) -> None:
    assert read_time("w " * words) == f"{minutes} min read"


def test_ids_are_url_safe_and_sort_by_time() -> None:
    start = datetime(2026, 11, 26, tzinfo=UTC)
    ids = [new_id(now=start + timedelta(milliseconds=step)) for step in range(0, 5000, 7)]
    assert ids == sorted(ids)
    assert all(len(item_id) == 26 and item_id.isalnum() and item_id.islower() for item_id in ids)
    same_moment = {new_id(now=start) for _ in range(100)}
    assert len(same_moment) == 100


@pytest.mark.parametrize(
    ("header", "admitted", "refused"),
    [
        ('"3"', 3, 4),
        ('"2", "3"', 2, 4),
        ("*", 999, None),
        ('W/"3"', None, 3),
        ("3", None, 3),
        ('"0"', None, 0),
    ],
)
def test_if_match_parsing(header: str, admitted: int | None, refused: int | None) -> None:
    precondition = Precondition.from_header(header)
    if admitted is not None:
        assert precondition.admits(admitted)
    if refused is not None:
        assert not precondition.admits(refused)


def test_the_index_projects_exactly_the_fields_each_kind_lists_on() -> None:
    # GIVEN the list index as template.yaml defines it
    (index,) = [
        index for index in load_table_spec().global_indexes if index["IndexName"] == CONTENT_INDEX
    ]
    projected = set(index["Projection"].get("NonKeyAttributes", []))
    # WHEN each kind's INDEXED fields are named as stored
    needed = {
        model.model_fields[name].alias or name
        for model in (Post, Project, Certification)
        for name in ("id", *model.INDEXED)
    }
    # THEN the projection holds them, and nothing more
    assert projected == needed


def test_the_attribute_names_are_the_templates() -> None:
    # GIVEN both tables as template.yaml defines them
    main, ephemeral = load_table_spec(MAIN_TABLE), load_table_spec(EPHEMERAL_TABLE)
    indexes = {index["IndexName"]: index for index in main.global_indexes}
    # THEN the names repositories/attributes.py spells are the template's own
    for spec in (main, ephemeral):
        assert [key["AttributeName"] for key in spec.key_schema] == [attributes.PK, attributes.SK]
        assert spec.ttl_attribute == attributes.EXPIRES_AT
    content, ranking = indexes[attributes.CONTENT_INDEX], indexes[attributes.RANKING_INDEX]
    assert [key["AttributeName"] for key in content["KeySchema"]] == [
        attributes.CONTENT_INDEX_PK,
        attributes.CONTENT_INDEX_SK,
    ]
    assert [key["AttributeName"] for key in ranking["KeySchema"]] == [
        attributes.RANKING_INDEX_PK,
        attributes.RANKING_INDEX_SK,
    ]
