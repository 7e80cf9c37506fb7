"""The dashboards' figures: each one counted from the same rows as the list it links to."""

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.urls import reverse

from alerts.kinds import AlertKind
from alerts.selectors import alerts_for, counts_by_kind, unread_count
from children import rules
from children.access import children_visible_to
from children.models import Allocation, Child, CoverArrangement, PeriodOfCare
from children.selectors import next_review_window
from dashboards.cache import for_the_day
from escalations.models import Escalation, Stage
from escalations.selectors import open_escalations_of
from iro_service.models import User
from iro_service.working_days import add_working_days, subtract_working_days, working_days_between
from reporting.rules import HANDBOOK_CASELOAD, ReportingYear, caseload_band, pct
from reviews import selectors as reviews
from reviews.models import Participation, RagRating, Review
from reviews.selectors import CASELOAD_TIMINGS, CaseloadRow
from support.models import IvReferral


@dataclass(frozen=True)
class Figure:
    """One number on a dashboard, what it counts, and the list it is the length of."""

    label: str
    count: int
    url: str
    hint: str = ""
    warn: bool = False  # worth the reader's attention now (shown in words, not only colour)


def _caseload(**query: str) -> str:
    return reverse("reviews:caseload") + ("?" + urlencode(query) if query else "")


def _alerts(kind: str) -> str:
    return reverse("alerts:list") + "?" + urlencode({"kind": kind})


def per_fte_hint(caseload: int, iro: User) -> str:
    """The caseload per FTE against the IRO Handbook's 50 to 70, in words."""
    if iro.fte is None:
        return "FTE not recorded"
    per_fte = caseload / float(iro.fte)
    return f"{per_fte:.0f} per FTE: {caseload_band(per_fte)} (50 to 70)"


@dataclass(frozen=True)
class IroDashboard:
    rows: list[CaseloadRow]
    week: list[Figure]
    rag: list[Figure]
    oversight: list[Figure]


RAG_LABELS = (("red", "Red"), ("amber", "Amber"), ("green", "Green"), ("none", "Not rated yet"))


def iro_dashboard(user: User, *, today: date) -> IroDashboard:
    """An IRO's week: their caseload's reviews, RAG, what their alerts ask, in 7 queries."""
    children = children_visible_to(user).looked_after_now()
    rows = reviews.caseload_rows(children, today=today)
    due_soon_until = add_working_days(today, reviews.DUE_SOON_WORKING_DAYS)
    timings = [reviews.timing_of(row, due_soon_until=due_soon_until) for row in rows]

    def timed(key: str) -> int:
        return sum(1 for found in timings if key in found)

    late = sum(1 for row in rows if row.scheduled_after_due)
    alerts = counts_by_kind(alerts_for(user))
    week = [
        Figure("Children on your caseload", len(rows), _caseload(), per_fte_hint(len(rows), user)),
        Figure(
            CASELOAD_TIMINGS["overdue"],
            timed("overdue"),
            _caseload(timing="overdue"),
            "Reviews not held by their due date",
            warn=timed("overdue") > 0,
        ),
        Figure(
            CASELOAD_TIMINGS["due_soon"],
            timed("due_soon"),
            _caseload(timing="due_soon"),
            f"Due by {due_soon_until:%-d %B}",
        ),
        Figure(
            "Booked after the due date",
            late,
            _caseload(scheduled_after_due="on"),
            "Reviews to bring forward",
            warn=late > 0,
        ),
        Figure(
            CASELOAD_TIMINGS["draft"],
            timed("draft"),
            _caseload(timing="draft"),
            "Held, record not yet final",
        ),
    ]
    kinds = (
        (AlertKind.PRE_MEETING_DUE, "Pre-meeting oversight due"),
        (AlertKind.RAG_FOLLOW_UP_DUE, "RAG follow-ups due soon"),
        (AlertKind.RAG_FOLLOW_UP_OVERDUE, "RAG follow-ups overdue"),
        (AlertKind.DECISION_OVERDUE, "Decisions overdue"),
        (AlertKind.CONTACT_OVERDUE, "In-contact plan contacts due"),
    )
    escalations = open_escalations_of(user).count()
    new = unread_count(user)
    oversight = [
        *(Figure(label, alerts.get(kind, 0), _alerts(kind)) for kind, label in kinds),
        Figure("Open escalations", escalations, reverse("escalations:mine")),
        Figure("New alerts", new, reverse("alerts:list"), warn=new > 0),
    ]
    ratings = [row.child.latest_rating or "none" for row in rows]  # type: ignore[attr-defined]
    rag = [Figure(label, ratings.count(key), _caseload(rag=key)) for key, label in RAG_LABELS]
    return IroDashboard(rows=rows, week=week, rag=rag, oversight=oversight)


