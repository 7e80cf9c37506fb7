"""The home page and staff account management."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from iro_service.http import AuthedHttpRequest
from iro_service.models import Role, User
from iro_service.staff_forms import StaffForm

MANAGE_STAFF = "iro_service.manage_staff"


def home(request: AuthedHttpRequest) -> HttpResponse:
    """Send each role to its starting page."""
    user = request.user
    if user.has_perm("children.view_allocated_children"):
        return redirect("reviews:caseload")
    if user.has_perm("children.view_all_children"):
        return redirect("children:list")
    if user.has_perm(MANAGE_STAFF):
        return redirect("staff:list")
    return render(request, "home.html")


@permission_required(MANAGE_STAFF, raise_exception=True)
def staff_list(request: AuthedHttpRequest) -> HttpResponse:
    staff = (
        User.objects.prefetch_related("groups")
        .annotate(caseload=Count("allocations", filter=Q(allocations__end_date=None)))
        .order_by("-is_active", "full_name")
    )
    iros = User.objects.iros().active()
    return render(
        request,
        "staff/staff_list.html",
        {
            "staff": staff,
            "iro_count": iros.count(),
            "total_fte": f"{iros.total_fte().normalize():f}",
        },
    )


@transaction.atomic
def _save_staff(form: StaffForm) -> User:
    user = form.save(commit=False)
    user.left_on = form.cleaned_data.get("left_on")
    if not user.pk:
        user.set_unusable_password()
    user.is_staff = form.cleaned_data["role"] == Role.ADMIN.value
    user.save()
    user.groups.set([Group.objects.get(name=form.cleaned_data["role"])])
    return user


@permission_required(MANAGE_STAFF, raise_exception=True)
@require_http_methods(["GET", "POST"])
def staff_create(request: AuthedHttpRequest) -> HttpResponse:
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = _save_staff(form)
        messages.success(request, f"Account created for {user.full_name}")
        return redirect("staff:list")
    return render(
        request, "staff/staff_form.html", {"form": form, "title": "Add a member of staff"}
    )


@permission_required(MANAGE_STAFF, raise_exception=True)
@require_http_methods(["GET", "POST"])
def staff_edit(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    member = get_object_or_404(User, public_id=public_id)
    form = StaffForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        _save_staff(form)
        messages.success(request, f"Account for {member.full_name} saved")
        return redirect("staff:list")
    return render(
        request, "staff/staff_form.html", {"form": form, "title": f"Change {member.full_name}"}
    )
