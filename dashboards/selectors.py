"""The dashboards' figures: each one counted from the same rows as the list it links to."""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse

from alerts.kinds import AlertKind
from alerts.selectors import alerts_for, counts_by_kind, unread_count
from children import rules
from children.access import children_visible_to
from children.filters import ChildFilter
from children.models import Child, CoverArrangement, PeriodOfCare, not_archived_child
from children.rules import RAG_LABELS
from children.selectors import WaitingChild, next_review_window, unallocated_children
from dashboards.cache import for_the_day
from escalations.models import Escalation, Stage
from escalations.selectors import open_escalations_of
from iro_service.models import User
from iro_service.working_days import add_working_days, subtract_working_days
from reporting.rules import HANDBOOK_CASELOAD, ReportingYear, caseload_band, pct
from reviews import selectors as reviews
from reviews.models import Participation, Review
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


WAITING_SHOWN = 10  # the longest waits for an IRO the overview lists


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
class Iro:
    """What the service overview shows of an IRO: read as values, not 1,600 User objects."""

    pk: int
    public_id: uuid.UUID
    full_name: str
    fte: Decimal | None
    is_active: bool
    left_on: date | None

    @property
    def fte_label(self) -> str:
        """The FTE without trailing zeros: 0.8, 1."""
        return f"{self.fte.normalize():f}" if self.fte is not None else ""


@dataclass(frozen=True)
class IroRow:
    iro: Iro
    children: int
    due_soon: int
    overdue: int
    in_time_ytd: int
    held_ytd: int
    in_time_12m: int
    held_12m: int
    chosen: tuple[tuple[str, str], ...] = ()  # the dashboard's filters, carried to the lists

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
        return _children(dict(self.chosen), iro=str(self.iro.public_id), **query)

    @property
    def due_soon_url(self) -> str:
        return self.list_url(next_review="due_4_weeks")

    @property
    def overdue_url(self) -> str:
        return self.list_url(next_review="overdue")


def _children(chosen: dict[str, str], **query: str) -> str:
    """The children list with the dashboard's filters and the figure's own."""
    return _with(reverse("children:list"), chosen, **query)


def _with(url: str, chosen: dict[str, str], **query: str) -> str:
    wanted = {**chosen, **query}
    return url + ("?" + urlencode(wanted) if wanted else "")


@dataclass(frozen=True)
class ServiceDashboard:
    iros: list[IroRow]
    headline: list[Figure]
    rag: list[Figure]
    participation: list[tuple[str, str, int]]
    parents_view: tuple[int, int]
    escalations: list[tuple[str, int, int]]
    waiting: list[WaitingChild]  # the longest waiting for an IRO
    year_start: date
    chosen: dict[str, str]  # the filters applied, as the URL gave them


def _of_children(rows: QuerySet, within: QuerySet | None) -> QuerySet:
    """Rows of children not archived, and of those `within` when the dashboard is filtered."""
    rows = rows.filter(not_archived_child())
    return rows if within is None else rows.filter(child__in=within)


def _caseloads(today: date, within: QuerySet | None) -> dict[int | None, dict[str, int]]:
    """One pass over the open periods, grouped by the IRO allocated to the child (None: waiting
    for one): children, reviews due in 4 weeks and overdue, and the latest RAG ratings (1 query,
    from the index open_period_iro_cover alone: each is stored on the period, ADR 0018)."""
    # Counted on child_id, which the index holds (the period's own id it does not).
    ratings = {key: Count("child", filter=Q(latest_rating=key)) for key, _ in RAG_LABELS[:3]}
    rows = (
        _of_children(PeriodOfCare.objects.filter(end_date=None), within)
        .values("allocated_iro")
        .annotate(
            children=Count("child"),  # one open period a child (a constraint): no duplicates
            due_soon=Count("child", filter=next_review_window("due_4_weeks", today=today)),
            overdue=Count("child", filter=next_review_window("overdue", today=today)),
            **ratings,
        )
        .order_by()
    )
    return {row.pop("allocated_iro"): row for row in rows}


def _iro_rows(
    caseloads: dict[int | None, dict[str, int]], times: dict[int, dict[str, Any]], chosen: dict
) -> list[IroRow]:
    """Per IRO: children held, reviews due in 4 weeks and overdue, timeliness (1 query)."""
    held = [pk for pk in caseloads if pk is not None]
    iros = User.objects.iros()
    if iro := chosen.get("iro"):
        iros = iros.filter(public_id=iro)
    elif not chosen:
        iros = iros.filter(Q(is_active=True) | Q(pk__in=held))
    else:
        iros = iros.filter(pk__in=held)  # filtered: the IROs of the children it keeps
    rows = []
    # Only what the table shows is read: at 100,000 children there are 1,600 IROs.
    fields = ("pk", "public_id", "full_name", "fte", "is_active", "left_on")
    for values in iros.values_list(*fields):
        iro = Iro(*values)
        held_row = caseloads.get(iro.pk, {})
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
                chosen=tuple(chosen.items()),
            )
        )
    # The most stretched first; an IRO with no FTE recorded after those with one.
    return sorted(
        rows, key=lambda row: (row.per_fte is None, -(row.per_fte or 0), row.iro.full_name)
    )


