"""In-contact plans, contacts, advocacy and Independent Visitors through their pages."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action, AuditEvent, Kind
from reviews.models import Review
from support import services
from support.models import (
    AdvocacyReferral,
    ContactLog,
    InContactPlan,
    IndependentVisitor,
    IvMatch,
    IvReferral,
)
from support.selectors import support_summary
from tests import factories
from tests.conftest import client_for

TODAY = date(2024, 12, 2)

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(TODAY, tick=False)]


def _date(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _tomorrow() -> date:
    return TODAY + timedelta(days=1)


def _not_after_today(what: str) -> str:
    """The form's message for a date after today, for something that has happened."""
    return f"{what} must be today or in the past"


def _errors(response: object) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _audited(action: Action, **filters: object) -> AuditEvent:
    return AuditEvent.objects.get(action=action, kind=Kind.CHANGE, **filters)


def _final_review(child: object, held_on: date, participation: str = "PN7") -> Review:
    return Review.objects.create(
        child=child,
        period=child.periods.get(),
        kind="later",
        due_date=held_on + timedelta(days=30),
        counted_from=held_on - timedelta(days=150),
        status="final",
        held_on=held_on,
        finalised_on=held_on,
        participation=participation,
    )


# In-contact plan -------------------------------------------------------------------------


def _plan_post(day: date, **overrides: object) -> dict:
    data = {
        **_date("start_date", day),
        "replaces": "",
        "version": "0",
        "methods": ["phone", "text"],
        "every_weeks": "6",
        "childs_words": "Ring me on Sundays",
    }
    data.update(overrides)
    return data


def test_iro_agrees_an_in_contact_plan(ivy, ivys_child) -> None:
    url = reverse("support:contact_plan", args=[ivys_child.public_id])
    response = client_for(ivy).post(url, _plan_post(date(2024, 1, 8)))
    assert response.status_code == 302
    # After saving, the page lands where the change shows: the child's keeping-in-touch section.
    assert response["Location"] == (
        reverse("children:detail", args=[ivys_child.public_id]) + "#in-contact"
    )
    plan = InContactPlan.objects.get(child=ivys_child)
    assert (plan.start_date, plan.methods, plan.every_weeks) == (
        date(2024, 1, 8),
        ["phone", "text"],
        6,
    )
    assert (plan.created_by, plan.end_date) == (ivy, None)
    assert _audited(Action.CONTACT_PLAN_CREATE, child=ivys_child).object_id == str(plan.public_id)


def test_a_new_plan_ends_the_current_one_the_day_it_is_agreed(ivy, ivys_child) -> None:
    old = factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 1, 8))
    url = reverse("support:contact_plan", args=[ivys_child.public_id])
    assert client_for(ivy).get(url).status_code == 200
    response = client_for(ivy).post(
        url, _plan_post(date(2024, 6, 3), every_weeks="4", replaces=old.public_id, version=1)
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.end_date == date(2024, 6, 3)
    current = InContactPlan.objects.get(child=ivys_child, end_date=None)
    assert current.every_weeks == 4
    assert _audited(Action.CONTACT_PLAN_CREATE, child=ivys_child).detail == {
        "replaces": str(old.public_id)
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"methods": []}, "Select how you and the child will keep in touch"),
        ({"every_weeks": "0"}, "How often must be at least 1 week"),
        ({"every_weeks": "often"}, "How often must be a whole number of weeks"),
        ({"start_date_0": ""}, "The date the plan was agreed must include a day, month and year"),
        (
            {"start_date_0": "31", "start_date_1": "2"},
            "The date the plan was agreed must be a real date",
        ),
    ],
)
def test_contact_plan_form_refuses_bad_input(ivy, ivys_child, overrides, message) -> None:
    url = reverse("support:contact_plan", args=[ivys_child.public_id])
    content = _errors(client_for(ivy).post(url, _plan_post(date(2024, 1, 8), **overrides)))
    assert message in content
    assert not InContactPlan.objects.exists()


def test_contact_plan_cannot_be_agreed_in_the_future(ivy, ivys_child) -> None:
    url = reverse("support:contact_plan", args=[ivys_child.public_id])
    content = _errors(client_for(ivy).post(url, _plan_post(_tomorrow())))
    assert _not_after_today("The date the plan was agreed") in content
    assert not InContactPlan.objects.exists()
    assert not AuditEvent.objects.filter(
        action=Action.CONTACT_PLAN_CREATE, kind=Kind.CHANGE
    ).exists()


