"""Preview links over HTTP: the owner makes and revokes them; anyone holding one reads the item,
draft or not; every dead token (wrong, malformed, expired, revoked, replaced, its item deleted)
gets the one same 404, and a malformed one never reaches DynamoDB."""

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from portfolio_api.config import Settings
from portfolio_api.container import build_container
from portfolio_api.factory import create_app
from tests.helpers.app import serve
from tests.helpers.aws import dynamodb_client
from tests.helpers.clock import FakeClock
from tests.helpers.content import CERTIFICATIONS, KINDS, POSTS, PROJECTS, Callers, ContentKind
from tests.helpers.in_process import ApiCalls, recorded_calls
from tests.helpers.logs import captured_logs

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

WEEK = 7 * 24 * 3600
ENTITIES = {"blog": "POST", "project": "PROJECT", "certification": "CERTIFICATION"}
# Headers that differ between any two answers, whatever they answer.
PER_ANSWER = {"date", "x-request-id"}


@pytest.fixture
def recorded(
    settings: Settings, stopped_clock: FakeClock
) -> Iterator[tuple[httpx.Client, ApiCalls]]:
    """The app on a clock the test moves, on a DynamoDB client whose calls are recorded.
    Cognito's tokens follow real time: five minutes' leeway, as `stopped_api` gives. It logs
    everything, so that a test may look for the token in the log."""
    assert settings.dynamodb_endpoint_url is not None
    lenient = settings.model_copy(update={"token_leeway_seconds": 300, "log_level": "DEBUG"})
    client = dynamodb_client(settings.dynamodb_endpoint_url)
    container = build_container(lenient, dynamodb=client, clock=stopped_clock)
    with (
        recorded_calls(client) as calls,
        serve(create_app(settings=lenient, container=container)) as api,
    ):
        yield api, calls


@pytest.fixture
def api(recorded: tuple[httpx.Client, ApiCalls]) -> httpx.Client:
    return recorded[0]


@pytest.fixture
def calls(recorded: tuple[httpx.Client, ApiCalls]) -> ApiCalls:
    return recorded[1]


def _link(
    api: httpx.Client, kind: ContentKind, item_id: str, owner: dict[str, str], **body: Any
) -> dict[str, Any]:
    response = api.post(f"{kind.path}/{item_id}/preview-link", headers=owner, json=body or None)
    assert response.status_code == 201, response.text
    link: dict[str, Any] = response.json()
    return link


def _preview(api: httpx.Client, token: str, **headers: str) -> httpx.Response:
    return api.get(f"/v1/preview/{token}", headers=headers)


def _record(dynamodb: "DynamoDBClient", table: str, kind: ContentKind, item_id: str) -> Any:
    key = {"PK": {"S": f"PREVIEW#{ENTITIES[kind.content_type]}#{item_id}"}, "SK": {"S": "PREVIEW"}}
    return dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.content_type)
def test_a_draft_is_shown_to_anyone_holding_its_link_and_to_no_one_else(
    api: httpx.Client, callers: Callers, stopped_clock: FakeClock, kind: ContentKind
) -> None:
    # GIVEN a draft and a preview link for it, made with no body
    draft = kind.create(api, callers.owner)
    made = api.post(f"{kind.path}/{draft['id']}/preview-link", headers=callers.owner)
    link = made.json()
    # THEN the link lives a week, its URL is the site's preview page, and no cache keeps it
    assert made.status_code == 201
    assert made.headers["cache-control"] == "no-store"
    assert set(link) == {"url", "token", "expiresAt"}
    assert link["url"] == f"https://patrickcmd.dev/preview/{link['token']}"
    now = stopped_clock.now().replace(microsecond=0)
    assert link["expiresAt"] == _iso(now + timedelta(seconds=WEEK))
    # WHEN an anonymous reader opens it
    shown = _preview(api, link["token"])
    # THEN the draft as the owner reads it (bar what only the owner's view adds), its kind, and
    # headers that keep it private
    assert shown.status_code == 200
    owner_view = api.get(f"{kind.path}/{draft['id']}", headers=callers.owner).json()
    item = shown.json()["item"]
    assert shown.json() == {"kind": kind.content_type, "item": item, "expiresAt": link["expiresAt"]}
    assert item == {name: owner_view[name] for name in item}
    assert (item["id"], item["status"]) == (draft["id"], "draft")
    assert shown.headers["x-robots-tag"] == "noindex"
    assert shown.headers["cache-control"] == "private, no-store"
    # AND without the link the draft is still hidden from that reader
    assert api.get(f"{kind.path}/{draft['id']}").status_code == 404


