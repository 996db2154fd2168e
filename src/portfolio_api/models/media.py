"""Media: the owner's images and PDFs, uploaded by the browser straight to S3.

An upload is declared first (`UploadRequest`), answered with a presigned POST whose policy holds
the file to the declared type and size, then completed: the server checks the object and
records it (`Media`). Keys are the server's, from the id and the type; never the filename.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, Strict, StringConstraints
from pydantic_core import PydanticCustomError

from portfolio_api.models.base import RequestSchema, ResponseSchema
from portfolio_api.models.fields import ONE_LINE, VISIBLE

FILENAME_MAX_LENGTH = 255  # characters, and bytes in UTF-8
# S3's limit for one POST; the MEDIA_MAX_BYTES setting caps it lower.
MAX_DECLARED_BYTES = 5 * 1024**3


class MediaType(StrEnum):
    """What a browser may upload. Never SVG: an SVG is a document that can run script."""

    PNG = "image/png"
    JPEG = "image/jpeg"
    WEBP = "image/webp"
    GIF = "image/gif"
    AVIF = "image/avif"
    PDF = "application/pdf"

    @property
    def extension(self) -> str:
        return _EXTENSIONS[self]


_EXTENSIONS = {
    MediaType.PNG: "png",
    MediaType.JPEG: "jpg",
    MediaType.WEBP: "webp",
    MediaType.GIF: "gif",
    MediaType.AVIF: "avif",
    MediaType.PDF: "pdf",
}


def _not_svg(value: object) -> object:
    if isinstance(value, str) and value.strip().lower().startswith("image/svg"):
        raise PydanticCustomError("svg_refused", "SVG is refused: an SVG file can carry script")
    return value


def _fits_a_file_system(value: str) -> str:
    # 255 bytes is what ext4, APFS and NTFS allow a name; it also keeps the name's percent-encoded
    # copy in the upload's metadata far below S3's 2 KB for all user metadata.
    size = len(value.encode())
    if size > FILENAME_MAX_LENGTH:
        raise PydanticCustomError(
            "filename_too_long",
            "is {size} bytes in UTF-8; a filename holds at most {limit}",
            {"size": size, "limit": FILENAME_MAX_LENGTH},
        )
    return value


Filename = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=FILENAME_MAX_LENGTH, pattern=ONE_LINE
    ),
    VISIBLE,
    AfterValidator(_fits_a_file_system),
]


class UploadRequest(RequestSchema):
    """The file the browser is about to send: its name (shown to the owner only), type, size."""

    filename: Filename
    content_type: Annotated[MediaType, BeforeValidator(_not_svg)]
    size: Annotated[int, Strict(), Field(ge=1, le=MAX_DECLARED_BYTES, description="In bytes.")]


class PresignedPost(ResponseSchema):
    """An HTML form's target: POST `fields`, then the file as the form's last field `file`."""

    url: str
    # Form field names are S3's own (`key`, `Content-Type`, `x-amz-signature`...), kept as sent.
    fields: dict[str, str]


class UploadTicket(ResponseSchema):
    media_id: str
    upload: PresignedPost
    url: str = Field(description="Where the file will be served once the upload is completed.")


@dataclass(frozen=True, slots=True, kw_only=True)
class UploadedObject:
    """An upload as S3 holds it, and what its form declared (None: the form never said)."""

    size: int
    content_type: str
    declared_type: str | None
    declared_size: int | None
    filename: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class MediaRecord:
    """A completed upload as the table keeps it: no URL, which follows the settings."""

    media_id: str
    filename: str
    content_type: MediaType
    size: int
    created_at: str


class Media(ResponseSchema):
    """A completed upload; `url` is where CloudFront serves it."""

    media_id: str
    url: str
    filename: str
    content_type: MediaType
    size: int
    created_at: str


class MediaQuery(BaseModel):
    limit: int = Field(20, ge=1, le=100)
    # Each page reads every record before it: the bound keeps a request's reads bounded too.
    offset: int = Field(0, ge=0, le=10_000)


class MediaList(ResponseSchema):
    media: list[Media]
    limit: int
    offset: int
    next_offset: int | None = Field(
        description="The `offset` of the next page, or null after the last one.", examples=[20]
    )
