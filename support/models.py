"""Keeping in touch and the child's independent support: in-contact plans, advocacy and
Independent Visitors (Children Act 1989, s.23ZB; Advocacy Services and Representations
Procedure (Children) (Amendment) Regulations 2004)."""

from django.db import models
from django.db.models import Q

from children.models import Child
from core.models import (
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    BoundedTextField,
    ChildDates,
    DateRange,
    Record,
    one_open_per,
)

NAME_MAX_LENGTH = 150


class ContactMethod(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter or card"
    VIDEO = "video", "Video call"
    EMAIL = "email", "Email"


class InContactPlan(Record, ChildDates, DateRange):
    """How the child and IRO agreed to keep in touch between reviews, until replaced."""

    CHILD_DATE_FIELDS = ("start_date",)

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="contact_plans")
    start_date = models.DateField("Date agreed")
    end_date = models.DateField("Date replaced", null=True, blank=True)
    methods = models.JSONField("How we keep in touch", default=list)
    every_weeks = models.PositiveSmallIntegerField("How often, in weeks")
    childs_words = BoundedTextField(
        "In the child's own words", blank=True, max_length=REASON_MAX_LENGTH
    )

    class Meta:
        ordering = ["-start_date", "-created_at"]
        constraints = [
            *DateRange.Meta.constraints,
            one_open_per(
                "child",
                name="one_current_contact_plan",
                message="The child already has a current in-contact plan: change that plan instead",
            ),
            models.CheckConstraint(
                condition=Q(every_weeks__gte=1), name="contact_plan_every_weeks_positive"
            ),
        ]

    def method_labels(self) -> list[str]:
        labels = dict(ContactMethod.choices)
        return [labels.get(method, method) for method in self.methods]


class ContactLog(Record, ChildDates):
    """One contact between the IRO and the child, logged against the in-contact plan."""

    CHILD_DATE_FIELDS = ("contacted_on",)

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="contacts")
    plan = models.ForeignKey(
        InContactPlan, on_delete=models.PROTECT, related_name="contacts", null=True, blank=True
    )
    contacted_on = models.DateField("Date of contact")
    method = models.CharField(max_length=12, choices=ContactMethod.choices)
    note = BoundedTextField(blank=True, max_length=NOTE_MAX_LENGTH)

    class Meta:
        ordering = ["-contacted_on", "-created_at"]


class AdvocacyOutcome(models.TextChoices):
    PENDING = "pending", "Waiting for a response"
    ACCEPTED = "accepted", "Advocate allocated"
    DECLINED = "declined", "Child declined"
    COMPLETED = "completed", "Advocacy completed"
    WITHDRAWN = "withdrawn", "Referral withdrawn"


class AdvocacyReferral(Record, ChildDates):
    """A referral of the child to an independent advocate."""

    CHILD_DATE_FIELDS = ("referred_on", "outcome_on")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="advocacy_referrals")
    referred_on = models.DateField("Date referred")
    reason = BoundedTextField(max_length=REASON_MAX_LENGTH)
    organisation = models.CharField(max_length=NAME_MAX_LENGTH)
    outcome = models.CharField(
        max_length=10, choices=AdvocacyOutcome.choices, default=AdvocacyOutcome.PENDING
    )
    outcome_on = models.DateField("Date of outcome", null=True, blank=True)
    # A PN7 review prompts a referral: support points at reviews, never the other way.
    review = models.ForeignKey(
        "reviews.Review",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="advocacy_referrals",
    )

    class Meta:
        ordering = ["-referred_on", "-created_at"]
        indexes = [models.Index(fields=["referred_on"])]


class VisitorStatus(models.TextChoices):
    IN_RECRUITMENT = "recruiting", "In recruitment"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    LEFT = "left", "Left the scheme"


class IndependentVisitor(Record):
    """A volunteer befriender on the council's Independent Visitor scheme."""

    full_name = models.CharField(max_length=NAME_MAX_LENGTH)
    approved_on = models.DateField("Date approved", null=True, blank=True)
    checks_on = models.DateField("Date of DBS and reference checks", null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=VisitorStatus.choices, default=VisitorStatus.IN_RECRUITMENT
    )
    notes = BoundedTextField(blank=True, max_length=NOTE_MAX_LENGTH)

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["approved_on"])]

    def __str__(self) -> str:
        return self.full_name


class IvReferral(Record, ChildDates):
    """A child waiting for an Independent Visitor, until matched or withdrawn."""

    CHILD_DATE_FIELDS = ("referred_on", "closed_on")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="iv_referrals")
    referred_on = models.DateField("Date referred")
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.CharField(max_length=NAME_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["referred_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(closed_on__isnull=True),
                name="one_waiting_iv_referral",
            ),
        ]


class IvMatch(Record, ChildDates, DateRange):
    """An Independent Visitor matched with a child, from a start date to an end date."""

    CHILD_DATE_FIELDS = ("start_date", "end_date")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="iv_matches")
    visitor = models.ForeignKey(
        IndependentVisitor, on_delete=models.PROTECT, related_name="matches"
    )
    start_date = models.DateField("Match started on")
    end_date = models.DateField("Match ended on", null=True, blank=True)
    end_reason = models.CharField(max_length=NAME_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            *DateRange.Meta.constraints,
            one_open_per(
                "child",
                name="one_open_iv_match_per_child",
                message="The child was matched with an Independent Visitor by someone else at "
                "the same time: check and try again",
            ),
        ]
