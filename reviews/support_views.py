"""Pages for the in-contact plan, contacts, advocacy referrals and Independent Visitors."""

import uuid

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.models import Action
from children import access
from children.models import Child
from core.views import posted, save_form
from iro_service.http import AuthedHttpRequest
from reviews import support_selectors as selectors
from reviews import support_services as services
from reviews.models import AdvocacyReferral, IndependentVisitor, IvMatch, Review
from reviews.support_forms import (
    AdvocacyOutcomeForm,
    AdvocacyReferralForm,
    ContactLogForm,
    ContactPlanForm,
    IvMatchEndForm,
    IvMatchForm,
    IvReferForm,
    VisitorForm,
)

FORM_TEMPLATE = "reviews/support/support_form.html"


def _child(request: AuthedHttpRequest, public_id: uuid.UUID, action: str) -> Child:
    return access.changeable_child_for(request.user, public_id, action=action, request=request)


def _form_page(
    request: AuthedHttpRequest, form: object, title: str, **context: object
) -> HttpResponse:
    return render(request, FORM_TEMPLATE, {"form": form, "title": title, **context})


def _child_page(child: Child) -> str:
    return reverse("children:detail", args=[child.public_id])


def _may_see_register(user: object) -> None:
    if not (user.has_perm(access.VIEW_ALLOCATED) or user.has_perm(access.VIEW_ALL)):  # type: ignore[attr-defined]
        raise PermissionDenied


# In-contact plan and contacts ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contact_plan(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = _child(request, public_id, Action.CONTACT_PLAN_CREATE)
    current = child.contact_plans.filter(ended_on=None).first()
    form = ContactPlanForm(posted(request), plan=current)
    done = save_form(
        request,
        form,
        lambda: services.contact_plan_set(by=request.user, child=child, **form.cleaned_data),
        success="In-contact plan saved",
        then=_child_page(child),
    )
    intro = (
        f"This replaces the plan agreed on {current.agreed_on:%-d %B %Y}, which ends the day "
        "the new plan is agreed."
        if current
        else "Record how you and the child agreed to keep in touch between reviews."
    )
    title = "Change the in-contact plan" if current else "Agree an in-contact plan"
    return done or _form_page(request, form, title, child=child, intro=intro)


