"""The tables' attribute names, spelled here once: keys, index keys, TTL, the type marker.

template.yaml defines the same names; a test reads both and compares them.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

type Item = dict[str, "AttributeValueTypeDef"]

PK = "PK"
SK = "SK"
ENTITY_TYPE = "entityType"
EXPIRES_AT = "expiresAt"
# A content kind's generation item: how many writes readers could see, and when the last was.
GENERATION = "generation"
CHANGED_AT = "changedAt"
# On the generation item, one per item published for later: `scheduled:<id>`, its time.
SCHEDULED_PREFIX = "scheduled:"
# On a content item: when it went or goes live; GSI1 projects it, conditions compare it.
PUBLISHED_TIME = "publishedTime"

# GSI1: one partition per content kind, sorted by id; lists read its small projection.
CONTENT_INDEX = "GSI1"
CONTENT_INDEX_PK = "GSI1PK"
CONTENT_INDEX_SK = "GSI1SK"
# GSI2: one partition per kind's view counters, sorted by the count itself.
RANKING_INDEX = "GSI2"
RANKING_INDEX_PK = "GSI2PK"
RANKING_INDEX_SK = "views"


def key(partition: str, sort: str) -> Item:
    return {PK: {"S": partition}, SK: {"S": sort}}


def text(value: str) -> "AttributeValueTypeDef":
    return {"S": value}


def number(value: int) -> "AttributeValueTypeDef":
    return {"N": str(value)}