def test_a_new_plan_cannot_predate_the_current_one(ivy, ivys_child) -> None:
    old = factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 1, 8))
    url = reverse("support:contact_plan", args=[ivys_child.public_id])
    content = _errors(
        client_for(ivy).post(url, _plan_post(date(2023, 12, 1), replaces=old.public_id, version=1))
    )
    assert "must be agreed on or after the current plan was agreed on 8 January 2024" in content
    assert InContactPlan.objects.get().end_date is None


# Contacts --------------------------------------------------------------------------------


def test_iro_logs_a_contact_against_the_plan(ivy, ivys_child) -> None:
    plan = factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 1, 8))
    url = reverse("support:contact_log", args=[ivys_child.public_id])
    assert client_for(ivy).get(url).status_code == 200
    response = client_for(ivy).post(
        url,
        {**_date("contacted_on", date(2024, 2, 1)), "method": "phone", "note": "Happy at school"},
    )
    assert response.status_code == 302
    contact = ContactLog.objects.get(child=ivys_child)
    assert (contact.plan, contact.method, contact.created_by) == (plan, "phone", ivy)
    assert _audited(Action.CONTACT_CREATE, child=ivys_child).object_id == str(contact.public_id)


def test_a_contact_before_the_plan_was_agreed_is_refused(ivy, ivys_child) -> None:
    factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 1, 8))
    url = reverse("support:contact_log", args=[ivys_child.public_id])
    content = _errors(
        client_for(ivy).post(url, {**_date("contacted_on", date(2024, 1, 7)), "method": "phone"})
    )
    assert "must be on or after the in-contact plan was agreed on 8 January 2024" in content
    assert not ContactLog.objects.exists()


def test_a_contact_with_no_plan_is_refused(ivy, ivys_child) -> None:
    url = reverse("support:contact_log", args=[ivys_child.public_id])
    content = _errors(
        client_for(ivy).post(url, {**_date("contacted_on", date(2024, 1, 7)), "method": "phone"})
    )
    assert (
        "There is no in-contact plan: agree one with the child before logging contacts" in content
    )
    assert not ContactLog.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"method": "phone", "future": True}, _not_after_today("The date of the contact")),
        ({"method": ""}, "Select how you were in touch"),
        ({"method": "pigeon"}, "Select a valid choice"),
    ],
)
def test_contact_form_refuses_bad_input(ivy, ivys_child, data, message) -> None:
    factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 1, 8))
    day = _tomorrow() if data.pop("future", False) else date(2024, 2, 1)
    url = reverse("support:contact_log", args=[ivys_child.public_id])
    content = _errors(client_for(ivy).post(url, {**_date("contacted_on", day), **data}))
    assert message in content
    assert not ContactLog.objects.exists()


def test_a_contact_under_an_earlier_plan_is_logged_against_that_plan(ivy, ivys_child) -> None:
    old = factories.ContactPlanFactory(
        child=ivys_child, start_date=date(2024, 1, 8), end_date=date(2024, 6, 3)
    )
    factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 6, 3))
    services.contact_log_add(by=ivy, child=ivys_child, contacted_on=date(2024, 3, 1), method="text")
    assert ContactLog.objects.get().plan == old


# Advocacy --------------------------------------------------------------------------------


def _advocacy_post(day: date, **overrides: object) -> dict:
    return {
        **_date("referred_on", day),
        "organisation": "Coram Voice",
        "reason": "Did not attend her review and wants help to be heard",
        **overrides,
    }


def test_iro_refers_to_advocacy_from_the_review_that_prompted_it(ivy, ivys_child) -> None:
    review = _final_review(ivys_child, date(2024, 3, 1))
    url = (
        reverse("support:advocacy_add", args=[ivys_child.public_id]) + f"?review={review.public_id}"
    )
    page = client_for(ivy).get(url)
    assert "Prompted by the review held on 1 March 2024" in page.content.decode()
    response = client_for(ivy).post(url, _advocacy_post(date(2024, 3, 4)))
    assert response.status_code == 302
    referral = AdvocacyReferral.objects.get(child=ivys_child)
    assert (referral.review, referral.outcome, referral.created_by) == (review, "pending", ivy)
    assert _audited(Action.ADVOCACY_CREATE, child=ivys_child).detail == {
        "review": str(review.public_id)
    }


