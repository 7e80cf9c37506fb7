"""The kinds of alert, who each is for, and where each one's link goes."""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models


class AlertKind(models.TextChoices):
    # For the child's IRO (and whoever covers them)
    REVIEW_DUE_UNSCHEDULED = "review_due_unscheduled", "Review due soon and not scheduled"
    REVIEW_SCHEDULED_LATE = "review_scheduled_late", "Review booked after its due date"
    REVIEW_OVERDUE = "review_overdue", "Review overdue"
    RECORD_NOT_FINALISED = "record_not_finalised", "Review record not finalised"
    PRE_MEETING_DUE = "pre_meeting_due", "Pre-meeting oversight due"
    RAG_FOLLOW_UP_DUE = "rag_follow_up_due", "RAG follow-up due soon"
    RAG_FOLLOW_UP_OVERDUE = "rag_follow_up_overdue", "RAG follow-up overdue"
    OVERSIGHT_QUARTER = "oversight_quarter", "No oversight yet this quarter"
    CONTACT_OVERDUE = "contact_overdue", "In-contact plan contact overdue"
    DECISION_OVERDUE = "decision_overdue", "Decision past its due date"
    ESCALATION_RESPONSE_OVERDUE = "escalation_response_overdue", "Escalation response overdue"
    # For the service managers
    UNALLOCATED = "unallocated", "Child waiting for an IRO"
    ESCALATION_LONG_OPEN = "escalation_long_open", "Escalation open over 20 working days"
    UNPLANNED_MOVE = "unplanned_move", "Unplanned placement move without a review"
    STAFF_ACCESS = "staff_access", "New account or change of role"
    IV_MATCH_ENDED = "iv_match_ended", "Independent Visitor match ended"
    IV_WAITING = "iv_waiting", "Child waiting for an Independent Visitor"
    CASELOAD_OVER = "caseload_over", "IRO caseload over 70 per FTE"


class Audience(StrEnum):
    IRO = "iro"  # the child's IRO and whoever covers them
    MANAGER = "manager"
    ADMIN = "admin"  # who manages staff accounts


@dataclass(frozen=True)
class KindInfo:
    audience: frozenset[Audience]
    url_name: str  # where the alert's link goes, given the subject's public id
    action: str  # what the person told must do, in words
    due_is_since: bool = False  # the date says since when it holds, not by when
    link_perm: str = ""  # a permission the link's page needs beyond seeing the alert


_IRO = frozenset({Audience.IRO})
_MANAGER = frozenset({Audience.MANAGER})
_BOTH = frozenset({Audience.IRO, Audience.MANAGER})

KINDS: dict[str, KindInfo] = {
    AlertKind.REVIEW_DUE_UNSCHEDULED: KindInfo(_IRO, "reviews:schedule", "Schedule the review"),
    AlertKind.REVIEW_SCHEDULED_LATE: KindInfo(
        _IRO, "reviews:rearrange", "Rearrange the review to a day on or before it is due"
    ),
    AlertKind.REVIEW_OVERDUE: KindInfo(_IRO, "children:detail", "Hold the review"),
    AlertKind.RECORD_NOT_FINALISED: KindInfo(
        _IRO, "reviews:finalise", "Finalise the review record"
    ),
    AlertKind.PRE_MEETING_DUE: KindInfo(
        _IRO, "reviews:pre_meeting", "Record the pre-meeting oversight"
    ),
    AlertKind.RAG_FOLLOW_UP_DUE: KindInfo(
        _IRO, "reviews:oversight_add", "Record the follow-up as an oversight note"
    ),
    AlertKind.RAG_FOLLOW_UP_OVERDUE: KindInfo(
        _IRO, "reviews:oversight_add", "Record the follow-up as an oversight note"
    ),
    AlertKind.OVERSIGHT_QUARTER: KindInfo(
        _IRO, "reviews:oversight_add", "Record this quarter's oversight"
    ),
    AlertKind.CONTACT_OVERDUE: KindInfo(
        _IRO, "support:contact_log", "Get in touch and log the contact"
    ),
    AlertKind.DECISION_OVERDUE: KindInfo(
        _IRO, "reviews:decision_update", "Check the decision and update it"
    ),
    AlertKind.ESCALATION_RESPONSE_OVERDUE: KindInfo(
        _IRO, "escalations:detail", "Chase the response or move the escalation on"
    ),
    AlertKind.UNALLOCATED: KindInfo(_MANAGER, "children:allocate", "Allocate an IRO"),
    AlertKind.ESCALATION_LONG_OPEN: KindInfo(
        _MANAGER, "escalations:detail", "Check why it is still open"
    ),
    AlertKind.UNPLANNED_MOVE: KindInfo(
        _BOTH, "children:detail", "Hold a review after the unplanned move"
    ),
    AlertKind.STAFF_ACCESS: KindInfo(
        frozenset({Audience.MANAGER, Audience.ADMIN}),
        "staff:detail",
        "Check the account's role is right",
        link_perm="iro_service.manage_staff",
    ),
    AlertKind.IV_MATCH_ENDED: KindInfo(
        _MANAGER, "support:iv_refer", "Refer the child for a new Independent Visitor"
    ),
    AlertKind.IV_WAITING: KindInfo(
        _MANAGER, "support:iv_match", "Match the child with an Independent Visitor"
    ),
    AlertKind.CASELOAD_OVER: KindInfo(
        _MANAGER,
        "children:reallocate",
        "Reallocate some of the IRO's children",
        due_is_since=True,
    ),
}

IRO_KINDS = frozenset(kind for kind, info in KINDS.items() if Audience.IRO in info.audience)
MANAGER_KINDS = frozenset(kind for kind, info in KINDS.items() if Audience.MANAGER in info.audience)
ORDER = {kind: position for position, kind in enumerate(AlertKind.values)}
