"""The annual report's records: the narrative managers write for a year, the editions built from
the record, their files, and the complaints about the IRO service the report counts."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import NOTE_MAX_LENGTH, BoundedTextField, Record

NARRATIVE_MAX_LENGTH = 20_000


class Narrative(Record):
    """What managers write for one reporting year; each edition keeps the text it was built with."""

    year = models.CharField("Reporting year", max_length=7, unique=True)
    introduction = BoundedTextField(blank=True, max_length=NARRATIVE_MAX_LENGTH)
    achievements = BoundedTextField(blank=True, max_length=NARRATIVE_MAX_LENGTH)
    next_steps = BoundedTextField("Next steps", blank=True, max_length=NARRATIVE_MAX_LENGTH)
    # [{"area", "measurement", "impact", "action"}]: the priorities action plan table.
    priorities = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"Narrative for {self.year}"

    def as_dict(self) -> dict:
        return {
            "introduction": self.introduction,
            "achievements": self.achievements,
            "next_steps": self.next_steps,
            "priorities": list(self.priorities),
            "version": self.version,
        }


class EditionStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class Edition(Record):
    """One build of the annual report for a year, kept as built: a rebuild is a new edition."""

    year = models.CharField("Reporting year", max_length=7)
    publishable = models.BooleanField("Suppress small numbers for publishing", default=False)
    status = models.CharField(
        max_length=8, choices=EditionStatus.choices, default=EditionStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField("What the build is doing", max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the snapshot the figures were read from was taken, and what it held.
    data_as_of = models.DateTimeField(null=True, blank=True)
    source = models.JSONField(default=dict, blank=True)
    figures = models.JSONField(null=True, blank=True)
    narrative = models.JSONField(default=dict, blank=True)
    failure = models.CharField("Why the build failed", max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("build_report", "Can build and download the annual report")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ready") | Q(figures__isnull=False, finished_at__isnull=False),
                name="ready_edition_has_figures",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(failure=""),
                name="failed_edition_says_why",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="edition_progress_is_a_percentage"
            ),
        ]
        indexes = [models.Index(fields=["year", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.year} annual report, built {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def is_ready(self) -> bool:
        return self.status == EditionStatus.READY

    @property
    def in_progress(self) -> bool:
        return self.status in (EditionStatus.QUEUED, EditionStatus.BUILDING)


class EditionFile(models.Model):
    """A file of an edition, written once when it is built."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="files")
    format = models.CharField(max_length=12)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "format"], name="one_file_per_format")
        ]

    def __str__(self) -> str:
        return f"{self.edition} ({self.format})"


class ComplaintFrom(models.TextChoices):
    CHILD = "child", "Child or young person"
    PARENT = "parent", "Parent or family member"
    CARER = "carer", "Carer"
    PROFESSIONAL = "professional", "Professional"
    OTHER = "other", "Someone else"


class ComplaintStage(models.TextChoices):
    """The Children Act 1989 representations procedure (England) Regulations 2006."""

    STAGE_1 = "stage_1", "Stage 1: local resolution"
    STAGE_2 = "stage_2", "Stage 2: investigation"
    STAGE_3 = "stage_3", "Stage 3: review panel"


class ComplaintOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"
    RESOLVED = "resolved", "Resolved to the complainant's satisfaction"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Complaint(Record):
    """A statutory complaint about the IRO service; it names no child, only what it was about."""

    received_on = models.DateField("Date received")
    complainant = models.CharField("Who complained", max_length=12, choices=ComplaintFrom.choices)
    about = BoundedTextField("What it was about", max_length=NOTE_MAX_LENGTH)
    stage = models.CharField(
        "Stage reached", max_length=8, choices=ComplaintStage.choices, default="stage_1"
    )
    outcome = models.CharField(max_length=14, choices=ComplaintOutcome.choices, blank=True)
    closed_on = models.DateField("Date closed", null=True, blank=True)
    lessons = BoundedTextField("Lessons learnt", max_length=NOTE_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-received_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("received_on")),
                name="complaint_closed_after_received",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(outcome=""),
                name="closed_complaint_has_an_outcome",
            ),
        ]
        indexes = [models.Index(fields=["received_on"])]

    def __str__(self) -> str:
        return f"Complaint received {self.received_on:%d/%m/%Y}"