def test_a_published_item_is_shown_too_and_answers_304_to_its_tag(
    api: httpx.Client, callers: Callers
) -> None:
    # GIVEN a published project and a link for it
    project = PROJECTS.create_published(api, callers.owner)
    link = _link(api, PROJECTS, project["id"], callers.owner)
    # WHEN it is read, then read again naming the tag it gave
    first = _preview(api, link["token"])
    again = _preview(api, link["token"], **{"If-None-Match": first.headers["etag"]})
    head = api.head(f"/v1/preview/{link['token']}")
    # THEN the item in its public shape, as anyone reads it; 304 with no body; HEAD as GET
    assert first.json()["item"] == api.get(f"{PROJECTS.path}/{project['id']}").json()
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["cache-control"] == "private, no-store"
    assert (head.status_code, head.content) == (200, b"")


def test_the_body_may_ask_for_an_hour_to_thirty_days(
    api: httpx.Client, callers: Callers, stopped_clock: FakeClock
) -> None:
    # GIVEN a certification
    item = CERTIFICATIONS.create(api, callers.owner)
    now = stopped_clock.now().replace(microsecond=0)
    # WHEN links of the shortest and the longest lifetimes are asked for
    shortest = _link(api, CERTIFICATIONS, item["id"], callers.owner, expiresIn=3600)
    longest = _link(api, CERTIFICATIONS, item["id"], callers.owner, expiresIn=30 * 24 * 3600)
    # THEN each expires that long from now
    assert shortest["expiresAt"] == _iso(now + timedelta(hours=1))
    assert longest["expiresAt"] == _iso(now + timedelta(days=30))


@pytest.mark.parametrize(
    "body",
    [
        {"expiresIn": 3599},
        {"expiresIn": 30 * 24 * 3600 + 1},
        {"expiresIn": "3600"},
        {"expiresIn": True},
        {"expiresIn": 3600.5},
        {"expiresIn": None},
        {"lifetime": 3600},
    ],
)
def test_a_lifetime_outside_an_hour_to_thirty_days_is_a_400(
    api: httpx.Client, callers: Callers, body: dict[str, Any]
) -> None:
    # GIVEN a post
    post = POSTS.create(api, callers.owner)
    # WHEN a link is asked for with a lifetime out of bounds, of the wrong type, or misnamed
    response = api.post(f"{POSTS.path}/{post['id']}/preview-link", headers=callers.owner, json=body)
    # THEN 400 in the envelope, naming the field
    assert response.status_code == 400
    assert set(response.json()) == {"error", "message", "statusCode", "details"}
    assert response.json()["details"]["field"] in {"expiresIn", "lifetime"}


def test_only_the_owner_makes_or_revokes_links_and_only_for_items_that_exist(
    api: httpx.Client, callers: Callers
) -> None:
    # GIVEN a post
    post = POSTS.create(api, callers.owner)
    path = f"{POSTS.path}/{post['id']}/preview-link"
    # WHEN a reader, an anonymous caller, and the owner for a missing post try
    missing = f"{POSTS.path}/01jd0000000000000000000000/preview-link"
    # THEN 403, 401 and 404: the post's own 404
    assert api.post(path, headers=callers.reader).status_code == 403
    assert api.delete(path, headers=callers.reader).status_code == 403
    assert api.post(path).status_code == 401
    assert api.delete(path).status_code == 401
    absent = api.post(missing, headers=callers.owner)
    assert absent.status_code == 404
    assert absent.json()["message"] == "Post not found"


def _dead_tokens(
    api: httpx.Client,
    callers: Callers,
    stopped_clock: FakeClock,
    dynamodb: "DynamoDBClient",
    table: str,
) -> dict[str, str]:
    """A token dead each way there is, by the way it died."""
    draft = POSTS.create(api, callers.owner)
    replaced = _link(api, POSTS, draft["id"], callers.owner)["token"]
    live = _link(api, POSTS, draft["id"], callers.owner)["token"]
    wrong = live[:-8] + ("0" * 8 if not live.endswith("0" * 8) else "1" * 8)
    revoked_item = PROJECTS.create(api, callers.owner)
    revoked = _link(api, PROJECTS, revoked_item["id"], callers.owner)["token"]
    assert api.delete(f"{PROJECTS.path}/{revoked_item['id']}/preview-link", headers=callers.owner)
    deleted_item = CERTIFICATIONS.create(api, callers.owner)
    deleted = _link(api, CERTIFICATIONS, deleted_item["id"], callers.owner)["token"]
    gone = api.delete(f"{CERTIFICATIONS.path}/{deleted_item['id']}", headers=callers.owner)
    assert gone.status_code == 204
    assert _record(dynamodb, table, CERTIFICATIONS, deleted_item["id"]) is None
    expiring_item = PROJECTS.create(api, callers.owner)
    expired = _link(api, PROJECTS, expiring_item["id"], callers.owner, expiresIn=3600)["token"]
    stopped_clock.advance(3599)
    assert _preview(api, expired).status_code == 200  # a second before its end it still lives
    stopped_clock.advance(1)
    return {
        "replaced": replaced,
        "wrong secret": wrong,
        "revoked": revoked,
        "item deleted": deleted,
        "expired": expired,
        "unknown item": f"blog-01jd0000000000000000000000-{'a' * 64}",
    }


