"""The annual report's pages: build an edition, watch it build, read and download it; write the
narrative; keep the register of complaints about the service. Managers and admins only: the
report holds no child's name or id."""

import uuid

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import Action, Kind
from audit.writer import record
from core.access import role_required
from core.views import form_page, posted
from iro_service.http import AuthedHttpRequest
from reporting import child_friendly, services
from reporting.forms import BuildForm, ComplaintForm, NarrativeForm
from reporting.models import Complaint, Edition, EditionStatus
from reporting.rules import ReportingYear, build_stalled
from reporting.suppression import threshold_setting

BUILD = "reporting.build_report"
NARRATE = "reporting.change_narrative"
COMPLAINTS = ("reporting.add_complaint", "reporting.change_complaint")
EDITIONS_SHOWN = 30


def _edition(public_id: uuid.UUID) -> Edition:
    return get_object_or_404(Edition.objects.select_related("requested_by"), public_id=public_id)


def _state(edition: Edition) -> dict:
    """The edition's status as the page and its poll show it; a stopped build reads as failed."""
    stalled = build_stalled(
        status=edition.status,
        created_at=edition.created_at,
        started_at=edition.started_at,
        now=timezone.now(),
    )
    status = EditionStatus.FAILED if stalled else edition.status
    failure = (
        "The build stopped without finishing (a worker restarted or none is running). Build "
        "the report again."
        if stalled
        else edition.failure
    )
    return {
        "status": status,
        "status_label": EditionStatus(status).label,
        "progress": edition.progress,
        "step": "Stopped" if stalled else edition.step,
        "failure": failure,
    }


@role_required(BUILD)
@require_http_methods(["GET", "POST"])
def report_home(request: AuthedHttpRequest) -> HttpResponse:
    """The editions built so far, newest first, and the form to build one."""
    form = BuildForm(posted(request))
    if request.method == "POST" and form.is_valid():
        edition = services.edition_request(
            by=request.user,
            year=form.reporting_year,
            publishable=form.cleaned_data["publishable"],
            request=request,
        )
        return redirect("reporting:edition", public_id=edition.public_id)
    editions = list(
        Edition.objects.select_related("requested_by").defer("figures", "narrative", "source")[
            :EDITIONS_SHOWN
        ]
    )
    return render(
        request,
        "reporting/report_home.html",
        {
            "form": form,
            "editions": [(edition, _state(edition)) for edition in editions],
            "last_year": ReportingYear.last_complete(timezone.localdate()),
        },
        status=400 if form.errors else 200,
    )


@role_required(BUILD)
@require_GET
def edition_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """An edition: its progress while it builds, then the report itself and its downloads."""
    edition = _edition(public_id)
    state = _state(edition)
    context: dict = {"edition": edition, "state": state}
    if edition.is_ready:
        doc = services.document_for(edition)
        context |= {
            "doc": doc,
            # Drawn by reporting.charts from the edition's own figures, never from user input.
            "chart_svgs": {
                key: mark_safe(svg)  # noqa: S308
                for key, svg in services.chart_svgs(edition).items()
            },
            "formats": formats_of(edition),
            "threshold": threshold_setting(),
        }
        record(
            user=request.user,
            request=request,
            kind=Kind.READ,
            action=Action.REPORT_VIEW,
            obj=edition,
            detail={"year": edition.year},
        )
    return render(request, "reporting/edition_detail.html", context)


@role_required(BUILD)
@require_GET
def edition_status(request: AuthedHttpRequest, public_id: uuid.UUID) -> JsonResponse:
    """What the edition page polls while the build runs."""
    edition = _edition(public_id)
    return JsonResponse(_state(edition))


FORMAT_LABELS = {
    "pdf": "PDF for the Corporate Parenting Board",
    "docx": "Word document to edit",
    "xlsx": "Spreadsheet, one sheet per table",
    "csv": "CSV files, one per table (zip)",
    "json": "JSON for data teams",
}


def formats_of(edition: Edition) -> dict[str, str]:
    """The files an edition offers: a publishable one has no JSON, which holds exact counts
    that its documents suppress (ADR 0014)."""
    if edition.publishable:
        return {fmt: label for fmt, label in FORMAT_LABELS.items() if fmt != "json"}
    return FORMAT_LABELS


