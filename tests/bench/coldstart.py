"""`make bench` for cold starts: the Lambda handler module against a hello-world baseline.

Each sample is a fresh Python process, as a new Lambda container is: it imports the module,
then sends it one API Gateway event. The baseline is FastAPI + Mangum importing the same
libraries (a boto3 DynamoDB client, python-jose, pydantic-settings) whose one route does the
same single GetItem as our `/health`. Sides alternate run by run; figures are medians.

Two layouts, each side by side with its own baseline:
- the built artifact, as Lambda runs it: a bare `python3.12 -I -S -B` whose path is the task
  root, then the runtime's boto3, writing no .pyc (Lambda's /var/task is read-only). The
  baseline gets the same third-party files, every one of them precompiled.
- the project's virtual environment, which also holds the dev tools. There `cryptography` is
  installed (moto needs it) and python-jose imports it, which the artifact never does.

`portfolio_api.main` pauses the cycle collector while it builds the app. Two more artifact sides
show what that is worth: ours with the pause made a no-op, and the baseline with the same pause
around its import.

Run: `uv run --frozen python -m tests.bench.coldstart`. It prints figures; it asserts nothing.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from portfolio_api.devstack.dynamodb_local import DynamoDBLocal, local_dynamodb_client
from portfolio_api.devstack.table_spec import (
    EPHEMERAL_TABLE,
    ensure_table,
    load_table_spec,
)
from tests.bench.events import Event, rest_event
from tests.helpers.artifact import (
    X86_64_PLATFORM,
    build_artifact,
    install_runtime_sdk,
    lambda_python,
    size_of,
)
from tests.helpers.aws import scans_forbidden
from tests.helpers.lambda_events import load_event

RUNS = 20
NO_PAUSE = "artifact: portfolio_api, GC not paused"
PAUSED_BASELINE = "artifact: baseline, GC paused too"
GOAL = 1.25  # ours / baseline, import time
TABLE = "portfolio-coldstart"
EPHEMERAL = "portfolio-coldstart-ephemeral"
REGION = "eu-west-1"
NOWHERE = "http://127.0.0.1:9"  # public routes never call Cognito
TRACE_HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"

BASELINE = """
import boto3
import jose.jwt
import pydantic_settings
from fastapi import FastAPI
from mangum import Mangum

class Settings(pydantic_settings.BaseSettings):
    dynamodb_table_name: str
    dynamodb_endpoint_url: str | None = None

settings = Settings()
client = boto3.client("dynamodb", endpoint_url=settings.dynamodb_endpoint_url)
app = FastAPI()

@app.get("/health")
def health() -> dict[str, str]:
    key = {"PK": {"S": "HEALTH"}, "SK": {"S": "PROBE"}}
    client.get_item(TableName=settings.dynamodb_table_name, Key=key, ProjectionExpression="PK")
    return {"status": "ok"}

handler = Mangum(app, lifespan="off")
"""

# Run in the fresh process: argv is the module, then folders to put first on the path. It times
# the import, then one invocation, and prints both in ms.
PROBE = """
import gc, json, sys, time
sys.path[:0] = sys.argv[2:]
start, start_cpu = time.perf_counter(), time.process_time()
GC_BEFORE
module = __import__(sys.argv[1], fromlist=["handler"])
GC_AFTER
imported, imported_cpu = time.perf_counter(), time.process_time()
context = type("Context", (), {"function_name": "bench", "memory_limit_in_mb": 1024,
    "invoked_function_arn": "arn:aws:lambda:eu-west-1:123456789012:function:bench",
    "aws_request_id": "bench"})()
event = json.loads(sys.stdin.read())
begun = time.perf_counter()
response = module.handler(event, context)
assert response["statusCode"] == 200, response
print(json.dumps({"import": (imported - start) * 1000,
                  "import_cpu": (imported_cpu - start_cpu) * 1000,
                  "first": (time.perf_counter() - begun) * 1000}))
