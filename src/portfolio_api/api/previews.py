"""Preview links: the owner makes and revokes them per item; anyone holding one reads the item."""

from fastapi import APIRouter, Response, status

from portfolio_api.api.blocking import run_blocking
from portfolio_api.api.caching import NOT_MODIFIED, PRIVATE, IfNoneMatch, digested
from portfolio_api.api.deps import Owner, PreviewServiceDep
from portfolio_api.api.errors import error_responses
from portfolio_api.api.params import CertificationId, PostId, PreviewTokenParam, ProjectId
from portfolio_api.models.analytics import ContentType
from portfolio_api.models.previews import (
    DEFAULT_LIFETIME,
    Preview,
    PreviewLink,
    PreviewLinkRequest,
)

router = APIRouter(tags=["Previews"])

MAKE_ERRORS = error_responses(400, 401, 403, 404, 503)
REVOKE_ERRORS = error_responses(401, 403, 404, 503)
# The link's answer holds a secret: no cache, shared or private, keeps it.
NO_STORE = "no-store"


def _lifetime(body: PreviewLinkRequest | None) -> int:
    return DEFAULT_LIFETIME if body is None else body.expires_in


@router.post(
    "/blog/posts/{postId}/preview-link",
    operation_id="createBlogPostPreviewLink",
    status_code=status.HTTP_201_CREATED,
    responses=MAKE_ERRORS,
)
async def create_blog_post_preview_link(
    post_id: PostId,
    previews: PreviewServiceDep,
    _: Owner,
    response: Response,
    body: PreviewLinkRequest | None = None,
) -> PreviewLink:
    """A new preview link for the post (owner only); the post's previous link dies."""
    response.headers["Cache-Control"] = NO_STORE
    return await run_blocking(
        previews.create, kind=ContentType.BLOG, item_id=post_id, lifetime=_lifetime(body)
    )


@router.delete(
    "/blog/posts/{postId}/preview-link",
    operation_id="deleteBlogPostPreviewLink",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=REVOKE_ERRORS,
)
async def delete_blog_post_preview_link(
    post_id: PostId, previews: PreviewServiceDep, _: Owner
) -> None:
    """Revoke the post's preview link (owner only); 204 whether or not it had one."""
    await run_blocking(previews.revoke, kind=ContentType.BLOG, item_id=post_id)


@router.post(
    "/projects/{projectId}/preview-link",
    operation_id="createProjectPreviewLink",
    status_code=status.HTTP_201_CREATED,
    responses=MAKE_ERRORS,
)
async def create_project_preview_link(
    project_id: ProjectId,
    previews: PreviewServiceDep,
    _: Owner,
    response: Response,
    body: PreviewLinkRequest | None = None,
) -> PreviewLink:
    """A new preview link for the project (owner only); the project's previous link dies."""
    response.headers["Cache-Control"] = NO_STORE
    return await run_blocking(
        previews.create, kind=ContentType.PROJECT, item_id=project_id, lifetime=_lifetime(body)
    )


@router.delete(
    "/projects/{projectId}/preview-link",
    operation_id="deleteProjectPreviewLink",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=REVOKE_ERRORS,
)
async def delete_project_preview_link(
    project_id: ProjectId, previews: PreviewServiceDep, _: Owner
) -> None:
    """Revoke the project's preview link (owner only); 204 whether or not it had one."""
    await run_blocking(previews.revoke, kind=ContentType.PROJECT, item_id=project_id)


@router.post(
    "/certifications/{certificationId}/preview-link",
    operation_id="createCertificationPreviewLink",
    status_code=status.HTTP_201_CREATED,
    responses=MAKE_ERRORS,
)
async def create_certification_preview_link(
    certification_id: CertificationId,
    previews: PreviewServiceDep,
    _: Owner,
    response: Response,
    body: PreviewLinkRequest | None = None,
) -> PreviewLink:
    """A new preview link for the certification (owner only); its previous link dies."""
    response.headers["Cache-Control"] = NO_STORE
    return await run_blocking(
        previews.create,
        kind=ContentType.CERTIFICATION,
        item_id=certification_id,
        lifetime=_lifetime(body),
    )


@router.delete(
    "/certifications/{certificationId}/preview-link",
    operation_id="deleteCertificationPreviewLink",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=REVOKE_ERRORS,
)
async def delete_certification_preview_link(
    certification_id: CertificationId, previews: PreviewServiceDep, _: Owner
) -> None:
    """Revoke the certification's preview link (owner only); 204 whether or not it had one."""
    await run_blocking(previews.revoke, kind=ContentType.CERTIFICATION, item_id=certification_id)


@router.get(
    "/preview/{token}",
    operation_id="getPreview",
    responses={**NOT_MODIFIED, **error_responses(404, 503)},
)
async def get_preview(
    token: PreviewTokenParam, previews: PreviewServiceDep, known: IfNoneMatch, response: Response
) -> Preview:
    """The item a live preview token names, draft or scheduled, with its `kind`; else 404."""
    preview = await run_blocking(previews.read, token=token)
    response.headers["X-Robots-Tag"] = "noindex"
    return digested(preview, known=known, viewer=None, response=response, cache_control=PRIVATE)
