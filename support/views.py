"""Pages for the in-contact plan, contacts, advocacy referrals and Independent Visitors."""

import uuid
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.models import Action
from audit.writer import record_reads
from children import access
from children.filters import ChildFilter
from children.models import Child
from children.pages import about_child, child_url
from core.access import role_required
from core.dates import long_date
from core.views import form_page, posted
from iro_service.http import AuthedHttpRequest
from reviews.models import Review
from support import selectors, services
from support.forms import (
    AdvocacyOutcomeForm,
    AdvocacyReferralForm,
    ContactLogForm,
    ContactPlanForm,
    IvMatchEndForm,
    IvMatchForm,
    IvReferForm,
    VisitorEditForm,
    VisitorForm,
)
from support.models import (
    AdvocacyReferral,
    InContactPlan,
    IndependentVisitor,
    IvMatch,
    VisitorStatus,
)


def _register() -> dict[str, str]:
    """What a form page about a volunteer shows above its heading and links back to."""
    return {"caption": "Independent Visitor", "back_url": reverse("support:iv_list")}


# In-contact plan and contacts ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contact_plan(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, action=Action.CONTACT_PLAN_CREATE, request=request
    )
    current = InContactPlan.objects.open().filter(child=child).first()
    form = ContactPlanForm(posted(request), plan=current)
    intro = (
        f"This replaces the plan agreed on {long_date(current.start_date)}, which ends the day "
        "the new plan is agreed."
        if current
        else "Record how you and the child agreed to keep in touch between reviews."
    )
    return form_page(
        request,
        form,
        title="Change the in-contact plan" if current else "Agree an in-contact plan",
        save=lambda: services.contact_plan_set(
            by=request.user,
            child=child,
            replaces=form.cleaned_data["replaces"],
            version=form.cleaned_data["version"],
            **form.plan(),
        ),
        success="In-contact plan saved",
        then=child_url(child, "in-contact"),
        refreshed=lambda: ContactPlanForm(
            plan=InContactPlan.objects.open().filter(child=child).first()
        ),
        context={**about_child(child), "intro": intro},
    )


@require_http_methods(["GET", "POST"])
def contact_log(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, action=Action.CONTACT_CREATE, request=request
    )
    form = ContactLogForm(posted(request))
    return form_page(
        request,
        form,
        title="Log a contact with the child",
        save=lambda: services.contact_log_add(by=request.user, child=child, **form.cleaned_data),
        success="Contact logged",
        then=child_url(child, "in-contact"),
        context=about_child(child),
    )


# Advocacy --------------------------------------------------------------------------------


def _prompting_review(request: AuthedHttpRequest, child: Child) -> Review | None:
    """The child's review named in ?review= (a PN7 review prompting the referral), if any."""
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
    child = access.changeable_child_for(
        request.user, public_id, action=Action.ADVOCACY_CREATE, request=request
    )
    review = _prompting_review(request, child)
    form = AdvocacyReferralForm(posted(request))
    intro = (
        f"Prompted by the review held on {long_date(review.held_on)} "
        f"({review.get_participation_display()})."
        if review and review.held_on
        else ""
    )
    return form_page(
        request,
        form,
        title="Refer to advocacy",
        save=lambda: services.advocacy_refer(
            by=request.user, child=child, review=review, **form.cleaned_data
        ),
        success="Advocacy referral saved",
        then=child_url(child, "advocacy"),
        context={**about_child(child), "intro": intro},
    )