def test_advocacy_referral_before_the_review_that_prompted_it_is_refused(ivy, ivys_child) -> None:
    review = _final_review(ivys_child, date(2024, 3, 1))
    url = (
        reverse("support:advocacy_add", args=[ivys_child.public_id]) + f"?review={review.public_id}"
    )
    content = _errors(client_for(ivy).post(url, _advocacy_post(date(2024, 2, 28))))
    assert "must be on or after the review that prompted it, held on 1 March 2024" in content
    assert not AdvocacyReferral.objects.exists()


def test_advocacy_for_another_childs_review_is_not_found(ivy, ivys_child, ians_child) -> None:
    review = _final_review(ians_child, date(2024, 3, 1))
    url = (
        reverse("support:advocacy_add", args=[ivys_child.public_id]) + f"?review={review.public_id}"
    )
    assert client_for(ivy).get(url).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"organisation": ""}, "Enter the advocacy organisation"),
        ({"reason": ""}, "Enter why the child is being referred"),
        ({"future": True}, _not_after_today("The date of the referral")),
        ({"before_care": True}, "The child was not looked after on that date"),
    ],
)
def test_advocacy_form_refuses_bad_input(ivy, ivys_child, overrides, message) -> None:
    day = date(2024, 3, 4)
    if overrides.pop("future", False):
        day = _tomorrow()
    if overrides.pop("before_care", False):
        day = date(2023, 1, 2)
    url = reverse("support:advocacy_add", args=[ivys_child.public_id])
    content = _errors(client_for(ivy).post(url, _advocacy_post(day, **overrides)))
    assert message in content
    assert not AdvocacyReferral.objects.exists()


def test_iro_records_the_advocacy_outcome(ivy, ivys_child) -> None:
    referral = factories.AdvocacyReferralFactory(child=ivys_child, referred_on=date(2024, 2, 5))
    url = reverse("support:advocacy_update", args=[referral.public_id])
    assert client_for(ivy).get(url).status_code == 200
    response = client_for(ivy).post(
        url, {"outcome": "accepted", **_date("outcome_on", date(2024, 2, 19)), "version": "1"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_on, referral.modified_by) == (
        "accepted",
        date(2024, 2, 19),
        ivy,
    )
    assert _audited(Action.ADVOCACY_UPDATE, child=ivys_child).changes == {
        "outcome": {"before": "pending", "after": "accepted"},
        "outcome_on": {"before": None, "after": "2024-02-19"},
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "accepted"}, "Enter the date of the outcome"),
        (
            {"outcome": "accepted", **_date("outcome_on", date(2024, 2, 1))},
            "The date of the outcome must be on or after the referral on 5 February 2024",
        ),
        ({"outcome": ""}, "Select the outcome"),
    ],
)
def test_advocacy_outcome_form_refuses_bad_input(ivy, ivys_child, data, message) -> None:
    referral = factories.AdvocacyReferralFactory(child=ivys_child, referred_on=date(2024, 2, 5))
    url = reverse("support:advocacy_update", args=[referral.public_id])
    content = _errors(client_for(ivy).post(url, {**data, "version": "1"}))
    assert message in content
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_on) == ("pending", None)
    assert not AuditEvent.objects.filter(action=Action.ADVOCACY_UPDATE, kind=Kind.CHANGE).exists()


# The support panel on the child's page ---------------------------------------------------


def _panel(child: object, *, can_change: bool = True, today: date | None = None) -> str:
    return render_to_string(
        "support/includes/child_panel.html",
        {"support": support_summary(child, today=today), "can_change": can_change},
    )


def test_panel_suggests_advocacy_when_the_child_did_not_take_part_in_their_last_review(
    ivys_child,
) -> None:
    review = _final_review(ivys_child, date(2024, 3, 1), participation="PN7")
    html = _panel(ivys_child)
    assert (
        "The child did not take part in their last review (PN7): consider an advocacy referral"
        in html
    )
    link = (
        reverse("support:advocacy_add", args=[ivys_child.public_id]) + f"?review={review.public_id}"
    )
    assert link in html
    assert "consider an advocacy referral" in _panel(ivys_child, can_change=False)
    assert link not in _panel(ivys_child, can_change=False)