def test_every_dead_token_gets_the_same_404_as_a_missing_item(
    api: httpx.Client,
    callers: Callers,
    stopped_clock: FakeClock,
    dynamodb: "DynamoDBClient",
    table: str,
) -> None:
    # GIVEN tokens dead every way, and tokens no link could have
    dead = _dead_tokens(api, callers, stopped_clock, dynamodb, table)
    malformed = {
        "garbage": "not-a-token",
        "over-long": "blog-" + "a" * 5000,
        "upper-case secret": dead["unknown item"].upper(),
        "unknown kind": "video-" + dead["unknown item"].removeprefix("blog-"),
    }
    # WHEN each is opened
    answers = {why: _preview(api, token) for why, token in {**dead, **malformed}.items()}
    # THEN each is the one same 404: the same envelope, byte for byte, and the same headers
    reference = answers.pop("unknown item")
    assert reference.status_code == 404
    assert reference.json() == {
        "error": "Not Found",
        "message": "Preview not found",
        "statusCode": 404,
        "details": None,
    }
    expected = {name: value for name, value in reference.headers.items() if name not in PER_ANSWER}
    for why, answer in answers.items():
        assert (why, answer.status_code, answer.content) == (why, 404, reference.content)
        headers = {name: value for name, value in answer.headers.items() if name not in PER_ANSWER}
        assert (why, headers) == (why, expected)


def test_a_malformed_token_is_404_with_no_dynamodb_call(api: httpx.Client, calls: ApiCalls) -> None:
    # WHEN tokens no link could have are opened, with GET and HEAD
    tokens = ["x", "blog-" + "a" * 5000, f"post-01jd0000000000000000000000-{'a' * 64}"]
    answers = [
        (_preview(api, token).status_code, api.head(f"/v1/preview/{token}").status_code)
        for token in tokens
    ]
    # THEN 404, and DynamoDB never heard of them
    assert answers == [(404, 404)] * len(tokens)
    assert calls.operations == []


def test_a_dead_token_is_404_even_naming_the_tag_it_had(
    api: httpx.Client, callers: Callers
) -> None:
    # GIVEN a link read once, then revoked
    post = POSTS.create(api, callers.owner)
    link = _link(api, POSTS, post["id"], callers.owner)
    etag = _preview(api, link["token"]).headers["etag"]
    revoke = api.delete(f"{POSTS.path}/{post['id']}/preview-link", headers=callers.owner)
    # WHEN the holder asks again with the tag it kept
    again = _preview(api, link["token"], **{"If-None-Match": etag})
    # THEN no 304 keeps the item alive for them: a 404
    assert revoke.status_code == 204
    assert again.status_code == 404


def test_revoking_is_idempotent(api: httpx.Client, callers: Callers) -> None:
    # GIVEN a certification with no link
    item = CERTIFICATIONS.create(api, callers.owner)
    path = f"{CERTIFICATIONS.path}/{item['id']}/preview-link"
    # WHEN its link is revoked before there is one, and twice after making one
    before = api.delete(path, headers=callers.owner)
    _link(api, CERTIFICATIONS, item["id"], callers.owner)
    twice = [api.delete(path, headers=callers.owner).status_code for _ in range(2)]
    # THEN 204 every time, with no body
    assert (before.status_code, before.content) == (204, b"")
    assert twice == [204, 204]


def test_the_table_and_the_logs_never_hold_the_token(
    api: httpx.Client, callers: Callers, dynamodb: "DynamoDBClient", table: str
) -> None:
    # GIVEN a post
    post = POSTS.create(api, callers.owner)
    # WHEN a link is made and read, with the app logging everything
    with captured_logs() as logs:
        token = _link(api, POSTS, post["id"], callers.owner)["token"]
        assert _preview(api, token).status_code == 200
    # THEN the table keeps the token's SHA-256 and its end, never the token or its secret
    record = _record(dynamodb, table, POSTS, post["id"])
    secret = token.rsplit("-", 1)[1]
    assert record["tokenDigest"] == {"S": hashlib.sha256(token.encode()).hexdigest()}
    assert record["entityType"] == {"S": "PreviewLink"}
    assert secret not in repr(record)
    # AND no log line holds it either
    assert "preview link made" in logs.text
    assert secret not in logs.text
