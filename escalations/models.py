"""Escalations: the IRO's dispute resolution process (IRO Handbook 2010, para 6.2)."""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from core.models import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, BoundedTextField, ChildDates, Record
from escalations import rules

NAME_MAX_LENGTH = 150


class Stage(models.TextChoices):
    """The ladder of seniority; values are exactly `rules.STAGE_ORDER`, in order."""

    INFORMAL = "informal", "Informal (social worker or team manager)"
    STAGE_1 = "stage_1", "Stage 1 (team manager)"
    STAGE_2 = "stage_2", "Stage 2 (service manager)"
    STAGE_3 = "stage_3", "Stage 3 (head of service)"
    STAGE_4 = "stage_4", "Stage 4 (director)"
    CAFCASS = "cafcass", "Cafcass referral"


assert tuple(Stage.values) == rules.STAGE_ORDER, "Stage choices must follow rules.STAGE_ORDER"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Area(models.TextChoices):
    CARE_PLAN_DRIFT = "care_plan_drift", "Care plan drift"
    PLACEMENT = "placement", "Placement"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    CONTACT = "contact", "Contact"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    STATUTORY_VISITS = "statutory_visits", "Statutory visits"
    PATHWAY_PLAN = "pathway_plan", "Pathway plan"
    LEGAL_PLANNING = "legal_planning", "Legal planning"
    OTHER = "other", "Other"


class AreaOutcome(models.TextChoices):
    RESOLVED = "resolved", "Resolved"
    PARTLY_RESOLVED = "partly_resolved", "Partly resolved"
    NOT_RESOLVED = "not_resolved", "Not resolved"


class EventKind(models.TextChoices):
    RAISED = "raised", "Raised"
    RESPONSE = "response", "Response recorded"
    ESCALATED = "escalated", "Escalated"
    SKIPPED = "skipped", "Escalated, skipping a stage"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"


def stage_working_days(stage: str) -> int:
    """Working days allowed for a response at `stage`, from settings (default 5)."""
    configured = getattr(settings, "ESCALATION_STAGE_WORKING_DAYS", {}) or {}
    return int(configured.get(stage, rules.DEFAULT_STAGE_WORKING_DAYS))


class EscalationQuerySet(models.QuerySet["Escalation"]):
    def open(self) -> "EscalationQuerySet":
        return self.filter(status=Status.OPEN)

    def formal(self) -> "EscalationQuerySet":
        return self.filter(formal=True)

    def overdue_on(self, today: date) -> "EscalationQuerySet":
        """Open escalations whose response at the current stage was due before `today`.

        A response due `n` working days after the stage started is overdue exactly when the
        stage started before the nth working day before today, so this stays one SQL filter.
        """
        from iro_service.working_days import subtract_working_days

        late = Q()
        for stage in rules.STAGE_ORDER:
            cutoff = subtract_working_days(today, stage_working_days(stage))
            late |= Q(stage=stage, stage_started_on__lt=cutoff)
        return self.open().filter(responded_on__isnull=True).filter(late)

    def formal_between(self, start: date, end: date) -> "EscalationQuerySet":
        """Escalations that became formal from `start` to `end` inclusive (see ADR 0009)."""
        return self.filter(formal=True, formal_on__gte=start, formal_on__lte=end)


