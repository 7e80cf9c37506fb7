"""Pages for reviews, RAG ratings, oversight notes, the caseload and the child's timeline."""

import uuid
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.models import Action
from audit.writer import record_reads
from children import access as child_access
from children.pages import about_child, child_url
from core.access import role_required
from core.dates import long_date
from core.timeline import KINDS, child_timeline
from core.views import form_page, posted
from iro_service.http import AuthedHttpRequest
from reviews import access, rules, selectors, services
from reviews.forms import (
    CancelForm,
    CaseloadFilterForm,
    DecisionForm,
    DecisionStatusForm,
    FinaliseForm,
    OversightNoteForm,
    PreMeetingForm,
    RearrangeForm,
    RecordForm,
    ScheduleForm,
)
from reviews.models import Decision, OversightNote, Review, ReviewStatus
from reviews.models.review import MONITORING_QUESTIONS

REVIEW_FORM = "reviews/review_form.html"
MONITORING_ALIASES = {key: f"m_{key}" for key in MONITORING_QUESTIONS}

CASELOAD_SORTS = [
    ("due", "Next review due"),
    ("name", "Name"),
    ("rag", "RAG rating"),
    ("oversight", "Last oversight"),
]


def _review_page(review: Review) -> str:
    return reverse("reviews:detail", args=[review.public_id])


def _about_review(review: Review) -> dict[str, Any]:
    """What a form page about one review shows above its heading and links back to."""
    child = review.child
    return {
        "caption": f"{child.full_name} ({child.child_ref}): {review.get_kind_display().lower()}",
        "back_url": _review_page(review),
        "review": review,
    }


def _fresh(review: Review) -> Review:
    return Review.objects.select_related("child", "period").get(pk=review.pk)


@role_required(child_access.VIEW_ALLOCATED)
def caseload(request: AuthedHttpRequest) -> HttpResponse:
    """The IRO's caseload with each child's next review due, RAG and last oversight: searched,
    filtered and sorted."""
    sort = request.GET.get("sort", "due")
    form = CaseloadFilterForm(request.GET or None)
    filters = form.filters()
    children = child_access.children_visible_to(request.user).looked_after_now()
    rows = selectors.caseload_rows(children, today=timezone.localdate(), sort=sort, filters=filters)
    record_reads(
        user=request.user,
        action=Action.CASELOAD_VIEW,
        children=[row.child for row in rows],
        request=request,
    )
    query = request.GET.copy()
    query.pop("sort", None)
    context = {
        "rows": rows,
        "sort": sort,
        "sorts": CASELOAD_SORTS,
        "form": form,
        "filtered": filters.active,
        "total": children.count() if filters.active else len(rows),
        "filter_query": query.urlencode(),
    }
    return render(request, "reviews/caseload.html", context)


def _scheduled(review: Review) -> str:
    when = timezone.localtime(review.scheduled_for)
    return f"Review scheduled for {long_date(when.date())} at {when:%H:%M}"


def _due_intro(due: rules.ReviewDue | None) -> str:
    if due is None:
        return ""
    return f"Due by {long_date(due.due)}. {due.reason}." if due.due else f"{due.reason}."


