"""The child's timeline entries from contacts, advocacy referrals and Independent Visitors."""

from collections.abc import Iterator

from children.models import Child
from core.timeline import TimelineEntry, timeline_source


@timeline_source
def support_entries(child: Child) -> Iterator[TimelineEntry]:
    for contact in child.contacts.order_by():
        yield TimelineEntry(
            contact.contacted_on,
            "contact",
            f"In contact: {contact.get_method_display()}",
            contact.note[:200],
        )
    for referral in child.advocacy_referrals.order_by():
        yield TimelineEntry(
            referral.referred_on,
            "advocacy",
            f"Referred to advocacy ({referral.organisation})",
            referral.reason[:200],
            tag=referral.get_outcome_display(),
            tag_colour="blue",
        )
    for match in child.iv_matches.select_related("visitor").order_by():
        yield TimelineEntry(
            match.start_date, "iv", f"Matched with Independent Visitor {match.visitor}"
        )
        if match.end_date:
            yield TimelineEntry(
                match.end_date,
                "iv",
                f"Independent Visitor match ended ({match.visitor})",
                match.end_reason,
            )