class Escalation(Record, ChildDates):
    """One dispute about one child's plan, raised by an IRO and taken up the ladder."""

    CHILD_DATE_FIELDS = ("raised_on",)

    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="escalations"
    )
    review = models.ForeignKey(
        "reviews.Review",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
        verbose_name="review that prompted it",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="escalations_raised",
        verbose_name="raised by",
    )
    raised_on = models.DateField("date raised")
    formal = models.BooleanField(
        default=False, help_text="Whether the escalation has entered the formal stages"
    )
    formal_on = models.DateField(
        "formal from",
        null=True,
        blank=True,
        help_text="The day it entered the formal stages; its 20 working days run from here",
    )
    summary = BoundedTextField("summary of the concern", max_length=NOTE_MAX_LENGTH)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.INFORMAL)
    stage_started_on = models.DateField("current stage started on")
    addressed_to_name = models.CharField(
        "addressed to",
        max_length=NAME_MAX_LENGTH,
        blank=True,
        help_text="Who the current stage is to",
    )
    addressed_to_role = models.CharField("their role", max_length=NAME_MAX_LENGTH, blank=True)
    responded_on = models.DateField(
        "response at this stage received on",
        null=True,
        blank=True,
        help_text="The first response to the current stage; blank while one is awaited",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    resolved_at_stage = models.CharField(
        max_length=20, choices=Stage.choices, blank=True, default=""
    )
    outcome = BoundedTextField("overall outcome", max_length=NOTE_MAX_LENGTH, blank=True)

    objects = EscalationQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_on", "-created_at"]
        permissions = [("view_all_escalations", "Can see every open escalation")]
        constraints = [
            models.CheckConstraint(
                condition=Q(stage__in=rules.STAGE_ORDER), name="escalation_stage_known"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at_stage="") | Q(resolved_at_stage__in=rules.STAGE_ORDER),
                name="escalation_resolved_at_stage_known",
            ),
            models.CheckConstraint(
                condition=Q(formal=False, stage="informal")
                | (Q(formal=True) & ~Q(stage="informal")),
                name="escalation_formal_matches_stage",
            ),
            models.CheckConstraint(
                condition=Q(formal=False, formal_on__isnull=True)
                | Q(formal=True, formal_on__isnull=False, formal_on__gte=F("raised_on")),
                name="escalation_formal_from_a_day_after_raising",
            ),
            models.CheckConstraint(
                condition=Q(stage_started_on__gte=F("raised_on")),
                name="escalation_stage_starts_after_raised",
            ),
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True) | Q(responded_on__gte=F("stage_started_on")),
                name="escalation_response_within_the_stage",
            ),
            models.CheckConstraint(
                condition=Q(addressed_to_name="", addressed_to_role="")
                | (~Q(addressed_to_name="") & ~Q(addressed_to_role="")),
                name="escalation_addressee_has_name_and_role",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("raised_on")),
                name="escalation_closed_after_raised",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="open", closed_on__isnull=True, resolved_at_stage="")
                    | (Q(status="closed", closed_on__isnull=False) & ~Q(resolved_at_stage=""))
                ),
                name="escalation_closed_has_date_and_level",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "stage"]),
            models.Index(fields=["child", "-raised_on"]),
            models.Index(fields=["raised_on"]),
        ]

    def __str__(self) -> str:
        return f"Escalation for {self.child_id} raised {self.raised_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label

    @property
    def resolved_at_label(self) -> str:
        return Stage(self.resolved_at_stage).label if self.resolved_at_stage else ""

    @property
    def addressed_to(self) -> str:
        """Who the current stage is to, as "name, role"; blank if it was never recorded."""
        return ", ".join(filter(None, (self.addressed_to_name, self.addressed_to_role)))

    @property
    def response_due(self) -> date:
        """The date a response is due at the current stage (IRO Handbook 2010, para 6.2)."""
        return rules.response_due(self.stage_started_on, stage_working_days(self.stage))

    @property
    def awaiting_response(self) -> bool:
        """Open, and nobody has yet responded to the current stage."""
        return self.is_open and self.responded_on is None

    @property
    def overall_due(self) -> date | None:
        """The day the formal process should be over; None while it is informal (ADR 0009)."""
        return rules.overall_due(self.formal_on) if self.formal_on else None

    def _end(self, today: date) -> date:
        return self.closed_on if self.closed_on and self.closed_on < today else today

    def working_days_open(self, today: date) -> int:
        return rules.working_days_open(self.raised_on, self._end(today))

    def formal_working_days(self, today: date) -> int | None:
        """Working days of the formal process so far (or taken); None while informal."""
        return rules.working_days_open(self.formal_on, self._end(today)) if self.formal_on else None

    def is_overdue_on(self, today: date) -> bool:
        """Whether the response to the current stage was due before `today` and has not come."""
        return self.awaiting_response and self.response_due < today

    def is_past_overall_due_on(self, today: date) -> bool:
        """Whether it is still open after its formal 20 working days (ADR 0009)."""
        due = self.overall_due
        return self.is_open and due is not None and due < today

    def clean(self) -> None:
        errors: dict[str, list[Any]] = {}
        try:
            super().clean()
        except ValidationError as error:
            error.update_error_dict(errors)
        if self.raised_on and self.closed_on and self.closed_on < self.raised_on:
            errors["closed_on"] = ["The date closed must be on or after the date it was raised"]
        if self.raised_on and self.stage_started_on and self.stage_started_on < self.raised_on:
            errors["stage_started_on"] = [
                "The stage must start on or after the date the escalation was raised"
            ]
        if self.formal != (self.formal_on is not None):
            errors["formal_on"] = [
                "A formal escalation needs the day it became formal, and only it"
            ]
        elif self.raised_on and self.formal_on and self.formal_on < self.raised_on:
            errors["formal_on"] = [
                "It must become formal on or after the date the escalation was raised"
            ]
        if (
            self.stage_started_on
            and self.responded_on
            and self.responded_on < self.stage_started_on
        ):
            errors["responded_on"] = ["The response must come on or after the stage started"]
        if bool(self.addressed_to_name) != bool(self.addressed_to_role):
            errors["addressed_to_name"] = ["Give both the name and the role of who it is to"]
        if errors:
            raise ValidationError(errors)