def test_panel_stops_suggesting_advocacy_once_a_referral_is_made(ivy, ivys_child) -> None:
    _final_review(ivys_child, date(2024, 3, 1), participation="PN7")
    services.advocacy_refer(
        by=ivy,
        child=ivys_child,
        referred_on=date(2024, 3, 4),
        reason="Not heard",
        organisation="NYAS",
    )
    html = _panel(ivys_child)
    assert "consider an advocacy referral" not in html
    assert "NYAS" in html
    assert "Waiting for a response" in html


def test_panel_does_not_suggest_advocacy_when_the_child_took_part(ivys_child) -> None:
    _final_review(ivys_child, date(2024, 3, 1), participation="PN1")
    assert "consider an advocacy referral" not in _panel(ivys_child)
    summary = support_summary(ivys_child)
    assert (summary.suggest_advocacy, summary.pn7_review) == (False, None)


def test_child_page_shows_the_pn7_suggestion(ivy, ivys_child) -> None:
    _final_review(ivys_child, date(2024, 3, 1), participation="PN7")
    page = client_for(ivy).get(reverse("children:detail", args=[ivys_child.public_id]))
    assert "consider an advocacy referral" in page.content.decode()


def test_panel_shows_the_plan_and_when_the_next_contact_is_due(ivys_child) -> None:
    plan = factories.ContactPlanFactory(
        child=ivys_child,
        start_date=date(2024, 1, 8),
        every_weeks=6,
        methods=["phone", "video"],
        childs_words="Ring after school",
    )
    html = _panel(ivys_child, today=date(2024, 2, 1))
    assert "Phone call, Video call" in html
    assert "Every 6 weeks" in html
    assert "Ring after school" in html
    assert "19 February 2024" in html  # agreed 8 January + 6 weeks, no contact yet
    contact = ContactLog.objects.create(
        child=ivys_child, plan=plan, contacted_on=date(2024, 2, 1), method="phone"
    )
    html = _panel(ivys_child, today=date(2024, 4, 1))
    assert contact.contacted_on.strftime("%-d %B %Y") in html
    assert "14 March 2024" in html
    assert "Overdue" in html
    assert reverse("support:contact_log", args=[ivys_child.public_id]) in html


def test_panel_offers_an_iv_referral_then_shows_the_wait_then_the_match(ivy, ivys_child) -> None:
    html = _panel(ivys_child)
    assert "Refer for an Independent Visitor" in html
    assert reverse("support:iv_refer", args=[ivys_child.public_id]) in html
    assert "Refer for an Independent Visitor" not in _panel(ivys_child, can_change=False)
    factories.IvReferralFactory(child=ivys_child, referred_on=date(2024, 1, 8))
    html = _panel(ivys_child, today=date(2024, 1, 18))
    assert "Waiting for an Independent Visitor since 8 January 2024 (10 days)" in html
    visitor = factories.IndependentVisitorFactory(full_name="Vera Visitor")
    match = services.iv_match(
        by=ivy, child=ivys_child, visitor=visitor, start_date=date(2024, 3, 4)
    )
    html = _panel(ivys_child)
    assert "Matched with Vera Visitor since 4 March 2024" in html
    assert reverse("support:iv_match_end", args=[match.public_id]) in html


# Independent Visitors: the register ------------------------------------------------------


def _visitor_post(**overrides: object) -> dict:
    return {
        "full_name": "Vera Visitor",
        "status": "active",
        **_date("checks_on", date(2023, 1, 9)),
        **_date("approved_on", date(2023, 2, 6)),
        "notes": "",
        **overrides,
    }


def test_manager_adds_a_volunteer(mona) -> None:
    response = client_for(mona).post(reverse("support:iv_add"), _visitor_post())
    assert response.status_code == 302
    visitor = IndependentVisitor.objects.get()
    assert (visitor.full_name, visitor.status, visitor.approved_on) == (
        "Vera Visitor",
        "active",
        date(2023, 2, 6),
    )
    event = _audited(Action.VISITOR_CREATE)
    assert (event.user, event.child, event.object_id) == (mona, None, str(visitor.public_id))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"full_name": ""}, "Enter the volunteer&#x27;s full name"),
        (
            {"approved_on_0": "", "approved_on_1": "", "approved_on_2": ""},
            "Enter the date approved to make them active",
        ),
        (
            {"checks_on_0": "", "checks_on_1": "", "checks_on_2": ""},
            "Enter the date of the DBS and reference checks to make them active",
        ),
        (
            _date("approved_on", date(2022, 12, 1)),
            "The date approved must be on or after the DBS and reference checks on 9 January 2023",
        ),
        ({"future": True}, _not_after_today("The date approved")),
        ({"status": ""}, "Select the volunteer&#x27;s status"),
    ],
)
def test_volunteer_form_refuses_bad_input(mona, overrides, message) -> None:
    if overrides.pop("future", False):
        overrides = _date("approved_on", _tomorrow())
    content = _errors(client_for(mona).post(reverse("support:iv_add"), _visitor_post(**overrides)))
    assert message in content
    assert not IndependentVisitor.objects.exists()


