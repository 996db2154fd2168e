"""The Lambda entry module's start-up: the cycle collector paused while the app is built."""

import json
import os
import subprocess
import sys

from tests.helpers.app import REQUIRED_ENVIRONMENT as REQUIRED

# Run in a fresh interpreter, as a cold start is: pytest's own objects would blur the counts.
REPORT = """
import gc, json
try:
    import portfolio_api.main
    imported = True
except Exception:
    imported = False
print(json.dumps({"imported": imported, "enabled": gc.isenabled(),
                  "frozen": gc.get_freeze_count()}))
"""


def _start(env: dict[str, str]) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", REPORT], env=env, capture_output=True, text=True, check=True
    )
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


def test_start_up_freezes_what_it_built_and_turns_the_collector_back_on() -> None:
    # GIVEN the app's settings
    env = {**os.environ, **REQUIRED}
    # WHEN a fresh interpreter imports the Lambda entry module
    report = _start(env)
    # THEN the collector runs again, and skips the app's modules, models and routes for good
    assert report["imported"] is True
    assert report["enabled"] is True
    assert isinstance(report["frozen"], int)
    assert report["frozen"] > 50_000


def test_a_failed_start_up_still_turns_the_collector_back_on() -> None:
    # GIVEN an environment with none of the app's settings
    env = {key: value for key, value in os.environ.items() if key not in REQUIRED}
    # WHEN the import stops on the configuration error
    report = _start(env)
    # THEN the collector is on again for whoever handles the error
    assert report["imported"] is False
    assert report["enabled"] is True
