"""boto3 clients, created once per process, and the AWS failure shapes repositories translate."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from portfolio_api.config import Settings
from portfolio_api.core.errors import DependencyUnavailable

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client

UNREACHABLE: tuple[type[Exception], ...] = (BotoConnectionError, HTTPClientError)
DYNAMODB_THROTTLED = frozenset(
    {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}
)

_CLIENT_CONFIG = Config(
    connect_timeout=2,
    read_timeout=5,
    retries={"mode": "standard", "max_attempts": 3},
    tcp_keepalive=True,
    # One connection per blocking-pool thread under uvicorn (botocore's default is 10).
    max_pool_connections=48,
)


def create_dynamodb_client(settings: Settings) -> "DynamoDBClient":
    return boto3.client(
        "dynamodb",
        region_name=settings.aws_region,
        endpoint_url=settings.dynamodb_endpoint_url,
        config=_CLIENT_CONFIG,
    )


def create_cognito_client(settings: Settings) -> "CognitoIdentityProviderClient":
    return boto3.client(
        "cognito-idp",
        region_name=settings.cognito_pool_region,
        endpoint_url=settings.cognito_endpoint_url,
        config=_CLIENT_CONFIG,
    )


def create_s3_client(settings: Settings) -> "S3Client":
    """SigV4 (presigned POSTs need it); path-style on another endpoint, such as moto's server,
    whose host names no bucket."""
    addressing = Config(
        signature_version="s3v4",
        s3={"addressing_style": "path" if settings.s3_endpoint_url else "virtual"},
    )
    return boto3.client(
        "s3",
        region_name=settings.aws_region,
        endpoint_url=settings.s3_endpoint_url,
        config=_CLIENT_CONFIG.merge(addressing),
    )


def error_code(exc: ClientError) -> str:
    return exc.response.get("Error", {}).get("Code", "")


@contextmanager
def dynamodb_errors() -> Iterator[None]:
    """Turn an unreachable or throttled DynamoDB into a domain error; anything else stays a bug."""
    try:
        yield
    except UNREACHABLE as exc:
        raise DependencyUnavailable("The database cannot be reached") from exc
    except ClientError as exc:
        if error_code(exc) in DYNAMODB_THROTTLED:
            raise DependencyUnavailable("The database is busy; retry shortly") from exc
        raise
