"""The audit trail of children's records and staff access (UK GDPR art. 5(2), art. 9 data).

Rows are only ever added: nothing in the app edits or deletes them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    """What a row records: a page that showed a record, a change to it, or a refused attempt."""

    READ = "read", "Read"
    CHANGE = "change", "Change"
    REFUSAL = "refusal", "Refused"


class Action(models.TextChoices):
    """Everything a user can do that is audited; an action's row says its kind."""

    # Pages that show children's records
    CHILD_VIEW = "child.view", "Opened a child's page"
    CHILD_LIST = "child.list", "Listed or searched children"
    CASELOAD_VIEW = "caseload.view", "Opened a caseload"
    UNALLOCATED_VIEW = "unallocated.view", "Opened the unallocated queue"
    TIMELINE_VIEW = "timeline.view", "Opened a child's timeline"
    REVIEW_VIEW = "review.view", "Opened a review"
    ESCALATION_VIEW = "escalation.view", "Opened an escalation"
    ESCALATION_LIST = "escalation.list", "Listed escalations"
    IV_REGISTER_VIEW = "iv_register.view", "Opened the Independent Visitor register"
    # Children
    CHILD_CREATE = "child.create", "Added a child"
    CHILD_UPDATE = "child.update", "Changed a child's details"
    CHILD_ARCHIVE = "child.archive", "Archived a child's record"
    EPISODE_CREATE = "episode.create", "Recorded a new episode"
    PERIOD_END = "period.end", "Ended a period of care"
    ALLOCATION_CREATE = "allocation.create", "Allocated an IRO"
    SIBLING_LINK = "sibling.link", "Linked a sibling"
    COVER_CREATE = "cover.create", "Arranged cover"
    # Reviews and oversight
    REVIEW_SCHEDULE = "review.schedule", "Scheduled a review"
    REVIEW_REARRANGE = "review.rearrange", "Rearranged a review"
    REVIEW_CANCEL = "review.cancel", "Cancelled a review"
    REVIEW_PRE_MEETING = "review.pre_meeting", "Recorded pre-meeting oversight"
    REVIEW_RECORD = "review.record", "Recorded a review"
    REVIEW_FINALISE = "review.finalise", "Finalised a review"
    DECISION_ADD = "decision.add", "Added a decision"
    DECISION_UPDATE = "decision.update", "Updated a decision"
    OVERSIGHT_ADD = "oversight.add", "Recorded oversight"
    # Support: in-contact plans, advocacy, Independent Visitors
    CONTACT_PLAN_CREATE = "contact_plan.create", "Agreed an in-contact plan"
    CONTACT_CREATE = "contact.create", "Logged a contact"
    ADVOCACY_CREATE = "advocacy.create", "Referred to advocacy"
    ADVOCACY_UPDATE = "advocacy.update", "Recorded an advocacy outcome"
    IV_REFERRAL_CREATE = "iv_referral.create", "Referred for an Independent Visitor"
    IV_MATCH_CREATE = "iv_match.create", "Matched an Independent Visitor"
    IV_MATCH_END = "iv_match.end", "Ended an Independent Visitor match"
    VISITOR_CREATE = "visitor.create", "Added an Independent Visitor"
    VISITOR_UPDATE = "visitor.update", "Changed an Independent Visitor"
    # Escalations
    ESCALATION_RAISE = "escalation.raise", "Raised an escalation"
    ESCALATION_RESPOND = "escalation.respond", "Recorded an escalation response"
    ESCALATION_MOVE = "escalation.move", "Moved an escalation on"
    ESCALATION_CLOSE = "escalation.close", "Closed an escalation"
    ESCALATION_REOPEN = "escalation.reopen", "Reopened an escalation"
    # Staff accounts and access
    STAFF_CREATE = "staff.create", "Added a member of staff"
    STAFF_UPDATE = "staff.update", "Changed a member of staff"
    STAFF_ROLE_CHANGE = "staff.role_change", "Changed a member of staff's role"
    STAFF_VIEW = "staff.view", "Opened a member of staff's page"
    PAGE_OPEN = "page.open", "Opened a page"
    # support
    VISITOR_VIEW = "visitor.view", "Opened an Independent Visitor's page"
    # children8: the end of care, IROs leaving, allocation and cover dates, episodes
    ALLOCATION_END = "allocation.end", "Ended an IRO allocation"
    REALLOCATION_VIEW = "reallocation.view", "Opened an IRO's children to reallocate them"
    COVER_UPDATE = "cover.update", "Changed cover"
    COVER_END = "cover.end", "Ended cover"
    EPISODE_UPDATE = "episode.update", "Changed an episode"
    CONTACT_PLAN_END = "contact_plan.end", "Ended an in-contact plan"
    IV_REFERRAL_CLOSE = "iv_referral.close", "Closed an Independent Visitor referral"
    # reviews8: RAG follow-ups ended when care ends
    RAG_FOLLOW_UP_END = "rag.follow_up_end", "Ended a RAG follow-up"
    # The annual report and complaints about the service
    REPORT_BUILD = "report.build", "Built an edition of the annual report"
    REPORT_VIEW = "report.view", "Opened an edition of the annual report"
    REPORT_DOWNLOAD = "report.download", "Downloaded an edition of the annual report"
    NARRATIVE_SAVE = "narrative.save", "Saved the annual report's narrative"
    COMPLAINT_CREATE = "complaint.create", "Recorded a complaint about the IRO service"
    COMPLAINT_UPDATE = "complaint.update", "Changed a complaint about the IRO service"
    COMPLAINT_LIST = "complaint.list", "Listed complaints about the IRO service"
    # Alerts
    ALERT_LIST = "alert.list", "Listed alerts"
    ALERT_OPEN = "alert.open", "Followed an alert"
    ALERT_DIGEST = "alert.digest", "Was emailed the daily digest of alerts"
    # Dashboards
    DASHBOARD_DOWNLOAD = "dashboard.download", "Downloaded a dashboard table"
    # SSDA903
    IMPORT_903 = "ssda903.import", "Imported SSDA903 files"
    IMPORT_903_VIEW = "ssda903.import_view", "Opened an SSDA903 import or its problems"
    EXPORT_903 = "ssda903.export", "Exported the SSDA903 return"


class AuditEvent(models.Model):
    """One read or change of a record, or a refused attempt; never edited or deleted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    role = models.CharField("Role at the time", max_length=100, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    action = models.CharField(max_length=50, choices=Action.choices)
    child = models.ForeignKey(
        "children.Child",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=50, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=300, blank=True)
    page_view = models.UUIDField(
        null=True, blank=True, help_text="Shared by the rows one page view wrote"
    )
    changes = models.JSONField(
        default=dict, blank=True, help_text="Changed fields: before and after, or just changed"
    )
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "audit_auditevent"
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["child", "-at"], name="audit_child_at"),
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_at"),
            models.Index(fields=["user", "-at"], name="audit_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} ({self.kind})"

    @property
    def allowed(self) -> bool:
        return self.kind != Kind.REFUSAL
