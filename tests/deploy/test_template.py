"""template.yaml, as SAM translates it, against the code it deploys and the issue's requirements."""

import ast
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from botocore import xform_name
from botocore.session import get_session

from portfolio_api.config import Settings
from portfolio_api.core.metrics import NAMESPACE, SERVICE, BusinessMetric
from portfolio_api.devstack import REPO_ROOT
from portfolio_api.devstack.sam_local import (
    declared_variables,
    docker_reach,
    function_environment,
    write_env_file,
)
from portfolio_api.devstack.samconfig import parse_overrides
from tests.helpers.alarms import fires
from tests.helpers.sam import (
    CREATED_POOL_WITH_DOMAIN,
    TEMPLATE,
    gateway_body,
    resources_of_type,
    translate,
)

REPOSITORIES = REPO_ROOT / "src" / "portfolio_api" / "repositories"
# Declared empty, so that make sam-local's `--env-vars` file may point them at make dev.
LOCAL_OVERRIDES = frozenset(
    {"DYNAMODB_ENDPOINT_URL", "COGNITO_ENDPOINT_URL", "COGNITO_JWKS_URL", "S3_ENDPOINT_URL"}
)
LOCAL_ONLY_SETTINGS = frozenset({"COGNITO_REGION"})
ENVIRONMENTS = ("dev", "staging", "prod")
REQUIRED_LOCALLY = frozenset({"DYNAMODB_TABLE_NAME", "COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID"})
SET_BY_LAMBDA = frozenset({"AWS_REGION"})
# TransactWriteItems has no IAM action: each of its steps is authorized as its item action.
TRANSACTION_STEPS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"})
# Cognito APIs that authenticate with the user's own credentials, not the function's role.
PUBLIC_COGNITO_CALLS = frozenset(
    {
        "InitiateAuth",
        "RespondToAuthChallenge",
        "GetUser",
        "AssociateSoftwareToken",
        "VerifySoftwareToken",
        "SetUserMFAPreference",
    }
)
MANAGED_POLICY = "arn:${AWS::Partition}:iam::aws:policy/service-role/"
# The media repository's S3 calls, as the IAM actions that authorize them: a presigned POST is
# the browser's PutObject under the role's signature; HeadObject is authorized as GetObject
# (plus ListBucket, for a 404 rather than a 403); a copy reads its source and writes its target.
S3_ACTIONS = {
    "generate_presigned_post": {"s3:PutObject"},
    "head_object": {"s3:GetObject", "s3:ListBucket"},
    "copy_object": {"s3:GetObject", "s3:PutObject"},
    "delete_object": {"s3:DeleteObject"},
}


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return translate(parameters=CREATED_POOL_WITH_DOMAIN)


def _one(cfn: dict[str, Any], type_: str) -> dict[str, Any]:
    (resource,) = resources_of_type(cfn, type_=type_).values()
    return resource