"""

# How the probe treats the cycle collector around the import. `portfolio_api.main` pauses it
# while it builds the app (and freezes what it built); the other two modes show what that pause
# is worth, and what the same pause would give the baseline.
GC_MODES = {
    "as the module does": ("", ""),
    "never paused": ("gc.disable = gc.freeze = lambda: None", ""),
    "paused by the probe": ("gc.disable()", "gc.freeze(); gc.enable()"),
}


def _probe(gc_mode: str) -> str:
    before, after = GC_MODES[gc_mode]
    return PROBE.replace("GC_BEFORE", before).replace("GC_AFTER", after)


# What one more import adds once the baseline's libraries are loaded, in a fresh process.
MARGINAL = """
import time, boto3, fastapi, jose.jwt, mangum, pydantic_settings
start = time.perf_counter()
{statement}
print((time.perf_counter() - start) * 1000)
"""
OBSERVABILITY = {
    "Powertools Logger": "from aws_lambda_powertools import Logger; Logger(service='x')",
    "Powertools Tracer (in Lambda: X-Ray SDK, botocore patched)": "import os; os.environ.update("
    "LAMBDA_TASK_ROOT='/tmp', AWS_LAMBDA_FUNCTION_NAME='x'); from aws_lambda_powertools import"
    " Tracer; Tracer(service='x', patch_modules=('botocore',))",
    "Powertools Metrics (EMF)": "from aws_lambda_powertools.metrics import EphemeralMetrics",
    "both": "from aws_lambda_powertools import Logger; from aws_lambda_powertools.metrics import"
    " EphemeralMetrics; Logger(service='x')",
}


@dataclass(frozen=True, kw_only=True)
class Side:
    name: str
    command: list[str]
    event: Event


def _environment(*, dynamodb_url: str, baseline_dir: Path) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(baseline_dir),  # the venv baseline's module; -I ignores it
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "DYNAMODB_TABLE_NAME": TABLE,
        "DYNAMODB_EPHEMERAL_TABLE_NAME": EPHEMERAL,
        "DYNAMODB_ENDPOINT_URL": dynamodb_url,
        "COGNITO_USER_POOL_ID": f"{REGION}_bench",
        "COGNITO_CLIENT_ID": "bench",
        "COGNITO_ENDPOINT_URL": NOWHERE,
        "COGNITO_JWKS_URL": f"{NOWHERE}/jwks.json",
        "LOG_LEVEL": "WARNING",
        # As Lambda with active tracing sets them, so that our Tracer is on and pays its X-Ray
        # SDK import and botocore patch as it does there (its segments go to a dead port).
        "LAMBDA_TASK_ROOT": str(baseline_dir),
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:9",
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
        "_X_AMZN_TRACE_ID": TRACE_HEADER,
    }


def _sample(side: Side, *, env: Mapping[str, str]) -> dict[str, float]:
    result = subprocess.run(
        side.command,
        input=json.dumps(side.event),
        env=dict(env),
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def _measure(sides: list[Side], *, env: Mapping[str, str]) -> dict[str, dict[str, float]]:
    for side in sides:  # in the venv the first run writes __pycache__; time what follows
        _sample(side, env=env)
    samples: dict[str, list[dict[str, float]]] = {side.name: [] for side in sides}
    for run in range(RUNS):
        for side in sides[run % len(sides) :] + sides[: run % len(sides)]:
            samples[side.name].append(_sample(side, env=env))
    return {
        name: {
            key: statistics.median(sample[key] for sample in runs)
            for key in ("import", "import_cpu", "first")
        }
        for name, runs in samples.items()
    }


def _artifacts(root: Path) -> tuple[Path, Path, Path]:
    """Ours as `sam build` makes it (x86_64, to run here), the baseline on the same third-party
    files all precompiled, and the runtime's SDK precompiled as the runtime image ships it."""
    ours = build_artifact(build_dir=root / "build", platform=X86_64_PLATFORM)
    runtime = install_runtime_sdk(target=root / "runtime", platform=X86_64_PLATFORM)
    baseline = root / "baseline"
    shutil.copytree(ours, baseline, ignore=shutil.ignore_patterns("portfolio_api"))
    (baseline / "baseline_app.py").write_text(BASELINE)
    for folder in (runtime, baseline):
        compile_all = [lambda_python(), "-m", "compileall", "-q", "-j", "0", str(folder)]
        subprocess.run([*compile_all, "--invalidation-mode", "unchecked-hash"], check=True)
    return ours, baseline, runtime


