"""A child's statutory review (regs. 33 and 48, Care Planning, Placement and Case Review
(England) Regulations 2010) and the decisions it makes."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from children.models import Child, PeriodOfCare, imported_in_field
from core.models import NOTE_MAX_LENGTH, BoundedTextField, ChildDates, Record
from reviews import rules
from reviews.rules import ReviewKind, ReviewRegime


class ReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    DRAFT = "draft", "Draft record"
    FINAL = "final", "Final"
    CANCELLED = "cancelled", "Cancelled"


class ReviewFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIRTUAL = "virtual", "Virtual"
    HYBRID = "hybrid", "Hybrid"


class Chair(models.TextChoices):
    IRO = "iro", "The IRO"
    YOUNG_PERSON = "young_person", "The young person, with the IRO's support"


class Participation(models.TextChoices):
    """SSDA903 REVIEW_CODE: how the child took part in the review."""

    PN0 = "PN0", "PN0: child aged under 4 at the time of the review"
    PN1 = "PN1", "PN1: attended and spoke for themselves"
    PN2 = "PN2", "PN2: attended, an advocate spoke for them"
    PN3 = "PN3", "PN3: attended and conveyed views non-verbally"
    PN4 = "PN4", "PN4: attended without contributing"
    PN5 = "PN5", "PN5: did not attend, briefed an advocate"
    PN6 = "PN6", "PN6: did not attend, conveyed views by other means"
    PN7 = "PN7", "PN7: did not attend and views were not conveyed"


class YesNoNA(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "na", "Not applicable"


class ConsultationBand(models.TextChoices):
    NONE = "none", "None used"
    AGE_4_TO_7 = "4_7", "Ages 4 to 7"
    AGE_8_TO_12 = "8_12", "Ages 8 to 12"
    AGE_13_PLUS = "13_plus", "Ages 13 and over"


class LateReason(models.TextChoices):
    IRO_ABSENCE = "iro_absence", "IRO absence"
    CARE_PLAN_NOT_READY = "care_plan", "Care plan not ready"
    ASSESSMENTS_NOT_READY = "assessments", "Assessments not ready"
    FAMILY_UNAVAILABLE = "family", "Child, family or carers unavailable"
    PROFESSIONALS_UNAVAILABLE = "professionals", "Professionals unavailable"
    COVID = "covid", "COVID-19 restrictions"
    NOTIFIED_LATE = "notified_late", "IRO service told late of the child's care"
    OTHER = "other", "Other"


MONITORING_QUESTIONS = {
    "health_assessment": "Health assessment up to date",
    "dental_check": "Dental check up to date",
    "sdq": "Strengths and difficulties questionnaire (SDQ) completed",
    "pep": "Personal education plan (PEP) completed",
    "post16_pep": "Post-16 PEP completed",
    "eet": "In education, employment or training (16 and over)",
    "suitable_accommodation": "In suitable accommodation (16 to 18)",
    "leisure": "Takes part in a leisure activity",
    "cultural_needs": "Cultural and identity needs met",
}


class Timeliness(models.TextChoices):
    IN_TIME = "in_time", "In time"
    LATE = "late", "Late"
    UNKNOWN = "unknown", "Timeliness unknown"


class ReviewQuerySet(models.QuerySet["Review"]):
    def held(self) -> "ReviewQuerySet":
        return self.filter(
            status__in=[ReviewStatus.DRAFT, ReviewStatus.FINAL], held_on__isnull=False
        )

    def final(self) -> "ReviewQuerySet":
        return self.filter(status=ReviewStatus.FINAL)

    def reg33(self) -> "ReviewQuerySet":
        """Looked-after reviews (reg. 33): short-break reviews (reg. 48) are counted apart."""
        return self.filter(regime=ReviewRegime.REG33)

    def short_breaks(self) -> "ReviewQuerySet":
        return self.filter(regime=ReviewRegime.SHORT_BREAKS)

    def for_903_reviews(self) -> "ReviewQuerySet":
        """What the SSDA903 Reviews table holds: final reg. 33 reviews (never reg. 48: rule 399)."""
        return self.final().reg33()

    def timeliness_known(self) -> "ReviewQuerySet":
        """Reviews whose due date the history held establishes: the ones percentages count."""
        return self.filter(due_date__isnull=False)

    def late(self) -> "ReviewQuerySet":
        return self.held().timeliness_known().filter(held_on__gt=F("due_date"))

    def in_time(self) -> "ReviewQuerySet":
        return self.held().timeliness_known().filter(held_on__lte=F("due_date"))


class Review(Record, ChildDates):
    """One statutory review of a child's care plan, from scheduling to the final record."""

    CHILD_DATE_FIELDS = ("held_on", "pre_meeting_done_on")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="reviews")
    period = models.ForeignKey(PeriodOfCare, on_delete=models.PROTECT, related_name="reviews")
    iro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chaired_reviews",
        null=True,
        blank=True,
        verbose_name="IRO",
    )
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.SCHEDULED
    )
    regime = models.CharField(
        "Timetable", max_length=12, choices=ReviewRegime.choices, default=ReviewRegime.REG33
    )
    kind = models.CharField(max_length=10, choices=ReviewKind.choices)
    due_date = models.DateField(
        null=True,
        blank=True,
        help_text="Latest date allowed by reg. 33 (or 48); empty when the history held cannot "
        "establish it",
    )
    counted_from = models.DateField(null=True, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    late_schedule_reason = models.CharField(
        "Why it is booked after its due date or in the past", max_length=300, blank=True
    )
    format = models.CharField(max_length=10, choices=ReviewFormat.choices, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    pre_meeting_done_on = models.DateField(
        "IRO's pre-meeting oversight done on", null=True, blank=True
    )

    held_on = models.DateField("Date held", null=True, blank=True)
    chair = models.CharField(max_length=12, choices=Chair.choices, blank=True)
    participation = models.CharField(max_length=3, choices=Participation.choices, blank=True)
    parents_view = models.CharField(
        "A parent gave a meaningful view", max_length=3, choices=YesNoNA.choices, blank=True
    )
    parents_one_to_one = models.CharField(
        "A parent had a one-to-one with the IRO before the review",
        max_length=3,
        choices=YesNoNA.choices,
        blank=True,
    )
    sw_report_available = models.BooleanField(
        "The social worker's report was available", null=True, blank=True
    )
    carer_attended = models.BooleanField(default=False)
    iv_attended = models.BooleanField("Independent Visitor attended", default=False)
    advocate_attended = models.BooleanField(default=False)
    other_attendees = models.CharField(max_length=300, blank=True)
    consultation_papers = models.CharField(
        max_length=8, choices=ConsultationBand.choices, blank=True
    )
    monitoring = models.JSONField(default=dict, blank=True)
    summary = BoundedTextField("Summary of the review", max_length=NOTE_MAX_LENGTH, blank=True)
    late_reason = models.CharField(max_length=15, choices=LateReason.choices, blank=True)
    late_reason_detail = models.CharField(max_length=300, blank=True)

    cancelled_reason = models.CharField(max_length=300, blank=True)
    rearranged_reason = models.CharField("Reason last rearranged", max_length=300, blank=True)
    finalised_on = models.DateField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    imported_in = imported_in_field()

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-scheduled_for", "-created_at"]
        constraints = [
            # An imported review (SSDA903) was held, but nobody finalised it here and the
            # return holds no reason it was late: those stay unknown, never made up.
            models.CheckConstraint(
                condition=~Q(status="final")
                | Q(held_on__isnull=False, finalised_on__isnull=False)
                | Q(held_on__isnull=False, imported_in__isnull=False),
                name="final_review_has_held_and_finalised_dates",
            ),
            models.CheckConstraint(
                condition=Q(held_on__isnull=True)
                | Q(due_date__isnull=True)
                | Q(held_on__lte=F("due_date"))
                | ~Q(status="final")
                | ~Q(late_reason="")
                | Q(imported_in__isnull=False),
                name="final_late_review_has_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True, counted_from__isnull=True)
                | Q(due_date__isnull=False, counted_from__isnull=False),
                name="review_due_date_and_counted_from_known_together",
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=False) | Q(kind="unknown"),
                name="review_of_known_kind_has_a_due_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancelled_reason=""),
                name="cancelled_review_has_a_reason",
                violation_error_message="Enter why the review is cancelled",
            ),
            # One review in hand per period of care: a draft left when care ended can still
            # be finalised while the child's next period has its own review booked.
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(status__in=["scheduled", "draft"]),
                name="one_open_review_per_period",
            ),
            models.UniqueConstraint(
                fields=["child", "held_on"],
                condition=Q(status__in=["draft", "final"]),
                name="one_review_held_per_child_per_day",
                violation_error_message="Two reviews of a child cannot be held on one day",
            ),
        ]
        indexes = [
            models.Index(fields=["child", "status", "held_on"]),
            models.Index(fields=["held_on"]),
            # The service dashboard's timeliness and participation over a year of reg. 33
            # reviews, read from the index alone (dashboards.selectors).
            models.Index(
                fields=["held_on"],
                include=["id", "iro", "due_date", "participation", "parents_view"],
                condition=Q(regime="reg33", status__in=["draft", "final"], held_on__isnull=False),
                name="review_held_reg33_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.child.full_name}"

    @property
    def is_late(self) -> bool:
        """Held after its due date (reg. 33 or 48); never when the due date is unknown."""
        return (
            self.held_on is not None and self.due_date is not None and self.held_on > self.due_date
        )

    @property
    def timeliness(self) -> str:
        """Unknown when the history held cannot establish the due date; else, once held, in
        time or late; "" before then (docs/decisions/0010)."""
        if self.due_date is None:
            return Timeliness.UNKNOWN
        if self.held_on is None:
            return ""
        return Timeliness.LATE if self.is_late else Timeliness.IN_TIME

    @property
    def in_903_reviews(self) -> bool:
        """Whether the SSDA903 Reviews table holds it: reg. 48 reviews never (validator rule 399)."""
        return self.regime == ReviewRegime.REG33

    @property
    def regulation(self) -> str:
        return "reg. 48, short breaks" if self.regime == ReviewRegime.SHORT_BREAKS else "reg. 33"

    @property
    def scheduled_after_due(self) -> bool:
        """Booked, not yet held, for a day after it is due."""
        return (
            self.status == ReviewStatus.SCHEDULED
            and self.scheduled_for is not None
            and self.due_date is not None
            and timezone.localdate(self.scheduled_for) > self.due_date
        )

    @property
    def history_starts_on(self) -> date | None:
        """The earliest data held on the child: the start of their earliest episode."""
        return (
            self.child.episodes.order_by("start_date").values_list("start_date", flat=True).first()
        )

    @property
    def pre_meeting_due(self) -> date | None:
        """When the IRO's pre-meeting oversight is due: 2 working days before (local practice)."""
        if self.scheduled_for is None:
            return None
        return rules.pre_meeting_oversight_due(self.scheduled_for.date())

    @property
    def is_open(self) -> bool:
        return self.status in (ReviewStatus.SCHEDULED, ReviewStatus.DRAFT)

    def days_to_due(self, today: date) -> int | None:
        return None if self.due_date is None else (self.due_date - today).days

    @property
    def monitoring_answers(self) -> list[tuple[str, str]]:
        labels = dict(YesNoNA.choices)
        return [
            (question, labels.get(self.monitoring.get(key, ""), "Not recorded"))
            for key, question in MONITORING_QUESTIONS.items()
        ]


DECISION_MAX_LENGTH = 2_000


class DecisionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "No longer needed"


class Decision(Record):
    """A decision or recommendation of a review, with who must act and by when."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="decisions")
    text = BoundedTextField("Decision or recommendation", max_length=DECISION_MAX_LENGTH)
    owner = models.CharField("Who will do it", max_length=150)
    due_date = models.DateField("To be done by")
    status = models.CharField(
        max_length=8, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(completed_on__isnull=False),
                name="closed_decision_has_completed_date",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]
