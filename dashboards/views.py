"""The dashboards: an IRO's week, and the service at a glance for managers."""

from datetime import timedelta

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.models import Action, Kind
from audit.writer import record, record_reads
from core.access import role_required
from dashboards import charts, downloads, selectors, trends
from dashboards.charts import Chart
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
    dashboard = selectors.service_dashboard(today=today)
    record_reads(
        user=request.user,
        action=Action.CHILD_LIST,
        children=[child for child, _ in dashboard.waiting],
        request=request,
    )
    since = timezone.now() - timedelta(days=ACCESS_CHANGES_DAYS)
    months = trends.monthly_trends(today=today)
    return render(
        request,
        "dashboards/service.html",
        {
            "dashboard": dashboard,
            "page_obj": Paginator(dashboard.iros, IRO_PAGE_SIZE).get_page(request.GET.get("page")),
            "months": months,
            "charts": _charts(dashboard, months),
            "today": today,
            "access_changes": staff_selectors.access_changes(since=since),
            "days": ACCESS_CHANGES_DAYS,
        },
    )


def _charts(dashboard: selectors.ServiceDashboard, months: list[trends.Month]) -> dict[str, str]:
    """The service dashboard's charts as inline SVG, each beside a table of its figures."""
    labels = [month.label for month in months]
    drawn = {
        "reviews": Chart(
            "reviews",
            "Reviews held each month, and how many in time",
            "Bar chart of reg. 33 reviews held in each of the last 24 months beside those held "
            "in time; the figures are in the table below it.",
            labels,
            [
                ("Held", [float(m.held) for m in months]),
                ("In time", [float(m.in_time) for m in months]),
            ],
            horizontal=True,
        ),
        "looked_after": Chart(
            "looked_after",
            "Children looked after at each month's end",
            "Bar chart of the children looked after at the end of each of the last 24 months; "
            "the figures are in the table below it.",
            labels,
            [("Looked after", [float(m.looked_after_at_end) for m in months])],
            horizontal=True,
        ),
        "movement": Chart(
            "movement",
            "Children starting and ceasing care each month",
            "Bar chart of periods of care starting and ending in each of the last 24 months; "
            "the figures are in the table below it.",
            labels,
            [
                ("Started", [float(m.started) for m in months]),
                ("Ceased", [float(m.ceased) for m in months]),
            ],
            horizontal=True,
        ),
        "rag": Chart(
            "rag",
            "Latest RAG rating of each child looked after",
            "Bar chart of children looked after by their latest RAG rating, each bar named "
            "by its rating; the figures are in the table beside it.",
            [figure.label for figure in dashboard.rag],
            [("Children", [float(figure.count) for figure in dashboard.rag])],
            horizontal=True,
        ),
    }
    return {key: charts.svg(chart) for key, chart in drawn.items()}


@role_required(VIEW_ALL)
@require_http_methods(["GET"])
def service_download(request: AuthedHttpRequest, table: str) -> HttpResponse:
    """One table of the service dashboard as CSV; audited, and each child in it a read."""
    if table not in downloads.TABLES:
        raise Http404("No such table")
    today = timezone.localdate()
    dashboard = selectors.service_dashboard(today=today)
    record(
        user=request.user,
        kind=Kind.READ,
        action=Action.DASHBOARD_DOWNLOAD,
        request=request,
        detail={"table": table},
    )
    if table == "waiting":
        record_reads(
            user=request.user,
            action=Action.DASHBOARD_DOWNLOAD,
            children=[child for child, _ in dashboard.waiting],
            request=request,
        )
    body = downloads.table_csv(table, dashboard, trends.monthly_trends(today=today))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{downloads.filename(table, today)}"'
    return response
