"""Media: the owner uploads images and PDFs straight to S3, then completes, lists, deletes."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from portfolio_api.api.blocking import run_blocking
from portfolio_api.api.caching import NOT_MODIFIED, IfNoneMatch, digested
from portfolio_api.api.deps import MediaServiceDep, Owner
from portfolio_api.api.errors import error_responses
from portfolio_api.api.params import MediaId
from portfolio_api.models.media import Media, MediaList, MediaQuery, UploadRequest, UploadTicket

router = APIRouter(prefix="/media", tags=["Media"])


@router.post(
    "/uploads",
    operation_id="createMediaUpload",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 401, 403, 413, 503),
)
async def create_media_upload(
    body: UploadRequest, media: MediaServiceDep, _: Owner
) -> UploadTicket:
    """A presigned POST for one file of the declared type and size (owner only)."""
    return await run_blocking(media.start_upload, request=body)


@router.post(
    "/{mediaId}/complete",
    operation_id="completeMediaUpload",
    responses=error_responses(400, 401, 403, 404, 503),
)
async def complete_media_upload(media_id: MediaId, media: MediaServiceDep, _: Owner) -> Media:
    """Check the uploaded file and record it (owner only); completing again gives the same."""
    return await run_blocking(media.complete, media_id=media_id)


@router.get(
    "",
    operation_id="listMedia",
    responses={**NOT_MODIFIED, **error_responses(400, 401, 403, 503)},
)
async def list_media(
    query: Annotated[MediaQuery, Query()],
    media: MediaServiceDep,
    owner: Owner,
    known: IfNoneMatch,
    response: Response,
) -> MediaList:
    """The owner's completed uploads, newest first; page with `nextOffset`."""
    answer = await run_blocking(media.list, query=query)
    return digested(answer, known=known, viewer=owner, response=response)


@router.delete(
    "/{mediaId}",
    operation_id="deleteMedia",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 403, 404, 503),
)
async def delete_media(media_id: MediaId, media: MediaServiceDep, _: Owner) -> None:
    """Delete the file and its record (owner only)."""
    await run_blocking(media.delete, media_id=media_id)
