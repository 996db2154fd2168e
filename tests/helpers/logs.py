"""What the app's Powertools logger writes: the JSON lines CloudWatch gets, or make dev's text."""

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from portfolio_api.core.logging import logger
from portfolio_api.core.metrics import SERVICE


@dataclass
class CapturedLogs:
    text: str = ""
    lines: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def captured_logs(*, json_lines: bool = True) -> Iterator[CapturedLogs]:
    """Powertools' logger does not propagate to the root logger, so caplog never sees it.

    In the format the app was configured with: `json_lines=False` for LOG_FORMAT=text.
    """
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logger.registered_formatter)
    stdlib_logger = logging.getLogger(SERVICE)
    stdlib_logger.addHandler(handler)
    captured = CapturedLogs()
    try:
        yield captured
    finally:
        stdlib_logger.removeHandler(handler)
        captured.text = buffer.getvalue()
        if json_lines:
            captured.lines = [json.loads(line) for line in captured.text.splitlines() if line]
