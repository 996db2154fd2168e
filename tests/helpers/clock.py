from datetime import UTC, datetime, timedelta


class FakeClock:
    """A clock that only moves when told to; `sleep` moves it instead of waiting."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)
        self.sleeps = 0

    def now(self) -> datetime:
        return self._now

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)

    def move_to(self, moment: datetime) -> None:
        """Straight to `moment`, forwards or back (a test's own timeline, not a sleep)."""
        self._now = moment


class FastForwardClock:
    """Real time, except that `sleep` jumps ahead instead of waiting."""

    def __init__(self) -> None:
        self._skipped = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self._skipped

    def sleep(self, seconds: float) -> None:
        self._skipped += timedelta(seconds=seconds)
