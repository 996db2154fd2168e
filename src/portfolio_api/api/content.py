"""The routes posts, projects and certifications share, made once from a `ContentApi`.

FastAPI reads a route's types from its signature, so each generated endpoint gets the entity's
own schemas written into its annotations before it is registered: OpenAPI then shows
`PostCreate`, `ProjectUpdate`... exactly as hand-written routes would.

Endpoints are `async` and hand the blocking service call to `run_blocking`'s lasting threads.
They return ready JSON `Response`s (`response_model` still documents them): FastAPI would
otherwise re-validate the returned model, one more thread hop per request (docs/PERFORMANCE.md).
"""

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import BaseModel, TypeAdapter

from portfolio_api.api.blocking import run_blocking
from portfolio_api.api.errors import error_responses
from portfolio_api.dependencies import IfMatch, OptionalUser, Owner
from portfolio_api.models.content import (
    ContentPublic,
    ContentUpdate,
    ContentWrite,
    ListQuery,
    ListResponse,
    StoredContent,
    etag_of,
)
from portfolio_api.services.content import ContentService

AnyService = ContentService[Any, Any, Any, Any, Any]
ITEM = "/{item}"
CHANGE_ERRORS = (401, 403, 404, 409, 412, 503)


@dataclass(frozen=True, kw_only=True)
class ContentApi:
    prefix: str
    tag: str
    id_name: str  # the path parameter: postId
    singular: str  # in operation ids: getBlogPost
    plural: str  # listBlogPosts
    noun: str  # in summaries: "blog post"
    items_field: str  # the list's array: posts, projects, certifications
    service: Callable[..., Awaitable[AnyService]]
    create_schema: type[ContentWrite]
    update_schema: type[ContentUpdate]
    public_schema: type[ContentPublic]
    list_schema: type[ListResponse]
    query_schema: type[ListQuery]


@dataclass(frozen=True, kw_only=True)
class _Route:
    method: str
    path: str
    verb: str  # list, create, get...: the operation id is verb + entity
    summary: str
    description: str
    errors: tuple[int, ...] = CHANGE_ERRORS
    status_code: int = status.HTTP_200_OK
    types: dict[str, Any] = field(default_factory=dict)


@cache
def _adapter(schema: type[BaseModel]) -> TypeAdapter[Any]:
    return TypeAdapter(schema)


def item_response(
    item: StoredContent, *, schema: type[ContentPublic], status_code: int = status.HTTP_200_OK
) -> Response:
    """The item as `schema` shows it (never its internal fields), with its version as ETag."""
    return Response(
        content=_adapter(schema).dump_json(item),
        status_code=status_code,
        media_type="application/json",
        headers={"ETag": etag_of(item.version)},
    )


def content_router(api: ContentApi) -> APIRouter:
    router = APIRouter(prefix=api.prefix, tags=[api.tag])
    endpoints = _endpoints(api)
    shared = {
        "service": Annotated[AnyService, Depends(api.service)],
        "item_id": Annotated[str, Path(alias=api.id_name, description=f"The {api.noun}'s id")],
        "return": Response,
    }
    for route in _routes(api):
        endpoint = endpoints[route.verb]
        endpoint.__annotations__.update(shared | route.types)
        router.add_api_route(
            route.path.replace(ITEM, f"/{{{api.id_name}}}"),
            endpoint,
            methods=[route.method],
            operation_id=f"{route.verb}{api.plural if route.verb == 'list' else api.singular}",
            summary=route.summary,
            description=route.description,
            status_code=route.status_code,
            response_model=_response_model(api, route),
            responses=error_responses(*route.errors),
            **_no_content(route),
        )
    return router


def _no_content(route: _Route) -> dict[str, Any]:
    return {"response_class": Response} if route.status_code == status.HTTP_204_NO_CONTENT else {}


def _response_model(api: ContentApi, route: _Route) -> type[BaseModel] | None:
    if route.status_code == status.HTTP_204_NO_CONTENT:
        return None
    return api.list_schema if route.verb == "list" else api.public_schema


