"""Pages for reviews, RAG ratings, oversight notes and the child's timeline."""

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from children import access as child_access
from children.services import EditConflict
from children.timeline import KINDS, child_timeline
from iro_service.forms import add_service_errors
from iro_service.http import AuthedHttpRequest
from reviews import access, selectors, services
from reviews.forms import (
    CancelForm,
    DecisionForm,
    DecisionStatusForm,
    FinaliseForm,
    OversightNoteForm,
    PreMeetingForm,
    RearrangeForm,
    RecordForm,
    ScheduleForm,
)
from reviews.models import Review, ReviewStatus


def _form_page(
    request: AuthedHttpRequest,
    form: object,
    title: str,
    *,
    child: object,
    review: Review | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "reviews/review_form.html",
        {
            "form": form,
            "title": title,
            "child": child,
            "review": review,
            "conflict": conflict,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def review_schedule(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = child_access.changeable_child_for(
        request.user, public_id, request=request, action="review.schedule"
    )
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_schedule(
                by=request.user,
                child=child,
                scheduled_for=form.scheduled_for,
                format=form.cleaned_data["format"],
                venue=form.cleaned_data["venue"],
            )
        except ValidationError as error:
            add_service_errors(form, error, aliases={"scheduled_for": "date"})
        else:
            messages.success(
                request, f"Review scheduled for {review.scheduled_for:%-d %B %Y at %H:%M}"
            )
            return redirect("reviews:detail", public_id=review.public_id)
    return _form_page(request, form, "Schedule a review", child=child)


def review_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = access.review_for(request.user, public_id, action="review.view", request=request)
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "child": review.child,
            "decisions": list(review.decisions.order_by("due_date", "pk")),
            "escalations": list(review.escalations.order_by("-raised_on")),
            "rag": getattr(review, "rag", None) if review.status == ReviewStatus.FINAL else None,
            "can_change": child_access.can_change(request.user),
            "today": timezone.localdate(),
        },
    )


def _versioned_action(
    request: AuthedHttpRequest,
    public_id: uuid.UUID,
    *,
    action: str,
    form_class: type,
    title: str,
    perform: Callable[[Review, Any], None],
    success: str,
    form_kwargs: Callable[[Review], dict[str, Any]] | None = None,
) -> HttpResponse:
    """Run a review change that carries the version the user read; a stale version is a conflict."""
    review = access.review_for(request.user, public_id, action=action, request=request)
    kwargs = form_kwargs(review) if form_kwargs else {}
    form = form_class(request.POST or None, initial={"version": review.version}, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            perform(review, form)
        except EditConflict as conflict:
            fresh = Review.objects.get(pk=review.pk)
            form = form_class(
                initial={"version": fresh.version, **_fresh_initial(form_class, fresh)},
                **(form_kwargs(fresh) if callable(form_kwargs) else {}),
            )
            return _form_page(
                request,
                form,
                title,
                child=review.child,
                review=fresh,
                conflict=str(conflict),
                status=409,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("reviews:detail", public_id=review.public_id)
    return _form_page(request, form, title, child=review.child, review=review)


def _fresh_initial(form_class: type, review: Review) -> dict:
    return RecordForm.initial_from(review) if form_class is RecordForm else {}


@require_http_methods(["GET", "POST"])
def review_record(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def perform(review: Review, form: RecordForm) -> None:
        services.review_record(
            by=request.user,
            review=review,
            version=form.cleaned_data["version"],
            data=form.record_data(),
        )

    return _versioned_action(
        request,
        public_id,
        action="review.record",
        form_class=RecordForm,
        title="Record the review",
        perform=perform,
        success="Draft record saved",
        form_kwargs=lambda review: {"review": review},
    )


@require_http_methods(["GET", "POST"])
def review_finalise(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def perform(review: Review, form: FinaliseForm) -> None:
        services.review_finalise(
            by=request.user,
            review=review,
            version=form.cleaned_data["version"],
            rating=form.cleaned_data["rating"],
            rating_reason=form.cleaned_data["rating_reason"],
        )

    return _versioned_action(
        request,
        public_id,
        action="review.finalise",
        form_class=FinaliseForm,
        title="Finalise the review and set the RAG rating",
        perform=perform,
        success="Review finalised and RAG rating set",
    )


@require_http_methods(["GET", "POST"])
def review_rearrange(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def perform(review: Review, form: RearrangeForm) -> None:
        services.review_rearrange(
            by=request.user,
            review=review,
            version=form.cleaned_data["version"],
            scheduled_for=form.scheduled_for,
            reason=form.cleaned_data["reason"],
        )

    return _versioned_action(
        request,
        public_id,
        action="review.rearrange",
        form_class=RearrangeForm,
        title="Rearrange the review",
        perform=perform,
        success="Review rearranged",
    )


@require_http_methods(["GET", "POST"])
def review_cancel(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def perform(review: Review, form: CancelForm) -> None:
        services.review_cancel(
            by=request.user,
            review=review,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )

    return _versioned_action(
        request,
        public_id,
        action="review.cancel",
        form_class=CancelForm,
        title="Cancel the review",
        perform=perform,
        success="Review cancelled",
    )


@require_http_methods(["GET", "POST"])
def review_pre_meeting(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = access.review_for(
        request.user, public_id, action="review.pre_meeting", request=request
    )
    form = PreMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.review_pre_meeting_done(
            by=request.user, review=review, done_on=form.cleaned_data["done_on"]
        )
        messages.success(request, "Pre-meeting oversight recorded")
        return redirect("reviews:detail", public_id=review.public_id)
    return _form_page(
        request, form, "Record the pre-meeting oversight", child=review.child, review=review
    )


@require_http_methods(["GET", "POST"])
def decision_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = access.review_for(request.user, public_id, action="decision.add", request=request)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_add(by=request.user, review=review, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Decision added")
            return redirect("reviews:detail", public_id=review.public_id)
    return _form_page(
        request, form, "Add a decision or recommendation", child=review.child, review=review
    )


@require_http_methods(["GET", "POST"])
def decision_update(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    decision = access.decision_for(request.user, public_id, request=request)
    review = decision.review
    form = DecisionStatusForm(
        request.POST or None,
        initial={"status": decision.status, "completed_on": decision.completed_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_set_status(by=request.user, decision=decision, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Decision updated")
            return redirect("reviews:detail", public_id=review.public_id)
    return _form_page(
        request, form, f"Update: {decision.text[:60]}", child=review.child, review=review
    )


@require_http_methods(["GET", "POST"])
def oversight_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = child_access.changeable_child_for(
        request.user, public_id, request=request, action="oversight.add"
    )
    form = OversightNoteForm(request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        try:
            services.oversight_note_add(by=request.user, child=child, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Oversight note saved")
            return redirect("children:detail", public_id=child.public_id)
    return _form_page(request, form, "Record oversight", child=child)


def timeline(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = child_access.child_for(request.user, public_id, action="timeline.view", request=request)
    chosen = {kind for kind in request.GET.getlist("kind") if kind in KINDS}
    return render(
        request,
        "reviews/timeline.html",
        {
            "child": child,
            "entries": child_timeline(child, kinds=chosen or None),
            "kinds": KINDS.items(),
            "chosen": chosen,
        },
    )


@permission_required(child_access.VIEW_ALLOCATED, raise_exception=True)
def caseload(request: AuthedHttpRequest) -> HttpResponse:
    """The IRO's caseload with each child's next review due, RAG and last oversight, sortable."""
    sort = request.GET.get("sort", "due")
    children = child_access.children_visible_to(request.user).looked_after_now()
    rows = selectors.caseload_rows(children, today=timezone.localdate(), sort=sort)
    return render(
        request,
        "reviews/caseload.html",
        {
            "rows": rows,
            "sort": sort,
            "sorts": [
                ("due", "Next review due"),
                ("name", "Name"),
                ("rag", "RAG rating"),
                ("oversight", "Last oversight"),
            ],
        },
    )
