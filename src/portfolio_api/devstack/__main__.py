"""python -m portfolio_api.devstack: the local stack that `make dev` runs."""

import argparse
import logging
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from portfolio_api.devstack.stack import StackError, StackOptions, run_stack

logger = logging.getLogger("devstack")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m portfolio_api.devstack",
        description="DynamoDB Local, a local Cognito and the API with reload. Ctrl-C stops all.",
    )
    parser.add_argument("--in-memory", action="store_true", help="keep no data between runs")
    parser.add_argument("--no-reload", action="store_true", help="do not restart on changes")
    parser.add_argument("--ready-file", type=Path, help="write the stack's URLs here when up")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    # Set explicitly: a launcher such as `uv run` may hand us SIGINT ignored.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    try:
        options = StackOptions.from_environment(
            os.environ,
            in_memory=args.in_memory,
            reload=not args.no_reload,
            ready_file=args.ready_file,
        )
        api_exit_code = run_stack(options)
    except KeyboardInterrupt:
        api_exit_code = 0
    except StackError as exc:
        logger.error("make dev: %s", exc)
        return 1
    logger.info("Stopped: the API, DynamoDB Local and Cognito are down.")
    return api_exit_code


if __name__ == "__main__":
    sys.exit(main())
