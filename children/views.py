"""Pages for children's records: lists, the child page, and the changes IROs and managers make."""

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.models import Action
from audit.writer import record_reads
from children import access, selectors, services
from children.filters import ChildFilter, ChildListFilter
from children.forms import (
    AllocationForm,
    ArchiveForm,
    ChildAdmitForm,
    ChildEditForm,
    CoverChangeForm,
    CoverEndForm,
    CoverForm,
    EpisodeForm,
    PeriodEndForm,
    ReallocateForm,
    SiblingForm,
)
from children.models import Child, CoverArrangement, Episode
from children.pages import about_child, child_url
from core.access import role_required
from core.conflicts import EditConflictError
from core.views import form_page, posted
from iro_service.http import AuthedHttpRequest
from iro_service.models import User


@role_required(access.VIEW_ALL)
def child_list(request: AuthedHttpRequest) -> HttpResponse:
    filters = ChildListFilter(request.GET, queryset=access.children_visible_to(request.user))
    form = filters.form
    page = selectors.children_page(
        filters.qs, number=request.GET.get("page"), per_page=settings.CHILDREN_PAGE_SIZE
    )
    record_reads(
        user=request.user, action=Action.CHILD_LIST, children=page.object_list, request=request
    )
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    iro = form.cleaned_data.get("iro") if form.is_valid() else None
    return render(
        request,
        "children/child_list.html",
        {
            "form": form,
            "page_obj": page,
            "query_string": query,
            "reallocate_iro": iro
            if iro is not None and access.can_allocate(request.user)
            else None,
        },
    )


@role_required(access.ALLOCATE)
def unallocated(request: AuthedHttpRequest) -> HttpResponse:
    child_filters = ChildFilter.of(request)  # from the service overview, or every child
    waiting = selectors.unallocated_children(child_filters.qs, today=timezone.localdate()).rows
    record_reads(
        user=request.user,
        action=Action.UNALLOCATED_VIEW,
        children=[row.child for row in waiting],
        request=request,
    )
    return render(
        request,
        "children/unallocated_list.html",
        {
            "waiting": waiting,
            "child_filters": child_filters,
            "target": settings.IRO_ALLOCATION_TARGET_WORKING_DAYS,
            "caseloads": selectors.caseloads(),
        },
    )


def child_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.child_for(request.user, public_id, action=Action.CHILD_VIEW, request=request)
    return render(
        request,
        "children/child_detail.html",
        {
            "record": selectors.child_record(child),
            "can_change": access.can_change(request.user),
            "can_allocate": access.can_allocate(request.user),
        },
    )


@role_required(access.ADD)
@require_http_methods(["GET", "POST"])
def child_create(request: AuthedHttpRequest) -> HttpResponse:
    form = ChildAdmitForm(posted(request))
    return form_page(
        request,
        form,
        title="Add a child",
        save=lambda: services.child_admit(
            by=request.user, request=request, child=form.child(), episode=form.episode()
        ),
        success=lambda child: f"{child.full_name} has been added",
        then=child_url,
        context={"back_url": reverse("children:list")},
    )


@require_http_methods(["GET", "POST"])
def child_edit(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, request=request, action=Action.CHILD_UPDATE
    )
    form = ChildEditForm(posted(request), child=child)
    return form_page(
        request,
        form,
        title="Change details",
        save=lambda: services.child_update(
            by=request.user,
            request=request,
            child=child,
            version=form.cleaned_data["version"],
            changes=form.changes(),
        ),
        success="Details saved",
        then=child_url,
        refreshed=lambda: ChildEditForm(child=Child.objects.get(pk=child.pk)),
        context=about_child(child),
    )


@require_http_methods(["GET", "POST"])
def episode_create(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, request=request, action=Action.EPISODE_CREATE
    )
    looked_after = Episode.objects.open().filter(child=child).exists()
    form = EpisodeForm(posted(request), looked_after=looked_after)
    return form_page(
        request,
        form,
        title=(
            "Record a change of placement or legal status"
            if looked_after
            else "Record a return to care"
        ),
        save=lambda: services.episode_record(
            by=request.user,
            request=request,
            child=child,
            episode=form.episode(),
            reason_place_change=form.ended_placement_reason(),
        ),
        success="Change recorded",
        then=child_url(child),
        context=about_child(child),
    )


@require_http_methods(["GET", "POST"])
def period_end(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, request=request, action=Action.PERIOD_END
    )
    form = PeriodEndForm(posted(request))
    return form_page(
        request,
        form,
        title="Record the end of a period of care",
        save=lambda: services.period_end(
            by=request.user, request=request, child=child, **form.cleaned_data
        ),
        success=f"{child.full_name} is recorded as no longer looked after",
        then=child_url(child),
        context=about_child(child),
    )


