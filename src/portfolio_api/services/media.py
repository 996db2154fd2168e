"""Media uploads: the rules between declaring a file, S3 taking it, and the record of it."""

from portfolio_api.core.clock import Clock, iso_utc
from portfolio_api.core.errors import (
    DependencyUnavailable,
    InvalidUpload,
    NotFound,
    PayloadTooLarge,
)
from portfolio_api.core.ids import new_id
from portfolio_api.models.media import (
    Media,
    MediaList,
    MediaQuery,
    MediaRecord,
    MediaType,
    UploadedObject,
    UploadRequest,
    UploadTicket,
)
from portfolio_api.repositories.media import MediaRecords
from portfolio_api.repositories.media_files import MediaFiles

# Long enough to send 10 MB over a slow line, short enough that a leaked form soon dies.
UPLOAD_FORM_SECONDS = 15 * 60


class MediaService:
    def __init__(
        self,
        *,
        files: MediaFiles | None,
        records: MediaRecords,
        clock: Clock,
        max_bytes: int,
    ) -> None:
        self._files_or_none = files
        self._records = records
        self._clock = clock
        self._max_bytes = max_bytes

    @property
    def _files(self) -> MediaFiles:
        if self._files_or_none is None:
            raise DependencyUnavailable("Media storage is not configured on this server")
        return self._files_or_none

    def start_upload(self, *, request: UploadRequest) -> UploadTicket:
        """A new id and the form that lets the browser send exactly the declared file."""
        if request.size > self._max_bytes:
            raise PayloadTooLarge(
                f"The file is {request.size} bytes; the most this API takes is "
                f"{self._max_bytes} bytes",
                details={"field": "size", "limit": self._max_bytes},
            )
        media_id = new_id(now=self._clock.now())
        form = self._files.upload_form(
            media_id=media_id,
            content_type=request.content_type,
            size=request.size,
            filename=request.filename,
            expires=UPLOAD_FORM_SECONDS,
        )
        url = self._files.url_of(media_id=media_id, content_type=request.content_type)
        return UploadTicket(media_id=media_id, upload=form, url=url)

    def complete(self, *, media_id: str) -> Media:
        """Check the uploaded object, publish it and record it. Completing again answers the
        same record: the browser may retry a completion whose answer it lost."""
        files = self._files
        recorded = self._records.get(media_id=media_id)
        if recorded is not None:
            return self._public(recorded)
        upload = files.uploaded(media_id=media_id)
        if upload is None:
            raise NotFound(
                "No upload for this media: send the file with the upload form first "
                "(forms expire after 15 minutes, unfinished uploads after a day)"
            )
        content_type = self._checked(upload, media_id=media_id)
        files.publish(media_id=media_id, content_type=content_type)
        record = self._records.add(
            record=MediaRecord(
                media_id=media_id,
                filename=upload.filename or media_id,
                content_type=content_type,
                size=upload.size,
                created_at=iso_utc(self._clock.now()),
            )
        )
        files.discard_upload(media_id=media_id)
        return self._public(record)

    def list(self, *, query: MediaQuery) -> MediaList:
        records, more = self._records.page(offset=query.offset, limit=query.limit)
        return MediaList(
            media=[self._public(record) for record in records],
            limit=query.limit,
            offset=query.offset,
            next_offset=query.offset + len(records) if more else None,
        )

    def delete(self, *, media_id: str) -> None:
        """The file first, then its record: a failure between leaves a record to delete again,
        never a public file that nothing lists."""
        files = self._files
        recorded = self._records.get(media_id=media_id)
        if recorded is None:
            raise NotFound("Media not found")
        files.delete(media_id=media_id, content_type=recorded.content_type)
        self._records.remove(media_id=media_id)

    def _checked(self, upload: UploadedObject, *, media_id: str) -> MediaType:
        """The upload's type when it is what the form declared; S3 enforces the form's policy,
        and this holds any store that does not (and any form older than a setting)."""
        problem = _problem(upload, max_bytes=self._max_bytes)
        if problem is not None:
            self._files.discard_upload(media_id=media_id)
            raise InvalidUpload(f"The uploaded file was refused: {problem}", details=_facts(upload))
        return MediaType(upload.content_type)

    def _public(self, record: MediaRecord) -> Media:
        return Media(
            media_id=record.media_id,
            url=self._files.url_of(media_id=record.media_id, content_type=record.content_type),
            filename=record.filename,
            content_type=record.content_type,
            size=record.size,
            created_at=record.created_at,
        )


def _problem(upload: UploadedObject, *, max_bytes: int) -> str | None:
    if upload.content_type not in set(MediaType):
        return f"its type {upload.content_type!r} is not one this API takes"
    if upload.content_type != upload.declared_type:
        return f"its type {upload.content_type!r} is not the {upload.declared_type!r} declared"
    if upload.declared_size is None or upload.size != upload.declared_size:
        return f"it is {upload.size} bytes, not the {upload.declared_size} declared"
    if upload.size > max_bytes:
        return f"it is {upload.size} bytes; the most this API takes is {max_bytes}"
    return None


def _facts(upload: UploadedObject) -> dict[str, str | int | None]:
    return {
        "contentType": upload.content_type,
        "declaredType": upload.declared_type,
        "size": upload.size,
        "declaredSize": upload.declared_size,
    }
