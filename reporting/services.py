"""Writes for the annual report: narratives, editions and their build, complaints. Each write is
atomic and audited in the same transaction."""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from audit.models import Action, Kind
from audit.writer import changes_between, record, snapshot
from children.models import Child, Episode, PeriodOfCare
from core.conflicts import lock
from core.dates import not_in_future
from core.queue import queue_on_commit
from iro_service.models import User
from reporting import document, figures
from reporting.models import Complaint, Edition, EditionFile, EditionStatus, Narrative
from reporting.rules import QUEUE_PATIENCE, ReportingYear
from reporting.suppression import suppress
from reviews.models import Review

logger = logging.getLogger(__name__)

NARRATIVE_FIELDS = ("introduction", "achievements", "next_steps", "priorities")
PRIORITY_FIELDS = ("area", "measurement", "impact", "action")
FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("application/zip", "zip"),
    "json": ("application/json", "json"),
}


# Narratives ------------------------------------------------------------------------------------


@transaction.atomic
def narrative_save(
    *,
    by: User,
    year: ReportingYear,
    version: int | None,
    request: HttpRequest | None = None,
    **fields: Any,
) -> Narrative:
    """Save the year's narrative; EditConflictError if someone saved it since `version`."""
    narrative, created = Narrative.objects.get_or_create(
        year=year.label, defaults={"created_by": by, "modified_by": by}
    )
    if not created:
        narrative = lock(narrative, version=version, what="narrative")
    before = snapshot(narrative)
    for name in NARRATIVE_FIELDS:
        if name in fields:
            setattr(narrative, name, fields[name])
    narrative.priorities = [
        {key: str(row.get(key, "")).strip() for key in PRIORITY_FIELDS}
        for row in narrative.priorities
        if any(str(row.get(key, "")).strip() for key in PRIORITY_FIELDS)
    ]
    changes = changes_between(before, narrative)
    if not created and not changes:
        return narrative
    if not created:
        narrative.version += 1
    narrative.stamp(by)
    narrative.full_clean()
    narrative.save()
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.NARRATIVE_SAVE,
        obj=narrative,
        changes=changes,
        detail={"year": year.label, "version": narrative.version},
    )
    return narrative


def narrative_for(year: ReportingYear) -> Narrative | None:
    return Narrative.objects.filter(year=year.label).first()


# Editions ---------------------------------------------------------------------------------------


@transaction.atomic
def edition_request(
    *, by: User, year: ReportingYear, publishable: bool, request: HttpRequest | None = None
) -> Edition:
    """Queue a new edition of the year's report with the narrative as it stands now."""
    from reporting.tasks import build_edition

    current = narrative_for(year)
    edition = Edition(
        year=year.label,
        publishable=publishable,
        requested_by=by,
        narrative=current.as_dict() if current else {},
        step="Waiting for a worker",
    )
    edition.stamp(by)
    edition.full_clean()
    edition.save()
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=Action.REPORT_BUILD,
        obj=edition,
        detail={"year": year.label, "publishable": publishable},
    )
    queue_on_commit(build_edition, edition.pk)
    return edition


# A running worker claims a queued edition within seconds; one still queued after this was
# most likely never published (Redis was down), or waits behind another build, where the
# second message claims nothing.
REQUEUE_AFTER = timedelta(minutes=2)


def editions_requeue(*, older_than: timedelta = REQUEUE_AFTER) -> int:
    """Queue again the build of every edition still queued `older_than` after its request;
    return how many."""
    from reporting.tasks import build_edition

    now = timezone.now()
    # Past QUEUE_PATIENCE the edition page already calls the build stopped and asks for a new
    # one; building it now would contradict the page.
    waiting = Edition.objects.filter(
        status=EditionStatus.QUEUED,
        created_at__lt=now - older_than,
        created_at__gte=now - timedelta(seconds=QUEUE_PATIENCE),
    ).values_list("pk", flat=True)
    ids = list(waiting)
    for edition_id in ids:
        queue_on_commit(build_edition, edition_id)
    return len(ids)


