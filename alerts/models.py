"""Alerts the scan raises when something is about to slip, who has read them, the daily
digest each user was sent, and each scan's counts."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from alerts.kinds import AlertKind


class AlertQuerySet(models.QuerySet["Alert"]):
    def open(self) -> "AlertQuerySet":
        return self.filter(cleared_at__isnull=True)

    def of_kinds(self, kinds: "set[str] | frozenset[str]") -> "AlertQuerySet":
        return self.filter(kind__in=sorted(kinds))


class Alert(models.Model):
    """A condition found by the scan, open until the scan finds it resolved; never deleted.

    The subject is the record the condition is about (a review, a child, a decision...),
    named by its integer key for matching; `link_ref` is the public id its link opens; `child` is set
    whenever the subject belongs to a child, so the access gate decides who sees it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=30, choices=AlertKind.choices)
    subject_id = models.BigIntegerField()
    link_ref = models.UUIDField(help_text="The public id of the record the alert links to")
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts_about",
        help_text="The member of staff an alert is about (a new account, a caseload)",
    )
    due_on = models.DateField(help_text="By when it must be done (or since when it holds)")
    reason = models.CharField(max_length=300)
    raised_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        permissions = [("view_service_alerts", "Can see the service's alerts")]
        constraints = [
            # Exactly once: a second open alert for the same condition cannot exist, however
            # many scans run at once; once cleared, the same condition may be raised again.
            models.UniqueConstraint(
                fields=["kind", "subject_id", "due_on"],
                condition=Q(cleared_at__isnull=True),
                name="one_open_alert_per_kind_subject_due",
            ),
            models.CheckConstraint(
                condition=Q(cleared_at__isnull=True) | Q(cleared_at__gte=models.F("raised_at")),
                name="alert_cleared_after_raised",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "cleared_at"]),
            models.Index(fields=["child", "cleared_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class AlertRead(models.Model):
    """A user marked an alert as read: it stays in their list, no longer counted as new."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="one_read_per_alert_and_user")
        ]

    def __str__(self) -> str:
        return f"Read {self.read_at:%d/%m/%Y %H:%M}"


class AlertSettings(models.Model):
    """A user's choice of a daily digest email of their open alerts."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="alert_settings"
    )
    daily_digest = models.BooleanField("Send me a daily email of my alerts", default=False)
    modified_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "Daily digest on" if self.daily_digest else "Daily digest off"


class DigestStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed, to be retried"


class Digest(models.Model):
    """The one daily digest a user may be sent on a day: the row is claimed before sending."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    status = models.CharField(max_length=8, choices=DigestStatus.choices)
    alert_count = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=1)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_per_day")
        ]

    def __str__(self) -> str:
        return f"Digest of {self.day:%d/%m/%Y}: {self.get_status_display()}"


class ScanTrigger(models.TextChoices):
    SCHEDULE = "schedule", "on the timetable"
    COMMAND = "command", "from the command line"
    START = "start", "when the app started"
    CHANGE = "change", "after a change"


class Scan(models.Model):
    """One full scan: when it ran, what started it, and per kind how many alerts it raised,
    left open and cleared."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trigger = models.CharField(max_length=20, choices=ScanTrigger.choices)
    today = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"Scan of {self.started_at:%d/%m/%Y %H:%M}"

    @property
    def rows(self) -> list[dict[str, object]]:
        """Per kind, in the kinds' order: its name and how many were raised, open, cleared."""
        return [
            {"label": label, **self.counts[kind]}
            for kind, label in AlertKind.choices
            if kind in self.counts
        ]

    @property
    def raised(self) -> int:
        return sum(count["raised"] for count in self.counts.values())

    @property
    def cleared(self) -> int:
        return sum(count["cleared"] for count in self.counts.values())

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()
