"""UTC days and calendar months, as analytics buckets them."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


@dataclass(frozen=True, kw_only=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(year=day.year, month=day.month)

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return date(self.year, self.month, 1).strftime("%b")

    def previous(self) -> "Month":
        if self.month == 1:
            return Month(year=self.year - 1, month=12)
        return Month(year=self.year, month=self.month - 1)


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def day_key(day: date) -> str:
    return day.isoformat()


def day_label(day: date) -> str:
    """ "Nov 24": no zero padding, no platform-specific strftime flags."""
    return f"{day.strftime('%b')} {day.day}"


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def epoch_seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def last_days(*, today: date, count: int) -> list[date]:
    """`count` days ending with `today`, oldest first."""
    return [today - timedelta(days=back) for back in range(count - 1, -1, -1)]


def last_months(*, today: date, count: int) -> list[Month]:
    """`count` calendar months ending with `today`'s, oldest first."""
    months = [Month.of(today)]
    while len(months) < count:
        months.append(months[-1].previous())
    return months[::-1]
