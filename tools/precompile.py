"""Precompile, inside a Lambda artifact, exactly the modules a cold start imports.

Lambda's /var/task is read-only, so without .pyc every cold start compiles every module it
imports again; with .pyc for everything the artifact would outgrow its 20 MB budget. So this
imports the handler as Lambda does, sends it one request, and compiles the modules that took:
the project's environment holds the same locked versions as the artifact.

usage: uv run python tools/precompile.py ARTIFACT_DIR
"""

import os
import py_compile
import sys
from pathlib import Path
from typing import Any

NOT_FOUND = {
    "httpMethod": "GET",
    "path": "/precompile",
    "resource": "/precompile",
    "headers": {"Accept": "application/json"},
    "multiValueHeaders": {"Accept": ["application/json"]},
    "queryStringParameters": None,
    "multiValueQueryStringParameters": None,
    "pathParameters": None,
    "body": None,
    "isBase64Encoded": False,
    "requestContext": {
        "requestId": "precompile",
        "path": "/precompile",
        "stage": "build",
        "httpMethod": "GET",
        "identity": {"sourceIp": "192.0.2.1"},
    },
}


class _Context:
    function_name = "precompile"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:precompile"
    aws_request_id = "precompile"


def imported_sources(artifact: Path) -> set[Path]:
    """Each imported module's source, relative to the sys.path entry it came from."""
    os.environ.update(
        DYNAMODB_TABLE_NAME="precompile",
        DYNAMODB_EPHEMERAL_TABLE_NAME="precompile-ephemeral",
        COGNITO_USER_POOL_ID="us-east-1_precompile",
        COGNITO_CLIENT_ID="precompile",
        AWS_REGION="us-east-1",
        AWS_DEFAULT_REGION="us-east-1",
        LOG_LEVEL="WARNING",
        # As in Lambda, so that the Tracer is on and X-Ray's modules are among those imported;
        # its segments go to a local port nobody listens on.
        LAMBDA_TASK_ROOT=str(artifact),
        AWS_LAMBDA_FUNCTION_NAME="precompile",
        AWS_XRAY_DAEMON_ADDRESS="127.0.0.1:9",
        _X_AMZN_TRACE_ID="Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
    )
    from portfolio_api.main import handler  # noqa: PLC0415  (the import is what is measured)

    lambda_context: Any = _Context()
    handler(NOT_FOUND, lambda_context)
    roots = sorted((Path(entry).resolve() for entry in sys.path if entry), reverse=True)
    found: set[Path] = set()
    for module in list(sys.modules.values()):
        source = getattr(module, "__file__", None)
        if source and source.endswith(".py"):
            path = Path(source).resolve()
            root = next((root for root in roots if path.is_relative_to(root)), None)
            if root is not None:
                found.add(path.relative_to(root))
    return found


def main() -> int:
    artifact = Path(sys.argv[1]).resolve()
    compiled = 0
    for relative in sorted(imported_sources(artifact)):
        source = artifact / relative
        if source.is_file():
            # unchecked-hash: zip keeps mtimes to 2 s, which would make timestamped .pyc stale.
            py_compile.compile(
                str(source),
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            )
            compiled += 1
    print(f"precompiled {compiled} modules a cold start imports")
    return 0


if __name__ == "__main__":
    sys.exit(main())
