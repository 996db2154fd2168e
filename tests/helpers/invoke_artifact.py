"""Run by path, as Lambda's bootstrap would: the handler from a built artifact, nothing else.

usage: python3.12 -I -S -B invoke_artifact.py TASK_ROOT [RUNTIME_DIR] < events.json

Standard library only: the interpreter's path holds the artifact (as /var/task), the runtime's
SDK (as /var/runtime) if given, then the standard library. Reads a JSON list of API Gateway
events, invokes the handler with each (under a sampled X-Ray trace header, as Lambda with active
tracing does), and prints one JSON line: the responses and where the modules that matter were
imported from. Everything the app prints goes to stderr instead.
"""

import importlib
import json
import os
import sys
import uuid
from types import ModuleType
from typing import Any

HANDLER = "portfolio_api.main.handler"
REPORTED_MODULES = (
    "portfolio_api",
    "boto3",
    "botocore",
    "pydantic_core",
    "jose",
    "rsa",
    "cryptography",
    "pydantic.v1",
)


class LambdaContext:
    """The attributes and the one method of the runtime's context object."""

    def __init__(self, *, function_name: str, memory_limit_in_mb: int, timeout_s: int) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = (
            f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        )
        self.memory_limit_in_mb = memory_limit_in_mb
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "2026/01/01/[$LATEST]0123456789abcdef"
        self._timeout_ms = timeout_s * 1000

    def get_remaining_time_in_millis(self) -> int:
        return self._timeout_ms


def _trace_header() -> str:
    root = f"1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]}"
    return f"Root={root};Parent={uuid.uuid4().hex[:16]};Sampled=1"


def _origin(module: ModuleType | None) -> str | None:
    return getattr(module, "__file__", None) if module else None


def _handler() -> Any:
    module_name, attribute = HANDLER.rsplit(".", 1)
    return getattr(importlib.import_module(module_name), attribute)


def main(task_root: str, runtime_dir: str | None) -> dict[str, Any]:
    sys.path[0:0] = [task_root, *([runtime_dir] if runtime_dir else [])]
    events: list[dict[str, Any]] = json.load(sys.stdin)
    handler = _handler()
    responses = []
    for event in events:
        # The runtime sets each invocation's trace header before calling the handler.
        os.environ["_X_AMZN_TRACE_ID"] = _trace_header()
        context = LambdaContext(
            function_name=os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "ApiFunction"),
            memory_limit_in_mb=int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")),
            timeout_s=30,
        )
        responses.append(handler(event, context))
    return {
        "responses": responses,
        "origins": {name: _origin(sys.modules.get(name)) for name in REPORTED_MODULES},
        "path": sys.path,
    }


if __name__ == "__main__":
    # Lambda sends what the app prints (logs, EMF metrics) to CloudWatch; here it goes to stderr,
    # so that stdout carries the result line alone.
    result_stream = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    arguments = sys.argv[1:]
    result = main(arguments[0], arguments[1] if len(arguments) > 1 else None)
    result_stream.write(json.dumps(result) + "\n")
    result_stream.close()