def _sides(*, ours: Path, baseline: Path, runtime: Path) -> list[Side]:
    health = rest_event(method="GET", path="/health")

    def bare(gc_mode: str = "as the module does") -> list[str]:
        return [lambda_python(), "-I", "-S", "-B", "-c", _probe(gc_mode)]

    venv = [sys.executable, "-c", _probe("as the module does")]
    return [
        Side(
            name="artifact: baseline",
            command=[*bare(), "baseline_app", str(baseline), str(runtime)],
            event=health,
        ),
        Side(
            name="artifact: portfolio_api",
            command=[*bare(), "portfolio_api.main", str(ours), str(runtime)],
            event=health,
        ),
        Side(
            name="artifact: portfolio_api, list",
            command=[*bare(), "portfolio_api.main", str(ours), str(runtime)],
            event=load_event("get-blog-posts.json"),
        ),
        Side(
            name=NO_PAUSE,
            command=[*bare("never paused"), "portfolio_api.main", str(ours), str(runtime)],
            event=health,
        ),
        Side(
            name=PAUSED_BASELINE,
            command=[*bare("paused by the probe"), "baseline_app", str(baseline), str(runtime)],
            event=health,
        ),
        Side(name="venv: baseline", command=[*venv, "baseline_app"], event=health),
        Side(name="venv: portfolio_api", command=[*venv, "portfolio_api.main"], event=health),
    ]


def _marginal_costs() -> dict[str, float]:
    costs: dict[str, float] = {}
    for name, statement in OBSERVABILITY.items():
        probe = MARGINAL.format(statement=statement)
        runs = [
            float(
                subprocess.run(
                    [sys.executable, "-c", probe], capture_output=True, text=True, check=True
                ).stdout
            )
            for _ in range(RUNS)
        ]
        costs[name] = statistics.median(runs)
    return costs


def main() -> None:
    with scans_forbidden(), DynamoDBLocal() as dynamodb, tempfile.TemporaryDirectory() as tmp:
        client = local_dynamodb_client(endpoint_url=dynamodb.endpoint_url, region=REGION)
        ensure_table(client, table_name=TABLE, spec=load_table_spec())
        ensure_table(client, table_name=EPHEMERAL, spec=load_table_spec(EPHEMERAL_TABLE))
        root = Path(tmp)
        (root / "baseline_app.py").write_text(BASELINE)
        ours, baseline, runtime = _artifacts(root)
        env = _environment(dynamodb_url=dynamodb.endpoint_url, baseline_dir=root)
        figures = _measure(_sides(ours=ours, baseline=baseline, runtime=runtime), env=env)
        print(f"\nCold start: a fresh process per sample, median of {RUNS}, sides interleaved")
        print(f"(artifact: ours {size_of(ours).unzipped_mb:.1f} MB unzipped)")
        _report(figures)
    print(f"\nImport cost of observability, on top of the baseline's libraries (median of {RUNS})")
    for name, cost in _marginal_costs().items():
        print(f"  {name:<28}{cost:>8.1f} ms")


def _report(figures: dict[str, dict[str, float]]) -> None:
    header = ("side", "import ms", "import CPU ms", "first request ms", "import + first")
    print(f"{header[0]:<40}{header[1]:>11}{header[2]:>15}{header[3]:>19}{header[4]:>17}")
    for name, figure in figures.items():
        total = figure["import"] + figure["first"]
        print(
            f"{name:<40}{figure['import']:>11.0f}{figure['import_cpu']:>15.0f}"
            f"{figure['first']:>19.1f}{total:>17.0f}"
        )
    for layout in ("artifact", "venv"):
        ours, base = figures[f"{layout}: portfolio_api"], figures[f"{layout}: baseline"]
        wall, cpu = ours["import"] / base["import"], ours["import_cpu"] / base["import_cpu"]
        total = (ours["import"] + ours["first"]) / (base["import"] + base["first"])
        verdict = "meets" if max(wall, cpu) <= GOAL else "MISSES"
        print(
            f"{layout}: import {wall:.2f}x the baseline (CPU time {cpu:.2f}x; {verdict} the "
            f"{GOAL}x goal); import + first request {total:.2f}x"
        )
    ours, unpaused = figures["artifact: portfolio_api"], figures[NO_PAUSE]
    base, paused_base = figures["artifact: baseline"], figures[PAUSED_BASELINE]
    print(
        f"GC pause: worth {unpaused['import'] - ours['import']:.0f} ms of our import "
        f"(without it {unpaused['import'] / base['import']:.2f}x the baseline); the same pause "
        f"in the baseline too: {ours['import'] / paused_base['import']:.2f}x"
    )


if __name__ == "__main__":
    main()
