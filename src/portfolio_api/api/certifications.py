"""Certifications: published ones for everyone, drafts and changes for the owner."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from portfolio_api.api.blocking import run_blocking
from portfolio_api.api.caching import NOT_MODIFIED, IfNoneMatch, fresh, tagged
from portfolio_api.api.deps import CertificationServiceDep, IfMatch, OptionalUser, Owner
from portfolio_api.api.errors import error_responses
from portfolio_api.api.params import CertificationId
from portfolio_api.models.certifications import (
    Certification,
    CertificationCreate,
    CertificationList,
    CertificationPublic,
    CertificationQuery,
    CertificationUpdate,
)
from portfolio_api.models.content import PublishRequest, etag_of

router = APIRouter(tags=["Certifications"])

CHANGE_ERRORS = (401, 403, 404, 409, 412, 503)


def _with_etag(certification: Certification, response: Response) -> Certification:
    response.headers["ETag"] = etag_of(certification.version)
    return certification


@router.get(
    "/certifications",
    operation_id="listCertifications",
    responses={**NOT_MODIFIED, **error_responses(400, 401, 403, 503)},
)
async def list_certifications(
    query: Annotated[CertificationQuery, Query()],
    certifications: CertificationServiceDep,
    viewer: OptionalUser,
    known: IfNoneMatch,
    response: Response,
) -> CertificationList:
    """Published certifications, latest earned first; drafts (`status=draft|all`): owner only."""
    answer = await run_blocking(certifications.list, query=query, viewer=viewer, known=known)
    page = fresh(answer, viewer=viewer, response=response)
    return CertificationList(
        certifications=page.items,
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        next_offset=page.next_offset,
    )


@router.post(
    "/certifications",
    operation_id="createCertification",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 401, 403, 409, 413, 503),
)
async def create_certification(
    body: CertificationCreate, certifications: CertificationServiceDep, _: Owner, response: Response
) -> CertificationPublic:
    """Create a draft (owner only); the server sets its id and timestamps."""
    return _with_etag(await run_blocking(certifications.create, data=body), response)


@router.get(
    "/certifications/{certificationId}",
    operation_id="getCertification",
    responses={**NOT_MODIFIED, **error_responses(404, 503)},
)
async def get_certification(
    certification_id: CertificationId,
    certifications: CertificationServiceDep,
    viewer: OptionalUser,
    known: IfNoneMatch,
    response: Response,
) -> CertificationPublic:
    """Get a certification by id; a draft exists only for the owner. `ETag` is its version."""
    certification = await run_blocking(certifications.get, item_id=certification_id, viewer=viewer)
    etag = etag_of(certification.version)
    return tagged(certification, etag=etag, known=known, viewer=viewer, response=response)


@router.put(
    "/certifications/{certificationId}",
    operation_id="updateCertification",
    responses=error_responses(400, *CHANGE_ERRORS, 413),
)
async def update_certification(
    certification_id: CertificationId,
    body: CertificationUpdate,
    certifications: CertificationServiceDep,
    _: Owner,
    precondition: IfMatch,
    response: Response,
) -> CertificationPublic:
    """Change the fields sent (owner only); with a stale `If-Match`, 412."""
    certification = await run_blocking(
        certifications.update, item_id=certification_id, changes=body, precondition=precondition
    )
    return _with_etag(certification, response)


@router.delete(
    "/certifications/{certificationId}",
    operation_id="deleteCertification",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(*CHANGE_ERRORS),
)
async def delete_certification(
    certification_id: CertificationId,
    certifications: CertificationServiceDep,
    _: Owner,
    precondition: IfMatch,
) -> None:
    """Delete a certification and its view counter (owner only); honours `If-Match`."""
    await run_blocking(certifications.delete, item_id=certification_id, precondition=precondition)


@router.post(
    "/certifications/{certificationId}/publish",
    operation_id="publishCertification",
    responses=error_responses(400, *CHANGE_ERRORS, 413),
)
async def publish_certification(
    certification_id: CertificationId,
    certifications: CertificationServiceDep,
    _: Owner,
    precondition: IfMatch,
    response: Response,
    body: PublishRequest | None = None,
) -> CertificationPublic:
    """Publish now, or at `publishAt` (owner only); a live certification gives 409."""
    return _with_etag(
        await run_blocking(
            certifications.publish,
            item_id=certification_id,
            precondition=precondition,
            at=body.publish_at if body else None,
        ),
        response,
    )


@router.post(
    "/certifications/{certificationId}/unpublish",
    operation_id="unpublishCertification",
    responses=error_responses(*CHANGE_ERRORS),
)
async def unpublish_certification(
    certification_id: CertificationId,
    certifications: CertificationServiceDep,
    _: Owner,
    precondition: IfMatch,
    response: Response,
) -> CertificationPublic:
    """Turn a published certification back into a draft (owner only); a draft gives 409."""
    return _with_etag(
        await run_blocking(
            certifications.unpublish, item_id=certification_id, precondition=precondition
        ),
        response,
    )
