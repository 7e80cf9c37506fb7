"""The home page of each role, and staff account management."""

import uuid
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.access import role_required
from core.views import form_page, posted
from dashboards.views import service_dashboard
from iro_service import selectors, services
from iro_service.http import AuthedHttpRequest
from iro_service.models import Role, User
from iro_service.staff_forms import StaffForm

MANAGE_STAFF = "iro_service.manage_staff"
VIEW_ALL = "children.view_all_children"


@login_not_required
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """For a load balancer or a monitor: "ok" once the app and its database answer.

    One indexed query and nothing about anyone: it is also the reference view `make bench`
    measures every page against.
    """
    User.objects.filter(pk=0).exists()
    return HttpResponse("ok", content_type="text/plain")


def home(request: AuthedHttpRequest) -> HttpResponse:
    """Each role's starting page: the caseload, the service overview, or staff accounts."""
    user = request.user
    if user.has_perm("children.view_allocated_children"):
        return redirect("dashboards:iro")
    if user.has_perm(VIEW_ALL):
        return service_dashboard(request)
    if user.has_perm(MANAGE_STAFF):
        return redirect("staff:list")
    return render(request, "home.html")


STAFF_PAGE_SIZE = 50
STAFF_SEARCH_MAX = 100


@role_required(MANAGE_STAFF)
def staff_list(request: AuthedHttpRequest) -> HttpResponse:
    """Every staff account, a page at a time, found by name or email and filtered by role."""
    q = request.GET.get("q", "").strip()[:STAFF_SEARCH_MAX]
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""  # an unknown role filters nothing
    page = selectors.staff_page(
        selectors.staff_filtered(q=q, role=Role(role) if role else None),
        number=request.GET.get("page"),
        per_page=STAFF_PAGE_SIZE,
    )
    iros = User.objects.iros().active()
    return render(
        request,
        "staff/staff_list.html",
        {
            "page_obj": page,
            "q": q,
            "role": role,
            "roles": Role.choices,
            "query_string": urlencode([(k, v) for k, v in (("q", q), ("role", role)) if v]),
            "iro_count": iros.count(),
            "total_fte": f"{iros.total_fte().normalize():f}",
        },
    )


@role_required(MANAGE_STAFF)
def staff_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A member of staff's account and every audited change to it, role changes included."""
    member = get_object_or_404(User.objects.prefetch_related("groups"), public_id=public_id)
    return render(
        request,
        "staff/staff_detail.html",
        {
            "member": member,
            "history": selectors.staff_history(member),
            # How many, never which: an admin reads no child's record.
            "holds": member.allocations.filter(end_date=None).count(),
        },
    )


@role_required(MANAGE_STAFF)
@require_http_methods(["GET", "POST"])
def staff_create(request: AuthedHttpRequest) -> HttpResponse:
    form = StaffForm(posted(request))
    return form_page(
        request,
        form,
        title="Add a member of staff",
        save=lambda: services.staff_add(by=request.user, details=form.details(), request=request),
        success=lambda member: f"Account created for {member.full_name}",
        then=lambda member: reverse("staff:detail", args=[member.public_id]),
        context={"back_url": reverse("staff:list")},
    )


@role_required(MANAGE_STAFF)
@require_http_methods(["GET", "POST"])
def staff_edit(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    member = get_object_or_404(User, public_id=public_id)
    # The form validates against its own copy, so the service still sees the saved values.
    form = StaffForm(posted(request), instance=User.objects.get(pk=member.pk))
    return form_page(
        request,
        form,
        title=f"Change {member.full_name}",
        save=lambda: services.staff_update(
            by=request.user,
            member=member,
            version=form.cleaned_data["version"],
            details=form.details(),
            request=request,
        ),
        success=f"Account for {member.full_name} saved",
        then=reverse("staff:detail", args=[member.public_id]),
        refreshed=lambda: StaffForm(instance=User.objects.get(pk=member.pk)),
        context={"back_url": reverse("staff:detail", args=[member.public_id])},
    )
