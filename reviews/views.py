"""Pages for reviews, RAG ratings, oversight notes, the caseload and the child's timeline."""

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.models import Action
from children import access as child_access
from children.models import Child
from core.conflicts import EditConflict
from core.timeline import KINDS, child_timeline
from core.views import posted, save_form
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

CASELOAD_SORTS = [
    ("due", "Next review due"),
    ("name", "Name"),
    ("rag", "RAG rating"),
    ("oversight", "Last oversight"),
]


def _form_page(
    request: AuthedHttpRequest,
    form: forms.Form,
    title: str,
    *,
    child: Child,
    review: Review | None = None,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "title": title, "child": child, "review": review, "conflict": conflict}
    return render(request, "reviews/review_form.html", context, status=status)


def _review_page(review: Review) -> str:
    return reverse("reviews:detail", args=[review.public_id])


@permission_required(child_access.VIEW_ALLOCATED, raise_exception=True)
def caseload(request: AuthedHttpRequest) -> HttpResponse:
    """The IRO's caseload with each child's next review due, RAG and last oversight, sortable."""
    sort = request.GET.get("sort", "due")
    children = child_access.children_visible_to(request.user).looked_after_now()
    rows = selectors.caseload_rows(children, today=timezone.localdate(), sort=sort)
    context = {"rows": rows, "sort": sort, "sorts": CASELOAD_SORTS}
    return render(request, "reviews/caseload.html", context)


