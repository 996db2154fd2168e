"""JSON logs through the Powertools Logger, with the request's correlation id on every line.

Tokens, passwords, IPs and User-Agents are never passed in: nothing here could redact them.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from aws_lambda_powertools import Logger

from portfolio_api.core.metrics import SERVICE

logger = Logger(service=SERVICE)


def configure_logging(level: str) -> None:
    logger.setLevel(level)
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
