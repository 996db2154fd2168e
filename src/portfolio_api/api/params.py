"""Path parameters, bounded once for every router: ids and slugs by their length and shape.

An id or slug no item could have names nothing: `api/errors.py` answers its failed bound with
404, before any service runs, so nothing unbounded reaches a DynamoDB key (a 2,040-character
slug gave DynamoDB's refusal, a 500, before).
"""

from typing import Annotated

from fastapi import Path

from portfolio_api.core.ids import ID_LENGTH, ID_PATTERN
from portfolio_api.models.analytics import ContentType
from portfolio_api.models.posts import SLUG_MAX_LENGTH, SLUG_PATTERN


def _item_id(alias: str, noun: str) -> object:
    return Path(
        alias=alias,
        description=f"The {noun}'s id",
        min_length=ID_LENGTH,
        max_length=ID_LENGTH,
        pattern=ID_PATTERN,
    )


PostId = Annotated[str, _item_id("postId", "post")]
ProjectId = Annotated[str, _item_id("projectId", "project")]
CertificationId = Annotated[str, _item_id("certificationId", "certification")]
ContentId = Annotated[str, _item_id("contentId", "item")]
Slug = Annotated[
    str,
    Path(
        description="The post's slug",
        min_length=1,
        max_length=SLUG_MAX_LENGTH,
        pattern=SLUG_PATTERN,
    ),
]
# A closed set, not a name: an unknown one is a bad request (400), as the contract says.
ContentTypeParam = Annotated[ContentType, Path(alias="contentType")]
