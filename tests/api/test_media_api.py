"""Media: real bytes through a presigned POST to moto's S3 server, then complete, list, delete.

The app runs over HTTP on DynamoDB Local and moto's Cognito, as in every API test, and its S3
client points at the same moto server, where each test gets a bucket of its own.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from portfolio_api.config import Settings
from portfolio_api.container import build_container
from portfolio_api.devstack.cognito import MotoServer
from portfolio_api.factory import create_app
from tests.helpers.app import serve
from tests.helpers.aws import dynamodb_client
from tests.helpers.cognito import UserPoolFixture, sign_in
from tests.helpers.media import new_bucket, png, policy_of, post_file, s3_client, upload_body

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

ENVELOPE = {"error", "message", "statusCode", "details"}
UNKNOWN_ID = "01jd0000000000000000000000"
TEN_MB = 10 * 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class MediaApi:
    api: httpx.Client
    owner: dict[str, str]
    reader: dict[str, str]
    s3: "S3Client"
    bucket: str
    calls: list[str]  # every AWS operation the app sent, DynamoDB's and S3's

    def start(self, data: bytes, **overrides: Any) -> dict[str, Any]:
        response = self.api.post(
            "/v1/media/uploads", json=upload_body(data, **overrides), headers=self.owner
        )
        assert response.status_code == 201, response.text
        ticket: dict[str, Any] = response.json()
        return ticket

    def complete(self, media_id: str) -> httpx.Response:
        return self.api.post(f"/v1/media/{media_id}/complete", headers=self.owner)

    def uploaded(self, data: bytes) -> dict[str, Any]:
        """Declared, sent and completed: the record the owner gets."""
        ticket = self.start(data)
        assert post_file(ticket, data).status_code == 204
        response = self.complete(ticket["mediaId"])
        assert response.status_code == 200, response.text
        record: dict[str, Any] = response.json()
        return record

    def keys(self) -> list[str]:
        listed = self.s3.list_objects_v2(Bucket=self.bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))


@pytest.fixture
def media(
    settings: Settings, moto_server: MotoServer, user_pool: UserPoolFixture
) -> Iterator[MediaApi]:
    """The app with a bucket of its own on moto's server, served as the public URL too."""
    s3 = s3_client(moto_server.endpoint_url)
    bucket = new_bucket(s3)
    configured = settings.model_copy(
        update={
            "media_bucket_name": bucket,
            "media_base_url": f"{moto_server.endpoint_url}/{bucket}",
            "s3_endpoint_url": moto_server.endpoint_url,
        }
    )
    assert configured.dynamodb_endpoint_url is not None
    dynamodb, app_s3 = (
        dynamodb_client(configured.dynamodb_endpoint_url),
        s3_client(moto_server.endpoint_url),
    )
    calls: list[str] = []
    for client in (dynamodb, app_s3):
        client.meta.events.register("before-call", lambda model, **_: calls.append(model.name))
    container = build_container(configured, dynamodb=dynamodb, s3=app_s3)
    with serve(create_app(settings=configured, container=container)) as api:
        yield MediaApi(
            api=api,
            owner=sign_in(api, user_pool.owner),
            reader=sign_in(api, user_pool.reader),
            s3=s3,
            bucket=bucket,
            calls=calls,
        )


def test_the_owner_uploads_real_bytes_then_completes_lists_and_deletes(media: MediaApi) -> None:
    # GIVEN the owner declares a PNG
    data = png(width=64)
    ticket = media.start(data, filename="Architecture — v2 図.png")
    media_id = ticket["mediaId"]
    assert set(ticket) == {"mediaId", "upload", "url"}
    assert ticket["upload"]["fields"]["key"] == f"uploads/{media_id}"
    # WHEN the browser posts the file to the form, and the owner completes it
    assert post_file(ticket, data).status_code == 204
    completed = media.complete(media_id)
    # THEN the record says what was stored, and the public URL serves those very bytes
    assert completed.status_code == 200, completed.text
    record = completed.json()
    assert record == {
        "mediaId": media_id,
        "url": ticket["url"],
        "filename": "Architecture — v2 図.png",
        "contentType": "image/png",
        "size": len(data),
        "createdAt": record["createdAt"],
    }
    served = httpx.get(record["url"])
    assert (served.status_code, served.content) == (200, data)
    assert served.headers["content-type"] == "image/png"
    assert media.keys() == [f"media/{media_id}.png"]
    # AND the owner's list shows it
    assert media.api.get("/v1/media", headers=media.owner).json()["media"] == [record]
    # WHEN the owner deletes it
    deleted = media.api.delete(f"/v1/media/{media_id}", headers=media.owner)
    # THEN the file and the record are gone
    assert deleted.status_code == 204
    assert media.keys() == []
    assert media.api.get("/v1/media", headers=media.owner).json()["media"] == []
    assert media.api.delete(f"/v1/media/{media_id}", headers=media.owner).status_code == 404