@role_required(access.ALLOCATE)
@require_http_methods(["GET", "POST"])
def allocate(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.child_for(
        request.user, public_id, action=Action.ALLOCATION_CREATE, request=request
    )
    form = AllocationForm(posted(request), child=child)
    return form_page(
        request,
        form,
        title="Allocate an IRO",
        save=lambda: services.allocation_make(
            by=request.user, request=request, child=child, **form.cleaned_data
        ),
        success=lambda allocation: f"{child.full_name} allocated to {allocation.iro}",
        then=child_url(child),
        context=about_child(child),
    )


@role_required(access.ALLOCATE)
@require_http_methods(["GET", "POST"])
def archive(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.child_for(request.user, public_id, action=Action.CHILD_ARCHIVE, request=request)
    form = ArchiveForm(posted(request))
    return form_page(
        request,
        form,
        title="Archive this record",
        save=lambda: services.child_archive(
            by=request.user, request=request, child=child, reason=form.cleaned_data["reason"]
        ),
        success=f"The record of {child.full_name} has been archived",
        then=reverse("children:list"),
        context=about_child(child),
    )


@require_http_methods(["GET", "POST"])
def sibling_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, request=request, action=Action.SIBLING_LINK
    )
    form = SiblingForm(posted(request), candidates=access.children_visible_to(request.user))
    return form_page(
        request,
        form,
        title="Link a sibling",
        save=lambda: services.sibling_link(
            by=request.user, request=request, child=child, sibling=form.cleaned_data["child_ref"]
        ),
        success=lambda _: f"{form.cleaned_data['child_ref'].full_name} linked as a sibling",
        then=child_url(child, "personal-details"),
        context=about_child(child),
    )


@role_required(access.ALLOCATE)
@require_http_methods(["GET", "POST"])
def cover(request: AuthedHttpRequest) -> HttpResponse:
    """Cover arrangements now and to come, and a form to arrange another."""
    today = timezone.localdate()
    arrangements = (
        CoverArrangement.objects.select_related("absent_iro", "covering_iro")
        .exclude(end_date__lt=today)
        .order_by("start_date")
    )
    form = CoverForm(posted(request))
    return form_page(
        request,
        form,
        title="Cover arrangements",
        save=lambda: services.cover_arrange(by=request.user, request=request, **form.cleaned_data),
        success="Cover arranged",
        then=reverse("children:cover"),
        template="children/cover.html",
        context={"arrangements": arrangements, "today": today},
    )


def _arrangement(public_id: uuid.UUID) -> CoverArrangement:
    """The cover arrangement with this public id (no child's record); 404 if none."""
    return get_object_or_404(
        CoverArrangement.objects.select_related("absent_iro", "covering_iro"), public_id=public_id
    )


def _cover_said(cover: CoverArrangement) -> str:
    return f"{cover.covering_iro.full_name} covering {cover.absent_iro.full_name}"


@role_required(access.ALLOCATE)
@require_http_methods(["GET", "POST"])
def cover_change(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Change when one cover arrangement starts or ends (cover is no child's record)."""
    cover = _arrangement(public_id)
    form = CoverChangeForm(posted(request), cover=cover)
    return form_page(
        request,
        form,
        title="Change cover",
        save=lambda: services.cover_update(
            by=request.user,
            request=request,
            cover=cover,
            version=form.cleaned_data["version"],
            start_date=form.cleaned_data["start_date"],
            end_date=form.cleaned_data["end_date"],
        ),
        success=lambda saved: f"Cover saved: {_cover_said(saved)}",
        then=reverse("children:cover"),
        refreshed=lambda: CoverChangeForm(cover=CoverArrangement.objects.get(pk=cover.pk)),
        context={"caption": _cover_said(cover), "back_url": reverse("children:cover")},
    )


@role_required(access.ALLOCATE)
@require_http_methods(["POST"])
def cover_end(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """End one cover arrangement today, from its row on the cover page."""
    cover = _arrangement(public_id)
    form = CoverEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The cover page was out of date: check the cover and try again")
        return redirect("children:cover")
    try:
        services.cover_end(
            by=request.user, request=request, cover=cover, version=form.cleaned_data["version"]
        )
    except (ValidationError, EditConflictError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, f"Cover ended today: {_cover_said(cover)}")
    return redirect("children:cover")


@role_required(access.ALLOCATE)
@require_http_methods(["GET", "POST"])
def reallocate(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Move all the children an IRO holds at once: to other IROs, or back to the queue."""
    iro: User = get_object_or_404(selectors.iros_and_holders(), public_id=public_id)
    visible = access.children_visible_to(request.user)
    held = selectors.held_by(iro, visible)
    record_reads(
        user=request.user,
        action=Action.REALLOCATION_VIEW,
        children=[a.child for a in held],
        request=request,
    )
    targets = selectors.allocation_targets()
    form = ReallocateForm(posted(request), iro=iro, allocations=held, iros=targets)
    return form_page(
        request,
        form,
        title=f"Reallocate {iro.full_name}'s children",
        save=lambda: services.caseload_reallocate(
            by=request.user,
            request=request,
            iro=iro,
            seen=form.seen(),
            moves=form.moves(),
            start_date=form.cleaned_data["start_date"],
            reason=form.cleaned_data["reason"],
        ),
        success=lambda moved: (
            f"{moved} child{'ren' if moved != 1 else ''} moved from {iro.full_name}"
        ),
        then=reverse("children:unallocated"),
        refreshed=lambda: ReallocateForm(
            iro=iro, allocations=selectors.held_by(iro, visible), iros=targets
        ),
        template="children/reallocate.html",
        context={
            "iro": iro,
            "held": held,
            "left": iro.left_on,
            "back_url": reverse("children:unallocated"),
        },
        aliases=form.aliases(),
    )
