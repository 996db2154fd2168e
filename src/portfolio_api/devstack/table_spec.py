"""The tables as `template.yaml` defines them: the only place their keys, indexes and TTL are
written.

The local stack and the tests create their tables from this, so they cannot drift from AWS.
"""

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import yaml

from portfolio_api.devstack import REPO_ROOT

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        AttributeDefinitionTypeDef,
        CreateTableInputTypeDef,
        GlobalSecondaryIndexTypeDef,
        KeySchemaElementTypeDef,
        LocalSecondaryIndexTypeDef,
        TableDescriptionTypeDef,
    )

TEMPLATE_PATH = REPO_ROOT / "template.yaml"
TABLE_RESOURCE_TYPE = "AWS::DynamoDB::Table"
# template.yaml's logical ids: content and counts, and what must never outlive two days.
MAIN_TABLE = "PortfolioTable"
EPHEMERAL_TABLE = "EphemeralTable"


class TemplateError(ValueError):
    """template.yaml does not hold the usable table definition asked for."""


class _CloudFormationLoader(yaml.SafeLoader):
    """Reads `!Ref`, `!Sub` and friends as the `{"Fn::X": ...}` forms they stand for."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        return {name: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {name: loader.construct_sequence(node, deep=True)}
    return {name: loader.construct_mapping(cast(yaml.MappingNode, node), deep=True)}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


@dataclass(frozen=True, kw_only=True)
class TableSpec:
    attribute_definitions: list["AttributeDefinitionTypeDef"]
    key_schema: list["KeySchemaElementTypeDef"]
    global_indexes: list["GlobalSecondaryIndexTypeDef"] = field(default_factory=list)
    local_indexes: list["LocalSecondaryIndexTypeDef"] = field(default_factory=list)
    ttl_attribute: str | None = None

    def create_table_request(self, *, table_name: str) -> "CreateTableInputTypeDef":
        request: CreateTableInputTypeDef = {
            "TableName": table_name,
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": self.attribute_definitions,
            "KeySchema": self.key_schema,
        }
        if self.global_indexes:
            request["GlobalSecondaryIndexes"] = self.global_indexes
        if self.local_indexes:
            request["LocalSecondaryIndexes"] = self.local_indexes
        return request


def load_table_spec(
    resource: str = MAIN_TABLE, *, template_path: Path = TEMPLATE_PATH
) -> TableSpec:
    document = yaml.load(template_path.read_text(), Loader=_CloudFormationLoader)  # noqa: S506  # a SafeLoader subclass
    properties = _table_properties(document, template_path, resource=resource)
    ttl = properties.get("TimeToLiveSpecification") or {}
    return TableSpec(
        attribute_definitions=_literal(properties, "AttributeDefinitions", required=True),
        key_schema=_literal(properties, "KeySchema", required=True),
        global_indexes=_literal(properties, "GlobalSecondaryIndexes"),
        local_indexes=_literal(properties, "LocalSecondaryIndexes"),
        ttl_attribute=ttl.get("AttributeName") if ttl.get("Enabled") else None,
    )


def _table_properties(document: Any, path: Path, *, resource: str) -> dict[str, Any]:
    resources = document.get("Resources", {}) if isinstance(document, dict) else {}
    table = resources.get(resource) if isinstance(resources, dict) else None
    if not isinstance(table, dict) or table.get("Type") != TABLE_RESOURCE_TYPE:
        raise TemplateError(f"{path} must define {resource} as an {TABLE_RESOURCE_TYPE}")
    return cast(dict[str, Any], table.get("Properties", {}))


def _literal(properties: dict[str, Any], name: str, *, required: bool = False) -> list[Any]:
    """A property the local stack can use as-is: a list with no CloudFormation function in it."""
    value = properties.get(name)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value) or _has_intrinsic(value):
        raise TemplateError(f"the table's {name} must be a literal list")
    return value


def _has_intrinsic(value: Any) -> bool:
    if isinstance(value, dict):
        return any(key == "Ref" or key.startswith("Fn::") for key in value) or any(
            _has_intrinsic(item) for item in value.values()
        )
    if isinstance(value, list):
        return any(_has_intrinsic(item) for item in value)
    return False


def ensure_table(client: "DynamoDBClient", *, table_name: str, spec: TableSpec) -> None:
    """Create the table, or bring an existing one up to date: missing indexes, TTL."""
    try:
        table = client.describe_table(TableName=table_name)["Table"]
    except client.exceptions.ResourceNotFoundException:
        client.create_table(**spec.create_table_request(table_name=table_name))
        client.get_waiter("table_exists").wait(TableName=table_name)
    else:
        _add_missing_indexes(client, table=table, spec=spec)
    if spec.ttl_attribute:
        _enable_ttl(client, table_name=table_name, attribute=spec.ttl_attribute)


def _add_missing_indexes(
    client: "DynamoDBClient", *, table: "TableDescriptionTypeDef", spec: TableSpec
) -> None:
    table_name = table["TableName"]
    if table.get("KeySchema") != spec.key_schema:
        raise TemplateError(
            f"table {table_name} has another key schema than template.yaml; "
            "delete the local data folder to recreate it"
        )
    present = {index["IndexName"] for index in table.get("GlobalSecondaryIndexes", [])}
    for index in spec.global_indexes:
        if index["IndexName"] in present:
            continue
        client.update_table(
            TableName=table_name,
            AttributeDefinitions=spec.attribute_definitions,
            GlobalSecondaryIndexUpdates=[{"Create": index}],
        )
        _wait_for_indexes(client, table_name=table_name)


def _wait_for_indexes(client: "DynamoDBClient", *, table_name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        indexes = client.describe_table(TableName=table_name)["Table"].get(
            "GlobalSecondaryIndexes", []
        )
        if all(index.get("IndexStatus") == "ACTIVE" for index in indexes):
            return
        time.sleep(0.2)
    raise TimeoutError(f"the indexes of {table_name} did not become active")


def _enable_ttl(client: "DynamoDBClient", *, table_name: str, attribute: str) -> None:
    status = client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    if status.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
        return
    client.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"AttributeName": attribute, "Enabled": True},
    )