# The service at a glance, for the managers ---------------------------------------------------


@dataclass(frozen=True)
class IroRow:
    iro: User
    children: int
    due_soon: int
    overdue: int
    in_time_ytd: int
    held_ytd: int
    in_time_12m: int
    held_12m: int

    @property
    def per_fte(self) -> float | None:
        return self.children / float(self.iro.fte) if self.iro.fte else None

    @property
    def band(self) -> str:
        """Over, within or under the IRO Handbook's 50 to 70, in words."""
        if self.per_fte is None:
            return "FTE not recorded"
        return caseload_band(self.per_fte).replace("the Handbook's range", "50 to 70")

    @property
    def over(self) -> bool:
        return self.per_fte is not None and self.per_fte > HANDBOOK_CASELOAD[1]

    @property
    def pct_ytd(self) -> float | None:
        return pct(self.in_time_ytd, self.held_ytd)

    @property
    def pct_12m(self) -> float | None:
        return pct(self.in_time_12m, self.held_12m)

    def list_url(self, **query: str) -> str:
        return _children(iro=str(self.iro.public_id), **query)


def _children(**query: str) -> str:
    return reverse("children:list") + ("?" + urlencode(query) if query else "")


@dataclass(frozen=True)
class ServiceDashboard:
    iros: list[IroRow]
    headline: list[Figure]
    rag: list[Figure]
    participation: list[tuple[str, str, int]]
    parents_view: tuple[int, int]
    escalations: list[tuple[str, int, int]]
    waiting: list[tuple[Any, int]]  # a child and the working days they have waited
    year_start: date


def _iro_rows(today: date, year_start: date) -> list[IroRow]:
    """Per IRO: children held, reviews due in 4 weeks and overdue, timeliness (3 queries)."""
    through = "child__periods__"
    soon = next_review_window("due_4_weeks", today=today, through=through)
    overdue = next_review_window("overdue", today=today, through=through)
    held = (
        Allocation.objects.open()
        .filter(child__archived_at__isnull=True, child__periods__end_date=None)
        .values("iro_id")
        .annotate(
            # One open allocation and one open period a child (constraints): no duplicates.
            children=Count("child"),
            due_soon=Count("child", filter=soon),
            overdue=Count("child", filter=overdue),
        )
        .order_by()
    )
    counts: dict[int, dict[str, Any]] = {row["iro_id"]: dict(row) for row in held}
    times = for_the_day("timeliness", today, lambda: _timeliness_by_iro(today, year_start))
    iros = User.objects.iros().filter(Q(is_active=True) | Q(pk__in=list(counts)))
    rows = []
    for iro in iros.order_by("full_name"):
        held_row: dict[str, Any] = counts.get(iro.pk, {})
        time_row: dict[str, Any] = times.get(iro.pk, {})
        rows.append(
            IroRow(
                iro=iro,
                children=held_row.get("children", 0),
                due_soon=held_row.get("due_soon", 0),
                overdue=held_row.get("overdue", 0),
                in_time_ytd=time_row.get("in_time_ytd", 0),
                held_ytd=time_row.get("held_ytd", 0),
                in_time_12m=time_row.get("in_time_12m", 0),
                held_12m=time_row.get("held_12m", 0),
            )
        )
    # The most stretched first; an IRO with no FTE recorded after those with one.
    return sorted(
        rows, key=lambda row: (row.per_fte is None, -(row.per_fte or 0), row.iro.full_name)
    )


def _timeliness_by_iro(today: date, year_start: date) -> dict[int, dict[str, Any]]:
    """Reg. 33 reviews each IRO chaired with a known due date, and how many in time: since
    `year_start` and over the 12 months to `today` (one query)."""
    twelve = today - relativedelta(months=12)
    known = Q(due_date__isnull=False)
    timely = (
        Review.objects.held()
        .reg33()
        .filter(known, held_on__gte=min(twelve, year_start), held_on__lte=today)
        .values("iro_id")
        .annotate(
            held_ytd=Count("pk", filter=Q(held_on__gte=year_start)),
            in_time_ytd=Count("pk", filter=Q(held_on__gte=year_start, held_on__lte=F("due_date"))),
            held_12m=Count("pk", filter=Q(held_on__gte=twelve)),
            in_time_12m=Count("pk", filter=Q(held_on__gte=twelve, held_on__lte=F("due_date"))),
        )
        .order_by()
    )
    return {row["iro_id"]: dict(row) for row in timely}


