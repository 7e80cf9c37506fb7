"""An import of SSDA903 files: what was uploaded, by whom, for which year, and what came of it.

The records an import writes (children, periods of care, episodes, reviews) point back at it
(`imported_in`), so each says which year's files it came from, when and by whom.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    REFUSED = "refused", "Not imported: the files have problems"
    FAILED = "failed", "Not imported: the import stopped"


class Import(models.Model):
    """One upload (or command run) of a collection year's 903 files, all in or nothing in."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    year = models.PositiveSmallIntegerField("Collection year starting")  # 2020 for 2020-21
    encoding = models.CharField(max_length=12, default="utf-8")
    status = models.CharField(
        max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # [{"name": "episodes.csv", "table": "Episodes", "rows": 2}]: what each file held.
    files = models.JSONField(default=list, blank=True)
    # {"children": {"added": 3, "changed": 1, "unchanged": 10}, "episodes": {...}, ...}
    summary = models.JSONField(default=dict, blank=True)
    # [{"file", "row", "child", "field", "rule", "value", "message"}]: why nothing was written.
    problems = models.JSONField(default=list, blank=True)
    failure = models.CharField("Why the import stopped", max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("import_903", "Can import SSDA903 files"),
            ("export_903", "Can download the year's SSDA903 return"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(failure=""), name="failed_import_says_why"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year_label} 903 import of {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def year_label(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    @property
    def in_progress(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    def file_of(self, table: str) -> str:
        """The name of the file that held `table` in this import."""
        return next((f["name"] for f in self.files if f["table"] == table), "")


class ImportFile(models.Model):
    """A file as uploaded, kept with its import: what the records came from."""

    batch = models.ForeignKey(Import, on_delete=models.PROTECT, related_name="uploads")
    name = models.CharField(max_length=255)
    content = models.BinaryField()

    def __str__(self) -> str:
        return self.name
