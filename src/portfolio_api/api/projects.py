"""Projects: published ones for everyone, drafts and changes for the owner."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from portfolio_api.api.blocking import run_blocking
from portfolio_api.api.caching import NOT_MODIFIED, IfNoneMatch, fresh, tagged
from portfolio_api.api.deps import IfMatch, OptionalUser, Owner, ProjectServiceDep
from portfolio_api.api.errors import error_responses
from portfolio_api.api.params import ProjectId
from portfolio_api.models.content import PublishRequest, etag_of
from portfolio_api.models.projects import (
    Project,
    ProjectCreate,
    ProjectList,
    ProjectPublic,
    ProjectQuery,
    ProjectUpdate,
)

router = APIRouter(tags=["Projects"])

CHANGE_ERRORS = (401, 403, 404, 409, 412, 503)


def _with_etag(project: Project, response: Response) -> Project:
    response.headers["ETag"] = etag_of(project.version)
    return project


@router.get(
    "/projects",
    operation_id="listProjects",
    responses={**NOT_MODIFIED, **error_responses(400, 401, 403, 503)},
)
async def list_projects(
    query: Annotated[ProjectQuery, Query()],
    projects: ProjectServiceDep,
    viewer: OptionalUser,
    known: IfNoneMatch,
    response: Response,
) -> ProjectList:
    """Published projects, featured then newest first; drafts (`status=draft|all`): owner only."""
    answer = await run_blocking(projects.list, query=query, viewer=viewer, known=known)
    page = fresh(answer, viewer=viewer, response=response)
    return ProjectList(
        projects=page.items,
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        next_offset=page.next_offset,
    )


@router.post(
    "/projects",
    operation_id="createProject",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 401, 403, 409, 413, 503),
)
async def create_project(
    body: ProjectCreate, projects: ProjectServiceDep, _: Owner, response: Response
) -> ProjectPublic:
    """Create a draft (owner only); the server sets its id and timestamps."""
    return _with_etag(await run_blocking(projects.create, data=body), response)


@router.get(
    "/projects/{projectId}",
    operation_id="getProject",
    responses={**NOT_MODIFIED, **error_responses(404, 503)},
)
async def get_project(
    project_id: ProjectId,
    projects: ProjectServiceDep,
    viewer: OptionalUser,
    known: IfNoneMatch,
    response: Response,
) -> ProjectPublic:
    """Get a project by id; a draft exists only for the owner. `ETag` is its version."""
    project = await run_blocking(projects.get, item_id=project_id, viewer=viewer)
    etag = etag_of(project.version)
    return tagged(project, etag=etag, known=known, viewer=viewer, response=response)


@router.put(
    "/projects/{projectId}",
    operation_id="updateProject",
    responses=error_responses(400, *CHANGE_ERRORS, 413),
)
async def update_project(
    project_id: ProjectId,
    body: ProjectUpdate,
    projects: ProjectServiceDep,
    _: Owner,
    precondition: IfMatch,
    response: Response,
) -> ProjectPublic:
    """Change the fields sent (owner only); with a stale `If-Match`, 412."""
    project = await run_blocking(
        projects.update, item_id=project_id, changes=body, precondition=precondition
    )
    return _with_etag(project, response)


@router.delete(
    "/projects/{projectId}",
    operation_id="deleteProject",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(*CHANGE_ERRORS),
)
async def delete_project(
    project_id: ProjectId, projects: ProjectServiceDep, _: Owner, precondition: IfMatch
) -> None:
    """Delete a project and its view counter (owner only); honours `If-Match`."""
    await run_blocking(projects.delete, item_id=project_id, precondition=precondition)


@router.post(
    "/projects/{projectId}/publish",
    operation_id="publishProject",
    responses=error_responses(400, *CHANGE_ERRORS, 413),
)
async def publish_project(
    project_id: ProjectId,
    projects: ProjectServiceDep,
    _: Owner,
    precondition: IfMatch,
    response: Response,
    body: PublishRequest | None = None,
) -> ProjectPublic:
    """Publish now, or at `publishAt` (owner only); a live project gives 409."""
    return _with_etag(
        await run_blocking(
            projects.publish,
            item_id=project_id,
            precondition=precondition,
            at=body.publish_at if body else None,
        ),
        response,
    )


@router.post(
    "/projects/{projectId}/unpublish",
    operation_id="unpublishProject",
    responses=error_responses(*CHANGE_ERRORS),
)
async def unpublish_project(
    project_id: ProjectId,
    projects: ProjectServiceDep,
    _: Owner,
    precondition: IfMatch,
    response: Response,
) -> ProjectPublic:
    """Turn a published project back into a draft (owner only); a draft already gives 409."""
    return _with_etag(
        await run_blocking(projects.unpublish, item_id=project_id, precondition=precondition),
        response,
    )