def test_manager_edits_a_volunteer(mona) -> None:
    visitor = factories.IndependentVisitorFactory(full_name="Vera Visitor")
    url = reverse("support:iv_edit", args=[visitor.public_id])
    assert "Vera Visitor" in client_for(mona).get(url).content.decode()
    response = client_for(mona).post(url, _visitor_post(status="paused", version="1"))
    assert response.status_code == 302
    visitor.refresh_from_db()
    assert (visitor.status, visitor.version) == ("paused", 2)
    event = _audited(Action.VISITOR_UPDATE)
    assert (event.child, event.changes["status"]) == (None, {"before": "active", "after": "paused"})
    assert set(event.changes) == {"status"}


def test_a_matched_volunteer_cannot_leave(mona, ivys_child) -> None:
    match = factories.IvMatchFactory(child=ivys_child)
    url = reverse("support:iv_edit", args=[match.visitor.public_id])
    content = _errors(
        client_for(mona).post(
            url, _visitor_post(full_name=match.visitor.full_name, status="left", version="1")
        )
    )
    assert f"{match.visitor.full_name} is matched with 1 child: end the match first" in content
    match.visitor.refresh_from_db()
    assert match.visitor.status == "active"


def test_register_lists_volunteers_and_only_visible_children_waiting(
    ivy, ivys_child, ians_child
) -> None:
    factories.IndependentVisitorFactory(full_name="Vera Visitor")
    factories.IvMatchFactory(child=ivys_child, visitor__full_name="Walter Matched")
    other = factories.looked_after_child(iro=ivy, first_name="Cara", last_name="Waiting")
    factories.IvReferralFactory(child=other, referred_on=TODAY - timedelta(days=12))
    factories.IvReferralFactory(child=ians_child)
    html = client_for(ivy).get(reverse("support:iv_list")).content.decode()
    assert "Vera Visitor" in html
    assert "Walter Matched" in html
    assert "Cara Waiting" in html
    assert ">12<" in html
    assert ians_child.full_name not in html
    assert "1 child waiting" in html
    assert reverse("support:iv_add") not in html


# Independent Visitors: referrals, matches and their end ----------------------------------


def test_iro_refers_a_child_for_an_independent_visitor(ivy, ivys_child) -> None:
    url = reverse("support:iv_refer", args=[ivys_child.public_id])
    response = client_for(ivy).post(url, _date("referred_on", date(2024, 1, 8)))
    assert response.status_code == 302
    referral = IvReferral.objects.get(child=ivys_child)
    assert (referral.referred_on, referral.closed_on) == (date(2024, 1, 8), None)
    assert _audited(Action.IV_REFERRAL_CREATE, child=ivys_child).object_id == str(
        referral.public_id
    )


@pytest.mark.parametrize(
    ("setup", "day", "message"),
    [
        (
            "waiting",
            date(2024, 2, 1),
            "has been waiting for an Independent Visitor since 8 January 2024",
        ),
        ("matched", date(2024, 4, 1), "already has an Independent Visitor, Vera Visitor"),
        (None, None, _not_after_today("The date of the referral")),
        (None, date(2022, 1, 1), "The child was not looked after on that date"),
    ],
)
def test_iv_referral_refuses_bad_input(ivy, ivys_child, setup, day, message) -> None:
    if setup == "waiting":
        factories.IvReferralFactory(child=ivys_child, referred_on=date(2024, 1, 8))
    if setup == "matched":
        factories.IvMatchFactory(child=ivys_child, visitor__full_name="Vera Visitor")
    before = IvReferral.objects.count()
    url = reverse("support:iv_refer", args=[ivys_child.public_id])
    content = _errors(client_for(ivy).post(url, _date("referred_on", day or _tomorrow())))
    assert message in content
    assert IvReferral.objects.count() == before


