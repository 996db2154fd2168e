"""The field rules of models/fields.py, on the models that use them: flags, lines, visible text."""

from typing import Any

import pytest
from pydantic import ValidationError

from portfolio_api.models.certifications import CertificationQuery
from portfolio_api.models.posts import PostCreate, PostPublic
from portfolio_api.models.projects import ProjectCreate, ProjectQuery, ProjectUpdate
from tests.helpers.content import post_body, project_body, stored_post

BREAKS = {
    "NEL": "\u0085",
    "C1 control": "\u009b",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
}
BIDI = {f"U+{code:04X}": chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
INVISIBLE = {
    "zero-width space": "\u200b",
    "ZWNJ and ZWJ": "\u200c\u200d",
    "word joiner": "\u2060",
    "BOM": "\ufeff",
    "soft hyphen": "\u00ad",
    "Hangul filler": "\u3164",
    "combining mark alone": "\u0301",
    "mixed, with spaces": " \u200b \u00ad\u2060 ",
}


def _refused_field(model: type[Any], body: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as refused:
        model.model_validate(body)
    (error,) = refused.value.errors()
    return ".".join(str(part) for part in error["loc"])


@pytest.mark.parametrize("value", [0, 1, "yes", "true", "false", 1.0, None])
def test_a_flag_in_a_body_is_json_true_or_false(value: Any) -> None:
    # WHEN a body's boolean is anything but JSON's true or false
    # THEN it is refused, on create and on update
    assert _refused_field(ProjectCreate, project_body(featured=value)) == "featured"
    assert _refused_field(ProjectUpdate, {"featured": value}) == "featured"


def test_a_flag_in_a_body_takes_true_and_false() -> None:
    assert ProjectCreate.model_validate(project_body(featured=True)).featured is True
    assert ProjectUpdate.model_validate({"featured": False}).featured is False


@pytest.mark.parametrize("query", [ProjectQuery, CertificationQuery])
@pytest.mark.parametrize("value", ["1", "0", "yes", "no", "on", "True", "FALSE", "t", ""])
def test_a_flag_in_a_query_is_the_word_true_or_false(query: type[Any], value: str) -> None:
    assert _refused_field(query, {"featured": value}) == "featured"


@pytest.mark.parametrize("query", [ProjectQuery, CertificationQuery])
def test_a_flag_in_a_query_takes_the_two_words(query: type[Any]) -> None:
    assert query.model_validate({"featured": "true"}).featured is True
    assert query.model_validate({"featured": "false"}).featured is False
    assert query.model_validate({}).featured is None


@pytest.mark.parametrize("character", [*BREAKS.values(), *BIDI.values()], ids=[*BREAKS, *BIDI])
@pytest.mark.parametrize("field", ["title", "category", "excerpt", "content"])
def test_breaks_and_bidi_controls_are_refused_in_lines_and_text(character: str, field: str) -> None:
    # WHEN a line or a text holds a line break other than \n, a C1 control or a bidi control
    body = post_body(**{field: f"before {character} after"})
    # THEN it is refused, naming the field
    assert _refused_field(PostCreate, body) == field


def test_text_keeps_newlines_tabs_and_right_to_left_marks() -> None:
    # WHEN text holds \n, \r\n and tabs, and a title right-to-left marks
    post = PostCreate.model_validate(
        post_body(
            title="שלום \u200f world",
            excerpt="one\r\ntwo\tthree",
            content="# Title\n\n\tcode\n",
        )
    )
    # THEN all are kept
    assert post.excerpt == "one\r\ntwo\tthree"
    assert post.title == "שלום \u200f world"


@pytest.mark.parametrize("value", INVISIBLE.values(), ids=INVISIBLE)
@pytest.mark.parametrize("field", ["title", "category", "excerpt", "content"])
def test_text_made_only_of_invisible_characters_is_refused(value: str, field: str) -> None:
    assert _refused_field(PostCreate, post_body(**{field: value})) == field


def test_invisible_characters_inside_visible_text_and_emoji_are_kept() -> None:
    post = PostCreate.model_validate(post_body(title="zero\u200bwidth", tags=["☁️", "👩\u200d💻"]))
    assert post.title == "zero\u200bwidth"
    assert post.tags == ["☁️", "👩\u200d💻"]


def test_a_stored_item_is_read_back_even_if_a_rule_tightened_since() -> None:
    # GIVEN a post stored before the rules refused a bidi override
    stored = stored_post(title="old \u202e title")
    # WHEN it is shown
    shown = PostPublic.model_validate(stored.model_dump())
    # THEN it reads as stored
    assert shown.title == "old \u202e title"
