"""The media bucket: presigned POST forms for the browser, and the objects they leave.

Keys: `uploads/<id>` is where a form puts a file; a lifecycle rule deletes what is left there
after a day. `media/<id>.<extension>` is a completed file, the only prefix CloudFront serves.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from botocore.exceptions import ClientError

from portfolio_api.core.errors import DependencyUnavailable
from portfolio_api.models.media import MediaType, PresignedPost, UploadedObject
from portfolio_api.repositories.aws import UNREACHABLE, error_code

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

UPLOADS = "uploads"
PUBLIC = "media"
# What the form declares, signed into its policy, read back at completion.
_DECLARED_SIZE = "declared-size"
_DECLARED_TYPE = "declared-type"
_FILENAME = "filename"
# Keys are never reused, so a file never changes; a deleted one may linger a day at the edge.
CACHE_CONTROL = "public, max-age=86400"
_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})


@contextmanager
def s3_errors() -> Iterator[None]:
    """An unreachable or throttled S3 is a DependencyUnavailable; anything else stays a bug."""
    try:
        yield
    except UNREACHABLE as exc:
        raise DependencyUnavailable("The media store cannot be reached") from exc
    except ClientError as exc:
        if error_code(exc) in {"SlowDown", "ServiceUnavailable", "503"}:
            raise DependencyUnavailable("The media store is busy; retry shortly") from exc
        raise


class MediaFiles:
    def __init__(self, *, connect: Callable[[], "S3Client"], bucket: str, base_url: str) -> None:
        self._connect = connect
        self._bucket = bucket
        self._base_url = base_url

    @cached_property
    def _client(self) -> "S3Client":
        """Made on the first media call: most requests never need S3, and a cold start pays
        for every client it makes."""
        return self._connect()

    @staticmethod
    def _key(media_id: str, *, published_as: MediaType | None = None) -> str:
        if published_as is None:
            return f"{UPLOADS}/{media_id}"
        return f"{PUBLIC}/{media_id}.{published_as.extension}"

    def url_of(self, *, media_id: str, content_type: MediaType) -> str:
        return f"{self._base_url}/{self._key(media_id, published_as=content_type)}"

    def upload_form(
        self, *, media_id: str, content_type: MediaType, size: int, filename: str, expires: int
    ) -> PresignedPost:
        """A form S3 takes exactly one file through: this key, this type, this many bytes."""
        fields = {
            "Content-Type": content_type.value,
            f"x-amz-meta-{_DECLARED_TYPE}": content_type.value,
            f"x-amz-meta-{_DECLARED_SIZE}": str(size),
            # Metadata is ASCII on the wire: the name travels percent-encoded.
            f"x-amz-meta-{_FILENAME}": quote(filename, safe=""),
        }
        conditions: list[object] = [
            *({name: value} for name, value in fields.items()),
            ["content-length-range", size, size],
        ]
        with s3_errors():
            form = self._client.generate_presigned_post(
                Bucket=self._bucket,
                Key=self._key(media_id),
                Fields=fields,
                Conditions=conditions,
                ExpiresIn=expires,
            )
        return PresignedPost(url=form["url"], fields=form["fields"])

    def uploaded(self, *, media_id: str) -> UploadedObject | None:
        """The upload as S3 holds it, or None when nothing was uploaded (or it expired)."""
        try:
            with s3_errors():
                head = self._client.head_object(Bucket=self._bucket, Key=self._key(media_id))
        except ClientError as exc:
            if error_code(exc) in _MISSING:
                return None
            raise
        metadata = head.get("Metadata", {})
        declared = metadata.get(_DECLARED_SIZE, "")
        filename = metadata.get(_FILENAME)
        return UploadedObject(
            size=head["ContentLength"],
            content_type=head.get("ContentType", ""),
            declared_type=metadata.get(_DECLARED_TYPE),
            declared_size=int(declared) if declared.isdigit() else None,
            filename=unquote(filename) if filename is not None else None,
        )

    def publish(self, *, media_id: str, content_type: MediaType) -> None:
        """Copy the upload to its public key, with the type and caching CloudFront passes on."""
        with s3_errors():
            self._client.copy_object(
                Bucket=self._bucket,
                Key=self._key(media_id, published_as=content_type),
                CopySource={"Bucket": self._bucket, "Key": self._key(media_id)},
                MetadataDirective="REPLACE",
                ContentType=content_type.value,
                CacheControl=CACHE_CONTROL,
            )

    def discard_upload(self, *, media_id: str) -> None:
        with s3_errors():
            self._client.delete_object(Bucket=self._bucket, Key=self._key(media_id))

    def delete(self, *, media_id: str, content_type: MediaType) -> None:
        with s3_errors():
            self._client.delete_object(
                Bucket=self._bucket, Key=self._key(media_id, published_as=content_type)
            )
