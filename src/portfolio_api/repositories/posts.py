"""Posts, plus one guard item per slug so that DynamoDB itself keeps slugs unique.

Guard: PK `POSTSLUG#<slug>`, SK `POSTSLUG`, `postId`. It is written and removed in the same
transaction as its post.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from portfolio_api.core.errors import DomainError, SlugTaken
from portfolio_api.models.posts import Post, PostSummary
from portfolio_api.repositories.aws import dynamodb_errors
from portfolio_api.repositories.content import ContentRepository
from portfolio_api.repositories.reads import Item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


class PostRepository(ContentRepository[Post, PostSummary]):
    @staticmethod
    def _slug_key(slug: str) -> Item:
        return {"PK": {"S": f"POSTSLUG#{slug}"}, "SK": {"S": "POSTSLUG"}}

    def post_id_for(self, *, slug: str) -> str | None:
        with dynamodb_errors():
            response = self._client.get_item(
                TableName=self._table, Key=self._slug_key(slug), ConsistentRead=True
            )
        item = response.get("Item")
        return item["postId"]["S"] if item else None

    def taken_slugs(self, *, candidates: Sequence[str]) -> set[str]:
        """Which of these slugs a post holds now (one consistent BatchGet)."""
        slug_of = {self._slug_key(slug)["PK"]["S"]: slug for slug in candidates}
        keys = [self._slug_key(slug) for slug in candidates]
        with dynamodb_errors():
            response = self._client.batch_get_item(
                RequestItems={self._table: {"Keys": keys, "ConsistentRead": True}}
            )
        found = response.get("Responses", {}).get(self._table, [])
        unread = response.get("UnprocessedKeys", {})
        unprocessed = list(unread[self._table]["Keys"]) if self._table in unread else []
        # Unread guards count as taken: the transaction still has the last word.
        return {slug_of[str(item["PK"]["S"])] for item in [*found, *unprocessed]}

    def _claim(self, post: Post) -> "TransactWriteItemTypeDef":
        return {
            "Put": {
                "TableName": self._table,
                "Item": {
                    **self._slug_key(post.slug),
                    "postId": {"S": post.id},
                    "entityType": {"S": "PostSlug"},
                },
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }

    def _release(self, post: Post) -> "TransactWriteItemTypeDef":
        return {"Delete": {"TableName": self._table, "Key": self._slug_key(post.slug)}}

    def _create_extras(self, item: Post) -> list["TransactWriteItemTypeDef"]:
        return [self._claim(item)]

    def _replace_extras(self, item: Post, previous: Post) -> list["TransactWriteItemTypeDef"]:
        if item.slug == previous.slug:
            return []
        return [self._claim(item), self._release(previous)]

    def _delete_extras(self, item: Post) -> list["TransactWriteItemTypeDef"]:
        return [self._release(item)]

    def _extra_failed(self) -> DomainError:
        return SlugTaken("Another post already has this slug", details={"field": "slug"})