def _review_statistics(today: date) -> tuple[dict[str | None, int], dict[str, int], dict[str, int]]:
    """The latest RAG rating of every child looked after, and the participation and parents'
    views of the reg. 33 reviews held in the 12 months to `today` (3 queries)."""
    looked_after = Child.objects.not_archived().looked_after_now()
    latest = RagRating.objects.filter(child=OuterRef("pk")).order_by("-set_on", "-created_at")
    spread = dict(
        looked_after.annotate(latest=Subquery(latest.values("rating")[:1]))
        .order_by()
        .values_list("latest")
        .annotate(n=Count("pk"))
    )
    twelve = today - relativedelta(months=12)
    reviews = Review.objects.held().reg33().filter(held_on__gt=twelve, held_on__lte=today)
    by_code = dict(reviews.order_by().values_list("participation").annotate(n=Count("pk")))
    views = reviews.aggregate(
        yes=Count("pk", filter=Q(parents_view="yes")), no=Count("pk", filter=Q(parents_view="no"))
    )
    return spread, by_code, views


def service_dashboard(*, today: date) -> ServiceDashboard:
    """The service at a glance, every figure an aggregate in the database: a fixed number of
    queries whatever the caseload (fewer when the statistics are cached: dashboards.cache)."""
    year_start = ReportingYear.holding(today).start
    looked_after = Child.objects.not_archived().looked_after_now()
    open_periods = PeriodOfCare.objects.filter(end_date=None, child__archived_at__isnull=True)
    period_counts = open_periods.aggregate(
        soon=Count("pk", filter=next_review_window("due_4_weeks", today=today)),
        overdue=Count("pk", filter=next_review_window("overdue", today=today)),
    )
    unallocated = Child.objects.not_archived().unallocated(today)
    headline = [
        Figure("Children looked after", looked_after.count(), _children()),
        Figure(
            "Waiting for an IRO",
            unallocated.count(),
            reverse("children:unallocated"),
            warn=unallocated.exists(),
        ),
        Figure(
            rules.NEXT_REVIEW_WINDOWS["overdue"] + " reviews",
            period_counts["overdue"],
            _children(next_review="overdue"),
            warn=period_counts["overdue"] > 0,
        ),
        Figure(
            rules.NEXT_REVIEW_WINDOWS["due_4_weeks"],
            period_counts["soon"],
            _children(next_review="due_4_weeks"),
        ),
        Figure(
            "Open escalations",
            Escalation.objects.open().filter(child__archived_at__isnull=True).count(),
            reverse("escalations:list"),
        ),
        Figure(
            "Waiting for an Independent Visitor",
            IvReferral.objects.filter(closed_on=None, child__archived_at__isnull=True).count(),
            reverse("support:iv_list"),
        ),
        Figure(
            "Cover in place",
            CoverArrangement.objects.in_force_on(today).count(),
            reverse("children:cover"),
        ),
    ]
    spread, by_code, views = for_the_day("reviews", today, lambda: _review_statistics(today))
    rag = [
        Figure(label, spread.get(None if key == "none" else key, 0), "")
        for key, label in RAG_LABELS
    ]
    participation = [(code, label, by_code.get(code, 0)) for code, label in Participation.choices]
    long_ago = subtract_working_days(today, 20)
    stages: dict[str, dict[str, Any]] = {
        row["stage"]: dict(row)
        for row in Escalation.objects.open()
        .filter(child__archived_at__isnull=True)
        .values("stage")
        .annotate(n=Count("pk"), old=Count("pk", filter=Q(raised_on__lt=long_ago)))
        .order_by()
    }
    escalations = [
        (label, stages.get(stage, {}).get("n", 0), stages.get(stage, {}).get("old", 0))
        for stage, label in Stage.choices
    ]
    waiting = [
        (child, working_days_between(child.waiting_since, today))  # type: ignore[attr-defined]
        for child in unallocated.annotate(
            waiting_since=Subquery(
                PeriodOfCare.objects.filter(child=OuterRef("pk"), end_date=None).values(
                    "start_date"
                )[:1]
            )
        ).order_by("waiting_since", "pk")[:10]
    ]
    return ServiceDashboard(
        iros=_iro_rows(today, year_start),
        headline=headline,
        rag=rag,
        participation=participation,
        parents_view=(views["yes"], views["no"]),
        escalations=escalations,
        waiting=waiting,
        year_start=year_start,
    )
