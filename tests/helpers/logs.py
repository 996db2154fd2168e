"""What the app's Powertools logger writes, captured as the JSON lines CloudWatch would get."""

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
def captured_logs() -> Iterator[CapturedLogs]:
    """Powertools' logger does not propagate to the root logger, so caplog never sees it."""
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
        captured.lines = [json.loads(line) for line in captured.text.splitlines() if line]
