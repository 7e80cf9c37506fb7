"""Keeping in touch and the child's independent support: in-contact plans, advocacy and
Independent Visitors (Children Act 1989, s.23ZB; Advocacy Services and Representations
Procedure (Children) (Amendment) Regulations 2004)."""

import uuid

from django.db import models
from django.db.models import F, Q

from children.models import Child
from core.models import Record


class ContactMethod(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter or card"
    VIDEO = "video", "Video call"
    EMAIL = "email", "Email"


class InContactPlan(Record):
    """How the child and IRO agreed to keep in touch between reviews."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="contact_plans")
    agreed_on = models.DateField("Date agreed")
    methods = models.JSONField("How we keep in touch", default=list)
    every_weeks = models.PositiveSmallIntegerField("How often, in weeks")
    childs_words = models.TextField("In the child's own words", blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-agreed_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ended_on__isnull=True),
                name="one_current_contact_plan",
            ),
            models.CheckConstraint(
                condition=Q(every_weeks__gte=1), name="contact_plan_every_weeks_positive"
            ),
        ]

    def method_labels(self) -> list[str]:
        labels = dict(ContactMethod.choices)
        return [labels.get(method, method) for method in self.methods]


class ContactLog(Record):
    """One contact between the IRO and the child, logged against the in-contact plan."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="contacts")
    plan = models.ForeignKey(
        InContactPlan, on_delete=models.PROTECT, related_name="contacts", null=True, blank=True
    )
    contacted_on = models.DateField("Date of contact")
    method = models.CharField(max_length=12, choices=ContactMethod.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-contacted_on", "-created_at"]


class AdvocacyOutcome(models.TextChoices):
    PENDING = "pending", "Waiting for a response"
    ACCEPTED = "accepted", "Advocate allocated"
    DECLINED = "declined", "Child declined"
    COMPLETED = "completed", "Advocacy completed"
    WITHDRAWN = "withdrawn", "Referral withdrawn"


class AdvocacyReferral(Record):
    """A referral of the child to an independent advocate."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="advocacy_referrals")
    referred_on = models.DateField("Date referred")
    reason = models.TextField()
    organisation = models.CharField(max_length=150)
    outcome = models.CharField(
        max_length=10, choices=AdvocacyOutcome.choices, default=AdvocacyOutcome.PENDING
    )
    outcome_on = models.DateField("Date of outcome", null=True, blank=True)
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

    full_name = models.CharField(max_length=150)
    approved_on = models.DateField("Date approved", null=True, blank=True)
    checks_on = models.DateField("Date of DBS and reference checks", null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=VisitorStatus.choices, default=VisitorStatus.IN_RECRUITMENT
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["full_name"]
        indexes = [models.Index(fields=["approved_on"])]

    def __str__(self) -> str:
        return self.full_name


class IvReferral(Record):
    """A child waiting for an Independent Visitor, until matched or withdrawn."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="iv_referrals")
    referred_on = models.DateField("Date referred")
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["referred_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(closed_on__isnull=True),
                name="one_waiting_iv_referral",
            ),
        ]


class IvMatch(Record):
    """An Independent Visitor matched with a child, from a start date to an end date."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="iv_matches")
    visitor = models.ForeignKey(
        IndependentVisitor, on_delete=models.PROTECT, related_name="matches"
    )
    started_on = models.DateField("Match started on")
    ended_on = models.DateField("Match ended on", null=True, blank=True)
    end_reason = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="iv_match_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(ended_on__isnull=True),
                name="one_open_iv_match_per_child",
            ),
        ]
