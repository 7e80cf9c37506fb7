"""Reads for the child's in-contact plan, advocacy and Independent Visitor, and the register."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import CharField, Count, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from children.models import Child, ChildQuerySet
from reviews.models import OversightKind, Participation, Review
from support.models import (
    AdvocacyReferral,
    ContactMethod,
    InContactPlan,
    IndependentVisitor,
    IvMatch,
    IvReferral,
    VisitorStatus,
)

ADVOCACY_SHOWN = 5


@dataclass(frozen=True)
class LastContact:
    """The IRO's latest contact with the child: logged against the plan, or an oversight note."""

    on: date
    how: str


@dataclass(frozen=True)
class SupportSummary:
    """What the child's page shows of their in-contact plan, advocacy and Independent Visitor."""

    child: Child
    contact_plan: InContactPlan | None
    last_contact: LastContact | None
    next_contact_due: date | None
    advocacy: list[AdvocacyReferral]
    suggest_advocacy: bool
    pn7_review: Review | None
    iv_match: IvMatch | None
    iv_waiting: IvReferral | None
    today: date
    looked_after: bool = True
    ended_plan: InContactPlan | None = None
    ended_match: IvMatch | None = None

    @property
    def contact_overdue(self) -> bool:
        return self.next_contact_due is not None and self.next_contact_due < self.today

    @property
    def days_waiting(self) -> int | None:
        if self.iv_waiting is None:
            return None
        return (self.today - self.iv_waiting.referred_on).days


def next_contact_due(plan: InContactPlan | None, last_contact: LastContact | None) -> date | None:
    """The last contact under the plan, or the date it was agreed, plus its interval in weeks."""
    if plan is None:
        return None
    since = plan.start_date
    if last_contact is not None and last_contact.on > since:
        since = last_contact.on
    return since + timedelta(weeks=plan.every_weeks)


NOTED_CONTACT = "oversight note: contact with the child"


def last_contact_with(child: Child) -> LastContact | None:
    """The newest contact with the child: a contact logged, or an oversight note of contact.

    One query: the contacts logged and the notes of contact with the child, newest first.
    """
    logged = child.contacts.order_by().values_list("contacted_on", "method")
    noted = (
        child.oversight_notes.filter(kind=OversightKind.CONTACT_CHILD)
        .order_by()
        .annotate(how=Value(NOTED_CONTACT, output_field=CharField()))
        .values_list("noted_on", "how")
    )
    newest = logged.union(noted, all=True).order_by("-contacted_on")[:1]
    for on, how in newest:
        methods = dict(ContactMethod.choices)
        return LastContact(on, str(methods[how]).lower() if how in methods else how)
    return None


def advocacy_suggested(last_review: Review | None, referrals: list[AdvocacyReferral]) -> bool:
    """PN7 at the child's last final review, with no advocacy referral made since it."""
    if last_review is None or last_review.participation != Participation.PN7:
        return False
    if last_review.held_on is None:
        return False
    return not any(r.referred_on >= last_review.held_on for r in referrals)


# The open record first, else the one that ended last: one query finds either.
NEWEST_FIRST = (F("end_date").desc(nulls_first=True), "-start_date", "-pk")


def support_summary(
    child: Child, *, today: date | None = None, looked_after: bool | None = None
) -> SupportSummary:
    """The child's in-contact plan, advocacy referrals and Independent Visitor, for their page.

    `looked_after` is whether the child is looked after now, if the caller already knows.
    """
    today = today or timezone.localdate()
    latest_plan = child.contact_plans.order_by(*NEWEST_FIRST).first()
    plan = latest_plan if latest_plan is not None and latest_plan.end_date is None else None
    last_contact = last_contact_with(child)
    advocacy = list(
        child.advocacy_referrals.select_related("review").order_by("-referred_on", "-created_at")
    )
    last_review = child.reviews.final().order_by("-held_on", "-created_at").first()
    suggest = advocacy_suggested(last_review, advocacy)
    latest_match = child.iv_matches.select_related("visitor").order_by(*NEWEST_FIRST).first()
    iv_match = latest_match if latest_match and latest_match.end_date is None else None
    waiting = None if iv_match else child.iv_referrals.filter(closed_on=None).first()
    if looked_after is None:
        looked_after = child.periods.filter(end_date=None).exists()
    return SupportSummary(
        child=child,
        contact_plan=plan,
        last_contact=last_contact,
        next_contact_due=next_contact_due(plan, last_contact),
        advocacy=advocacy[:ADVOCACY_SHOWN],
        suggest_advocacy=suggest,
        pn7_review=last_review if suggest else None,
        iv_match=iv_match,
        iv_waiting=waiting,
        today=today,
        looked_after=looked_after,
        ended_plan=None if plan else latest_plan,
        ended_match=None if iv_match else latest_match,
    )


def visitors_filtered(
    *, q: str = "", status: VisitorStatus | None = None
) -> "QuerySet[IndependentVisitor]":
    """Volunteers whose name holds every word of `q`, with `status` if given, by name."""
    visitors = IndependentVisitor.objects.all()
    for word in q.split():
        visitors = visitors.filter(full_name__icontains=word)
    if status is not None:
        visitors = visitors.filter(status=status)
    return visitors.order_by("full_name", "pk")


def visitor_page(
    visitors: "QuerySet[IndependentVisitor]", *, number: str | None, per_page: int
) -> Page:
    """One page of an ordered register, each volunteer with `current_matches`.

    The page is cut from the keys first and only its volunteers' open matches are counted.
    """
    keys = Paginator(visitors.values_list("pk", flat=True), per_page).get_page(number)
    current = (
        IvMatch.objects.open()
        .filter(visitor=OuterRef("pk"))
        .order_by()
        .values("visitor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        IndependentVisitor.objects.filter(pk__in=list(keys))
        .annotate(current_matches=Coalesce(Subquery(current), 0))
        .in_bulk()
    )
    return Page([rows[key] for key in keys], keys.number, keys.paginator)


@dataclass(frozen=True)
class WaitingRow:
    referral: IvReferral
    child: Child
    days_waiting: int


@dataclass(frozen=True)
class Waiting:
    """The children who have waited longest for an Independent Visitor, and how many wait."""

    rows: list[WaitingRow]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


WAITING_SHOWN = 50


def children_waiting(
    children: ChildQuerySet, *, today: date, shown: int = WAITING_SHOWN
) -> Waiting:
    """The `shown` children among `children` waiting longest for an Independent Visitor.

    A work queue: those at its head are matched first, so it is capped rather than paged,
    and any other child is matched from their record.
    """
    referrals = IvReferral.objects.filter(closed_on=None, child__in=children)
    rows = [
        WaitingRow(r, r.child, (today - r.referred_on).days)
        for r in referrals.select_related("child").order_by("referred_on", "pk")[:shown]
    ]
    return Waiting(rows, referrals.count())


def matches_of(visitor: IndependentVisitor, children: ChildQuerySet) -> list[IvMatch]:
    """The visitor's matches with children the user may see, newest first."""
    return list(
        visitor.matches.filter(child__in=children).select_related("child").order_by("-start_date")
    )
