"""The dashboards: an IRO's week, and the service at a glance for managers."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.models import Action
from audit.writer import record_reads
from core.access import role_required
from dashboards import selectors
from iro_service.http import AuthedHttpRequest

IRO = "children.view_allocated_children"


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