@role_required(BUILD)
@require_GET
def edition_download(request: AuthedHttpRequest, public_id: uuid.UUID, fmt: str) -> HttpResponse:
    """One of a ready edition's files, the download audited."""
    edition = _edition(public_id)
    if fmt not in formats_of(edition) or not edition.is_ready:
        raise Http404
    content_type, extension = services.FORMATS[fmt]
    content = services.edition_download(by=request.user, edition=edition, fmt=fmt, request=request)
    name = f"iro-annual-report-{edition.year}{'-publishable' if edition.publishable else ''}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


@role_required(BUILD)
@require_GET
def edition_for_children(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The child-friendly version of a ready edition."""
    edition = _edition(public_id)
    if not edition.is_ready:
        raise Http404
    record(
        user=request.user,
        request=request,
        kind=Kind.READ,
        action=Action.REPORT_VIEW,
        obj=edition,
        detail={"year": edition.year, "version": "children"},
    )
    return render(
        request,
        "reporting/child_friendly.html",
        {
            **child_friendly.page_context(
                figures=edition.figures or {}, narrative=edition.narrative or {}
            ),
            "edition": edition,
            "back_url": reverse("reporting:edition", kwargs={"public_id": edition.public_id}),
        },
    )


@role_required(NARRATE)
@require_http_methods(["GET", "POST"])
def narrative_edit(request: AuthedHttpRequest, year: str) -> HttpResponse:
    """Write the year's narrative sections; every edition built after keeps what is saved."""
    try:
        reporting_year = ReportingYear.from_label(year)
    except ValueError:
        raise Http404 from None
    current = services.narrative_for(reporting_year)
    form = NarrativeForm(posted(request), narrative=current)
    return form_page(
        request,
        form,
        title=f"Narrative for {reporting_year.label}",
        save=lambda: services.narrative_save(
            by=request.user,
            year=reporting_year,
            version=form.cleaned_data["version"],
            request=request,
            **form.saved(),
        ),
        success=f"Narrative for {reporting_year.label} saved",
        then=reverse("reporting:home"),
        refreshed=lambda: NarrativeForm(narrative=services.narrative_for(reporting_year)),
        context={
            "caption": "Annual report",
            "back_url": reverse("reporting:home"),
            "intro": "What you write here goes into every edition built from now on; editions "
            "already built keep the text they were built with.",
        },
    )


@role_required(*COMPLAINTS)
@require_GET
def complaint_list(request: AuthedHttpRequest) -> HttpResponse:
    """The register of complaints about the IRO service, newest first."""
    complaints = Complaint.objects.all()[:200]
    record(user=request.user, request=request, kind=Kind.READ, action=Action.COMPLAINT_LIST)
    return render(request, "reporting/complaint_list.html", {"complaints": complaints})


@role_required("reporting.add_complaint")
@require_http_methods(["GET", "POST"])
def complaint_create(request: AuthedHttpRequest) -> HttpResponse:
    form = ComplaintForm(posted(request))
    return form_page(
        request,
        form,
        title="Record a complaint",
        save=lambda: services.complaint_save(
            by=request.user, complaint=None, version=None, request=request, **form.saved()
        ),
        success="Complaint recorded",
        then=reverse("reporting:complaints"),
        context={"caption": "Complaints", "back_url": reverse("reporting:complaints")},
    )


@role_required("reporting.change_complaint")
@require_http_methods(["GET", "POST"])
def complaint_edit(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    complaint = get_object_or_404(Complaint, public_id=public_id)
    form = ComplaintForm(posted(request), complaint=complaint)
    return form_page(
        request,
        form,
        title=f"Complaint received {complaint.received_on:%-d %B %Y}",
        save=lambda: services.complaint_save(
            by=request.user,
            complaint=complaint,
            version=form.cleaned_data["version"],
            request=request,
            **form.saved(),
        ),
        success="Complaint saved",
        then=reverse("reporting:complaints"),
        refreshed=lambda: ComplaintForm(complaint=Complaint.objects.get(pk=complaint.pk)),
        context={"caption": "Complaints", "back_url": reverse("reporting:complaints")},
    )