def _endpoints(api: ContentApi) -> dict[str, Callable[..., Coroutine[Any, Any, Response]]]:
    schema = api.public_schema

    async def list_items(query: ListQuery, service: AnyService, viewer: OptionalUser) -> Response:
        page = await run_blocking(service.list, query=query, viewer=viewer)
        body = api.list_schema.model_validate(
            {api.items_field: page.items, "total": page.total}
            | {"limit": page.limit, "offset": page.offset}
        )
        return Response(content=body.model_dump_json(), media_type="application/json")

    async def create(body: ContentWrite, service: AnyService, _: Owner) -> Response:
        created = await run_blocking(service.create, data=body)
        return item_response(created, schema=schema, status_code=status.HTTP_201_CREATED)

    async def get(item_id: str, service: AnyService, viewer: OptionalUser) -> Response:
        item = await run_blocking(service.get, item_id=item_id, viewer=viewer)
        return item_response(item, schema=schema)

    async def update(
        item_id: str, body: ContentUpdate, service: AnyService, _: Owner, precondition: IfMatch
    ) -> Response:
        changed = await run_blocking(
            service.update, item_id=item_id, changes=body, precondition=precondition
        )
        return item_response(changed, schema=schema)

    async def delete(
        item_id: str, service: AnyService, _: Owner, precondition: IfMatch
    ) -> Response:
        await run_blocking(service.delete, item_id=item_id, precondition=precondition)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    async def publish(
        item_id: str, service: AnyService, _: Owner, precondition: IfMatch
    ) -> Response:
        published = await run_blocking(service.publish, item_id=item_id, precondition=precondition)
        return item_response(published, schema=schema)

    async def unpublish(
        item_id: str, service: AnyService, _: Owner, precondition: IfMatch
    ) -> Response:
        drafted = await run_blocking(service.unpublish, item_id=item_id, precondition=precondition)
        return item_response(drafted, schema=schema)

    return {
        "list": list_items,
        "create": create,
        "get": get,
        "update": update,
        "delete": delete,
        "publish": publish,
        "unpublish": unpublish,
    }


def _routes(api: ContentApi) -> tuple[_Route, ...]:
    noun = api.noun
    return (
        _Route(
            method="GET",
            path="",
            verb="list",
            summary=f"List {noun}s",
            description=f"Published {noun}s for everyone; drafts (`status=draft|all`) for the "
            "owner. `total` counts every match; filters apply before paging.",
            errors=(400, 401, 403, 503),
            types={"query": Annotated[api.query_schema, Query()]},
        ),
        _Route(
            method="POST",
            path="",
            verb="create",
            summary=f"Create a {noun}",
            description=f"Owner only. The {noun} starts as a draft; the server sets its id and "
            "timestamps.",
            errors=(400, 401, 403, 409, 413, 503),
            status_code=status.HTTP_201_CREATED,
            types={"body": api.create_schema},
        ),
        _Route(
            method="GET",
            path=ITEM,
            verb="get",
            summary=f"Get a {noun} by id",
            description="Drafts exist only for the owner: anyone else gets 404. `ETag` carries "
            "the version that `If-Match` names.",
            errors=(404, 503),
        ),
        _Route(
            method="PUT",
            path=ITEM,
            verb="update",
            summary=f"Update a {noun}",
            description="Owner only. Send only the fields to change. With `If-Match`, a stale "
            "version gives 412; without it, the last write wins.",
            errors=(400, *CHANGE_ERRORS, 413),
            types={"body": api.update_schema},
        ),
        _Route(
            method="DELETE",
            path=ITEM,
            verb="delete",
            summary=f"Delete a {noun}",
            description="Owner only. Honours `If-Match`.",
            status_code=status.HTTP_204_NO_CONTENT,
        ),
        _Route(
            method="POST",
            path=f"{ITEM}/publish",
            verb="publish",
            summary=f"Publish a {noun}",
            description="Owner only. Publishing a published item gives 409.",
        ),
        _Route(
            method="POST",
            path=f"{ITEM}/unpublish",
            verb="unpublish",
            summary=f"Unpublish a {noun}",
            description="Owner only. Unpublishing a draft gives 409.",
        ),
    )
