"""The media bucket on moto's server, as template.yaml makes it on AWS, for make dev and tests.

On AWS the bucket is private and CloudFront alone reads `media/*`. moto has no CloudFront, so a
bucket policy lets anyone read that prefix (never `uploads/`), and the public URL is the bucket's
own path on the server: the app's `url`s open in a browser all the same.
"""

import json
from typing import TYPE_CHECKING

import boto3

from portfolio_api.devstack.aws import local_endpoint

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

PUBLIC_PREFIX = "media"


def s3_client(*, endpoint_url: str, region: str) -> "S3Client":
    return boto3.client("s3", **local_endpoint(endpoint_url=endpoint_url, region=region))


def create_media_bucket(
    client: "S3Client", *, bucket: str, region: str, origins: tuple[str, ...]
) -> None:
    """The bucket, CORS for the site's origins to POST uploads, and `media/*` readable."""
    if region == "us-east-1":
        client.create_bucket(Bucket=bucket)
    else:
        client.create_bucket(
            Bucket=bucket,
            CreateBucketConfiguration={"LocationConstraint": region},  # type: ignore[typeddict-item]
        )
    client.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": list(origins),
                    "AllowedMethods": ["POST"],
                    "AllowedHeaders": ["*"],
                    "MaxAgeSeconds": 3000,
                }
            ]
        },
    )
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(_readable(bucket)))


def public_base_url(*, endpoint_url: str, bucket: str) -> str:
    return f"{endpoint_url}/{bucket}"


def _readable(bucket: str) -> dict[str, object]:
    """CloudFront's part, played by anyone: GetObject on the public prefix alone."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicMediaLikeCloudFront",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/{PUBLIC_PREFIX}/*",
            }
        ],
    }
