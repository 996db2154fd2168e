"""The caching headers of public GETs: `ETag`, `Cache-Control`, `Vary`, and the 304 that answers
an `If-None-Match` naming the current tag.

Anonymous answers may be kept by shared caches for a minute, then served stale for five more
while one revalidates (a 304 costs the API one small read). An answer to a signed-in caller is
private and never stored: it may hold drafts.
"""

from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request, Response
from pydantic import BaseModel

from portfolio_api.models.conditional import Conditional, KnownTags, weak_etag
from portfolio_api.models.identity import Principal

PUBLIC = "public, max-age=60, stale-while-revalidate=300"
PRIVATE = "private, no-store"
# Health: a monitor must see DynamoDB's state now, never a cached one.
NO_STORE = "no-store"
NOT_MODIFIED: dict[int | str, dict[str, str]] = {
    304: {"description": "`If-None-Match` names the current `ETag`: no body."}
}


class NotModified(Exception):
    """The caller holds the current representation: 304, no body, the same caching headers."""

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__("not modified")
        self.headers = headers


async def if_none_match(
    header: Annotated[
        str | None,
        Header(
            alias="If-None-Match",
            description="`ETag`s the caller holds (or `*`); naming the current one gives 304.",
        ),
    ] = None,
) -> KnownTags | None:
    return None if header is None else KnownTags.from_header(header)


IfNoneMatch = Annotated[KnownTags | None, Depends(if_none_match)]


def caching_headers(
    *, etag: str, viewer: Principal | None, cache_control: str | None = None
) -> dict[str, str]:
    # Vary: a shared cache must never give the anonymous copy to a signed-in caller, or back.
    # Origin is the CORS middleware's to add: it does on every answer, for the listed origins.
    return {
        "ETag": etag,
        "Cache-Control": cache_control or (PUBLIC if viewer is None else PRIVATE),
        "Vary": "Authorization",
    }


def fresh[T](
    answer: Conditional[T],
    *,
    viewer: Principal | None,
    response: Response,
    cache_control: str | None = None,
) -> T:
    """The value to send, with its caching headers; NotModified (304) when the caller has it."""
    headers = caching_headers(etag=answer.etag, viewer=viewer, cache_control=cache_control)
    if answer.value is None:
        raise NotModified(headers)
    response.headers.update(headers)
    return answer.value


def tagged[T](
    value: T,
    *,
    etag: str,
    known: KnownTags | None,
    viewer: Principal | None,
    response: Response,
    cache_control: str | None = None,
) -> T:
    """`fresh` for a read whose tag is known only once it is done (an item: its version)."""
    unchanged = known is not None and known.match(etag)
    return fresh(
        Conditional(etag=etag, value=None if unchanged else value),
        viewer=viewer,
        response=response,
        cache_control=cache_control,
    )


def digested[M: BaseModel](
    value: M,
    *,
    known: KnownTags | None,
    viewer: Principal | None,
    response: Response,
    cache_control: str | None = None,
) -> M:
    """`tagged` for an answer with no version or generation to date it (counts, trends, the
    signed-in user, health): its tag is a digest of its own JSON."""
    etag = weak_etag(type(value).__name__, value.model_dump_json())
    return tagged(
        value,
        etag=etag,
        known=known,
        viewer=viewer,
        response=response,
        cache_control=cache_control,
    )


def digested_csv(
    text: str, *, name: str, known: KnownTags | None, viewer: Principal | None
) -> Response:
    """`digested` for a CSV answer: its tag is a digest of the text itself."""
    etag = weak_etag(name, text)
    headers = caching_headers(etag=etag, viewer=viewer)
    if known is not None and known.match(etag):
        raise NotModified(headers)
    return Response(text, media_type="text/csv", headers=headers)


async def _not_modified(_: Request, exc: Exception) -> Response:
    headers = exc.headers if isinstance(exc, NotModified) else {}
    return Response(status_code=304, headers=headers)


def install_not_modified(app: FastAPI) -> None:
    app.add_exception_handler(NotModified, _not_modified)
