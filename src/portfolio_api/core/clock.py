"""Time comes through a Clock so tests can move it instead of sleeping."""

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def iso_utc(moment: datetime) -> str:
    """ISO-8601 in UTC to the second, with `Z`: the form every stored timestamp takes."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
