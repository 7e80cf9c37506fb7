"""Escalation pages: raise from the child's page, act on one, the managers' and IROs' lists."""

import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.models import Action
from audit.writer import record_reads
from children.access import VIEW_ALLOCATED, child_for
from children.filters import ChildFilter
from children.models import Child
from children.pages import about_child
from core.access import role_required
from core.views import form_page, posted
from escalations import access, rules, selectors, services
from escalations.forms import (
    CloseForm,
    EscalationFilterForm,
    EscalationRaiseForm,
    MoveForm,
    ReopenForm,
    ResponseForm,
)
from escalations.models import Escalation, EscalationQuerySet
from iro_service.http import AuthedHttpRequest
from reviews.models import Review

ACTION_PAGE = "escalations/escalation_action.html"


def _escalation_page(escalation: Escalation) -> str:
    return reverse("escalations:detail", args=[escalation.public_id])


def _about(escalation: Escalation, title: str) -> dict[str, object]:
    """What a page acting on an escalation shows above its heading, and its way back."""
    child = escalation.child
    return {
        "caption": f"Escalation for {child.full_name} ({child.child_ref})",
        "back_url": _escalation_page(escalation),
        "submit_label": title,
    }


def _as_saved(escalation: Escalation) -> Escalation:
    """The escalation as saved now, for the form shown after a conflict."""
    return Escalation.objects.select_related("child").get(pk=escalation.pk)


def _not_now(
    request: AuthedHttpRequest, escalation: Escalation, *, open_: bool
) -> HttpResponse | None:
    """Back to the escalation, saying why, from a page for an open (or closed) one it is not.

    Only on opening the page: a POST goes on to the service, which refuses it with a message.
    """
    if request.method != "GET" or escalation.is_open == open_:
        return None
    messages.info(
        request, "This escalation is closed" if open_ else "This escalation is already open"
    )
    return redirect(_escalation_page(escalation))