class AreaOfConcern(Record):
    """One thing the IRO wants put right, with the action required and how it ended."""

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="areas")
    area = models.CharField("area of concern", max_length=30, choices=Area.choices)
    description = BoundedTextField("concern", max_length=NOTE_MAX_LENGTH)
    action_required = BoundedTextField("action required", max_length=NOTE_MAX_LENGTH)
    outcome = models.CharField(max_length=20, choices=AreaOutcome.choices, blank=True, default="")
    outcome_note = BoundedTextField(max_length=NOTE_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "areas of concern"
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=AreaOutcome.values),
                name="area_outcome_known",
            ),
        ]

    def __str__(self) -> str:
        return self.area_label

    @property
    def area_label(self) -> str:
        return Area(self.area).label

    @property
    def outcome_label(self) -> str:
        return AreaOutcome(self.outcome).label if self.outcome else ""


class EscalationEvent(Record):
    """One step in an escalation's history; never edited."""

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    stage = models.CharField(
        max_length=20, choices=Stage.choices, help_text="The stage after this step"
    )
    on = models.DateField("date")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    responder_name = models.CharField(
        "name of the person responding", max_length=NAME_MAX_LENGTH, blank=True
    )
    responder_role = models.CharField("their role", max_length=NAME_MAX_LENGTH, blank=True)
    addressed_to_name = models.CharField(
        "addressed to",
        max_length=NAME_MAX_LENGTH,
        blank=True,
        help_text="On raising and on each move: who the stage is to",
    )
    addressed_to_role = models.CharField("their role", max_length=NAME_MAX_LENGTH, blank=True)
    text = BoundedTextField(max_length=NOTE_MAX_LENGTH, blank=True)
    reason = BoundedTextField(max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["on", "created_at", "pk"]
        indexes = [
            models.Index(fields=["escalation", "on"]),
            models.Index(fields=["kind", "stage", "on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on:%d/%m/%Y}"

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label

    @property
    def addressed_to(self) -> str:
        """Who the step was addressed to, as "name, role"; blank if none."""
        return ", ".join(filter(None, (self.addressed_to_name, self.addressed_to_role)))
