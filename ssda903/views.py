"""The 903 pages: an admin imports a year's files and follows the import; a manager downloads
the year's return. An import's problems name the file, row, CHILD id, field, rule and value,
and nothing else of a child's record."""

import csv
import io
import uuid

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import Action, Kind
from audit.writer import record
from core.access import role_required
from core.views import posted
from iro_service.http import AuthedHttpRequest
from reporting.exports import neutralise
from ssda903 import export, services
from ssda903.forms import ExportForm, ImportForm
from ssda903.models import Import

IMPORT = "ssda903.import_903"
EXPORT = "ssda903.export_903"
IMPORTS_SHOWN = 20
PROBLEMS_SHOWN = 200
PROBLEM_COLUMNS = ("file", "row", "child", "field", "rule", "value", "message")


def _import(public_id: uuid.UUID) -> Import:
    return get_object_or_404(Import.objects.select_related("started_by"), public_id=public_id)


def _audit_read(request: AuthedHttpRequest, batch: Import, **detail: str) -> None:
    record(
        user=request.user,
        kind=Kind.READ,
        action=Action.IMPORT_903_VIEW,
        obj=batch,
        request=request,
        detail={"year": batch.year_label, **detail},
    )


@role_required(IMPORT)
@require_http_methods(["GET", "POST"])
def import_home(request: AuthedHttpRequest) -> HttpResponse:
    """The upload form, and the imports made so far."""
    form = ImportForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = services.import_request(
            by=request.user,
            year=form.year_start,
            encoding=form.cleaned_data["encoding"],
            files=[(f.name, f.read()) for f in form.cleaned_data["uploads"]],
        )
        return redirect("ssda903:import", public_id=batch.public_id)
    imports = Import.objects.select_related("started_by").defer("problems")[:IMPORTS_SHOWN]
    return render(
        request,
        "ssda903/import_home.html",
        {"form": form, "imports": imports},
        status=400 if form.errors else 200,
    )


@role_required(IMPORT)
@require_GET
def import_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """An import: its progress while it runs, then what it added and changed, or every problem
    that refused it."""
    batch = _import(public_id)
    _audit_read(request, batch, status=batch.status)
    percent, step = services.progress_of(batch)
    return render(
        request,
        "ssda903/import_detail.html",
        {
            "batch": batch,
            "percent": percent,
            "step": step,
            "problems": batch.problems[:PROBLEMS_SHOWN],
            "more": max(len(batch.problems) - PROBLEMS_SHOWN, 0),
        },
    )


@role_required(IMPORT)
@require_GET
def import_status(request: AuthedHttpRequest, public_id: uuid.UUID) -> JsonResponse:
    """What the import page polls while the import runs."""
    batch = _import(public_id)
    percent, step = services.progress_of(batch)
    finished = not batch.in_progress
    return JsonResponse(
        {"status": batch.status, "progress": percent, "step": step, "finished": finished}
    )


@role_required(IMPORT)
@require_GET
def import_problems(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Every problem of a refused import as CSV, spreadsheet formulas neutralised; audited."""
    batch = _import(public_id)
    _audit_read(request, batch, download="problems")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.capitalize() for c in PROBLEM_COLUMNS])
    for problem in batch.problems:
        writer.writerow([neutralise(problem.get(c, "")) for c in PROBLEM_COLUMNS])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"903-import-{batch.year_label}-problems-{batch.created_at:%Y%m%d-%H%M}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(EXPORT)
@require_http_methods(["GET", "POST"])
def export_home(request: AuthedHttpRequest) -> HttpResponse:
    """The year's 903 return from the app's records: four CSV tables in a zip; audited."""
    form = ExportForm(posted(request))
    if request.method == "POST" and form.is_valid():
        year = form.year_start
        tables = export.tables(year)
        record(
            user=request.user,
            kind=Kind.READ,
            action=Action.EXPORT_903,
            request=request,
            detail={
                "year": form.cleaned_data["year"],
                "rows": {k: len(v) for k, v in tables.items()},
            },
        )
        response = HttpResponse(export.zip_bytes(tables), content_type="application/zip")
        name = f"ssda903-{form.cleaned_data['year']}-{timezone.localdate():%Y%m%d}.zip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request, "ssda903/export.html", {"form": form}, status=400 if form.errors else 200
    )