def _progress(edition_id: int, percent: int, step: str) -> None:
    Edition.objects.filter(pk=edition_id, status=EditionStatus.BUILDING).update(
        progress=percent, step=step, modified_at=timezone.now()
    )


@contextmanager
def one_snapshot() -> Iterator[datetime]:
    """A read-only transaction that sees the record as it stood when it began, so every figure
    comes from the same moment (PostgreSQL REPEATABLE READ; SQLite's transactions already do)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield timezone.now()


def _source() -> dict[str, int]:
    """What the figures were read from: the number of records of each kind in the snapshot."""
    return {
        "children": Child.objects.count(),
        "periods_of_care": PeriodOfCare.objects.count(),
        "episodes": Episode.objects.count(),
        "reviews": Review.objects.count(),
    }


def edition_build(*, edition_id: int) -> Edition | None:
    """Build a queued edition: figures from one snapshot, then every file; mark it ready, or
    failed with the reason. An edition already claimed by another worker is left alone."""
    claimed = Edition.objects.filter(pk=edition_id, status=EditionStatus.QUEUED).update(
        status=EditionStatus.BUILDING,
        started_at=timezone.now(),
        progress=5,
        step="Computing the figures",
        modified_at=timezone.now(),
    )
    if not claimed:
        return None
    edition = Edition.objects.get(pk=edition_id)
    step = "computing the figures"
    try:
        with one_snapshot() as as_of:
            computed = figures.annual_figures(ReportingYear.from_label(edition.year))
            source = _source()
        edition.figures, edition.source, edition.data_as_of = computed, source, as_of
        step = "drawing the charts"
        _progress(edition_id, 50, "Drawing the charts")
        doc = document_for(edition)
        svgs = draw_charts(doc)
        files: dict[str, bytes] = {"charts": json.dumps(svgs).encode()}
        for fmt, (label, percent) in WRITING.items():
            step = label[0].lower() + label[1:]  # "writing the PDF", mid-sentence
            _progress(edition_id, percent, label)
            files[fmt] = render(fmt, doc, svgs)
    except SoftTimeLimitExceeded:
        return _fail(edition_id, f"The build took too long while {step} and was stopped.")
    except Exception as error:
        logger.exception("Edition %s failed while %s", edition_id, step)
        return _fail(edition_id, f"The build failed while {step}: {error.__class__.__name__}.")
    with transaction.atomic():
        for fmt, content in files.items():
            EditionFile.objects.create(edition_id=edition_id, format=fmt, content=content)
        Edition.objects.filter(pk=edition_id, status=EditionStatus.BUILDING).update(
            status=EditionStatus.READY,
            progress=100,
            step="Ready",
            figures=edition.figures,
            source=edition.source,
            data_as_of=edition.data_as_of,
            finished_at=timezone.now(),
            modified_at=timezone.now(),
            version=F("version") + 1,
        )
    return Edition.objects.get(pk=edition_id)


WRITING = {
    "pdf": ("Writing the PDF", 60),
    "docx": ("Writing the Word document", 80),
    "xlsx": ("Writing the spreadsheet", 88),
    "csv": ("Writing the CSV files", 94),
}


def draw_charts(doc: document.Document) -> dict[str, str]:
    """The document's charts as SVG, by key."""
    # matplotlib, WeasyPrint and the office formats take seconds to import: only a build
    # pays for them, not every process that serves pages.
    from reporting import charts

    return charts.svgs(doc)


def render(fmt: str, doc: document.Document, svgs: dict[str, str]) -> bytes:
    """The document in one of the file formats."""
    from reporting.exports import csv_bundle, docx, pdf, xlsx

    if fmt == "pdf":
        return pdf.render(doc, svgs)
    writer = {"docx": docx.render, "xlsx": xlsx.render, "csv": csv_bundle.render}[fmt]
    return writer(doc)


def _fail(edition_id: int, reason: str) -> Edition:
    Edition.objects.filter(pk=edition_id).exclude(status=EditionStatus.READY).update(
        status=EditionStatus.FAILED,
        failure=reason[:500],
        step="Failed",
        finished_at=timezone.now(),
        modified_at=timezone.now(),
    )
    return Edition.objects.get(pk=edition_id)