def test_the_form_holds_s3_to_the_declared_key_type_and_size(media: MediaApi) -> None:
    # WHEN the owner declares a 1,234-byte JPEG named like a path
    ticket = media.start(b"x" * 1234, filename="../../etc/passwd.svg", content_type="image/jpeg")
    media_id = ticket["mediaId"]
    # THEN the policy S3 checks names the server's key, the exact type and the exact size
    conditions = policy_of(ticket)["conditions"]
    assert {"key": f"uploads/{media_id}"} in conditions
    assert {"bucket": media.bucket} in conditions
    assert {"Content-Type": "image/jpeg"} in conditions
    assert ["content-length-range", 1234, 1234] in conditions
    # AND the public URL is the server's too: the id and the type's extension, never the name
    assert ticket["url"].endswith(f"/{media.bucket}/media/{media_id}.jpg")


def test_completing_twice_answers_the_same_record(media: MediaApi) -> None:
    # GIVEN a completed upload
    record = media.uploaded(png())
    # WHEN the browser completes it again (it lost the first answer)
    again = media.complete(record["mediaId"])
    # THEN the same record, and still one file
    assert (again.status_code, again.json()) == (200, record)
    assert media.keys() == [f"media/{record['mediaId']}.png"]


def test_a_file_of_another_type_than_declared_is_refused_at_completion(media: MediaApi) -> None:
    # GIVEN a declared PNG, sent as a JPEG (S3 refuses this form; moto takes it)
    data = png()
    ticket = media.start(data)
    assert post_file(ticket, data, override={"Content-Type": "image/jpeg"}).status_code == 204
    # WHEN the owner completes it
    response = media.complete(ticket["mediaId"])
    # THEN 400 in the envelope, naming the type; the upload is gone and nothing was published
    assert response.status_code == 400
    assert set(response.json()) == ENVELOPE
    assert "image/jpeg" in response.json()["message"]
    assert media.keys() == []
    assert media.complete(ticket["mediaId"]).status_code == 404


def test_a_file_larger_than_declared_is_refused_at_completion(media: MediaApi) -> None:
    # GIVEN 100 bytes declared, and 5,000 sent (S3 refuses this by content-length-range)
    ticket = media.start(b"x" * 100)
    assert post_file(ticket, b"x" * 5000).status_code == 204
    # WHEN the owner completes it
    response = media.complete(ticket["mediaId"])
    # THEN 400, with what was declared and what came
    assert response.status_code == 400
    assert response.json()["details"]["size"] == 5000
    assert response.json()["details"]["declaredSize"] == 100
    assert media.keys() == []


def test_a_declared_size_over_the_cap_is_413(media: MediaApi) -> None:
    # WHEN the owner declares one byte over 10 MB
    response = media.api.post(
        "/v1/media/uploads",
        json={"filename": "big.pdf", "contentType": "application/pdf", "size": TEN_MB + 1},
        headers=media.owner,
    )
    # THEN 413, naming the limit; exactly 10 MB is taken
    assert response.status_code == 413
    assert response.json()["details"] == {"field": "size", "limit": TEN_MB}
    at_cap = media.api.post(
        "/v1/media/uploads",
        json={"filename": "big.pdf", "contentType": "application/pdf", "size": TEN_MB},
        headers=media.owner,
    )
    assert at_cap.status_code == 201


@pytest.mark.parametrize(
    ("content_type", "issue"),
    [
        ("image/svg+xml", "SVG is refused"),
        ("text/html", "Input should be"),
        ("application/octet-stream", "Input should be"),
        ("IMAGE/PNG", "Input should be"),
    ],
)
def test_svg_and_other_types_are_refused_with_400(
    media: MediaApi, content_type: str, issue: str
) -> None:
    response = media.api.post(
        "/v1/media/uploads",
        json={"filename": "a.png", "contentType": content_type, "size": 10},
        headers=media.owner,
    )
    assert response.status_code == 400
    assert response.json()["details"]["field"] == "contentType"
    assert issue in response.json()["message"]