def test_matching_a_child_ends_their_wait(ivy, ivys_child) -> None:
    waiting = factories.IvReferralFactory(child=ivys_child, referred_on=date(2024, 1, 8))
    visitor = factories.IndependentVisitorFactory(full_name="Vera Visitor")
    url = reverse("support:iv_match", args=[ivys_child.public_id])
    assert "Vera Visitor" in client_for(ivy).get(url).content.decode()
    response = client_for(ivy).post(
        url, {"visitor": str(visitor.public_id), **_date("start_date", date(2024, 3, 4))}
    )
    assert response.status_code == 302
    match = IvMatch.objects.get(child=ivys_child)
    assert (match.visitor, match.start_date, match.end_date, match.created_by) == (
        visitor,
        date(2024, 3, 4),
        None,
        ivy,
    )
    waiting.refresh_from_db()
    assert (waiting.closed_on, waiting.closed_reason) == (date(2024, 3, 4), "Matched")
    assert _audited(Action.IV_MATCH_CREATE, child=ivys_child).detail == {
        "visitor": str(visitor.public_id)
    }


def _match_post(visitor: IndependentVisitor, day: date) -> dict:
    return {"visitor": str(visitor.public_id), **_date("start_date", day)}


def test_an_iv_match_overlapping_an_earlier_one_is_refused(ivy, ivys_child) -> None:
    factories.IvMatchFactory(
        child=ivys_child,
        visitor__full_name="Olive Old",
        start_date=date(2024, 1, 8),
        end_date=date(2024, 6, 28),
        end_reason="Volunteer moved away",
    )
    waiting = factories.IvReferralFactory(child=ivys_child, referred_on=date(2024, 6, 28))
    visitor = factories.IndependentVisitorFactory(full_name="Vera Visitor")
    url = reverse("support:iv_match", args=[ivys_child.public_id])
    content = _errors(client_for(ivy).post(url, _match_post(visitor, date(2024, 5, 1))))
    assert (
        f"This overlaps {ivys_child.full_name}&#x27;s match with Olive Old from 8 January 2024 to "
        "28 June 2024. A child has one Independent Visitor at a time"
    ) in content
    assert IvMatch.objects.filter(child=ivys_child).count() == 1
    waiting.refresh_from_db()
    assert waiting.closed_on is None
    assert not AuditEvent.objects.filter(action=Action.IV_MATCH_CREATE, kind=Kind.CHANGE).exists()
    # A handover on the day the earlier match ended is not an overlap.
    response = client_for(ivy).post(url, _match_post(visitor, date(2024, 6, 28)))
    assert response.status_code == 302


def test_an_iv_match_while_another_is_open_is_refused(ivy, ivys_child) -> None:
    factories.IvMatchFactory(
        child=ivys_child, visitor__full_name="Olive Old", start_date=date(2024, 1, 8)
    )
    visitor = factories.IndependentVisitorFactory(full_name="Vera Visitor")
    url = reverse("support:iv_match", args=[ivys_child.public_id])
    content = _errors(client_for(ivy).post(url, _match_post(visitor, date(2024, 5, 1))))
    assert "match with Olive Old from 8 January 2024, which has not ended: end it first" in content
    assert IvMatch.objects.filter(child=ivys_child).count() == 1


def test_the_one_open_match_constraint_becomes_a_message(ivy, ivys_child) -> None:
    factories.IvMatchFactory(child=ivys_child, start_date=date(2024, 1, 8))
    visitor = factories.IndependentVisitorFactory()
    url = reverse("support:iv_match", args=[ivys_child.public_id])
    with mock.patch.object(services, "_overlapping", return_value=None):
        content = _errors(client_for(ivy).post(url, _match_post(visitor, date(2024, 5, 1))))
    assert "matched with an Independent Visitor by someone else at the same time" in content
    assert IvMatch.objects.filter(child=ivys_child).count() == 1


