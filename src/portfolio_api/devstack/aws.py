"""An AWS session for make deploy and make owner, or a message that says how to get credentials."""

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