@pytest.mark.parametrize(
    "filename",
    [
        "a\x00.png",
        "line\nbreak.png",
        "evil\u202egnp.exe",
        "x" * 256,
        "é" * 128,  # 128 characters, 256 bytes
        "   ",
        "\u200b",
    ],
)
def test_a_filename_with_controls_bidi_overrides_or_over_255_characters_is_400(
    media: MediaApi, filename: str
) -> None:
    response = media.api.post(
        "/v1/media/uploads",
        json={"filename": filename, "contentType": "image/png", "size": 10},
        headers=media.owner,
    )
    assert response.status_code == 400
    assert response.json()["details"]["field"] == "filename"


def test_completing_before_any_upload_is_404(media: MediaApi) -> None:
    # GIVEN a declared upload whose file never came
    ticket = media.start(png())
    # WHEN the owner completes it, and completes an id never issued
    early = media.complete(ticket["mediaId"])
    unknown = media.complete(UNKNOWN_ID)
    # THEN each is 404 in the envelope, saying what to do
    assert (early.status_code, unknown.status_code) == (404, 404)
    assert "upload form" in early.json()["message"]
    assert set(unknown.json()) == ENVELOPE


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", f"/v1/media/{'a' * 2040}/complete"),
        ("POST", f"/v1/media/{UNKNOWN_ID.upper()}/complete"),
        ("DELETE", f"/v1/media/{UNKNOWN_ID}a"),
        ("DELETE", "/v1/media/..%2F..%2Fetc"),
    ],
)
def test_a_media_id_no_upload_could_have_is_404_with_no_aws_call(
    media: MediaApi, method: str, path: str
) -> None:
    media.calls.clear()
    response = media.api.request(method, path, headers=media.owner)
    assert response.status_code == 404
    assert set(response.json()) == ENVELOPE
    assert media.calls == []


def test_an_unknown_media_is_404_to_delete(media: MediaApi) -> None:
    response = media.api.delete(f"/v1/media/{UNKNOWN_ID}", headers=media.owner)
    assert response.status_code == 404
    assert set(response.json()) == ENVELOPE


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/media/uploads"),
        ("POST", f"/v1/media/{UNKNOWN_ID}/complete"),
        ("GET", "/v1/media"),
        ("DELETE", f"/v1/media/{UNKNOWN_ID}"),
    ],
)
def test_only_the_owner_may_use_media(media: MediaApi, method: str, path: str) -> None:
    body = {"filename": "a.png", "contentType": "image/png", "size": 10}
    anonymous = media.api.request(method, path, json=body)
    reader = media.api.request(method, path, json=body, headers=media.reader)
    assert anonymous.status_code == 401
    assert reader.status_code == 403
    assert set(reader.json()) == ENVELOPE


def test_the_list_is_newest_first_paged_private_and_tagged(media: MediaApi) -> None:
    # GIVEN three completed uploads
    ids = [media.uploaded(png(width=n))["mediaId"] for n in (1, 2, 3)]
    # WHEN the owner reads pages of two
    first = media.api.get("/v1/media?limit=2", headers=media.owner)
    second = media.api.get("/v1/media?limit=2&offset=2", headers=media.owner)
    # THEN newest first, and nextOffset leads to the last page
    assert [item["mediaId"] for item in first.json()["media"]] == ids[::-1][:2]
    assert first.json()["nextOffset"] == 2
    assert [item["mediaId"] for item in second.json()["media"]] == ids[:1]
    assert second.json()["nextOffset"] is None
    # AND the answer is the owner's alone, tagged: the same tag gets 304
    assert first.headers["cache-control"] == "private, no-store"
    again = media.api.get(
        "/v1/media?limit=2", headers={**media.owner, "If-None-Match": first.headers["etag"]}
    )
    assert (again.status_code, again.content) == (304, b"")


def test_without_a_bucket_the_media_routes_answer_503(
    api: httpx.Client, user_pool: UserPoolFixture
) -> None:
    owner = sign_in(api, user_pool.owner)
    response = api.post(
        "/v1/media/uploads",
        json={"filename": "a.png", "contentType": "image/png", "size": 10},
        headers=owner,
    )
    assert response.status_code == 503
    assert set(response.json()) == ENVELOPE
