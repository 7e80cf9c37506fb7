"""Reads of children's records that span relations, in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncDate

from children import rules
from children.models import (
    Allocation,
    Child,
    ChildQuerySet,
    Episode,
    PeriodOfCare,
    waiting_for_an_iro,
)
from iro_service.models import Role, User
from iro_service.working_days import working_days_between


def next_review_window(window: str, *, today: date, through: str = "") -> Q:
    """Open periods whose stored next review due falls in `window` of rules.NEXT_REVIEW_WINDOWS
    (`through` is the path to the period from another model, "child__periods__" say): the list
    and the dashboards' counts filter alike, so a figure is its list's length."""
    field = f"{through}next_review_due"
    if window == "overdue":
        return Q(**{f"{field}__lt": today})
    soon = today + timedelta(days=rules.NEXT_REVIEW_SOON_DAYS)
    return Q(**{f"{field}__gte": today, f"{field}__lte": soon})


def search_term(word: str) -> Q:
    """A search word as a filter: a reference if it has a digit in it (names have none), else
    part of a first, last or preferred name.

    Kept apart so each reads its own index (UPPER(child_ref); the names' trigram indexes):
    ORed together, the planner cannot use either and reads children in name order instead.
    """
    if any(ch.isdigit() for ch in word):
        return Q(child_ref__iexact=word)
    return (
        Q(first_name__icontains=word)
        | Q(last_name__icontains=word)
        | Q(preferred_name__icontains=word)
    )


def children_page(children: ChildQuerySet, *, number: str | None, per_page: int) -> Page:
    """One page of an ordered children list, each child with their current care annotated.

    The page is cut from the children's keys first and only its rows are annotated: done the
    other way, the database works out every child's current episode and IRO before OFFSET
    throws all but one page away (seconds at 20,000 children).
    """
    keys = Paginator(children.values_list("pk", flat=True), per_page).get_page(number)
    rows = Child.objects.filter(pk__in=list(keys)).with_current().in_bulk()
    return Page([rows[key] for key in keys], keys.number, keys.paginator)


@dataclass(frozen=True)
class ChildRecord:
    child: Child
    periods: list[PeriodOfCare]
    episodes: list[Episode]
    allocations: list[Allocation]
    siblings: list[Child]

    @property
    def current_episode(self) -> Episode | None:
        return next((e for e in self.episodes if e.end_date is None), None)

    @property
    def current_period(self) -> PeriodOfCare | None:
        return next((p for p in self.periods if p.end_date is None), None)

    @property
    def current_allocation(self) -> Allocation | None:
        return next((a for a in self.allocations if a.end_date is None), None)


def child_record(child: Child) -> ChildRecord:
    """A child's histories for their page: periods, episodes, IRO allocations, siblings."""
    return ChildRecord(
        child=child,
        periods=list(child.periods.order_by("-start_date")),
        episodes=list(child.episodes.order_by("-start_date")),
        allocations=list(
            child.allocations.select_related("iro").order_by("-start_date", "-created_at")
        ),
        siblings=list(child.siblings.not_archived().with_current()),
    )


@dataclass(frozen=True)
class WaitingChild:
    child: Child
    waiting_since: date
    working_days_waited: int


@dataclass(frozen=True)
class WaitingList:
    count: int  # every child waiting that `children` keeps
    rows: list[WaitingChild]  # the longest waiting of them (all, unless a limit was asked)


def unallocated_children(
    children: ChildQuerySet, *, today: date, limit: int | None = None
) -> WaitingList:
    """Looked-after children with no IRO, longest waiting first, with working days waited:
    how many, and the first `limit` of them (every one when no limit is given)."""
    period_start = Subquery(
        PeriodOfCare.objects.open().filter(child=OuterRef("pk")).values("start_date")[:1]
    )
    # A child whose IRO left or was unallocated waits from that day, not from entering care.
    last_allocation_end = Subquery(
        Allocation.objects.filter(child=OuterRef("pk"), end_date__isnull=False)
        .order_by("-end_date")
        .values("end_date")[:1]
    )
    # The few waiting are found first and only they are annotated: annotated first, every
    # looked-after child's current care would be worked out to keep a handful (issue 9).
    # The ids come from the open periods alone, then `children` (access and filters) keeps
    # those it holds by primary key: no pass over every child (ADR 0018).
    waiting = children.filter(pk__in=list(waiting_for_an_iro(today)))
    count = waiting.count() if limit is not None else None
    rows = (
        waiting.with_current()
        .annotate(
            # A child imported from a 903 return waits from the import, not from entering care.
            waiting_since=Greatest(
                period_start,
                Coalesce(last_allocation_end, period_start),
                Coalesce(TruncDate("imported_in__created_at"), period_start),
            )
        )
        .order_by("waiting_since", "last_name")
    )[:limit]
    listed = []
    for child in rows:
        since: date = child.waiting_since  # type: ignore[attr-defined]
        listed.append(WaitingChild(child, since, working_days_between(since, today)))
    return WaitingList(len(listed) if count is None else count, listed)


def iros_and_holders() -> "QuerySet[User]":
    """IROs, and anyone else who still holds a child (an IRO whose role or account changed)."""
    holders = Allocation.objects.open().values("iro")
    return User.objects.filter(Q(groups__name=Role.IRO.value) | Q(pk__in=holders)).distinct()


def caseloads() -> list[User]:
    """Every IRO and holder of a child with `caseload` (children held now), in one query.

    Those who have left or are inactive yet still hold children come first: they are the
    ones a service manager has to move.
    """
    # Open allocations are counted per person from the index (iro, end_date), and "IRO or
    # holder" (as iros_and_holders) is asked as IRO or a caseload above nought, so the cost
    # follows the staff listed, not every allocation ever made nor every child held now.
    held = (
        Allocation.objects.open()
        .filter(iro=OuterRef("pk"))
        .order_by()
        .values("iro")
        .annotate(n=Count("iro"))
        .values("n")
    )
    people = User.objects.annotate(caseload=Coalesce(Subquery(held), 0)).filter(
        Q(pk__in=User.objects.iros().values("pk")) | Q(caseload__gt=0)
    )
    return sorted(
        people,
        key=lambda u: (not (u.caseload and not is_available(u)), u.full_name, u.pk),  # type: ignore[attr-defined]
    )


def is_available(user: User) -> bool:
    """Active and not left: someone children may be allocated to."""
    return user.is_active and user.left_on is None


def allocation_targets() -> list[User]:
    """The IROs children may be moved to now: active, not left, by name."""
    return list(User.objects.iros().active().filter(left_on=None).order_by("full_name", "pk"))


def held_by(iro: User, children: ChildQuerySet) -> list[Allocation]:
    """The open allocations of `iro` to children among `children`, by the child's name."""
    return list(
        Allocation.objects.open()
        .filter(iro=iro, child__in=children)
        .select_related("child")
        .order_by("child__last_name", "child__first_name", "pk")
    )