@require_http_methods(["GET", "POST"])
def contact_log(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = _child(request, public_id, Action.CONTACT_CREATE)
    form = ContactLogForm(posted(request))
    done = save_form(
        request,
        form,
        lambda: services.contact_log_add(by=request.user, child=child, **form.cleaned_data),
        success="Contact logged",
        then=_child_page(child),
    )
    return done or _form_page(request, form, "Log a contact with the child", child=child)


# Advocacy --------------------------------------------------------------------------------


def _prompting_review(request: AuthedHttpRequest, child: Child) -> Review | None:
    raw = request.GET.get("review")
    if not raw:
        return None
    try:
        review_id = uuid.UUID(raw)
    except ValueError as exc:
        raise Http404("No review found") from exc
    review = child.reviews.filter(public_id=review_id).first()
    if review is None:
        raise Http404("No review found")
    return review


@require_http_methods(["GET", "POST"])
def advocacy_add(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = _child(request, public_id, Action.ADVOCACY_CREATE)
    review = _prompting_review(request, child)
    form = AdvocacyReferralForm(posted(request))
    done = save_form(
        request,
        form,
        lambda: services.advocacy_refer(
            by=request.user, child=child, review=review, **form.cleaned_data
        ),
        success="Advocacy referral saved",
        then=_child_page(child),
    )
    intro = (
        f"Prompted by the review held on {review.held_on:%-d %B %Y} "
        f"({review.get_participation_display()})."
        if review and review.held_on
        else ""
    )
    return done or _form_page(request, form, "Refer to advocacy", child=child, intro=intro)


@require_http_methods(["GET", "POST"])
def advocacy_update(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    referral = get_object_or_404(
        AdvocacyReferral.objects.select_related("child"), public_id=public_id
    )
    child = _child(request, referral.child.public_id, Action.ADVOCACY_UPDATE)
    form = AdvocacyOutcomeForm(
        posted(request),
        initial={"outcome": referral.outcome, "outcome_on": referral.outcome_on},
    )
    done = save_form(
        request,
        form,
        lambda: services.advocacy_update(by=request.user, referral=referral, **form.cleaned_data),
        success="Advocacy outcome saved",
        then=_child_page(child),
    )
    intro = f"Referred to {referral.organisation} on {referral.referred_on:%-d %B %Y}: {referral.reason}"
    return done or _form_page(
        request, form, "Record the advocacy outcome", child=child, intro=intro
    )


# Independent Visitors: the child's side --------------------------------------------------


@require_http_methods(["GET", "POST"])
def iv_refer(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = _child(request, public_id, Action.IV_REFERRAL_CREATE)
    form = IvReferForm(posted(request))
    done = save_form(
        request,
        form,
        lambda: services.iv_refer(by=request.user, child=child, **form.cleaned_data),
        success=f"{child.full_name} is waiting for an Independent Visitor",
        then=_child_page(child),
    )
    return done or _form_page(request, form, "Refer for an Independent Visitor", child=child)


@require_http_methods(["GET", "POST"])
def iv_match(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = _child(request, public_id, Action.IV_MATCH_CREATE)
    form = IvMatchForm(posted(request))
    done = save_form(
        request,
        form,
        lambda: services.iv_match(by=request.user, child=child, **form.cleaned_data),
        success=lambda match: f"{child.full_name} matched with {match.visitor.full_name}",
        then=_child_page(child),
    )
    return done or _form_page(request, form, "Match with an Independent Visitor", child=child)


@require_http_methods(["GET", "POST"])
def iv_match_end(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    match = get_object_or_404(
        IvMatch.objects.select_related("child", "visitor"), public_id=public_id
    )
    child = _child(request, match.child.public_id, Action.IV_MATCH_END)
    form = IvMatchEndForm(posted(request))
    done = save_form(
        request,
        form,
        lambda: services.iv_match_end(by=request.user, match=match, **form.cleaned_data),
        success="Independent Visitor match ended",
        then=_child_page(child),
    )
    intro = f"Matched with {match.visitor.full_name} since {match.started_on:%-d %B %Y}."
    return done or _form_page(
        request, form, "End the Independent Visitor match", child=child, intro=intro
    )


# Independent Visitors: the register ------------------------------------------------------


def iv_list(request: AuthedHttpRequest) -> HttpResponse:
    _may_see_register(request.user)
    visible = access.children_visible_to(request.user)
    return render(
        request,
        "reviews/support/iv_register.html",
        {
            "visitors": selectors.visitor_register(),
            "waiting": selectors.children_waiting(visible, today=timezone.localdate()),
            "can_manage": access.can_allocate(request.user),
        },
    )


@permission_required(access.ALLOCATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def iv_add(request: AuthedHttpRequest) -> HttpResponse:
    form = VisitorForm(posted(request))
    done = save_form(
        request,
        form,
        lambda: services.visitor_add(by=request.user, visitor=IndependentVisitor(**form.saved())),
        success=lambda visitor: f"{visitor.full_name} added to the register",
        then=reverse("reviews:iv_list"),
    )
    return done or _form_page(request, form, "Add an Independent Visitor", back="reviews:iv_list")


@permission_required(access.ALLOCATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def iv_edit(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    visitor = get_object_or_404(IndependentVisitor, public_id=public_id)
    form = VisitorForm(posted(request), visitor=visitor)
    done = save_form(
        request,
        form,
        lambda: services.visitor_update(by=request.user, visitor=visitor, changes=form.saved()),
        success=lambda saved: f"{saved.full_name} saved",
        then=reverse("reviews:iv_list"),
    )
    matches = selectors.matches_of(visitor, access.children_visible_to(request.user))
    return done or _form_page(
        request, form, visitor.full_name, back="reviews:iv_list", visitor=visitor, matches=matches
    )