@require_http_methods(["GET", "POST"])
def review_schedule(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = child_access.changeable_child_for(
        request.user, public_id, request=request, action=Action.REVIEW_SCHEDULE
    )
    due = selectors.next_review_for(child)
    form = ScheduleForm(posted(request), due=due.due if due else None)
    return form_page(
        request,
        form,
        title="Schedule a review",
        save=lambda: services.review_schedule(
            by=request.user,
            request=request,
            child=child,
            scheduled_for=form.scheduled_for,
            format=form.cleaned_data["format"],
            venue=form.cleaned_data["venue"],
            late_schedule_reason=form.late_schedule_reason_given,
        ),
        success=_scheduled,
        then=_review_page,
        context={**about_child(child), "intro": _due_intro(due)},
        aliases={"scheduled_for": "date"},
    )


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


@require_http_methods(["GET", "POST"])
def review_record(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = access.review_for(
        request.user, public_id, action=Action.REVIEW_RECORD, request=request, change=True
    )
    form = RecordForm(posted(request), review=review)
    return form_page(
        request,
        form,
        title="Record the review",
        save=lambda: services.review_record(
            by=request.user,
            request=request,
            review=review,
            version=form.cleaned_data["version"],
            data=form.record_data(),
        ),
        success="Draft record saved",
        then=_review_page,
        refreshed=lambda: RecordForm(review=_fresh(review)),
        template=REVIEW_FORM,
        context=_about_review(review),
        aliases=MONITORING_ALIASES,
    )


@require_http_methods(["GET", "POST"])
def review_finalise(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = access.review_for(
        request.user, public_id, action=Action.REVIEW_FINALISE, request=request, change=True
    )
    form = FinaliseForm(posted(request), review=review)
    return form_page(
        request,
        form,
        title="Finalise the review and set the RAG rating",
        save=lambda: services.review_finalise(
            by=request.user,
            request=request,
            review=review,
            version=form.cleaned_data["version"],
            rating=form.cleaned_data["rating"],
            rating_reason=form.cleaned_data["rating_reason"],
        ),
        success="Review finalised and RAG rating set",
        then=_review_page,
        refreshed=lambda: FinaliseForm(review=_fresh(review)),
        template=REVIEW_FORM,
        context=_about_review(review),
    )


@require_http_methods(["GET", "POST"])
def review_rearrange(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = access.review_for(
        request.user, public_id, action=Action.REVIEW_REARRANGE, request=request, change=True
    )
    form = RearrangeForm(posted(request), review=review)
    return form_page(
        request,
        form,
        title="Rearrange the review",
        save=lambda: services.review_rearrange(
            by=request.user,
            request=request,
            review=review,
            version=form.cleaned_data["version"],
            scheduled_for=form.scheduled_for,
            reason=form.cleaned_data["reason"],
            late_schedule_reason=form.late_schedule_reason_given,
        ),
        success="Review rearranged",
        then=_review_page,
        refreshed=lambda: RearrangeForm(review=_fresh(review)),
        template=REVIEW_FORM,
        context=_about_review(review),
        aliases={"scheduled_for": "date"},
    )


@require_http_methods(["GET", "POST"])
def review_cancel(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = access.review_for(
        request.user, public_id, action=Action.REVIEW_CANCEL, request=request, change=True
    )
    form = CancelForm(posted(request), review=review)
    return form_page(
        request,
        form,
        title="Cancel the review",
        save=lambda: services.review_cancel(
            by=request.user,
            request=request,
            review=review,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        ),
        success="Review cancelled",
        then=_review_page,
        refreshed=lambda: CancelForm(review=_fresh(review)),
        template=REVIEW_FORM,
        context=_about_review(review),
    )


@require_http_methods(["GET", "POST"])
def review_pre_meeting(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = access.review_for(
        request.user, public_id, action=Action.REVIEW_PRE_MEETING, request=request, change=True
    )
    form = PreMeetingForm(posted(request), review=review)
    return form_page(
        request,
        form,
        title="Record the pre-meeting oversight",
        save=lambda: services.review_pre_meeting_done(
            by=request.user,
            request=request,
            review=review,
            version=form.cleaned_data["version"],
            done_on=form.cleaned_data["done_on"],
        ),
        success="Pre-meeting oversight recorded",
        then=_review_page,
        refreshed=lambda: PreMeetingForm(review=_fresh(review)),
        template=REVIEW_FORM,
        context=_about_review(review),
    )


@require_http_methods(["GET", "POST"])
def decision_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    review = access.review_for(
        request.user, public_id, action=Action.DECISION_ADD, request=request, change=True
    )
    form = DecisionForm(posted(request))
    return form_page(
        request,
        form,
        title="Add a decision or recommendation",
        save=lambda: services.decision_add(
            by=request.user, review=review, request=request, **form.cleaned_data
        ),
        success="Decision added",
        then=_review_page(review),
        template=REVIEW_FORM,
        context=_about_review(review),
    )


@require_http_methods(["GET", "POST"])
def decision_update(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    decision = access.decision_for(request.user, public_id, request=request)
    form = DecisionStatusForm(posted(request), decision=decision)
    return form_page(
        request,
        form,
        title=f"Update: {decision.text[:60]}",
        save=lambda: services.decision_set_status(
            by=request.user,
            request=request,
            decision=decision,
            version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
            completed_on=form.cleaned_data["completed_on"],
        ),
        success="Decision updated",
        then=_review_page(decision.review),
        refreshed=lambda: DecisionStatusForm(decision=Decision.objects.get(pk=decision.pk)),
        template=REVIEW_FORM,
        context=_about_review(decision.review),
    )


@require_http_methods(["GET", "POST"])
def oversight_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = child_access.changeable_child_for(
        request.user, public_id, request=request, action=Action.OVERSIGHT_ADD
    )
    form = OversightNoteForm(posted(request), child=child)
    return form_page(
        request,
        form,
        title="Record oversight",
        save=lambda: services.oversight_note_add(
            by=request.user, child=child, request=request, **form.cleaned_data
        ),
        success=_oversight_saved,
        then=child_url(child, "oversight"),
        context=about_child(child),
    )


def _oversight_saved(note: OversightNote) -> str:
    timing = note.follow_up_of.follow_up_timing if note.follow_up_of else ""
    return f"Oversight note saved. {timing}" if timing else "Oversight note saved"


def timeline(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = child_access.child_for(
        request.user, public_id, action=Action.TIMELINE_VIEW, request=request
    )
    chosen = {kind for kind in request.GET.getlist("kind") if kind in KINDS}
    context = {
        "child": child,
        "entries": child_timeline(child, kinds=chosen or None),
        "kinds": KINDS.items(),
        "chosen": chosen,
    }
    return render(request, "reviews/timeline.html", context)
