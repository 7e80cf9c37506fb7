"""Pages for children's records: lists, the child page, and the changes IROs and managers make."""

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from children import access, selectors, services
from children.forms import (
    AllocationForm,
    ArchiveForm,
    ChildAdmitForm,
    ChildEditForm,
    ChildFilterForm,
    CoverForm,
    EpisodeForm,
    PeriodEndForm,
    SiblingForm,
)
from children.models import Child, CoverArrangement, Episode
from iro_service.forms import add_service_errors
from iro_service.http import AuthedHttpRequest


@permission_required(access.VIEW_ALL, raise_exception=True)
def child_list(request: AuthedHttpRequest) -> HttpResponse:
    form = ChildFilterForm(request.GET or None)
    children = selectors.children_filtered(access.children_visible_to(request.user), form)
    page = Paginator(children, settings.CHILDREN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return render(
        request,
        "children/child_list.html",
        {
            "form": form,
            "page_obj": page,
            "query_string": query,
        },
    )


@permission_required(access.ALLOCATE, raise_exception=True)
def unallocated(request: AuthedHttpRequest) -> HttpResponse:
    waiting = selectors.unallocated_children(
        access.children_visible_to(request.user), today=timezone.localdate()
    )
    return render(
        request,
        "children/unallocated_list.html",
        {
            "waiting": waiting,
            "target": settings.IRO_ALLOCATION_TARGET_WORKING_DAYS,
        },
    )


def child_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.child_for(request.user, public_id, action="child.view", request=request)
    return render(
        request,
        "children/child_detail.html",
        {
            "record": selectors.child_record(child),
            "can_change": access.can_change(request.user),
            "can_allocate": access.can_allocate(request.user),
        },
    )


@permission_required(access.ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def child_create(request: AuthedHttpRequest) -> HttpResponse:
    form = ChildAdmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = Child(**{f: data[f] for f in ChildAdmitForm.detail_fields})
        episode = services.EpisodeData(
            start_date=data["start_date"],
            reason_new_episode="S",
            legal_status=data["legal_status"],
            placement_type=data["placement_type"],
            placement_provider=data["placement_provider"],
            placement_postcode=data["placement_postcode"],
            in_area=data["in_area"],
        )
        try:
            services.child_admit(by=request.user, child=child, episode=episode)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{child.full_name} has been added")
            return redirect("children:detail", public_id=child.public_id)
    return render(request, "children/child_form.html", {"form": form, "title": "Add a child"})


@require_http_methods(["GET", "POST"])
def child_edit(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, request=request, action="child.update"
    )
    form = ChildEditForm(request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in ChildEditForm.detail_fields}
        try:
            services.child_update(
                by=request.user, child=child, version=form.cleaned_data["version"], changes=changes
            )
        except services.EditConflict as conflict:
            form = ChildEditForm(child=Child.objects.get(pk=child.pk))
            form.is_bound = False
            return render(
                request,
                "children/child_form.html",
                {
                    "form": form,
                    "child": child,
                    "title": "Change details",
                    "conflict": str(conflict),
                },
                status=409,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Details saved")
            return redirect("children:detail", public_id=child.public_id)
    return render(
        request,
        "children/child_form.html",
        {
            "form": form,
            "child": child,
            "title": "Change details",
        },
    )


@require_http_methods(["GET", "POST"])
def episode_create(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, request=request, action="episode.create"
    )
    looked_after = Episode.objects.open().filter(child=child).exists()
    form = EpisodeForm(request.POST or None, looked_after=looked_after)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        episode = services.EpisodeData(
            **{
                f: data[f]
                for f in (
                    "start_date",
                    "reason_new_episode",
                    "legal_status",
                    "placement_type",
                    "placement_provider",
                    "placement_postcode",
                    "in_area",
                    "reason_place_change",
                )
            }
        )
        try:
            services.episode_record(by=request.user, child=child, episode=episode)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Change recorded")
            return redirect("children:detail", public_id=child.public_id)
    title = (
        "Record a change of placement or legal status"
        if looked_after
        else "Record a return to care"
    )
    return render(
        request, "children/child_form.html", {"form": form, "child": child, "title": title}
    )


@require_http_methods(["GET", "POST"])
def period_end(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, request=request, action="period.end"
    )
    form = PeriodEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_end(by=request.user, child=child, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{child.full_name} is recorded as no longer looked after")
            return redirect("children:detail", public_id=child.public_id)
    return render(
        request,
        "children/child_form.html",
        {
            "form": form,
            "child": child,
            "title": "Record the end of a period of care",
        },
    )


@permission_required(access.ALLOCATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def allocate(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.child_for(request.user, public_id, action="allocation.create", request=request)
    form = AllocationForm(request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocation_make(by=request.user, child=child, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{child.full_name} allocated to {form.cleaned_data['iro']}")
            return redirect("children:detail", public_id=child.public_id)
    return render(
        request,
        "children/child_form.html",
        {
            "form": form,
            "child": child,
            "title": "Allocate an IRO",
        },
    )


@permission_required(access.ALLOCATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def archive(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.child_for(request.user, public_id, action="child.archive", request=request)
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.child_archive(by=request.user, child=child, reason=form.cleaned_data["reason"])
        messages.success(request, f"The record of {child.full_name} has been archived")
        return redirect("children:list")
    return render(
        request,
        "children/child_form.html",
        {
            "form": form,
            "child": child,
            "title": "Archive this record",
        },
    )


@require_http_methods(["GET", "POST"])
def sibling_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, request=request, action="sibling.link"
    )
    form = SiblingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ref = form.cleaned_data["child_ref"].strip()
        sibling = access.children_visible_to(request.user).filter(child_ref__iexact=ref).first()
        if sibling is None:
            form.add_error("child_ref", "No child you can see has this reference")
        else:
            try:
                services.sibling_link(by=request.user, child=child, sibling=sibling)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{sibling.full_name} linked as a sibling")
                return redirect("children:detail", public_id=child.public_id)
    return render(
        request,
        "children/child_form.html",
        {"form": form, "child": child, "title": "Link a sibling"},
    )


@permission_required(access.ALLOCATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def cover(request: AuthedHttpRequest) -> HttpResponse:
    """Cover arrangements now and to come, and a form to arrange another."""
    form = CoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cover_arrange(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Cover arranged")
            return redirect("children:cover")
    today = timezone.localdate()
    arrangements = (
        CoverArrangement.objects.select_related("absent_iro", "covering_iro")
        .exclude(end_date__lt=today)
        .order_by("start_date")
    )
    return render(request, "children/cover.html", {"form": form, "arrangements": arrangements})
