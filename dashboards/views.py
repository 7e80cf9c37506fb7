"""The dashboards: an IRO's week, and the service at a glance for managers."""

from datetime import timedelta
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.models import Action, Kind
from audit.writer import record, record_reads
from children.filters import ChildFilter
from core.access import role_required
from dashboards import charts, downloads, selectors, trends
from iro_service import selectors as staff_selectors
from iro_service.http import AuthedHttpRequest

IRO = "children.view_allocated_children"
VIEW_ALL = "children.view_all_children"
ACCESS_CHANGES_DAYS = 30
IRO_PAGE_SIZE = 50


@role_required(IRO)
@require_http_methods(["GET"])
def iro_dashboard(request: AuthedHttpRequest) -> HttpResponse:
    """The IRO's home: what their week holds, then their caseload."""
    dashboard = selectors.iro_dashboard(request.user, today=timezone.localdate())
    record_reads(
        user=request.user,
        action=Action.CASELOAD_VIEW,
        children=[row.child for row in dashboard.rows],
        request=request,
    )
    return render(
        request,
        "dashboards/iro.html",
        {"dashboard": dashboard, "rows": dashboard.rows, "sort": "due"},
    )


@role_required(VIEW_ALL)
@require_http_methods(["GET"])
def service_dashboard(request: AuthedHttpRequest) -> HttpResponse:
    """A service manager's home: the service at a glance, then recent changes to staff access."""
    today = timezone.localdate()
    filters = ChildFilter.of(request)
    dashboard = selectors.service_dashboard(today=today, filters=filters)
    record_reads(
        user=request.user,
        action=Action.CHILD_LIST,
        children=[row.child for row in dashboard.waiting],
        request=request,
    )
    since = timezone.now() - timedelta(days=ACCESS_CHANGES_DAYS)
    months = trends.monthly_trends(today=today)
    return render(
        request,
        "dashboards/service.html",
        {
            "dashboard": dashboard,
            "form": filters.form,
            "query_string": urlencode(dashboard.chosen),
            "page_obj": Paginator(dashboard.iros, IRO_PAGE_SIZE).get_page(request.GET.get("page")),
            "months": months,
            "charts": charts.service_charts(dashboard, months),
            "today": today,
            "access_changes": staff_selectors.access_changes(since=since),
            "days": ACCESS_CHANGES_DAYS,
        },
    )


@role_required(VIEW_ALL)
@require_http_methods(["GET"])
def service_download(request: AuthedHttpRequest, table: str) -> HttpResponse:
    """One table of the service dashboard as CSV; audited, and each child in it a read."""
    if table not in downloads.TABLES:
        raise Http404("No such table")
    today = timezone.localdate()
    dashboard = selectors.service_dashboard(today=today, filters=ChildFilter.of(request))
    record(
        user=request.user,
        kind=Kind.READ,
        action=Action.DASHBOARD_DOWNLOAD,
        request=request,
        detail={"table": table, "filters": dashboard.chosen},
    )
    if table == "waiting":
        record_reads(
            user=request.user,
            action=Action.DASHBOARD_DOWNLOAD,
            children=[row.child for row in dashboard.waiting],
            request=request,
        )
    body = downloads.table_csv(table, dashboard, trends.monthly_trends(today=today))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{downloads.filename(table, today)}"'
    return response
