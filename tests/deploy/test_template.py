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
from tests.helpers.sam import CREATED_POOL_WITH_DOMAIN, gateway_body, resources_of_type, translate

REPOSITORIES = REPO_ROOT / "src" / "portfolio_api" / "repositories"
# Declared empty, so that make sam-local's `--env-vars` file may point them at make dev.
LOCAL_OVERRIDES = frozenset({"DYNAMODB_ENDPOINT_URL", "COGNITO_ENDPOINT_URL", "COGNITO_JWKS_URL"})
LOCAL_ONLY_SETTINGS = frozenset({"COGNITO_REGION"})
ENVIRONMENTS = ("dev", "staging", "prod")
REQUIRED_LOCALLY = frozenset({"DYNAMODB_TABLE_NAME", "COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID"})
SET_BY_LAMBDA = frozenset({"AWS_REGION"})
# TransactWriteItems has no IAM action: each of its steps is authorized as its item action.
TRANSACTION_STEPS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"})
# Cognito APIs that authenticate with the user's own credentials, not the function's role.
PUBLIC_COGNITO_CALLS = frozenset({"InitiateAuth", "RespondToAuthChallenge", "GetUser"})
LAMBDA_POLICY_LIMIT_BYTES = 20_480
MANAGED_POLICY = "arn:${AWS::Partition}:iam::aws:policy/service-role/"


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
    assert parameters["DomainName"]["Default"] == "api.patrickcmd.dev"
    assert (
        parameters["CorsOrigins"]["Default"] == "https://patrickcmd.dev,https://www.patrickcmd.dev"
    )
    assert (
        parameters["CognitoUserPoolId"]["Default"] == parameters["CognitoClientId"]["Default"] == ""
    )
    assert set(cfn["Conditions"]) >= {"CreateUserPool", "HasDomain"}
    assert set(cfn["Rules"]) == {
        "CognitoPoolAndClientTogether",
        "CustomDomainNeedsCertificateAndZone",
    }


def test_the_table_survives_stack_deletion_and_replacement(cfn: dict[str, Any]) -> None:
    table = _one(cfn, "AWS::DynamoDB::Table")
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert properties["SSESpecification"]["SSEEnabled"] is True


def test_the_function_runs_as_the_issue_asks(cfn: dict[str, Any]) -> None:
    function = _function(cfn)
    assert function["Runtime"] == "python3.12"
    assert function["Architectures"] == ["arm64"]
    assert (function["MemorySize"], function["Timeout"]) == (1024, 30)
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
    """Methods called on a boto3 client in the repositories: `self._client.x(` or `client.x(`."""
    calls: set[str] = set()
    for path in REPOSITORIES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner = node.func.value
            if (isinstance(owner, ast.Name) and owner.id == "client") or (
                isinstance(owner, ast.Attribute) and owner.attr == "_client"
            ):
                calls.add(node.func.attr)
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
    assert calls - set(dynamodb) - set(cognito) == set(), "a call of another AWS client"
    used = {dynamodb[call] for call in calls if call in dynamodb}
    assert {"GetItem", "Query", "TransactWriteItems"} <= used
    needed = used - {"TransactWriteItems"} | TRANSACTION_STEPS
    signing_out = {cognito[call] for call in calls if call in cognito} - PUBLIC_COGNITO_CALLS
    # WHEN the function role's inline statements are read
    statements = _granted(cfn)
    granted = set().union(*(_actions(statement) for statement in statements))
    # THEN they grant those actions, no Scan, no wildcard, nothing else
    assert granted == {f"dynamodb:{op}" for op in needed} | {
        f"cognito-idp:{op}" for op in signing_out
    }
    assert "dynamodb:Scan" not in granted
    assert not any(action.endswith("*") for action in granted)
    (table,) = [s for s in statements if any(a.startswith("dynamodb:") for a in _actions(s))]
    assert table["Resource"] == [
        {"Fn::GetAtt": ["PortfolioTable", "Arn"]},
        {"Fn::Sub": "${PortfolioTable.Arn}/index/*"},
    ]
    (sign_out,) = [s for s in statements if s is not table]
    assert sign_out["Resource"]["Fn::If"][:2] == [
        "CreateUserPool",
        {"Fn::GetAtt": ["UserPool", "Arn"]},
    ]


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
    pool = _one(cfn, "AWS::Cognito::UserPool")["Properties"]
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    assert pool["UsernameAttributes"] == pool["AutoVerifiedAttributes"] == ["email"]
    password = pool["Policies"]["PasswordPolicy"]
    assert password["MinimumLength"] >= 12
    assert all(
        password[rule]
        for rule in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols")
    )
    assert (pool["MfaConfiguration"], pool["EnabledMfas"]) == ("OPTIONAL", ["SOFTWARE_TOKEN_MFA"])
    assert pool["DeletionProtection"] == {"Fn::If": ["IsProd", "ACTIVE", "INACTIVE"]}
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


@pytest.mark.parametrize(
    ("metrics", "threshold"),
    [
        ({"AWS/Lambda/Duration"}, 10_000),
        ({"AWS/Lambda/Errors", "AWS/Lambda/Invocations"}, 1),
        ({"AWS/Lambda/Throttles"}, 0),
        ({"AWS/ApiGateway/4XXError"}, 0.05),
        ({"AWS/ApiGateway/5XXError"}, 0.01),
        ({"AWS/ApiGateway/Latency"}, 2000),
        ({"AWS/DynamoDB/ReadThrottleEvents", "AWS/DynamoDB/WriteThrottleEvents"}, 0),
    ],
)
def test_each_alarm_of_the_issue_exists_and_notifies(
    cfn: dict[str, Any], metrics: set[str], threshold: float
) -> None:
    alarms = [
        alarm["Properties"]
        for alarm in resources_of_type(cfn, type_="AWS::CloudWatch::Alarm").values()
        if _alarm_metrics(alarm["Properties"]) == metrics
    ]
    (alarm,) = alarms
    assert alarm["Threshold"] == threshold
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["TreatMissingData"] == "notBreaching"
    (topic,) = resources_of_type(cfn, type_="AWS::SNS::Topic")
    assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": topic}]


