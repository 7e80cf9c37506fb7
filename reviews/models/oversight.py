"""The IRO's oversight between reviews: RAG ratings and oversight notes (IRO Handbook 2010, ch. 3)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from children.models import Child
from core.models import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, BoundedTextField, ChildDates, Record
from reviews import rules


class Rating(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class RagRating(Record, ChildDates):
    """A RAG rating set after a review, and the follow-up it demands (local practice)."""

    CHILD_DATE_FIELDS = ("set_on", "followed_up_on")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="rag_ratings")
    review = models.OneToOneField(
        "reviews.Review", on_delete=models.PROTECT, null=True, blank=True, related_name="rag"
    )
    rating = models.CharField(max_length=5, choices=Rating.choices)
    set_on = models.DateField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    follow_up_from = models.DateField()
    follow_up_due = models.DateField()
    followed_up_on = models.DateField(null=True, blank=True)
    reason = BoundedTextField("Why this rating", max_length=REASON_MAX_LENGTH, blank=True)
    # A follow-up no longer needed (the child ceased to be looked after) is ended, not done.
    follow_up_ended_on = models.DateField("Follow-up ended on", null=True, blank=True)
    follow_up_ended_reason = models.CharField("Why the follow-up ended", max_length=200, blank=True)

    class Meta:
        ordering = ["-set_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_due__gte=F("follow_up_from")),
                name="rag_follow_up_window_in_order",
            ),
            models.CheckConstraint(
                condition=Q(followed_up_on__isnull=True) | Q(follow_up_ended_on__isnull=True),
                name="rag_follow_up_done_or_ended_not_both",
            ),
            models.CheckConstraint(
                condition=Q(follow_up_ended_on__isnull=True) | ~Q(follow_up_ended_reason=""),
                name="rag_ended_follow_up_has_a_reason",
            ),
        ]
        indexes = [models.Index(fields=["child", "-set_on"]), models.Index(fields=["set_on"])]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} on {self.set_on:%d/%m/%Y}"

    @property
    def follow_up_open(self) -> bool:
        """Still to be followed up: neither done nor ended."""
        return self.followed_up_on is None and self.follow_up_ended_on is None

    @property
    def follow_up_timing(self) -> str:
        """How far outside its window the follow-up was logged, in words; "" when inside."""
        if self.followed_up_on is None:
            return ""
        days = rules.days_outside_window(
            self.followed_up_on, start=self.follow_up_from, end=self.follow_up_due
        )
        if days == 0:
            return ""
        count = f"{abs(days)} day{'s' if abs(days) != 1 else ''}"
        if days > 0:
            return f"Followed up {count} after the window closed"
        return f"Followed up {count} before the window opened"


class OversightKind(models.TextChoices):
    MIDWAY_REVIEW = "midway", "Mid-way review"
    SW_UPDATE = "sw_update", "Update from social worker"
    FILE_CHECK = "file_check", "File check"
    CONTACT_CHILD = "contact_child", "Contact with the child"
    CONTACT_CARER = "contact_carer", "Contact with the carer"
    CONTACT_PROFESSIONAL = "contact_professional", "Contact with a professional"
    OTHER = "other", "Other"


class OversightNote(Record, ChildDates):
    """A dated entry of the IRO's oversight of the child's plan: the IRO's footprint."""

    CHILD_DATE_FIELDS = ("noted_on",)

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="oversight_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    noted_on = models.DateField("Date")
    kind = models.CharField(max_length=20, choices=OversightKind.choices)
    text = BoundedTextField("Note", max_length=NOTE_MAX_LENGTH)
    follow_up_of = models.ForeignKey(
        RagRating,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name="RAG follow-up",
    )

    class Meta:
        ordering = ["-noted_on", "-created_at"]
        indexes = [models.Index(fields=["child", "-noted_on"]), models.Index(fields=["noted_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.noted_on:%d/%m/%Y}"