def _held_reviews(within: QuerySet | None) -> QuerySet[Review]:
    reviews = Review.objects.held().reg33()
    return reviews if within is None else reviews.filter(child__in=within)


def _timeliness_by_iro(
    today: date, year_start: date, within: QuerySet | None
) -> dict[int, dict[str, Any]]:
    """Reg. 33 reviews each IRO chaired with a known due date, and how many in time: since
    `year_start` and over the 12 months to `today` (one query)."""
    twelve = today - relativedelta(months=12)
    timely = (
        _held_reviews(within)
        .filter(due_date__isnull=False, held_on__gte=min(twelve, year_start), held_on__lte=today)
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


def _review_statistics(
    today: date, within: QuerySet | None
) -> tuple[dict[str, int], dict[str, int]]:
    """The participation and parents' views of the reg. 33 reviews held in the 12 months to
    `today` (2 queries)."""
    twelve = today - relativedelta(months=12)
    reviews = _held_reviews(within).filter(held_on__gt=twelve, held_on__lte=today)
    by_code = dict(reviews.order_by().values_list("participation").annotate(n=Count("pk")))
    views = reviews.aggregate(
        yes=Count("pk", filter=Q(parents_view="yes")), no=Count("pk", filter=Q(parents_view="no"))
    )
    return by_code, views


def service_dashboard(*, today: date, filters: ChildFilter) -> ServiceDashboard:
    """The service at a glance for the children `filters` keeps, every figure an aggregate in
    the database: a fixed number of queries whatever the caseload (fewer when the statistics
    are cached: dashboards.cache)."""
    year_start = ReportingYear.holding(today).start
    chosen = filters.chosen()
    within = filters.qs.values("pk") if chosen else None
    caseloads = _caseloads(today, within)
    total = {
        key: sum(row[key] for row in caseloads.values())
        for key in ("children", "due_soon", "overdue", "red", "amber", "green")
    }
    waiting = unallocated_children(
        filters.qs if chosen else Child.objects.not_archived(), today=today, limit=WAITING_SHOWN
    )
    iv_waiting = _of_children(IvReferral.objects.filter(closed_on=None), within).count()
    escalation_stages: dict[str, dict[str, Any]] = {
        row["stage"]: dict(row)
        for row in _of_children(Escalation.objects.open(), within)
        .values("stage")
        .annotate(
            n=Count("pk"), old=Count("pk", filter=Q(raised_on__lt=subtract_working_days(today, 20)))
        )
        .order_by()
    }
    open_escalations = sum(row["n"] for row in escalation_stages.values())
    headline = [
        Figure("Children looked after", total["children"], _children(chosen)),
        Figure(
            "Waiting for an IRO",
            waiting.count,
            _with(reverse("children:unallocated"), chosen),
            warn=bool(waiting.count),
        ),
        Figure(
            rules.NEXT_REVIEW_WINDOWS["overdue"] + " reviews",
            total["overdue"],
            _children(chosen, next_review="overdue"),
            warn=total["overdue"] > 0,
        ),
        Figure(
            rules.NEXT_REVIEW_WINDOWS["due_4_weeks"],
            total["due_soon"],
            _children(chosen, next_review="due_4_weeks"),
        ),
        Figure("Open escalations", open_escalations, _with(reverse("escalations:list"), chosen)),
        Figure(
            "Waiting for an Independent Visitor",
            iv_waiting,
            _with(reverse("support:iv_list"), chosen) + "#waiting",
        ),
    ]
    if not chosen:  # cover is between IROs, not of children: shown for the whole service
        headline.append(
            Figure(
                "Cover in place",
                CoverArrangement.objects.in_force_on(today).count(),
                reverse("children:cover"),
            )
        )
    key = urlencode(sorted(chosen.items()))
    times = for_the_day(
        f"timeliness?{key}", today, lambda: _timeliness_by_iro(today, year_start, within)
    )
    by_code, views = for_the_day(f"reviews?{key}", today, lambda: _review_statistics(today, within))
    not_rated = total["children"] - total["red"] - total["amber"] - total["green"]
    rag = [
        Figure(
            label,
            not_rated if code == "none" else total[code],
            # Filtered by another rating, this one has no children and no list to open.
            _children(chosen, rag=code) if chosen.get("rag") in (None, code) else "",
        )
        for code, label in RAG_LABELS
    ]
    participation = [(code, label, by_code.get(code, 0)) for code, label in Participation.choices]
    escalations = [
        (
            label,
            escalation_stages.get(stage, {}).get("n", 0),
            escalation_stages.get(stage, {}).get("old", 0),
        )
        for stage, label in Stage.choices
    ]
    return ServiceDashboard(
        iros=_iro_rows(caseloads, times, chosen),
        headline=headline,
        rag=rag,
        participation=participation,
        parents_view=(views["yes"], views["no"]),
        escalations=escalations,
        waiting=waiting.rows,
        year_start=year_start,
        chosen=chosen,
    )
