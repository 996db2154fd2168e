"""An AWS session for make deploy and make owner, or a message that says how to get credentials;
and the settings of a client of make dev's local stand-ins."""

from typing import TypedDict

import boto3


class NoCredentialsError(RuntimeError):
    """No AWS credentials anywhere boto3 looks; the message says how to set them."""


def session_with_credentials(*, region: str | None = None) -> boto3.Session:
    session = boto3.Session(region_name=region)
    if session.get_credentials() is None:
        raise NoCredentialsError(
            "no AWS credentials found: run `aws configure` (or `aws configure sso`, or set "
            "AWS_PROFILE), then try again"
        )
    return session


class LocalEndpoint(TypedDict):
    endpoint_url: str
    region_name: str
    aws_access_key_id: str
    aws_secret_access_key: str


def local_endpoint(*, endpoint_url: str, region: str) -> LocalEndpoint:
    """A client of a local server (moto's): it accepts any credentials, and these keep boto3
    from looking for real ones."""
    return LocalEndpoint(
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106  # see the docstring
    )