@require_http_methods(["GET", "POST"])
def escalation_raise(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = child_for(
        request.user,
        public_id,
        action=Action.ESCALATION_RAISE,
        request=request,
        perm=access.ADD,
    )
    review = _prompting_review(request, child)
    form = EscalationRaiseForm(posted(request), child=child)
    return form_page(
        request,
        form,
        title="Raise an escalation",
        save=lambda: services.escalation_raise(
            by=request.user,
            child=child,
            review=review,
            areas=form.areas(),
            request=request,
            **form.escalation(),
        ),
        success="Escalation raised",
        then=_escalation_page,
        template="escalations/escalation_form.html",
        context={
            **about_child(child),
            "submit_label": "Raise escalation",
            "review": review,
        },
    )


def _prompting_review(request: AuthedHttpRequest, child: Child) -> Review | None:
    """The child's review named in `?review=`, when the escalation is raised from a review."""
    try:
        review_id = uuid.UUID(request.GET.get("review", ""))
    except ValueError:
        return None
    return Review.objects.filter(public_id=review_id, child=child).first()


def _listed(
    request: AuthedHttpRequest, escalations: EscalationQuerySet
) -> tuple[Page[Escalation], list[selectors.EscalationRow]]:
    """One page of `escalations` as rows, a read row written for each child it shows."""
    page = Paginator(escalations, settings.ESCALATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    record_reads(
        user=request.user,
        action=Action.ESCALATION_LIST,
        # A child with two open escalations on the page is one child shown.
        children=list({escalation.child_id: escalation.child for escalation in shown}.values()),
        request=request,
    )
    return page, selectors.escalation_rows(shown, today=timezone.localdate())


@role_required(access.VIEW_ALL)
def escalation_list(request: AuthedHttpRequest) -> HttpResponse:
    form = EscalationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    child_filters = ChildFilter.of(request)
    visible = access.escalations_visible_to(request.user)
    if child_filters.chosen():  # from the service overview: its figure is this list's length
        visible = visible.filter(child__in=child_filters.qs.values("pk"))
    escalations = selectors.escalations_filtered(visible, data, today=timezone.localdate())
    page, rows = _listed(request, escalations)
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return render(
        request,
        "escalations/escalation_list.html",
        {
            "form": form,
            "child_filters": child_filters,
            "page_obj": page,
            "rows": rows,
            "query_string": query,
            "total_working_days": rules.TOTAL_WORKING_DAYS,
        },
    )


@role_required(VIEW_ALLOCATED)
def escalation_mine(request: AuthedHttpRequest) -> HttpResponse:
    """The IRO's open escalations: the children on their caseload and those they cover."""
    page, rows = _listed(request, selectors.open_escalations_of(request.user))
    return render(
        request,
        "escalations/escalation_mine.html",
        {"page_obj": page, "rows": rows, "total_working_days": rules.TOTAL_WORKING_DAYS},
    )


def escalation_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    escalation = access.escalation_for(
        request.user, public_id, action=Action.ESCALATION_VIEW, request=request
    )
    today = timezone.localdate()
    return render(
        request,
        "escalations/escalation_detail.html",
        {
            "escalation": escalation,
            "child": escalation.child,
            "areas": list(escalation.areas.all()),
            "events": selectors.escalation_history(escalation),
            "working_days_open": escalation.working_days_open(today),
            "formal_working_days": escalation.formal_working_days(today),
            "overdue": escalation.is_overdue_on(today),
            "past_overall_due": escalation.is_past_overall_due_on(today),
            "can_act": access.can_act(request.user),
            "can_move": escalation.is_open and bool(rules.allowed_moves(escalation.stage)),
            "total_working_days": rules.TOTAL_WORKING_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def escalation_respond(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    escalation = access.escalation_for(
        request.user, public_id, action=Action.ESCALATION_RESPOND, request=request
    )
    if back := _not_now(request, escalation, open_=True):
        return back
    form = ResponseForm(posted(request), escalation=escalation)
    title = "Record a response"
    return form_page(
        request,
        form,
        title=title,
        save=lambda: services.escalation_record_response(
            by=request.user, escalation=escalation, request=request, **form.cleaned_data
        ),
        success="Response recorded",
        then=_escalation_page(escalation),
        refreshed=lambda: ResponseForm(escalation=_as_saved(escalation)),
        template=ACTION_PAGE,
        context=_about(escalation, title),
    )


@require_http_methods(["GET", "POST"])
def escalation_move(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    escalation = access.escalation_for(
        request.user, public_id, action=Action.ESCALATION_MOVE, request=request
    )
    if back := _not_now(request, escalation, open_=True):
        return back
    form = MoveForm(posted(request), escalation=escalation)
    title = "Escalate to a later stage"
    return form_page(
        request,
        form,
        title=title,
        save=lambda: services.escalation_move(
            by=request.user,
            escalation=escalation,
            expected_stage=form.cleaned_data["stage"],
            version=form.cleaned_data["version"],
            to_stage=form.cleaned_data["to_stage"],
            on=form.cleaned_data["on"],
            addressed_to_name=form.cleaned_data["addressed_to_name"],
            addressed_to_role=form.cleaned_data["addressed_to_role"],
            reason=form.cleaned_data["reason"],
            request=request,
        ),
        success="Escalation moved to a later stage",
        then=_escalation_page(escalation),
        refreshed=lambda: MoveForm(escalation=_as_saved(escalation)),
        template=ACTION_PAGE,
        context=_about(escalation, title),
    )


@require_http_methods(["GET", "POST"])
def escalation_close(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    escalation = access.escalation_for(
        request.user, public_id, action=Action.ESCALATION_CLOSE, request=request
    )
    if back := _not_now(request, escalation, open_=True):
        return back
    form = CloseForm(posted(request), escalation=escalation, areas=list(escalation.areas.all()))
    title = "Resolve and close the escalation"

    def refreshed() -> CloseForm:
        saved = _as_saved(escalation)
        return CloseForm(escalation=saved, areas=list(saved.areas.all()))

    return form_page(
        request,
        form,
        title=title,
        save=lambda: services.escalation_close(
            by=request.user,
            escalation=escalation,
            version=form.cleaned_data["version"],
            closed_on=form.cleaned_data["closed_on"],
            outcome=form.cleaned_data["outcome"],
            area_outcomes=form.area_outcomes(),
            request=request,
        ),
        success="Escalation closed",
        then=_escalation_page(escalation),
        refreshed=refreshed,
        template=ACTION_PAGE,
        context=_about(escalation, title),
    )


@require_http_methods(["GET", "POST"])
def escalation_reopen(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    escalation = access.escalation_for(
        request.user, public_id, action=Action.ESCALATION_REOPEN, request=request
    )
    if back := _not_now(request, escalation, open_=False):
        return back
    form = ReopenForm(posted(request), escalation=escalation)
    title = "Reopen the escalation"
    return form_page(
        request,
        form,
        title=title,
        save=lambda: services.escalation_reopen(
            by=request.user, escalation=escalation, request=request, **form.cleaned_data
        ),
        success="Escalation reopened",
        then=_escalation_page(escalation),
        refreshed=lambda: ReopenForm(escalation=_as_saved(escalation)),
        template=ACTION_PAGE,
        context=_about(escalation, title),
    )
