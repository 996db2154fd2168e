"""Logs through the Powertools Logger, with the request's correlation id on every line.

`LOG_FORMAT=json` (the default, and Lambda's): one JSON object per line, as CloudWatch Logs
Insights reads them. `LOG_FORMAT=text` (make dev): one line a person reads per event, a traceback
on the lines below it as Python prints one. Either way the same `logger` calls and `extra=`
fields. Tokens, passwords, IPs and User-Agents are never passed in: nothing here could redact them.
"""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from portfolio_api.config import LogFormat
from portfolio_api.core.metrics import SERVICE

logger = Logger(service=SERVICE)


class TextFormatter(LambdaPowertoolsFormatter):
    """`12:00:01.234 INFO  visit tracked counted=True [req 3f2a…]`: time, level, message, the
    `extra=` and appended keys, the correlation id last.

    A Powertools formatter, so appended keys, thread-safe keys and `inject_lambda_context` work
    as with the JSON one. Line breaks inside a message or a value are escaped: one event, one
    line; only a traceback spans lines.
    """

    # Powertools' own keys, which the line shows in its own way (time, level) or not at all.
    HIDDEN = frozenset(
        {
            "level",
            "location",
            "message",
            "timestamp",
            "service",
            "sampling_rate",
            "xray_trace_id",
            "taskName",
            "correlation_id",
        }
    )

    def format(self, record: logging.LogRecord) -> str:
        fields = self._extract_log_keys(log_record=record)
        request_id = fields.get("correlation_id")
        facts = [
            f"{name}={_value(value)}"
            for name, value in fields.items()
            if name not in self.HIDDEN and value is not None
        ]
        moment = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        parts = [f"{moment}.{int(record.msecs):03d}", f"{record.levelname:<5}"]
        parts += [_one_line(record.getMessage()), *facts]
        if request_id:
            parts.append(f"[req {request_id}]")
        lines = [" ".join(parts)]
        if record.exc_info:
            lines.append(self.formatException(record.exc_info))
        if record.stack_info:
            lines.append(self.formatStack(record.stack_info))
        return "\n".join(lines)


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def _value(value: object) -> str:
    """Bare when it reads unambiguously (`counted=True`, `contentType=blog`), else quoted."""
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, str):
        plain = bool(value) and not any(char.isspace() or char in "\"'=[]" for char in value)
        return value if plain else json.dumps(value, ensure_ascii=False)
    return json.dumps(value, default=str, ensure_ascii=False)


def configure_logging(level: str, *, log_format: LogFormat = "json") -> None:
    logger.setLevel(level)
    kind = TextFormatter if log_format == "text" else LambdaPowertoolsFormatter
    if type(logger.registered_formatter) is not kind:
        # With the keys Logger() gives its own formatter. Nothing appended is carried over: the
        # app is made before any request, and a Lambda context's keys are the next one's to set.
        formatter = kind(service=SERVICE, sampling_rate=logger.sampling_rate)
        logger.registered_handler.setFormatter(formatter)
    # Never below WARNING, whatever LOG_LEVEL says: botocore's DEBUG lines carry request
    # bodies, and a sign-in's body holds the password and the tokens.
    for chatty in ("boto3", "botocore", "urllib3"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


@contextmanager
def correlation(request_id: str) -> Iterator[None]:
    """Context-local, not Powertools' `set_correlation_id`: uvicorn serves requests at once."""
    logger.thread_safe_append_keys(correlation_id=request_id)
    try:
        yield
    finally:
        logger.thread_safe_remove_keys(["correlation_id"])