@pytest.mark.parametrize(
    ("visitor_fields", "day", "message"),
    [
        (
            {},
            date(2023, 2, 1),
            "The match must start on or after Vera Visitor was approved on 6 February 2023",
        ),
        ({}, None, _not_after_today("The date the match started")),
        ({}, date(2023, 3, 1), "The child was not looked after on that date"),
        ({"status": "paused"}, date(2024, 3, 4), "Choose an active Independent Visitor"),
    ],
)
def test_iv_match_form_refuses_bad_input(ivy, ivys_child, visitor_fields, day, message) -> None:
    visitor = factories.IndependentVisitorFactory(full_name="Vera Visitor", **visitor_fields)
    url = reverse("support:iv_match", args=[ivys_child.public_id])
    content = _errors(client_for(ivy).post(url, _match_post(visitor, day or _tomorrow())))
    assert message in content
    assert not IvMatch.objects.exists()


def test_the_service_refuses_to_match_a_volunteer_who_is_not_active(ivy, ivys_child) -> None:
    from django.core.exceptions import ValidationError

    visitor = factories.IndependentVisitorFactory(full_name="Vera Visitor", status="left")
    with pytest.raises(ValidationError) as error:
        services.iv_match(by=ivy, child=ivys_child, visitor=visitor, start_date=date(2024, 3, 4))
    assert error.value.message_dict == {
        "visitor": [
            "Vera Visitor is not active (left the scheme): choose an active Independent Visitor"
        ]
    }
    assert not IvMatch.objects.exists()


def test_iro_ends_a_match(ivy, ivys_child) -> None:
    match = factories.IvMatchFactory(child=ivys_child, start_date=date(2024, 3, 4))
    url = reverse("support:iv_match_end", args=[match.public_id])
    assert client_for(ivy).get(url).status_code == 200
    response = client_for(ivy).post(
        url, {**_date("end_date", date(2024, 9, 2)), "end_reason": "Turned 18", "version": "1"}
    )
    assert response.status_code == 302
    match.refresh_from_db()
    assert (match.end_date, match.end_reason, match.modified_by) == (
        date(2024, 9, 2),
        "Turned 18",
        ivy,
    )
    assert _audited(Action.IV_MATCH_END, child=ivys_child).changes == {
        "end_date": {"before": None, "after": "2024-09-02"},
        "end_reason": {"before": "", "after": "Turned 18"},
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {**_date("end_date", date(2024, 3, 1)), "end_reason": "Moved"},
            "The match must end on or after it started on 4 March 2024",
        ),
        ({**_date("end_date", date(2024, 9, 2)), "end_reason": ""}, "Enter why the match ended"),
        (
            {"end_reason": "Moved", "future": True},
            _not_after_today("The date the match ended"),
        ),
        ({"end_reason": "Moved"}, "Enter the date the match ended"),
    ],
)
def test_ending_a_match_refuses_bad_input(ivy, ivys_child, data, message) -> None:
    match = factories.IvMatchFactory(child=ivys_child, start_date=date(2024, 3, 4))
    if data.pop("future", False):
        data.update(_date("end_date", _tomorrow()))
    url = reverse("support:iv_match_end", args=[match.public_id])
    content = _errors(client_for(ivy).post(url, {**data, "version": "1"}))
    assert message in content
    match.refresh_from_db()
    assert (match.end_date, match.end_reason) == (None, "")
    assert not AuditEvent.objects.filter(action=Action.IV_MATCH_END, kind=Kind.CHANGE).exists()


def test_an_empty_submission_is_refused_not_treated_as_a_fresh_page(ivy, ivys_child) -> None:
    url = reverse("support:iv_refer", args=[ivys_child.public_id])
    content = _errors(client_for(ivy).post(url, {}))
    assert "There is a problem" in content
    assert "Enter the date of the referral" in content
    assert content.count("<form") == 2  # the page's form and sign-out, no nested form
    assert not IvReferral.objects.exists()


# The register at scale: a page of volunteers, searched and filtered; the longest waits ---


def _register(user, **params: str):
    return client_for(user).get(reverse("support:iv_list"), params)


def _visitors(response) -> list[str]:
    return [v.full_name for v in response.context["page_obj"].object_list]


def test_register_shows_fifty_volunteers_a_page_by_name(mona) -> None:
    for n in range(55):
        factories.IndependentVisitorFactory(full_name=f"Volunteer {n:02d}")
    first, second = _register(mona), _register(mona, page="2")
    assert _visitors(first) == [f"Volunteer {n:02d}" for n in range(50)]
    assert _visitors(second) == [f"Volunteer {n:02d}" for n in range(50, 55)]
    assert "55 volunteers found" in first.content.decode()
    assert 'aria-label="Page 2"' in first.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "99999", "2.5"])
