"""Escalation pages: raise from the child's page, act on one, and the managers' list."""

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.models import Action, Kind
from audit.writer import record
from children.access import child_for
from core.forms import add_service_errors
from core.views import posted, save_form
from escalations import access, rules, selectors, services
from escalations.forms import (
    AreaFormSet,
    CloseForm,
    EscalationFilterForm,
    EscalationRaiseForm,
    MoveForm,
    ReopenForm,
    ResponseForm,
    VersionedForm,
)
from escalations.models import Escalation
from iro_service.http import AuthedHttpRequest
from reviews.models import Review


def _actionable(request: AuthedHttpRequest, public_id: uuid.UUID, action: str) -> Escalation:
    # escalation_for only finds escalations for users whose role may act on them.
    return access.escalation_for(request.user, public_id, action=action, request=request)


@require_http_methods(["GET", "POST"])
def escalation_raise(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = child_for(request.user, public_id, action=Action.ESCALATION_RAISE, request=request)
    if not access.can_raise(request.user):
        record(
            user=request.user,
            action=Action.ESCALATION_RAISE,
            child=child,
            request=request,
        )
        raise Http404("No child found")
    review = _prompting_review(request, child)
    form = EscalationRaiseForm(posted(request))
    formset = AreaFormSet(posted(request), prefix="areas")
    if request.method == "POST":
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            areas = [services.AreaData(**row) for row in formset.filled()]  # type: ignore[attr-defined]
            try:
                escalation = services.escalation_raise(
                    by=request.user, child=child, areas=areas, review=review, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Escalation raised")
                return redirect("escalations:detail", public_id=escalation.public_id)
    return render(
        request,
        "escalations/escalation_form.html",
        {"form": form, "formset": formset, "child": child, "review": review},
    )


def _prompting_review(request: AuthedHttpRequest, child: Any) -> Review | None:
    """The child's review named in `?review=`, when the escalation is raised from a review."""
    try:
        review_id = uuid.UUID(request.GET.get("review", ""))
    except ValueError:
        return None
    return Review.objects.filter(public_id=review_id, child=child).first()


@permission_required(access.VIEW_ALL, raise_exception=True)
def escalation_list(request: AuthedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = EscalationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    escalations = selectors.escalations_filtered(
        access.escalations_visible_to(request.user), data, today=today
    )
    page = Paginator(escalations, settings.ESCALATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "escalation": e,
            "working_days_open": e.working_days_open(today),
            "response_due": e.response_due,
            "overall_due": e.overall_due,
            "overdue": e.is_overdue_on(today),
        }
        for e in page.object_list
    ]
    query = urlencode([(k, v) for k, v in request.GET.items() if k != "page" and v])
    return render(
        request,
        "escalations/escalation_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "query_string": query,
            "total_working_days": rules.TOTAL_WORKING_DAYS,
        },
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
            "overdue": escalation.is_overdue_on(today),
            "can_act": access.can_act(request.user),
            "can_move": escalation.is_open and bool(rules.allowed_moves(escalation.stage)),
            "total_working_days": rules.TOTAL_WORKING_DAYS,
        },
    )


def _act(
    request: AuthedHttpRequest,
    public_id: uuid.UUID,
    *,
    action: str,
    title: str,
    make_form: Callable[..., VersionedForm],
    run: Callable[[Escalation, VersionedForm], Any],
    done: str,
    needs_open: bool | None,
) -> HttpResponse:
    """Shared shape of the pages that change an escalation: form, service, conflict, redirect."""
    escalation = _actionable(request, public_id, action)
    if needs_open is not None and escalation.is_open != needs_open and request.method == "GET":
        messages.info(
            request,
            "This escalation is closed" if needs_open else "This escalation is already open",
        )
        return redirect("escalations:detail", public_id=escalation.public_id)
    form = make_form(posted(request), escalation=escalation)
    context: dict[str, Any] = {"escalation": escalation, "child": escalation.child, "title": title}
    status = 200
    try:
        saved = save_form(
            request,
            form,
            lambda: run(escalation, form),
            success=done,
            then=reverse("escalations:detail", args=[escalation.public_id]),
        )
    except services.EscalationConflict as conflict:
        fresh = Escalation.objects.select_related("child").get(pk=escalation.pk)
        form = make_form(escalation=fresh)
        context.update(escalation=fresh, conflict=str(conflict))
        status = 409
    else:
        if saved:
            return saved
    context["form"] = form
    return render(request, "escalations/escalation_action.html", context, status=status)


@require_http_methods(["GET", "POST"])
def escalation_respond(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def run(escalation: Escalation, form: VersionedForm) -> Any:
        data = form.cleaned_data
        return services.escalation_record_response(
            by=request.user,
            escalation=escalation,
            expected_version=data["version"],
            on=data["on"],
            responder_name=data["responder_name"],
            responder_role=data["responder_role"],
            text=data["text"],
        )

    return _act(
        request,
        public_id,
        action=Action.ESCALATION_RESPOND,
        title="Record a response",
        make_form=ResponseForm,
        run=run,
        done="Response recorded",
        needs_open=True,
    )


@require_http_methods(["GET", "POST"])
def escalation_move(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def run(escalation: Escalation, form: VersionedForm) -> Any:
        data = form.cleaned_data
        return services.escalation_move(
            by=request.user,
            escalation=escalation,
            to_stage=data["to_stage"],
            expected_stage=data["stage"],
            expected_version=data["version"],
            on=data["on"],
            reason=data["reason"],
        )

    def make(*args: Any, escalation: Escalation) -> VersionedForm:
        return MoveForm(*args, escalation=escalation)

    response = _act(
        request,
        public_id,
        action=Action.ESCALATION_MOVE,
        title="Escalate to a later stage",
        make_form=make,
        run=run,
        done="Escalation moved to a later stage",
        needs_open=True,
    )
    return response


@require_http_methods(["GET", "POST"])
def escalation_close(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def make(*args: Any, escalation: Escalation) -> VersionedForm:
        return CloseForm(*args, escalation=escalation, areas=list(escalation.areas.all()))

    def run(escalation: Escalation, form: VersionedForm) -> Any:
        assert isinstance(form, CloseForm)
        data = form.cleaned_data
        return services.escalation_close(
            by=request.user,
            escalation=escalation,
            expected_version=data["version"],
            closed_on=data["closed_on"],
            outcome=data["outcome"],
            area_outcomes=form.area_outcomes(),
        )

    return _act(
        request,
        public_id,
        action=Action.ESCALATION_CLOSE,
        title="Resolve and close the escalation",
        make_form=make,
        run=run,
        done="Escalation closed",
        needs_open=True,
    )


@require_http_methods(["GET", "POST"])
def escalation_reopen(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def run(escalation: Escalation, form: VersionedForm) -> Any:
        data = form.cleaned_data
        return services.escalation_reopen(
            by=request.user,
            escalation=escalation,
            expected_version=data["version"],
            on=data["on"],
            reason=data["reason"],
        )

    return _act(
        request,
        public_id,
        action=Action.ESCALATION_REOPEN,
        title="Reopen the escalation",
        make_form=ReopenForm,
        run=run,
        done="Escalation reopened",
        needs_open=False,
    )
