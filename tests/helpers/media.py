"""Media tests: a bucket on moto's server, and a browser's upload through a presigned POST.

moto's server takes presigned POSTs over real HTTP, as S3 does, but enforces no POST policy:
what S3 would refuse at upload, the app must still refuse at completion, and the tests say so.
"""

import base64
import json
import struct
import uuid
import zlib
from typing import TYPE_CHECKING, Any

import httpx

from portfolio_api.config import DEFAULT_CORS_ORIGINS
from portfolio_api.devstack.media import create_media_bucket
from portfolio_api.devstack.media import s3_client as local_s3_client
from tests.helpers.aws import REGION

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def s3_client(endpoint_url: str) -> "S3Client":
    return local_s3_client(endpoint_url=endpoint_url, region=REGION)


def new_bucket(client: "S3Client") -> str:
    """A bucket made as make dev makes its own (devstack/media.py)."""
    name = f"media-test-{uuid.uuid4().hex[:12]}"
    create_media_bucket(client, bucket=name, region=REGION, origins=DEFAULT_CORS_ORIGINS)
    return name


def png(width: int = 2) -> bytes:
    """A real, valid PNG of `width` x 1 grey pixels: real bytes, as a browser sends."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x80" * width)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def upload_body(
    data: bytes, *, filename: str = "diagram.png", content_type: str = "image/png"
) -> dict[str, Any]:
    """The JSON of `POST /v1/media/uploads` for these bytes."""
    return {"filename": filename, "contentType": content_type, "size": len(data)}


def post_file(
    ticket: dict[str, Any], data: bytes, *, override: dict[str, str] | None = None
) -> httpx.Response:
    """What a browser's form does: the presigned fields (some changed by `override`, as a
    client that does not play fair would), then the file, last."""
    upload = ticket["upload"]
    fields = {**upload["fields"], **(override or {})}
    return httpx.post(
        upload["url"],
        data=fields,
        files={"file": ("upload.bin", data, fields["Content-Type"])},
        timeout=30,
    )


def policy_of(ticket: dict[str, Any]) -> dict[str, Any]:
    """The POST policy S3 checks each upload against, decoded from its form."""
    decoded: dict[str, Any] = json.loads(base64.b64decode(ticket["upload"]["fields"]["policy"]))
    return decoded