def colophon(edition: Edition) -> str:
    """Who built the edition, when, and from the record as it stood when."""
    built = timezone.localtime(edition.created_at or timezone.now())
    who = edition.requested_by.full_name if edition.requested_by_id else "the annual_report command"
    text = f"Built by {who} on {built:%-d %B %Y at %H:%M}"
    if edition.data_as_of:
        text += f" from the record as it stood at {timezone.localtime(edition.data_as_of):%H:%M on %-d %B %Y}"
    if edition.publishable:
        text += ". Numbers from 1 to the suppression threshold are shown as c"
    return text + "."


def document_for(edition: Edition) -> document.Document:
    """The edition's report as a document, small numbers suppressed if it is publishable."""
    doc = document.build(edition.figures or {}, edition.narrative or {})
    doc.colophon = colophon(edition)
    doc.publishable = edition.publishable
    if not edition.publishable:
        return doc
    doc = suppress(doc)
    # A chart would draw the numbers its table hides: a publishable edition leaves it out.
    hidden = {t.key for t in doc.tables if any(document.SUPPRESSED in row for row in t.rows)}
    for section in doc.sections:
        section.charts = [chart for chart in section.charts if chart.key not in hidden]
    return doc


def chart_svgs(edition: Edition) -> dict[str, str]:
    """The charts drawn when the edition was built, by key."""
    stored = EditionFile.objects.filter(edition=edition, format="charts").first()
    return json.loads(bytes(stored.content)) if stored else {}


def edition_json(edition: Edition) -> dict:
    """The edition's figures as shared/annual-report.md defines them (raw counts: the JSON is
    for data teams; a publishable edition's suppression applies to its documents)."""
    return {
        **(edition.figures or {}),
        "edition": {
            "id": str(edition.public_id) if edition.pk else None,
            "built_at": edition.created_at.isoformat() if edition.created_at else None,
            "data_as_of": edition.data_as_of.isoformat() if edition.data_as_of else None,
            "publishable": edition.publishable,
        },
    }


def edition_download(
    *, by: User, edition: Edition, fmt: str, request: HttpRequest | None = None
) -> bytes:
    """An edition's file in `fmt`, the download audited."""
    if fmt == "json":
        content = json.dumps(edition_json(edition), indent=2).encode()
    else:
        content = bytes(EditionFile.objects.get(edition=edition, format=fmt).content)
    record(
        user=by,
        request=request,
        kind=Kind.READ,
        action=Action.REPORT_DOWNLOAD,
        obj=edition,
        detail={"year": edition.year, "format": fmt},
    )
    return content


# Complaints -------------------------------------------------------------------------------------


def _check_complaint_dates(received_on: date, closed_on: date | None) -> None:
    not_in_future(received_on, field="received_on", what="The date received")
    if closed_on is not None:
        not_in_future(closed_on, field="closed_on", what="The date closed")
        if closed_on < received_on:
            raise ValidationError(
                {"closed_on": "The date closed must be on or after the date received"}
            )


@transaction.atomic
def complaint_save(
    *,
    by: User,
    complaint: Complaint | None,
    version: int | None,
    request: HttpRequest | None = None,
    **fields: Any,
) -> Complaint:
    """Record a complaint about the IRO service, or change one; EditConflictError if someone
    saved it since `version`."""
    _check_complaint_dates(fields["received_on"], fields.get("closed_on"))
    if fields.get("closed_on") and not fields.get("outcome"):
        raise ValidationError({"outcome": "Select the outcome of a closed complaint"})
    if complaint is None:
        complaint = Complaint(**fields)
        before: dict[str, Any] = {}
        action = Action.COMPLAINT_CREATE
    else:
        complaint = lock(complaint, version=version, what="complaint")
        before = snapshot(complaint)
        for name, value in fields.items():
            setattr(complaint, name, value)
        complaint.version += 1
        action = Action.COMPLAINT_UPDATE
    complaint.stamp(by)
    complaint.full_clean()
    complaint.save()
    record(
        user=by,
        request=request,
        kind=Kind.CHANGE,
        action=action,
        obj=complaint,
        changes=changes_between(before, complaint),
    )
    return complaint