@require_http_methods(["GET", "POST"])
def advocacy_update(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    referral = access.record_for(
        request.user,
        AdvocacyReferral.objects.all(),
        public_id,
        action=Action.ADVOCACY_UPDATE,
        request=request,
        perm=access.CHANGE,
    )
    form = AdvocacyOutcomeForm(posted(request), referral=referral)
    return form_page(
        request,
        form,
        title="Record the advocacy outcome",
        save=lambda: services.advocacy_update(
            by=request.user, referral=referral, **form.cleaned_data
        ),
        success="Advocacy outcome saved",
        then=child_url(referral.child, "advocacy"),
        refreshed=lambda: AdvocacyOutcomeForm(
            referral=AdvocacyReferral.objects.get(pk=referral.pk)
        ),
        context={
            **about_child(referral.child),
            "intro": f"Referred to {referral.organisation} on "
            f"{long_date(referral.referred_on)}: {referral.reason}",
        },
    )


# Independent Visitors: the child's side --------------------------------------------------


@require_http_methods(["GET", "POST"])
def iv_refer(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, action=Action.IV_REFERRAL_CREATE, request=request
    )
    form = IvReferForm(posted(request))
    return form_page(
        request,
        form,
        title="Refer for an Independent Visitor",
        save=lambda: services.iv_refer(by=request.user, child=child, **form.cleaned_data),
        success=f"{child.full_name} is waiting for an Independent Visitor",
        then=child_url(child, "independent-visitor"),
        context=about_child(child),
    )


@require_http_methods(["GET", "POST"])
def iv_match(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    child = access.changeable_child_for(
        request.user, public_id, action=Action.IV_MATCH_CREATE, request=request
    )
    form = IvMatchForm(posted(request))
    return form_page(
        request,
        form,
        title="Match with an Independent Visitor",
        save=lambda: services.iv_match(by=request.user, child=child, **form.cleaned_data),
        success=lambda match: f"{child.full_name} matched with {match.visitor.full_name}",
        then=child_url(child, "independent-visitor"),
        context=about_child(child),
    )


@require_http_methods(["GET", "POST"])
def iv_match_end(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    match = access.record_for(
        request.user,
        IvMatch.objects.select_related("visitor"),
        public_id,
        action=Action.IV_MATCH_END,
        request=request,
        perm=access.CHANGE,
    )
    form = IvMatchEndForm(posted(request), match=match)
    return form_page(
        request,
        form,
        title="End the Independent Visitor match",
        save=lambda: services.iv_match_end(by=request.user, match=match, **form.cleaned_data),
        success="Independent Visitor match ended",
        then=child_url(match.child, "independent-visitor"),
        refreshed=lambda: IvMatchEndForm(match=IvMatch.objects.get(pk=match.pk)),
        context={
            **about_child(match.child),
            "intro": f"Matched with {match.visitor.full_name} since {long_date(match.start_date)}.",
        },
    )


# Independent Visitors: the register ------------------------------------------------------


VISITORS_PAGE_SIZE = 50
VISITOR_SEARCH_MAX = 100


@role_required(access.VIEW_ALLOCATED, access.VIEW_ALL)
def iv_list(request: AuthedHttpRequest) -> HttpResponse:
    """The volunteer register a page at a time, and the children who have waited longest."""
    q = request.GET.get("q", "").strip()[:VISITOR_SEARCH_MAX]
    status = request.GET.get("status", "")
    status = status if status in VisitorStatus.values else ""  # an unknown one filters nothing
    page = selectors.visitor_page(
        selectors.visitors_filtered(q=q, status=VisitorStatus(status) if status else None),
        number=request.GET.get("page"),
        per_page=VISITORS_PAGE_SIZE,
    )
    child_filters = ChildFilter.of(request)  # from the service overview, or every child
    waiting = selectors.children_waiting(child_filters.qs, today=timezone.localdate())
    record_reads(
        user=request.user,
        action=Action.IV_REGISTER_VIEW,
        children=[row.child for row in waiting.rows],
        request=request,
    )
    return render(
        request,
        "support/visitor_list.html",
        {
            "page_obj": page,
            "q": q,
            "status": status,
            "child_filters": child_filters,
            "statuses": VisitorStatus.choices,
            "query_string": urlencode([(k, v) for k, v in (("q", q), ("status", status)) if v]),
            "waiting": waiting,
            "can_manage": access.can_allocate(request.user),
        },
    )


@role_required(access.ALLOCATE)
@require_http_methods(["GET", "POST"])
def iv_add(request: AuthedHttpRequest) -> HttpResponse:
    form = VisitorForm(posted(request))
    return form_page(
        request,
        form,
        title="Add an Independent Visitor",
        save=lambda: services.visitor_add(
            by=request.user, visitor=IndependentVisitor(**form.saved())
        ),
        success=lambda visitor: f"{visitor.full_name} added to the register",
        then=reverse("support:iv_list"),
        context=_register(),
    )


@role_required(access.ALLOCATE)
@require_http_methods(["GET", "POST"])
def iv_edit(request: AuthedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    # A volunteer is no child's record, so no child gate: the matches listed are only with
    # children the user may see, and each of them is a read.
    visitor = get_object_or_404(IndependentVisitor, public_id=public_id)
    matches = selectors.matches_of(visitor, access.children_visible_to(request.user))
    record_reads(
        user=request.user,
        action=Action.VISITOR_VIEW,
        children=[match.child for match in matches],
        request=request,
    )
    form = VisitorEditForm(posted(request), visitor=visitor)
    return form_page(
        request,
        form,
        title=visitor.full_name,
        save=lambda: services.visitor_update(
            by=request.user,
            visitor=visitor,
            version=form.cleaned_data["version"],
            changes=form.saved(),
        ),
        success=lambda saved: f"{saved.full_name} saved",
        then=reverse("support:iv_list"),
        refreshed=lambda: VisitorEditForm(visitor=IndependentVisitor.objects.get(pk=visitor.pk)),
        template="support/visitor_edit.html",
        context={**_register(), "visitor": visitor, "matches": matches},
    )
