"""Monthly trends for the service dashboard: 24 months of reviews held and in time, children
looked after at each month's end, and children starting and ceasing care, in 4 queries."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from children.models import PeriodOfCare
from dashboards.cache import for_the_day
from reporting.rules import pct
from reviews.models import Review

MONTHS = 24


@dataclass(frozen=True)
class Month:
    start: date
    held: int
    in_time: int
    looked_after_at_end: int
    started: int
    ceased: int

    @property
    def pct_in_time(self) -> float | None:
        return pct(self.in_time, self.held)

    @property
    def label(self) -> str:
        return f"{self.start:%b %Y}"


def _months(today: date) -> list[date]:
    first = today.replace(day=1) - relativedelta(months=MONTHS - 1)
    return [first + relativedelta(months=n) for n in range(MONTHS)]


def _per_month(periods: QuerySet, field: str, first: date, today: date) -> dict[date, int]:
    """How many periods of care have `field` (their start or end) in each month."""
    return dict(
        periods.filter(**{f"{field}__gte": first, f"{field}__lte": today})
        .annotate(month=TruncMonth(field))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by()
    )


def monthly_trends(*, today: date) -> list[Month]:
    """The last 24 months to `today`, oldest first (reg. 33 reviews; SSDA903 periods of care),
    from the cache when computed in the last minutes (dashboards.cache)."""
    return for_the_day("trends", today, lambda: _compute(today))


def _compute(today: date) -> list[Month]:
    months = _months(today)
    first = months[0]
    reviews = (
        Review.objects.held()
        .reg33()
        .filter(held_on__gte=first, held_on__lte=today, child__archived_at__isnull=True)
        .annotate(month=TruncMonth("held_on"))
        .values("month")
        .annotate(
            held=Count("pk"),
            in_time=Count("pk", filter=Q(due_date__isnull=False, held_on__lte=F("due_date"))),
        )
        .order_by()
    )
    held: dict[date, tuple[int, int]] = {
        row["month"]: (row["held"], row["in_time"]) for row in reviews
    }
    periods = PeriodOfCare.objects.filter(child__archived_at__isnull=True)
    started = _per_month(periods, "start_date", first, today)
    ceased = _per_month(periods, "end_date", first, today)
    ends = {month: min(month + relativedelta(months=1, days=-1), today) for month in months}
    # Looked after at the end of a month: in care that day and not ceasing on it (as the
    # annual report counts "at 31 March").
    at_end = periods.aggregate(
        **{
            f"m{n}": Count(
                "pk",
                filter=Q(start_date__lte=ends[month])
                & (Q(end_date__isnull=True) | Q(end_date__gt=ends[month])),
            )
            for n, month in enumerate(months)
        }
    )
    return [
        Month(
            start=month,
            held=held.get(month, (0, 0))[0],
            in_time=held.get(month, (0, 0))[1],
            looked_after_at_end=at_end[f"m{n}"],
            started=started.get(month, 0),
            ceased=ceased.get(month, 0),
        )
        for n, month in enumerate(months)
    ]
