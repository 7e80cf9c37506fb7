"""Reads for the child's in-contact plan, advocacy and Independent Visitor, and the register."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from children.models import Child, ChildQuerySet
from reviews.models import Participation, Review
from support.models import (
    AdvocacyReferral,
    ContactLog,
    InContactPlan,
    IndependentVisitor,
    IvMatch,
    IvReferral,
)

ADVOCACY_SHOWN = 5


@dataclass(frozen=True)
class SupportSummary:
    """What the child's page shows of their in-contact plan, advocacy and Independent Visitor."""

    child: Child
    contact_plan: InContactPlan | None
    last_contact: ContactLog | None
    next_contact_due: date | None
    advocacy: list[AdvocacyReferral]
    suggest_advocacy: bool
    pn7_review: Review | None
    iv_match: IvMatch | None
    iv_waiting: IvReferral | None
    today: date

    @property
    def contact_overdue(self) -> bool:
        return self.next_contact_due is not None and self.next_contact_due < self.today

    @property
    def days_waiting(self) -> int | None:
        if self.iv_waiting is None:
            return None
        return (self.today - self.iv_waiting.referred_on).days


def next_contact_due(plan: InContactPlan | None, last_contact: ContactLog | None) -> date | None:
    """The last contact under the plan, or the date it was agreed, plus its interval in weeks."""
    if plan is None:
        return None
    since = plan.start_date
    if last_contact is not None and last_contact.contacted_on > since:
        since = last_contact.contacted_on
    return since + timedelta(weeks=plan.every_weeks)


def advocacy_suggested(last_review: Review | None, referrals: list[AdvocacyReferral]) -> bool:
    """PN7 at the child's last final review, with no advocacy referral made since it."""
    if last_review is None or last_review.participation != Participation.PN7:
        return False
    if last_review.held_on is None:
        return False
    return not any(r.referred_on >= last_review.held_on for r in referrals)


def support_summary(child: Child, *, today: date | None = None) -> SupportSummary:
    """The child's in-contact plan, advocacy referrals and Independent Visitor, for their page."""
    today = today or timezone.localdate()
    plan = child.contact_plans.open().first()
    last_contact = child.contacts.order_by("-contacted_on", "-created_at").first()
    advocacy = list(
        child.advocacy_referrals.select_related("review").order_by("-referred_on", "-created_at")
    )
    last_review = child.reviews.final().order_by("-held_on", "-created_at").first()
    suggest = advocacy_suggested(last_review, advocacy)
    iv_match = child.iv_matches.open().select_related("visitor").first()
    waiting = None if iv_match else child.iv_referrals.filter(closed_on=None).first()
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
    )


def visitor_register() -> list[IndependentVisitor]:
    """Every volunteer with their count of current matches, in one query."""
    return list(
        IndependentVisitor.objects.annotate(
            current_matches=Count("matches", filter=Q(matches__end_date=None))
        ).order_by("full_name", "pk")
    )


@dataclass(frozen=True)
class WaitingRow:
    referral: IvReferral
    child: Child
    days_waiting: int


def children_waiting(children: ChildQuerySet, *, today: date) -> list[WaitingRow]:
    """Children among `children` waiting for an Independent Visitor, longest wait first."""
    referrals = (
        IvReferral.objects.filter(closed_on=None, child__in=children)
        .select_related("child")
        .order_by("referred_on", "pk")
    )
    return [WaitingRow(r, r.child, (today - r.referred_on).days) for r in referrals]


def matches_of(visitor: IndependentVisitor, children: ChildQuerySet) -> list[IvMatch]:
    """The visitor's matches with children the user may see, newest first."""
    return list(
        visitor.matches.filter(child__in=children).select_related("child").order_by("-start_date")
    )