def test_a_bad_page_number_shows_a_page_of_volunteers_not_an_error(mona, page) -> None:
    for _ in range(55):
        factories.IndependentVisitorFactory()
    response = _register(mona, page=page)
    assert response.status_code == 200
    assert _visitors(response)


def test_register_finds_volunteers_by_every_word_of_their_name(mona) -> None:
    factories.IndependentVisitorFactory(full_name="Vera Kindly")
    factories.IndependentVisitorFactory(full_name="Kind Vernon")
    factories.IndependentVisitorFactory(full_name="Walter Else")
    assert _visitors(_register(mona, q="kind")) == ["Kind Vernon", "Vera Kindly"]
    assert _visitors(_register(mona, q="VERA kind")) == ["Vera Kindly"]
    nobody = _register(mona, q="nobody").content.decode()
    assert "0 volunteers found" in nobody
    assert "No volunteers match the search." in nobody
    assert '<label class="govuk-label govuk-label--s" for="id_q">Name</label>' in nobody


def test_register_filters_by_status_and_ignores_a_status_that_does_not_exist(mona) -> None:
    factories.IndependentVisitorFactory(full_name="Ann Active")
    factories.IndependentVisitorFactory(full_name="Pat Paused", status="paused")
    factories.IndependentVisitorFactory(full_name="Len Left", status="left")
    paused = _register(mona, status="paused")
    assert _visitors(paused) == ["Pat Paused"]
    assert '<option value="paused" selected>' in paused.content.decode()
    assert _visitors(_register(mona, status="gone")) == ["Ann Active", "Len Left", "Pat Paused"]


def test_register_pages_keep_the_search_and_the_status(mona) -> None:
    for n in range(55):
        factories.IndependentVisitorFactory(full_name=f"Paged {n:02d}")
    html = _register(mona, q="paged", status="active").content.decode()
    assert "?q=paged&amp;status=active&amp;page=2" in html


def test_register_counts_only_the_matches_going_on_now(mona) -> None:
    visitor = factories.IndependentVisitorFactory(full_name="Vic Visitor")
    factories.IvMatchFactory(visitor=visitor, child=factories.looked_after_child())
    factories.IvMatchFactory(
        visitor=visitor,
        child=factories.looked_after_child(),
        start_date=date(2023, 1, 9),
        end_date=date(2023, 12, 1),
    )
    [shown] = _register(mona).context["page_obj"].object_list
    assert shown.current_matches == 1


def test_register_shows_the_fifty_longest_waits_and_how_many_wait(mona) -> None:
    waits = {}
    for n in range(53):
        child = factories.looked_after_child(first_name="Wait", last_name=f"Number{n:02d}")
        factories.IvReferralFactory(child=child, referred_on=TODAY - timedelta(days=100 + n))
        waits[child] = 100 + n
    response = _register(mona)
    html = response.content.decode()
    assert "53 children waiting for an Independent Visitor" in html
    assert "The 50 who have waited longest are shown" in html
    shown = [row.child for row in response.context["waiting"].rows]
    assert shown == sorted(waits, key=waits.__getitem__, reverse=True)[:50]
    reads = AuditEvent.objects.filter(action=Action.IV_REGISTER_VIEW, kind=Kind.READ)
    assert set(reads.values_list("child", flat=True)) == {child.pk for child in shown}


def _register_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("support:iv_list")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["ivy", "mona"])
def test_register_runs_the_same_queries_for_two_volunteers_or_seventy(
    request: pytest.FixtureRequest, django_assert_num_queries, persona: str, ivy
) -> None:
    def add(count: int) -> None:
        for _ in range(count):
            factories.IvMatchFactory(child=factories.looked_after_child(iro=ivy))
            factories.IvReferralFactory(child=factories.looked_after_child(iro=ivy))

    add(2)
    client = client_for(request.getfixturevalue(persona))
    client.get(reverse("support:iv_list"))
    few = _register_queries(client)
    add(68)
    with django_assert_num_queries(few):
        response = client.get(reverse("support:iv_list"), {"q": "a", "page": "1"})
    assert response.status_code == 200
    with django_assert_num_queries(few):
        response = client.get(reverse("support:iv_list"))
    assert (len(response.context["page_obj"].object_list), response.context["waiting"].total) == (
        50,
        70,
    )
