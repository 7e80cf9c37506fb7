"""Pages for children's records: lists, the child page, and the changes IROs and managers make."""

import uuid
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
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
from iro_service.form_views import posted, save_form
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


FORM_PAGE = "children/child_form.html"


def _form_page(
    request: AuthedHttpRequest, form: forms.Form, title: str, **context: Any
) -> HttpResponse:
    return render(
        request,
        FORM_PAGE,
        {"form": form, "title": title, **context},
        status=context.pop("status", 200),
    )


def _child_page(child: Child) -> str:
    return reverse("children:detail", args=[child.public_id])


@permission_required(access.ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def child_create(request: AuthedHttpRequest) -> HttpResponse:
    form = ChildAdmitForm(posted(request))
    done = save_form(
        request,
        form,
        lambda: services.child_admit(by=request.user, child=form.child(), episode=form.episode()),
        success=lambda child: f"{child.full_name} has been added",
        then=_child_page,
    )
    return done or _form_page(request, form, "Add a child")


@require_http_methods(["GET", "POST"])
def child_edit(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, request=request, action="child.update"
    )
    form = ChildEditForm(posted(request), child=child)
    try:
        done = save_form(
            request,
            form,
            lambda: services.child_update(
                by=request.user,
                child=child,
                version=form.cleaned_data["version"],
                changes=form.changes(),
            ),
            success="Details saved",
            then=_child_page,
        )
    except services.EditConflict as conflict:
        fresh = ChildEditForm(child=Child.objects.get(pk=child.pk))
        return _form_page(
            request, fresh, "Change details", child=child, conflict=str(conflict), status=409
        )
    return done or _form_page(request, form, "Change details", child=child)


@require_http_methods(["GET", "POST"])
def episode_create(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, request=request, action="episode.create"
    )
    looked_after = Episode.objects.open().filter(child=child).exists()
    form = EpisodeForm(posted(request), looked_after=looked_after)
    done = save_form(
        request,
        form,
        lambda: services.episode_record(by=request.user, child=child, episode=form.episode()),
        success="Change recorded",
        then=_child_page(child),
    )
    title = (
        "Record a change of placement or legal status"
        if looked_after
        else "Record a return to care"
    )
    return done or _form_page(request, form, title, child=child)


@require_http_methods(["GET", "POST"])
def period_end(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, request=request, action="period.end"
    )
    form = PeriodEndForm(posted(request))
    done = save_form(
        request,
        form,
        lambda: services.period_end(by=request.user, child=child, **form.cleaned_data),
        success=f"{child.full_name} is recorded as no longer looked after",
        then=_child_page(child),
    )
    return done or _form_page(request, form, "Record the end of a period of care", child=child)


@permission_required(access.ALLOCATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def allocate(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.child_for(request.user, public_id, action="allocation.create", request=request)
    form = AllocationForm(posted(request), child=child)
    done = save_form(
        request,
        form,
        lambda: services.allocation_make(by=request.user, child=child, **form.cleaned_data),
        success=lambda allocation: f"{child.full_name} allocated to {allocation.iro}",
        then=_child_page(child),
    )
    return done or _form_page(request, form, "Allocate an IRO", child=child)


@permission_required(access.ALLOCATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def archive(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.child_for(request.user, public_id, action="child.archive", request=request)
    form = ArchiveForm(posted(request))
    done = save_form(
        request,
        form,
        lambda: services.child_archive(
            by=request.user, child=child, reason=form.cleaned_data["reason"]
        ),
        success=f"The record of {child.full_name} has been archived",
        then=reverse("children:list"),
    )
    return done or _form_page(request, form, "Archive this record", child=child)


@require_http_methods(["GET", "POST"])
def sibling_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, request=request, action="sibling.link"
    )
    form = SiblingForm(posted(request), candidates=access.children_visible_to(request.user))
    done = save_form(
        request,
        form,
        lambda: services.sibling_link(
            by=request.user, child=child, sibling=form.cleaned_data["child_ref"]
        ),
        success=lambda _: f"{form.cleaned_data['child_ref'].full_name} linked as a sibling",
        then=_child_page(child),
    )
    return done or _form_page(request, form, "Link a sibling", child=child)


@permission_required(access.ALLOCATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def cover(request: AuthedHttpRequest) -> HttpResponse:
    """Cover arrangements now and to come, and a form to arrange another."""
    form = CoverForm(posted(request))
    done = save_form(
        request,
        form,
        lambda: services.cover_arrange(by=request.user, **form.cleaned_data),
        success="Cover arranged",
        then=reverse("children:cover"),
    )
    if done:
        return done
    today = timezone.localdate()
    arrangements = (
        CoverArrangement.objects.select_related("absent_iro", "covering_iro")
        .exclude(end_date__lt=today)
        .order_by("start_date")
    )
    return render(request, "children/cover.html", {"form": form, "arrangements": arrangements})