@require_http_methods(["GET", "POST"])
def review_schedule(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = child_access.changeable_child_for(
        request.user, public_id, request=request, action=Action.REVIEW_SCHEDULE
    )
    form = ScheduleForm(posted(request))
    done = save_form(
        request,
        form,
        lambda: services.review_schedule(
            by=request.user,
            child=child,
            scheduled_for=form.scheduled_for,
            format=form.cleaned_data["format"],
            venue=form.cleaned_data["venue"],
        ),
        success=lambda review: f"Review scheduled for {review.scheduled_for:%-d %B %Y at %H:%M}",
        then=_review_page,
        aliases={"scheduled_for": "date"},
    )
    return done or _form_page(request, form, "Schedule a review", child=child)


def review_detail(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = access.review_for(
        request.user, public_id, action=Action.REVIEW_VIEW, request=request, change=False
    )
    context = {
        "review": review,
        "child": review.child,
        "decisions": list(review.decisions.order_by("due_date", "pk")),
        "escalations": list(review.escalations.order_by("-raised_on")),
        "rag": getattr(review, "rag", None) if review.status == ReviewStatus.FINAL else None,
        "can_change": child_access.can_change(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "reviews/review_detail.html", context)


def _versioned_change(
    request: AuthedHttpRequest,
    public_id: uuid.UUID,
    *,
    action: str,
    form_class: type[forms.Form],
    title: str,
    change: Callable[[Review, Any], object],
    success: str,
    form_kwargs: Callable[[Review], dict[str, Any]] = lambda review: {},
) -> HttpResponse:
    """A change to a review carrying the version the user read: a stale version is a conflict."""
    review = access.review_for(
        request.user, public_id, action=action, request=request, change=True
    )
    form = form_class(posted(request), initial={"version": review.version}, **form_kwargs(review))
    try:
        done = save_form(
            request, form, lambda: change(review, form), success=success, then=_review_page(review)
        )
    except EditConflict as conflict:
        fresh = Review.objects.get(pk=review.pk)
        initial = RecordForm.initial_from(fresh) if form_class is RecordForm else {}
        form = form_class(initial={**initial, "version": fresh.version}, **form_kwargs(fresh))
        return _form_page(
            request,
            form,
            title,
            child=review.child,
            review=fresh,
            conflict=str(conflict),
            status=409,
        )
    return done or _form_page(request, form, title, child=review.child, review=review)


@require_http_methods(["GET", "POST"])
def review_record(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _versioned_change(
        request,
        public_id,
        action=Action.REVIEW_RECORD,
        form_class=RecordForm,
        title="Record the review",
        change=lambda review, form: services.review_record(
            by=request.user,
            review=review,
            version=form.cleaned_data["version"],
            data=form.record_data(),
        ),
        success="Draft record saved",
        form_kwargs=lambda review: {"review": review},
    )


@require_http_methods(["GET", "POST"])
def review_finalise(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _versioned_change(
        request,
        public_id,
        action=Action.REVIEW_FINALISE,
        form_class=FinaliseForm,
        title="Finalise the review and set the RAG rating",
        change=lambda review, form: services.review_finalise(
            by=request.user,
            review=review,
            version=form.cleaned_data["version"],
            rating=form.cleaned_data["rating"],
            rating_reason=form.cleaned_data["rating_reason"],
        ),
        success="Review finalised and RAG rating set",
    )


@require_http_methods(["GET", "POST"])
def review_rearrange(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _versioned_change(
        request,
        public_id,
        action=Action.REVIEW_REARRANGE,
        form_class=RearrangeForm,
        title="Rearrange the review",
        change=lambda review, form: services.review_rearrange(
            by=request.user,
            review=review,
            version=form.cleaned_data["version"],
            scheduled_for=form.scheduled_for,
            reason=form.cleaned_data["reason"],
        ),
        success="Review rearranged",
    )


@require_http_methods(["GET", "POST"])
def review_cancel(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _versioned_change(
        request,
        public_id,
        action=Action.REVIEW_CANCEL,
        form_class=CancelForm,
        title="Cancel the review",
        change=lambda review, form: services.review_cancel(
            by=request.user,
            review=review,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        ),
        success="Review cancelled",
    )


@require_http_methods(["GET", "POST"])
def review_pre_meeting(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = access.review_for(
        request.user, public_id, action=Action.REVIEW_PRE_MEETING, request=request, change=True
    )
    form = PreMeetingForm(posted(request))
    done = save_form(
        request,
        form,
        lambda: services.review_pre_meeting_done(
            by=request.user, review=review, done_on=form.cleaned_data["done_on"]
        ),
        success="Pre-meeting oversight recorded",
        then=_review_page(review),
    )
    title = "Record the pre-meeting oversight"
    return done or _form_page(request, form, title, child=review.child, review=review)


@require_http_methods(["GET", "POST"])
def decision_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = access.review_for(
        request.user, public_id, action=Action.DECISION_ADD, request=request, change=True
    )
    form = DecisionForm(posted(request))
    done = save_form(
        request,
        form,
        lambda: services.decision_add(by=request.user, review=review, **form.cleaned_data),
        success="Decision added",
        then=_review_page(review),
    )
    title = "Add a decision or recommendation"
    return done or _form_page(request, form, title, child=review.child, review=review)


@require_http_methods(["GET", "POST"])
def decision_update(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    decision = access.decision_for(request.user, public_id, request=request)
    review = decision.review
    initial = {"status": decision.status, "completed_on": decision.completed_on}
    form = DecisionStatusForm(posted(request), initial=initial)
    done = save_form(
        request,
        form,
        lambda: services.decision_set_status(
            by=request.user, decision=decision, **form.cleaned_data
        ),
        success="Decision updated",
        then=_review_page(review),
    )
    title = f"Update: {decision.text[:60]}"
    return done or _form_page(request, form, title, child=review.child, review=review)


@require_http_methods(["GET", "POST"])
def oversight_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = child_access.changeable_child_for(
        request.user, public_id, request=request, action=Action.OVERSIGHT_ADD
    )
    form = OversightNoteForm(posted(request), child=child)
    done = save_form(
        request,
        form,
        lambda: services.oversight_note_add(by=request.user, child=child, **form.cleaned_data),
        success="Oversight note saved",
        then=reverse("children:detail", args=[child.public_id]),
    )
    return done or _form_page(request, form, "Record oversight", child=child)


def timeline(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = child_access.child_for(request.user, public_id, action=Action.TIMELINE_VIEW, request=request)
    chosen = {kind for kind in request.GET.getlist("kind") if kind in KINDS}
    context = {
        "child": child,
        "entries": child_timeline(child, kinds=chosen or None),
        "kinds": KINDS.items(),
        "chosen": chosen,
    }
    return render(request, "reviews/timeline.html", context)
