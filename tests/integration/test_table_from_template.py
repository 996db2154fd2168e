"""The table exists once, in template.yaml; local tables are made from that and nothing else."""

import textwrap
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from portfolio_api.devstack.table_spec import (
    EPHEMERAL_TABLE,
    TEMPLATE_PATH,
    TableSpec,
    TemplateError,
    ensure_table,
    load_table_spec,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

TABLE_WITH_INDEX = """
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub "x-${Environment}"
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - {AttributeName: PK, AttributeType: S}
        - {AttributeName: SK, AttributeType: S}
        - {AttributeName: GSI1PK, AttributeType: S}
        - {AttributeName: views, AttributeType: N}
      KeySchema:
        - {AttributeName: PK, KeyType: HASH}
        - {AttributeName: SK, KeyType: RANGE}
      GlobalSecondaryIndexes:
        - IndexName: GSI1
          KeySchema:
            - {AttributeName: GSI1PK, KeyType: HASH}
            - {AttributeName: views, KeyType: RANGE}
          Projection: {ProjectionType: INCLUDE, NonKeyAttributes: [title]}
      TimeToLiveSpecification: {AttributeName: expiresAt, Enabled: true}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_the_spec_is_what_template_yaml_says() -> None:
    # GIVEN the project's own template, read as plain YAML with CloudFormation tags ignored
    raw = TEMPLATE_PATH.read_text()
    # WHEN the spec is loaded
    spec = load_table_spec()
    # THEN keys and TTL match the template's text
    assert spec.key_schema == [
        {"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "SK", "KeyType": "RANGE"},
    ]
    assert spec.ttl_attribute == "expiresAt"
    assert "AttributeName: expiresAt" in raw
    assert len(spec.global_indexes) == raw.count("IndexName:")


def test_the_ephemeral_table_has_keys_and_ttl_and_no_index() -> None:
    # WHEN the table of salts, dedup records and sign-in counters is loaded
    spec = load_table_spec(EPHEMERAL_TABLE)
    # THEN every item can expire, and nothing is indexed beside the keys
    assert [key["AttributeName"] for key in spec.key_schema] == ["PK", "SK"]
    assert spec.ttl_attribute == "expiresAt"
    assert spec.global_indexes == spec.local_indexes == []


def test_the_test_table_matches_the_template_but_for_ttl(
    dynamodb: "DynamoDBClient", table: str, table_spec: TableSpec
) -> None:
    described = dynamodb.describe_table(TableName=table)["Table"]
    ttl = dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert described["KeySchema"] == table_spec.key_schema == load_table_spec().key_schema
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert ttl["TimeToLiveStatus"] == "DISABLED"


def test_the_local_stack_has_ttl_which_dynamodb_local_applies_by_the_real_clock(
    dynamodb: "DynamoDBClient",
) -> None:
    # GIVEN the ephemeral table made as make dev makes it, from the template as it is
    name = f"portfolio-test-{uuid.uuid4().hex[:12]}"
    ensure_table(dynamodb, table_name=name, spec=load_table_spec(EPHEMERAL_TABLE))
    key: dict[str, AttributeValueTypeDef] = {"PK": {"S": "LAPSED"}, "SK": {"S": "LAPSED"}}
    # WHEN an item that lapsed an hour ago, by the real clock, is written
    lapsed = int(time.time()) - 3600
    dynamodb.put_item(TableName=name, Item={**key, "expiresAt": {"N": str(lapsed)}})
    # THEN TTL is on, and DynamoDB Local deletes the item (so tests on fake clocks turn TTL off)
    ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}
    deadline = time.monotonic() + 60
    while "Item" in dynamodb.get_item(TableName=name, Key=key) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "Item" not in dynamodb.get_item(TableName=name, Key=key)
    dynamodb.delete_table(TableName=name)


def test_indexes_in_the_template_are_created_and_added_later(
    dynamodb: "DynamoDBClient", tmp_path: Path
) -> None:
    # GIVEN a template with an index, and a table created before that index existed
    spec = load_table_spec("Table", template_path=_write(tmp_path, TABLE_WITH_INDEX))
    assert [index["IndexName"] for index in spec.global_indexes] == ["GSI1"]
    name = f"portfolio-test-{uuid.uuid4().hex[:12]}"
    older = TableSpec(
        attribute_definitions=spec.attribute_definitions[:2], key_schema=spec.key_schema
    )
    ensure_table(dynamodb, table_name=name, spec=older)
    # WHEN the stack starts again with the newer template
    ensure_table(dynamodb, table_name=name, spec=spec)
    # THEN the index is there, and queryable by its numeric sort key
    indexes = dynamodb.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"]
    assert [(index["IndexName"], index["IndexStatus"]) for index in indexes] == [("GSI1", "ACTIVE")]
    dynamodb.put_item(
        TableName=name,
        Item={"PK": {"S": "a"}, "SK": {"S": "b"}, "GSI1PK": {"S": "g"}, "views": {"N": "3"}},
    )
    found = dynamodb.query(
        TableName=name,
        IndexName="GSI1",
        KeyConditionExpression="GSI1PK = :g AND #views > :zero",
        ExpressionAttributeNames={"#views": "views"},
        ExpressionAttributeValues={":g": {"S": "g"}, ":zero": {"N": "0"}},
    )
    assert found["Count"] == 1
    dynamodb.delete_table(TableName=name)


def test_a_changed_key_schema_is_not_papered_over(
    dynamodb: "DynamoDBClient", table: str, table_spec: TableSpec
) -> None:
    other = TableSpec(
        attribute_definitions=[{"AttributeName": "id", "AttributeType": "S"}],
        key_schema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )
    with pytest.raises(TemplateError, match="key schema"):
        ensure_table(dynamodb, table_name=table, spec=other)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"Resources": {}}, "must define Table"),
        ({"Resources": {"Table": {"Type": "AWS::S3::Bucket"}}}, "must define Table"),
        ({"KeySchema": {"Fn::If": ["c", [], []]}}, "KeySchema"),
        ({"AttributeDefinitions": []}, "AttributeDefinitions"),
    ],
)
def test_a_template_the_stack_cannot_use_is_refused(
    tmp_path: Path, change: dict[str, object], problem: str
) -> None:
    document = yaml.safe_load(TABLE_WITH_INDEX.replace("!Sub ", ""))
    if "Resources" in change:
        document["Resources"] = change["Resources"]
    else:
        document["Resources"]["Table"]["Properties"].update(change)
    with pytest.raises(TemplateError, match=problem):
        load_table_spec("Table", template_path=_write(tmp_path, yaml.safe_dump(document)))
