"""What ends in the child's support when their care ends: the in-contact plan, the
Independent Visitor match and any wait for one. Advocacy referrals stand: they record what
was done, and an outcome can still be recorded."""

from datetime import date

from audit.models import Action, Kind
from audit.writer import changes_between, record, snapshot
from children.lifecycle import CareEnded, on_care_ended
from support.models import InContactPlan, IvMatch, IvReferral

CEASED = "Ceased to be looked after"


def _on_or_after(day: date, start: date) -> date:
    """The day care ended, or the record's own start if that came later (back-dated care)."""
    return max(day, start)


@on_care_ended
def end_support(event: CareEnded) -> None:
    """End the child's open in-contact plans and IV matches and close a waiting IV referral."""
    child, by, request = event.child, event.by, event.request
    for plan in InContactPlan.objects.select_for_update().open().filter(child=child):
        before = snapshot(plan)
        plan.end_date = _on_or_after(event.on, plan.start_date)
        plan.save_by(by)
        record(
            user=by,
            request=request,
            kind=Kind.CHANGE,
            action=Action.CONTACT_PLAN_END,
            child=child,
            obj=plan,
            changes=changes_between(before, plan),
            detail={"reason": CEASED},
        )
    for match in IvMatch.objects.select_for_update().open().filter(child=child):
        before = snapshot(match)
        match.end_date = _on_or_after(event.on, match.start_date)
        match.end_reason = CEASED
        match.save_by(by)
        record(
            user=by,
            request=request,
            kind=Kind.CHANGE,
            action=Action.IV_MATCH_END,
            child=child,
            obj=match,
            changes=changes_between(before, match),
        )
    for referral in IvReferral.objects.select_for_update().filter(child=child, closed_on=None):
        before = snapshot(referral)
        referral.closed_on = _on_or_after(event.on, referral.referred_on)
        referral.closed_reason = CEASED
        referral.save_by(by)
        record(
            user=by,
            request=request,
            kind=Kind.CHANGE,
            action=Action.IV_REFERRAL_CLOSE,
            child=child,
            obj=referral,
            changes=changes_between(before, referral),
        )