def test_alarms_go_to_the_alarm_email(cfn: dict[str, Any]) -> None:
    topic = _one(cfn, "AWS::SNS::Topic")["Properties"]
    assert topic["Subscription"] == [{"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}]


def test_the_throttle_alarm_watches_the_table_and_each_index(cfn: dict[str, Any]) -> None:
    (alarm,) = [
        resource["Properties"]
        for resource in resources_of_type(cfn, type_="AWS::CloudWatch::Alarm").values()
        if "AWS/DynamoDB/ReadThrottleEvents" in _alarm_metrics(resource["Properties"])
    ]
    indexes = {
        index["IndexName"]
        for index in _one(cfn, "AWS::DynamoDB::Table")["Properties"]["GlobalSecondaryIndexes"]
    }
    watched = {
        dimension["Value"]
        for query in alarm["Metrics"]
        if "MetricStat" in query
        for dimension in query["MetricStat"]["Metric"]["Dimensions"]
        if dimension["Name"] == "GlobalSecondaryIndexName"
    }
    assert watched == indexes


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


def test_one_regional_traced_stage_named_after_the_environment(cfn: dict[str, Any]) -> None:
    stage = _stage(cfn)
    assert stage["StageName"] == {"Ref": "Environment"}
    assert stage["TracingEnabled"] is True
    api = _one(cfn, "AWS::ApiGateway::RestApi")["Properties"]
    assert api["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert api["Name"] == {"Fn::Sub": "portfolio-api-${Environment}"}


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
    log_group = setting["DestinationArn"]["Fn::GetAtt"][0]
    assert "RetentionInDays" in cfn["Resources"][log_group]["Properties"]
    assert all(entry["DataTraceEnabled"] is False for entry in _stage(cfn)["MethodSettings"])
    assert {entry["LoggingLevel"] for entry in _stage(cfn)["MethodSettings"]} <= {"ERROR", "OFF"}


def test_api_gateway_may_write_to_cloudwatch(cfn: dict[str, Any]) -> None:
    account = _one(cfn, "AWS::ApiGateway::Account")["Properties"]
    role = cfn["Resources"][account["CloudWatchRoleArn"]["Fn::GetAtt"][0]]["Properties"]
    assert role["ManagedPolicyArns"] == [
        {"Fn::Sub": f"{MANAGED_POLICY}AmazonAPIGatewayPushToCloudWatchLogs"}
    ]


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


def test_login_and_tracking_are_throttled_harder_than_the_rest(cfn: dict[str, Any]) -> None:
    # GIVEN the stage's method settings and the gateway's routes
    settings = _stage(cfn)["MethodSettings"]
    paths = gateway_body(cfn)["paths"]
    (default,) = [s for s in settings if (s["ResourcePath"], s["HttpMethod"]) == ("/*", "*")]
    specific = {
        (s["HttpMethod"], _decoded(s["ResourcePath"])): s for s in settings if s is not default
    }
    # THEN each specific entry names a real route, and the sensitive ones are stricter
    for method, path in specific:
        assert method.lower() in paths.get(path, {}), f"{method} {path} is no gateway route"
    for route in [
        ("POST", "/v1/auth/login"),
        ("POST", "/v1/visitors/track"),
        ("POST", "/v1/analytics/track"),
    ]:
        assert specific[route]["ThrottlingRateLimit"] < default["ThrottlingRateLimit"]
        assert specific[route]["ThrottlingBurstLimit"] < default["ThrottlingBurstLimit"]
    assert specific["POST", "/v1/auth/login"]["ThrottlingRateLimit"] <= 5


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
    assert name["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
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


def _resolved(permission: dict[str, Any]) -> str:
    sub = permission["Properties"]["SourceArn"]["Fn::Sub"]
    arn: str = sub[0] if isinstance(sub, list) else sub
    for name, value in {
        "AWS::Partition": "aws",
        "AWS::Region": "ap-southeast-2",
        "AWS::AccountId": "123456789012",
        "__ApiId__": "abcdefghij",
        "PortfolioApi": "abcdefghij",
        "__Stage__": "*",
    }.items():
        arn = arn.replace(f"${{{name}}}", value)
    assert "${" not in arn
    return arn


def test_the_function_policy_stays_under_lambdas_20_kb(cfn: dict[str, Any]) -> None:
    """Each permission is one statement of the function's resource policy, capped at 20 KB."""
    # GIVEN each permission as Lambda would store it, with the longest names deployed
    statements = [
        {
            "Sid": f"portfolio-api-staging-{name}-ABCDEFGHIJKLM",
            "Effect": "Allow",
            "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Resource": "arn:aws:lambda:ap-southeast-2:123456789012:function:portfolio-api-staging",
            "Condition": {"ArnLike": {"AWS:SourceArn": _resolved(permission)}},
        }
        for name, permission in resources_of_type(cfn, type_="AWS::Lambda::Permission").items()
    ]
    # WHEN their size is summed
    size = len(json.dumps({"Version": "2012-10-17", "Id": "default", "Statement": statements}))
    # THEN it leaves room below the limit
    assert size < LAMBDA_POLICY_LIMIT_BYTES * 0.9


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