def _function(cfn: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = _one(cfn, "AWS::Lambda::Function")["Properties"]
    return properties


def test_parameters_conditions_and_rules(cfn: dict[str, Any]) -> None:
    parameters = cfn["Parameters"]
    assert set(parameters) >= {
        "Environment",
        "DomainName",
        "CertificateArn",
        "HostedZoneId",
        "CorsOrigins",
        "AlarmEmail",
        "CognitoUserPoolId",
        "CognitoClientId",
    }
    assert parameters["Environment"]["AllowedValues"] == ["dev", "staging", "prod"]
    # A first deploy into an empty account needs no certificate, zone or mailbox.
    for optional in ("DomainName", "CertificateArn", "HostedZoneId", "AlarmEmail"):
        assert parameters[optional]["Default"] == "", optional
    assert re.fullmatch(parameters["AlarmEmail"]["AllowedPattern"], "")
    assert re.fullmatch(parameters["AlarmEmail"]["AllowedPattern"], "ops@example.com")
    assert (
        parameters["CorsOrigins"]["Default"] == "https://patrickcmd.dev,https://www.patrickcmd.dev"
    )
    assert (
        parameters["CognitoUserPoolId"]["Default"] == parameters["CognitoClientId"]["Default"] == ""
    )
    assert set(cfn["Conditions"]) >= {"CreateUserPool", "HasDomain", "HasAlarmEmail"}
    assert set(cfn["Rules"]) == {
        "CognitoPoolAndClientTogether",
        "CustomDomainNeedsCertificateAndZone",
    }


def test_the_table_survives_stack_deletion_but_not_a_failed_first_create(
    cfn: dict[str, Any],
) -> None:
    table = cfn["Resources"]["PortfolioTable"]
    assert table["DeletionPolicy"] == "RetainExceptOnCreate"
    assert table["UpdateReplacePolicy"] == "Retain"
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert properties["SSESpecification"]["SSEEnabled"] is True


def test_salts_and_visitor_hashes_live_where_no_backup_can_bring_them_back(
    cfn: dict[str, Any],
) -> None:
    # GIVEN the table that holds salts, dedup records and sign-in counters
    table = cfn["Resources"]["EphemeralTable"]
    properties = table["Properties"]
    # THEN nothing restores it, every item can expire, and it goes with the stack
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is False
    assert properties["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Delete"
    assert properties["SSESpecification"]["SSEEnabled"] is True
    assert {"Key": "backup", "Value": "never"} in properties["Tags"]
    # AND no AWS Backup plan or vault is part of the stack
    assert not [r for r in cfn["Resources"].values() if r["Type"].startswith("AWS::Backup::")]


def test_the_function_runs_as_the_issue_asks(cfn: dict[str, Any]) -> None:
    function = _function(cfn)
    assert function["Runtime"] == "python3.12"
    assert function["Architectures"] == ["arm64"]
    assert function["MemorySize"] == 1024
    # API Gateway gives up on an integration after 29 s: the function must stop first.
    assert function["Timeout"] < 29
    assert function["TracingConfig"] == {"Mode": "Active"}
    log_group = function["LoggingConfig"]["LogGroup"]["Ref"]
    retention = cfn["Resources"][log_group]["Properties"]["RetentionInDays"]
    assert retention == {
        "Fn::FindInMap": ["EnvironmentConfig", {"Ref": "Environment"}, "LogRetentionDays"]
    }
    days = {
        env: row["LogRetentionDays"] for env, row in cfn["Mappings"]["EnvironmentConfig"].items()
    }
    assert set(days) == {"dev", "staging", "prod"}
    assert days["prod"] >= max(days.values())


def _versions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return resources_of_type(template, type_="AWS::Lambda::Version")


def test_snapstart_is_a_parameter_off_by_default(cfn: dict[str, Any]) -> None:
    # GIVEN the SnapStart parameter
    parameter = cfn["Parameters"]["SnapStart"]
    # THEN it takes Lambda's own two values, off unless a deploy asks: a snapshot is billed
    assert parameter["AllowedValues"] == ["PublishedVersions", "None"]
    assert parameter["Default"] == "None"
    # AND the function applies exactly what it says
    assert _function(cfn)["SnapStart"] == {"ApplyOn": {"Ref": "SnapStart"}}


def test_the_api_invokes_the_live_alias_of_a_published_version(cfn: dict[str, Any]) -> None:
    """SnapStart restores published versions only; $LATEST would never use the snapshot."""
    # GIVEN the alias SAM publishes for the function
    (alias,) = resources_of_type(cfn, type_="AWS::Lambda::Alias").values()
    (version_id,) = _versions(cfn)
    assert alias["Properties"]["Name"] == "live"
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version_id, "Version"]}
    # THEN every operation of the gateway invokes that alias, never the function itself
    integrations = [
        operation["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
        for path in gateway_body(cfn)["paths"].values()
        for operation in path.values()
    ]
    assert integrations
    assert {uri.split("/functions/")[1] for uri in integrations} == {
        "${ApiFunctionAliaslive}/invocations"
    }


def test_make_deploys_version_key_names_the_version_the_alias_serves(cfn: dict[str, Any]) -> None:
    """SAM's version hash never sees parameter values: make deploy's VersionKey carries them."""
    # GIVEN the template translated with SnapStart on, and with a key as make deploy passes it
    snapstart = translate(parameters=CREATED_POOL_WITH_DOMAIN | {"SnapStart": "PublishedVersions"})
    keyed = translate(parameters=CREATED_POOL_WITH_DOMAIN | {"VersionKey": "0a1b2c3d4e5f6a7b"})
    # THEN SnapStart alone names no new version (CloudFormation resolves its Ref only later)
    assert set(_versions(snapstart)) == set(_versions(cfn))
    # AND the key does, so make deploy publishes one whenever code, template or a parameter moves
    assert set(_versions(keyed)) == {"ApiFunctionVersion0a1b2c3d4e"}
    assert cfn["Parameters"]["VersionKey"]["Default"] == ""


def test_every_setting_is_set_by_the_template_or_local_only(cfn: dict[str, Any]) -> None:
    # GIVEN every field of Settings, by its environment variable name
    settings = {name.upper() for name in Settings.model_fields}
    # WHEN the function's environment is read
    env: dict[str, Any] = _function(cfn)["Environment"]["Variables"]
    # THEN each setting is set there, or deliberately left to the local stack or to Lambda
    assert settings - set(env) - LOCAL_ONLY_SETTINGS - SET_BY_LAMBDA == set()
    assert set(env) & (LOCAL_ONLY_SETTINGS | SET_BY_LAMBDA) == set()
    assert {name: env[name] for name in LOCAL_OVERRIDES} == dict.fromkeys(LOCAL_OVERRIDES, "")
    assert {name for name in env if name not in settings} == {
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
    }
    assert (env["POWERTOOLS_SERVICE_NAME"], env["POWERTOOLS_METRICS_NAMESPACE"]) == (
        SERVICE,
        NAMESPACE,
    )
    assert env["CORS_ORIGINS"] == {"Ref": "CorsOrigins"}
    assert env["TRUSTED_PROXY_HOPS"] == "0"
    assert env["COGNITO_USER_POOL_ID"]["Fn::If"][0] == "CreateUserPool"
    assert env["COGNITO_CLIENT_ID"]["Fn::If"][0] == "CreateUserPool"


def _client_calls() -> set[str]:
    """Methods called on a boto3 client in the repositories: `self._client.x(` or `client.x(`,
    and the operation a paginator pages through: `client.get_paginator("query")`."""
    calls: set[str] = set()
    for path in REPOSITORIES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            if (isinstance(owner, ast.Name) and owner.id == "client") or (
                isinstance(owner, ast.Attribute) and owner.attr == "_client"
            ):
                paged = node.func.attr == "get_paginator" and node.args
                first = node.args[0] if paged else None
                named = first.value if isinstance(first, ast.Constant) else None
                calls.add(named if isinstance(named, str) else node.func.attr)
    return calls


def _operations(service: str) -> dict[str, str]:
    """snake_case client method -> API operation name, from botocore's bundled model."""
    model = get_session().get_service_model(service)
    return {xform_name(name): name for name in model.operation_names}


def _granted(cfn: dict[str, Any]) -> list[dict[str, Any]]:
    role = cfn["Resources"][_function(cfn)["Role"]["Fn::GetAtt"][0]]["Properties"]
    return [
        statement
        for policy in role["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
    ]


def _actions(statement: dict[str, Any]) -> set[str]:
    action = statement["Action"]
    return {action} if isinstance(action, str) else set(action)


def test_the_role_grants_exactly_the_calls_the_code_makes(cfn: dict[str, Any]) -> None:
    # GIVEN the client calls in the repositories, as DynamoDB and Cognito operations
    calls = _client_calls()
    dynamodb, cognito = _operations("dynamodb"), _operations("cognito-idp")
    storage = set().union(*(S3_ACTIONS[call] for call in calls if call in S3_ACTIONS))
    calls -= set(S3_ACTIONS)
    assert calls - set(dynamodb) - set(cognito) == set(), "a call of another AWS client"
    used = {dynamodb[call] for call in calls if call in dynamodb}
    assert {"GetItem", "Query", "TransactWriteItems"} <= used
    needed = used - {"TransactWriteItems"} | TRANSACTION_STEPS
    signing_out = {cognito[call] for call in calls if call in cognito} - PUBLIC_COGNITO_CALLS
    # WHEN the function role's inline statements are read
    statements = {statement["Sid"]: statement for statement in _granted(cfn)}
    granted = set().union(*(_actions(statement) for statement in statements.values()))
    # THEN they grant those actions, no Scan, no wildcard, nothing else
    assert granted == {f"dynamodb:{op}" for op in needed} | storage | {
        f"cognito-idp:{op}" for op in signing_out
    }
    assert "dynamodb:Scan" not in granted
    assert not any(action.endswith("*") for action in granted)
    assert set(statements) == {
        "PortfolioTable",
        "EphemeralTable",
        "SignOut",
        "MediaUploads",
        "MediaFiles",
        "MediaListing",
    }
    assert statements["PortfolioTable"]["Resource"] == [
        {"Fn::GetAtt": ["PortfolioTable", "Arn"]},
        {"Fn::Sub": "${PortfolioTable.Arn}/index/*"},
    ]
    # AND the ephemeral table, which has no index, is only read and written item by item
    assert statements["EphemeralTable"]["Resource"] == {"Fn::GetAtt": ["EphemeralTable", "Arn"]}
    assert _actions(statements["EphemeralTable"]) <= {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
    }
    assert statements["SignOut"]["Resource"]["Fn::If"][:2] == [
        "CreateUserPool",
        {"Fn::GetAtt": ["UserPool", "Arn"]},
    ]


def test_the_function_touches_media_on_its_two_prefixes_only(cfn: dict[str, Any]) -> None:
    # GIVEN the function role's media statements
    statements = {statement["Sid"]: statement for statement in _granted(cfn)}
    # THEN objects only under uploads/ and media/, reading media/ being CloudFront's alone
    assert statements["MediaUploads"]["Resource"] == {"Fn::Sub": "${MediaBucket.Arn}/uploads/*"}
    assert _actions(statements["MediaUploads"]) == {
        "s3:PutObject",
        "s3:GetObject",
        "s3:DeleteObject",
    }
    assert statements["MediaFiles"]["Resource"] == {"Fn::Sub": "${MediaBucket.Arn}/media/*"}
    assert _actions(statements["MediaFiles"]) == {"s3:PutObject", "s3:DeleteObject"}
    # AND the bucket itself only for ListBucket, which turns an absent upload's 403 into a 404
    assert statements["MediaListing"] == {
        "Sid": "MediaListing",
        "Effect": "Allow",
        "Action": "s3:ListBucket",
        "Resource": {"Fn::GetAtt": ["MediaBucket", "Arn"]},
    }


def test_the_media_bucket_is_private_encrypted_and_expires_unfinished_uploads(
    cfn: dict[str, Any],
) -> None:
    # GIVEN the media bucket
    bucket = _one(cfn, "AWS::S3::Bucket")
    properties = bucket["Properties"]
    # THEN every public access is blocked, objects are the bucket owner's, and encrypted
    assert set(properties["PublicAccessBlockConfiguration"].values()) == {True}
    assert len(properties["PublicAccessBlockConfiguration"]) == 4
    assert properties["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    (encryption,) = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    # AND uploads never completed expire after a day, completed files never
    (rule,) = properties["LifecycleConfiguration"]["Rules"]
    assert (rule["Status"], rule["Prefix"], rule["ExpirationInDays"]) == ("Enabled", "uploads/", 1)
    # AND browsers may POST from the site's origins, the API's own CORS parameter
    (cors,) = properties["CorsConfiguration"]["CorsRules"]
    assert cors["AllowedMethods"] == ["POST"]
    assert cors["AllowedOrigins"] == {"Fn::Split": [",", {"Ref": "CorsOrigins"}]}
    # AND the files outlive the stack, as the posts that link to them do
    assert bucket["DeletionPolicy"] == "RetainExceptOnCreate"


def test_cloudfront_alone_reads_media_through_origin_access_control_over_tls(
    cfn: dict[str, Any],
) -> None:
    # GIVEN the bucket's policy and the distribution in front of it
    policy = _one(cfn, "AWS::S3::BucketPolicy")["Properties"]["PolicyDocument"]
    statements = {statement["Sid"]: statement for statement in policy["Statement"]}
    distribution = _one(cfn, "AWS::CloudFront::Distribution")["Properties"]["DistributionConfig"]
    # THEN any call without TLS is denied, on the bucket and every object
    tls = statements["TlsOnly"]
    assert (tls["Effect"], tls["Principal"], tls["Action"]) == ("Deny", "*", "s3:*")
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert len(tls["Resource"]) == 2
    # AND CloudFront's service principal reads media/ only, for this distribution alone
    reads = statements["CloudFrontReadsMedia"]
    assert reads["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert (reads["Action"], reads["Resource"]) == (
        "s3:GetObject",
        {"Fn::Sub": "${MediaBucket.Arn}/media/*"},
    )
    source = reads["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert source.endswith(":distribution/${MediaDistribution}")
    # AND the distribution signs with OAC (no legacy OAI), HTTPS only, and names the app's URL
    (origin,) = distribution["Origins"]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["MediaOriginAccessControl", "Id"]}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    oac = _one(cfn, "AWS::CloudFront::OriginAccessControl")["Properties"]
    assert oac["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    assert distribution["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    env = _function(cfn)["Environment"]["Variables"]
    assert env["MEDIA_BASE_URL"] == {"Fn::Sub": "https://${MediaDistribution.DomainName}"}
    assert env["MEDIA_BUCKET_NAME"] == {"Ref": "MediaBucket"}


def test_the_stack_makes_a_locked_down_pool_only_when_given_none(cfn: dict[str, Any]) -> None:
    cognito = {
        name: resource
        for name, resource in cfn["Resources"].items()
        if resource["Type"].startswith("AWS::Cognito::")
    }
    assert {resource["Type"] for resource in cognito.values()} == {
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolClient",
        "AWS::Cognito::UserPoolGroup",
    }
    assert {resource.get("Condition") for resource in cognito.values()} == {"CreateUserPool"}
    # Kept when the stack goes, gone when the first create fails (so a retry starts clean);
    # deletion protection would turn that failed create into ROLLBACK_FAILED.
    pool_resource = _one(cfn, "AWS::Cognito::UserPool")
    assert pool_resource["DeletionPolicy"] == "RetainExceptOnCreate"
    pool = pool_resource["Properties"]
    assert "DeletionProtection" not in pool
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["UsernameAttributes"] == pool["AutoVerifiedAttributes"] == ["email"]
    password = pool["Policies"]["PasswordPolicy"]
    assert password["MinimumLength"] >= 12
    assert all(
        password[rule]
        for rule in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols")
    )
    assert (pool["MfaConfiguration"], pool["EnabledMfas"]) == ("OPTIONAL", ["SOFTWARE_TOKEN_MFA"])
    assert _one(cfn, "AWS::Cognito::UserPoolGroup")["Properties"]["GroupName"] == "owner"
    client = _one(cfn, "AWS::Cognito::UserPoolClient")["Properties"]
    assert client["ExplicitAuthFlows"] == ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    assert client["GenerateSecret"] is False
    assert (client["PreventUserExistenceErrors"], client["EnableTokenRevocation"]) == (
        "ENABLED",
        True,
    )
    assert {"email", "email_verified", "name"} <= set(client["ReadAttributes"])
    assert (client["IdTokenValidity"], client["TokenValidityUnits"]["IdToken"]) == (60, "minutes")
    assert (client["RefreshTokenValidity"], client["TokenValidityUnits"]["RefreshToken"]) == (
        30,
        "days",
    )


def _alarm_metrics(alarm: dict[str, Any]) -> set[str]:
    if "MetricName" in alarm:
        return {f"{alarm['Namespace']}/{alarm['MetricName']}"}
    stats = [query["MetricStat"]["Metric"] for query in alarm["Metrics"] if "MetricStat" in query]
    return {f"{metric['Namespace']}/{metric['MetricName']}" for metric in stats}


def _alarms(cfn: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: alarm["Properties"]
        for name, alarm in resources_of_type(cfn, type_="AWS::CloudWatch::Alarm").items()
    }


@pytest.mark.parametrize(
    ("metrics", "threshold"),
    [
        ({"AWS/Lambda/Duration", "AWS/Lambda/Invocations"}, 10_000),
        ({"AWS/Lambda/Errors", "AWS/Lambda/Invocations"}, 5),
        ({"AWS/Lambda/Throttles"}, 0),
        ({"AWS/ApiGateway/4XXError", "AWS/ApiGateway/Count"}, 20),
        ({"AWS/ApiGateway/5XXError", "AWS/ApiGateway/Count"}, 5),
        ({"AWS/ApiGateway/Latency", "AWS/ApiGateway/Count"}, 2000),
        ({"AWS/DynamoDB/ReadThrottleEvents", "AWS/DynamoDB/WriteThrottleEvents"}, 0),
    ],
)
def test_each_alarm_of_the_issue_exists_and_notifies(
    cfn: dict[str, Any], metrics: set[str], threshold: float
) -> None:
    (alarm,) = [a for a in _alarms(cfn).values() if _alarm_metrics(a) == metrics]
    assert alarm["Threshold"] == threshold
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["TreatMissingData"] == "notBreaching"
    (topic,) = resources_of_type(cfn, type_="AWS::SNS::Topic")
    assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": topic}]


QUIET = 11  # requests in five minutes at the traffic docs/DEPLOYMENT.md estimates
# (alarm, periods that must alarm nobody, periods that must alarm), oldest period first.
ALARM_CASES = {
    "Api4xxAlarm": (
        [{"Count": QUIET, "4XXError": 1}] * 3 + [{"Count": QUIET, "4XXError": QUIET}],
        [{"Count": 200, "4XXError": 90}] * 2,
    ),
    "Api5xxAlarm": ([{"Count": QUIET, "5XXError": 1}], [{"Count": 40, "5XXError": 8}]),
    "ApiLatencyAlarm": (
        [{"Count": QUIET, "Latency": 9000}] * 3
        + [{"Count": 300, "Latency": 2500}, {"Count": 300, "Latency": 300}],
        [{"Count": 300, "Latency": 2500}] * 2,
    ),
    "LambdaErrorRateAlarm": (
        [{"Invocations": QUIET, "Errors": 1}],
        [{"Invocations": 40, "Errors": 6}],
    ),
    "LambdaDurationAlarm": (
        [{"Invocations": QUIET, "Duration": 12_000}] * 3,
        [{"Invocations": 100, "Duration": 12_000}] * 2,
    ),
}


def _rate_alarms(cfn: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Alarms on a ratio or a percentile: one odd request can move those."""
    return {
        name: alarm
        for name, alarm in _alarms(cfn).items()
        if any(
            "/" in query.get("Expression", "")
            or str(query.get("MetricStat", {}).get("Stat", "")).startswith("p")
            for query in alarm.get("Metrics", [])
        )
        or str(alarm.get("ExtendedStatistic", "")).startswith("p")
    }


def test_every_rate_alarm_has_a_volume_guard_or_needs_several_periods(cfn: dict[str, Any]) -> None:
    # GIVEN every alarm on a ratio or a percentile
    rates = _rate_alarms(cfn)
    assert set(rates) == set(ALARM_CASES)
    for name, alarm in rates.items():
        (expression,) = [q["Expression"] for q in alarm["Metrics"] if q.get("ReturnData")]
        guarded = re.match(r"IF\(\w+ >= (\d+), ", expression)
        several = int(alarm.get("DatapointsToAlarm", alarm["EvaluationPeriods"])) >= 2
        # THEN it ignores thin periods, or waits for two bad ones
        assert (guarded and int(guarded.group(1)) >= 3) or several, name


@pytest.mark.parametrize("name", sorted(ALARM_CASES))
def test_one_odd_request_alarms_nobody_and_a_real_burst_does(
    cfn: dict[str, Any], name: str
) -> None:
    # GIVEN the alarm as deployed, and a quiet site's traffic with one 404, 503 or slow call
    alarm = _alarms(cfn)[name]
    quiet, burst = ALARM_CASES[name]
    # WHEN each is replayed through the alarm's own expression
    # THEN the odd request alarms nobody, and a real burst does
    assert fires(alarm, quiet) is False
    assert fires(alarm, burst) is True


def test_each_alarm_expression_is_written_down_in_the_deployment_guide(
    cfn: dict[str, Any],
) -> None:
    guide = (REPO_ROOT / "docs" / "DEPLOYMENT.md").read_text()
    for name, alarm in _alarms(cfn).items():
        assert name in guide
        for query in alarm.get("Metrics", []):
            if query.get("ReturnData") and "(" in query["Expression"]:
                assert f"`{query['Expression']}`" in guide, name


def test_alarms_go_to_the_alarm_email_when_one_is_given(cfn: dict[str, Any]) -> None:
    topic = _one(cfn, "AWS::SNS::Topic")["Properties"]
    assert topic["Subscription"] == {
        "Fn::If": [
            "HasAlarmEmail",
            [{"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}],
            {"Ref": "AWS::NoValue"},
        ]
    }


def test_the_throttle_alarm_watches_both_tables_and_each_index(cfn: dict[str, Any]) -> None:
    (alarm,) = [
        resource["Properties"]
        for resource in resources_of_type(cfn, type_="AWS::CloudWatch::Alarm").values()
        if "AWS/DynamoDB/ReadThrottleEvents" in _alarm_metrics(resource["Properties"])
    ]
    tables = resources_of_type(cfn, type_="AWS::DynamoDB::Table")
    indexes = {
        index["IndexName"]
        for table in tables.values()
        for index in table["Properties"].get("GlobalSecondaryIndexes", [])
    }
    dimensions = [
        {
            dimension["Name"]: dimension["Value"]
            for dimension in query["MetricStat"]["Metric"]["Dimensions"]
        }
        for query in alarm["Metrics"]
        if "MetricStat" in query
    ]
    watched_indexes = {d["GlobalSecondaryIndexName"] for d in dimensions if len(d) == 2}
    watched_tables = {d["TableName"]["Ref"] for d in dimensions if len(d) == 1}
    assert watched_indexes == indexes == {"GSI1", "GSI2"}
    assert watched_tables == set(tables)


def _dashboard_rows(cfn: dict[str, Any]) -> list[list[str]]:
    """Each metric row of the dashboard, with the `"."` shorthand spelt out."""
    body = _one(cfn, "AWS::CloudWatch::Dashboard")["Properties"]["DashboardBody"]["Fn::Sub"]
    rows: list[list[str]] = []
    for widget in json.loads(body)["widgets"]:
        previous: list[str] = []
        for row in widget["properties"]["metrics"]:
            names = [part for part in row if isinstance(part, str)]
            full = [previous[i] if part == "." else part for i, part in enumerate(names)]
            rows.append(full)
            previous = full
    return rows


def test_the_dashboard_draws_every_business_metric(cfn: dict[str, Any]) -> None:
    # GIVEN the metrics the app emits, as core.metrics names them
    # WHEN the dashboard's metric rows are read
    rows = _dashboard_rows(cfn)
    # THEN each is drawn in the app's namespace, with the dimensions Powertools writes
    for metric in BusinessMetric:
        assert [
            NAMESPACE,
            metric.value,
            "service",
            SERVICE,
            "environment",
            "${Environment}",
        ] in rows
    assert {row[1] for row in rows if row[0] == "AWS/ApiGateway"} >= {
        "4XXError",
        "5XXError",
        "Latency",
    }
    assert {row[1] for row in rows if row[0] == "AWS/Lambda"} >= {"Errors", "Throttles", "Duration"}


def _stage(cfn: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = _one(cfn, "AWS::ApiGateway::Stage")["Properties"]
    return properties


def test_one_regional_stage_named_after_the_environment_and_never_traced(
    cfn: dict[str, Any],
) -> None:
    stage = _stage(cfn)
    assert stage["StageName"] == {"Ref": "Environment"}
    # API Gateway's X-Ray segments keep each caller's IP and User-Agent for 30 days.
    assert stage.get("TracingEnabled", False) is False
    api = _one(cfn, "AWS::ApiGateway::RestApi")["Properties"]
    assert api["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert api["Name"] == {"Fn::Sub": "portfolio-api-${Environment}"}


def test_the_gateway_compresses_answers_from_one_kilobyte(cfn: dict[str, Any]) -> None:
    # GIVEN the translated REST API
    api = _one(cfn, "AWS::ApiGateway::RestApi")["Properties"]
    # THEN a client that accepts gzip gets any answer over 1 KB compressed (issue 13)
    assert api["MinimumCompressionSize"] == 1024


def test_access_logs_hold_no_caller_identity_and_no_body(cfn: dict[str, Any]) -> None:
    setting = _stage(cfn)["AccessLogSetting"]
    log_format = setting["Format"]
    fields = json.loads(log_format)
    assert {"requestId", "time", "httpMethod", "resourcePath", "status", "responseLatency"} <= set(
        fields
    )
    assert {"protocol", "responseLength", "integrationError"} <= set(fields)
    assert "$context.identity" not in log_format
    assert not re.search(r"sourceIp|userAgent|body", log_format, re.IGNORECASE)
    # The route's template alone: a preview link's token travels in the path itself.
    assert "$context.path" not in log_format
    log_group = setting["DestinationArn"]["Fn::GetAtt"][0]
    assert "RetentionInDays" in cfn["Resources"][log_group]["Properties"]
    assert all(entry["DataTraceEnabled"] is False for entry in _stage(cfn)["MethodSettings"])
    assert {entry["LoggingLevel"] for entry in _stage(cfn)["MethodSettings"]} <= {"ERROR", "OFF"}


def test_no_stack_owns_the_regions_api_gateway_logging_role(cfn: dict[str, Any]) -> None:
    """One setting per region: a stack that set it would overwrite the other environments'."""
    assert resources_of_type(cfn, type_="AWS::ApiGateway::Account") == {}
    roles = resources_of_type(cfn, type_="AWS::IAM::Role").values()
    trusted = [
        statement["Principal"].get("Service")
        for role in roles
        for statement in role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    ]
    assert "apigateway.amazonaws.com" not in trusted


def test_gateway_errors_carry_cors_and_the_error_envelope(cfn: dict[str, Any]) -> None:
    responses = gateway_body(cfn)["x-amazon-apigateway-gateway-responses"]
    assert set(responses) >= {
        "DEFAULT_4XX",
        "DEFAULT_5XX",
        "UNAUTHORIZED",
        "ACCESS_DENIED",
        "THROTTLED",
    }
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "404"
    for kind, response in responses.items():
        assert (
            response["responseParameters"]["gatewayresponse.header.Access-Control-Allow-Origin"]
            == "'*'"
        )
        rendered = response["responseTemplates"]["application/json"].replace(
            "$context.error.messageString", '"a message"'
        )
        envelope = json.loads(rendered)
        assert {"error", "message", "details"} <= set(envelope), kind
        if "statusCode" in response:
            assert envelope["statusCode"] == int(response["statusCode"])


def _decoded(resource_path: str) -> str:
    """MethodSettings name a path JSON-pointer style: `/` + the path with each `/` as `~1`."""
    return resource_path.removeprefix("/").replace("~1", "/").replace("~0", "~")


def test_tracking_is_throttled_harder_and_sign_in_is_no_shared_lockout(
    cfn: dict[str, Any],
) -> None:
    # GIVEN the stage's method settings and the gateway's routes
    settings = _stage(cfn)["MethodSettings"]
    paths = gateway_body(cfn)["paths"]
    (default,) = [s for s in settings if (s["ResourcePath"], s["HttpMethod"]) == ("/*", "*")]
    specific = {
        (s["HttpMethod"], _decoded(s["ResourcePath"])): s for s in settings if s is not default
    }
    # THEN each specific entry names a real route, and the anonymous writes are stricter
    for method, path in specific:
        assert method.lower() in paths.get(path, {}), f"{method} {path} is no gateway route"
    for route in [("POST", "/v1/visitors/track"), ("POST", "/v1/analytics/track")]:
        assert specific[route]["ThrottlingRateLimit"] < default["ThrottlingRateLimit"]
        assert specific[route]["ThrottlingBurstLimit"] < default["ThrottlingBurstLimit"]
    # AND sign-in keeps the default bucket: a low one, shared by all, lets one client lock the
    # owner out; the app refuses a client's repeated failures by itself
    assert ("POST", "/v1/auth/login") not in specific
    assert default["ThrottlingRateLimit"] >= 20


def test_the_custom_domain_exists_only_with_a_domain_name(cfn: dict[str, Any]) -> None:
    domain_types = {
        "AWS::ApiGateway::DomainName",
        "AWS::ApiGateway::BasePathMapping",
        "AWS::Route53::RecordSet",
    }
    domain = {n: r for n, r in cfn["Resources"].items() if r["Type"] in domain_types}
    assert {r["Type"] for r in domain.values()} == domain_types
    assert {r.get("Condition") for r in domain.values()} == {"HasDomain"}
    name = _one(cfn, "AWS::ApiGateway::DomainName")["Properties"]
    # The AAAA alias needs a domain that answers on IPv6.
    assert name["EndpointConfiguration"] == {"Types": ["REGIONAL"], "IpAddressType": "dualstack"}
    assert name["SecurityPolicy"] == "TLS_1_2"
    mapping = _one(cfn, "AWS::ApiGateway::BasePathMapping")["Properties"]
    assert "BasePath" not in mapping
    (stage,) = resources_of_type(cfn, type_="AWS::ApiGateway::Stage")
    assert mapping["Stage"] == {"Ref": stage}
    records = [
        r["Properties"] for r in resources_of_type(cfn, type_="AWS::Route53::RecordSet").values()
    ]
    assert sorted(record["Type"] for record in records) == ["A", "AAAA"]


def test_outputs(cfn: dict[str, Any]) -> None:
    outputs = cfn["Outputs"]
    assert set(outputs) >= {
        "ApiUrl",
        "CustomDomainUrl",
        "UserPoolId",
        "UserPoolClientId",
        "TableName",
    }
    assert outputs["ApiUrl"]["Value"]["Fn::Sub"].endswith("/${Environment}/v1")
    assert outputs["CustomDomainUrl"]["Condition"] == "HasDomain"


def _invoke_permissions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return resources_of_type(template, type_="AWS::Lambda::Permission")


def test_one_permission_lets_this_api_alone_invoke_the_function(cfn: dict[str, Any]) -> None:
    (permission,) = _invoke_permissions(cfn).values()
    properties = permission["Properties"]
    assert properties["Principal"] == "apigateway.amazonaws.com"
    assert properties["FunctionName"] == {"Ref": "ApiFunctionAliaslive"}
    assert properties["SourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}"
        ":${PortfolioApi}/*"
    }


def test_the_functions_resource_policy_does_not_grow_with_routes(
    cfn: dict[str, Any], tmp_path: Path
) -> None:
    """Lambda caps a function's resource policy at 20 KB; SAM adds a statement per Api event."""
    # GIVEN a copy of the template with 40 more routes
    text = TEMPLATE.read_text()
    operation = next(line for line in text.splitlines() if line.startswith("            get: "))
    extra = "".join(f"          /v1/extra{n}:\n{operation}\n" for n in range(40))
    grown = tmp_path / "template.yaml"
    grown.write_text(text.replace("        paths:\n", "        paths:\n" + extra, 1))
    # WHEN both are translated
    larger = translate(template=grown, parameters=CREATED_POOL_WITH_DOMAIN)
    # THEN the copy routes more, and the function's permissions are the very same
    assert len(gateway_body(larger)["paths"]) == len(gateway_body(cfn)["paths"]) + 40
    assert _invoke_permissions(larger) == _invoke_permissions(cfn)


def test_samconfig_deploys_three_environments(cfn: dict[str, Any]) -> None:
    # GIVEN samconfig.toml
    config = tomllib.loads((REPO_ROOT / "samconfig.toml").read_text())
    # THEN it has a section per environment, and default only for commands without --config-env
    assert set(config) - {"version"} == {"default", *ENVIRONMENTS}
    assert set(config["default"]) == {"validate", "build"}
    assert config["default"]["validate"]["parameters"]["lint"] is True
    assert config["default"]["build"]["parameters"]["cached"] is False
    for environment in ENVIRONMENTS:
        # AND each deploys its own stack, with overrides that name template parameters only
        assert config[environment]["global"]["parameters"] == {
            "stack_name": f"portfolio-api-{environment}",
            "region": "us-east-1",
        }
        deploy = config[environment]["deploy"]["parameters"]
        assert (deploy["capabilities"], deploy["confirm_changeset"], deploy["resolve_s3"]) == (
            "CAPABILITY_IAM",
            True,
            True,
        )
        overrides = parse_overrides(deploy["parameter_overrides"])
        assert overrides["Environment"] == environment
        assert set(overrides) <= set(cfn["Parameters"])
        # AND only prod has a custom domain
        assert overrides.get("DomainName", "") == (
            "api.patrickcmd.dev" if environment == "prod" else ""
        )


def test_sam_local_env_file_overrides_only_what_the_function_declares(
    cfn: dict[str, Any], tmp_path: Path
) -> None:
    # GIVEN the env file that make sam-local writes for `sam local start-api --env-vars`
    state = {
        "dynamodbUrl": "http://127.0.0.1:8001",
        "cognitoUrl": "http://127.0.0.1:8002",
        "tableName": "portfolio-local",
        "userPoolId": "us-east-1_Local",
        "clientId": "client",
        "region": "us-east-1",
    }
    reach = docker_reach(platform="darwin")
    variables = function_environment(state, reach=reach, declared=declared_variables())
    write_env_file(tmp_path / "env.json", variables=variables)
    overrides = json.loads((tmp_path / "env.json").read_text())
    # THEN it names the function, and only variables SAM's translation declares: SAM ignores others
    assert set(overrides) == {"ApiFunction"}
    declared = set(_function(cfn)["Environment"]["Variables"])
    assert set(overrides["ApiFunction"]) <= declared
    # AND it sets every local override, and the pool, table and client the app requires
    assert set(overrides["ApiFunction"]) >= LOCAL_OVERRIDES | REQUIRED_LOCALLY
    for name in LOCAL_OVERRIDES:
        assert overrides["ApiFunction"][name].startswith("http://host.docker.internal:")
