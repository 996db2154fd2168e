"""Path parameters, bounded once for every router: ids and slugs by their length and shape.

An id or slug no item could have names nothing: each is a dependency that answers 404 before
any other runs. Declared first in a route, it comes before the token's check too, so such a
path reaches DynamoDB in no way at all (a 2,040-character slug gave DynamoDB's refusal, a 500,
before). The document still shows the bounds.
"""

import re
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Path

from portfolio_api.core.errors import NotFound
from portfolio_api.core.ids import ID_LENGTH, ID_PATTERN
from portfolio_api.models.analytics import ContentType
from portfolio_api.models.fields import ONE_LINE, TAG_MAX_LENGTH
from portfolio_api.models.posts import SLUG_MAX_LENGTH, SLUG_PATTERN
from portfolio_api.models.previews import TOKEN_MAX_LENGTH, TOKEN_MIN_LENGTH, TOKEN_PATTERN

type Checked = Callable[[str], Awaitable[str]]


def _bounded(
    *, alias: str, description: str, pattern: str, least: int, most: int, noun: str
) -> Checked:
    shape = re.compile(pattern)
    bounds: dict[str, object] = {"minLength": least, "maxLength": most, "pattern": pattern}

    async def checked(
        value: Annotated[str, Path(alias=alias, description=description, json_schema_extra=bounds)],
    ) -> str:
        if len(value) > most or not shape.fullmatch(value):
            raise NotFound(f"{noun} not found")
        return value

    return checked


def _item_id(alias: str, noun: str) -> Checked:
    return _bounded(
        alias=alias,
        description=f"The {noun.lower()}'s id",
        pattern=ID_PATTERN,
        least=ID_LENGTH,
        most=ID_LENGTH,
        noun=noun,
    )


PostId = Annotated[str, Depends(_item_id("postId", "Post"))]
ProjectId = Annotated[str, Depends(_item_id("projectId", "Project"))]
CertificationId = Annotated[str, Depends(_item_id("certificationId", "Certification"))]
ContentId = Annotated[str, Depends(_item_id("contentId", "Item"))]
MediaId = Annotated[str, Depends(_item_id("mediaId", "Media"))]
Slug = Annotated[
    str,
    Depends(
        _bounded(
            alias="slug",
            description="The post's slug",
            pattern=SLUG_PATTERN,
            least=1,
            most=SLUG_MAX_LENGTH,
            noun="Post",
        )
    ),
]
# A tag in any case; one no post could carry is a 404, one none carries yet an empty feed.
TagParam = Annotated[
    str,
    Depends(
        _bounded(
            alias="tag",
            description="A tag, in any case",
            pattern=ONE_LINE,
            least=1,
            most=TAG_MAX_LENGTH,
            noun="Tag",
        )
    ),
]
# A closed set, not a name: an unknown one is a bad request (400), as the contract says.
ContentTypeParam = Annotated[ContentType, Path(alias="contentType")]
# Every token that fails the shape gets the 404 of every dead token, before any DynamoDB call.
PreviewTokenParam = Annotated[
    str,
    Depends(
        _bounded(
            alias="token",
            description="The preview link's token",
            pattern=TOKEN_PATTERN,
            least=TOKEN_MIN_LENGTH,
            most=TOKEN_MAX_LENGTH,
            noun="Preview",
        )
    ),
]
