"""The annual report's calendar and bands: the reporting year (1 April to 31 March) and what
"at end" and "in the year" mean (shared/annual-report.md)."""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

LABEL = re.compile(r"^(\d{4})-(\d{2})$")

# The longest an edition's build may run; one queued or building longer has stopped (a worker
# restarted or was killed) and is shown as failed.
BUILD_TIME_LIMIT = 10 * 60
QUEUE_PATIENCE = 60 * 60

# IRO Handbook 2010, para 7.15: a caseload of 50 to 70 children per full-time IRO.
HANDBOOK_CASELOAD = (50, 70)


@dataclass(frozen=True)
class ReportingYear:
    """A reporting year, 1 April of `first` to 31 March of the next year, labelled "2020-21"."""

    first: int

    @classmethod
    def from_label(cls, label: str) -> "ReportingYear":
        """The year a label such as "2020-21" names; ValueError for anything else."""
        match = LABEL.match(label.strip())
        if not match or (int(match[1]) + 1) % 100 != int(match[2]):
            raise ValueError(f"Enter a reporting year like 2020-21, not {label!r}")
        return cls(int(match[1]))

    @classmethod
    def holding(cls, day: date) -> "ReportingYear":
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def last_complete(cls, today: date) -> "ReportingYear":
        """The latest year whose 31 March has come: on 31 March, the year ending that day."""
        holding = cls.holding(today)
        return holding if today == holding.end else holding.previous

    @property
    def label(self) -> str:
        return f"{self.first}-{(self.first + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.first, 4, 1)

    @property
    def end(self) -> date:
        return date(self.first + 1, 3, 31)

    @property
    def previous(self) -> "ReportingYear":
        return ReportingYear(self.first - 1)

    @property
    def month_ends(self) -> list[date]:
        """The last day of each month of the year, April to March."""
        return [self.start + relativedelta(months=n + 1) - timedelta(days=1) for n in range(12)]

    @property
    def quarters(self) -> list[tuple[date, date]]:
        """The four quarters, April-June to January-March, as (first day, last day)."""
        starts = [self.start + relativedelta(months=3 * n) for n in range(4)]
        return [(s, s + relativedelta(months=3) - timedelta(days=1)) for s in starts]

    def __str__(self) -> str:
        return self.label


def caseload_band(per_fte: float | None) -> str:
    """Where a caseload per FTE sits against the Handbook's 50-70, in words."""
    if per_fte is None:
        return "not known"
    low, high = HANDBOOK_CASELOAD
    if per_fte > high:
        return "over the Handbook's range"
    if per_fte < low:
        return "under the Handbook's range"
    return "within the Handbook's range"


def pct(part: int | None, whole: int | None) -> float | None:
    """`part` of `whole` as a percentage to one decimal place; None when there is no whole."""
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def build_stalled(
    *, status: str, created_at: datetime, started_at: datetime | None, now: datetime
) -> bool:
    """Whether a queued or building edition has stopped without finishing: building past the
    task's time limit, or never picked up by a worker within the hour."""
    if status == "building" and started_at is not None:
        return (now - started_at).total_seconds() > BUILD_TIME_LIMIT + 60
    if status == "queued":
        return (now - created_at).total_seconds() > QUEUE_PATIENCE
    return False
