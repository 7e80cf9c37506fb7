"""Support records under the shared core: stale saves, bounded text and dates, read rows."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent, Kind
from children.models import Child
from core.conflicts import CONFLICT_MESSAGE
from iro_service.models import User
from support.models import AdvocacyReferral, InContactPlan, IndependentVisitor
from tests import factories
from tests.conftest import client_for

TODAY = date(2024, 12, 2)
MEGABYTE = "x" * 1_000_000
OVERFLOW = "99999999999999999999"

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(TODAY, tick=False)]


def _date(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _conflict(what: str) -> str:
    return CONFLICT_MESSAGE.format(what=what).replace("'", "&#x27;")


def _plan_post(day: date, **overrides: object) -> dict:
    return {
        **_date("start_date", day),
        "methods": ["phone"],
        "every_weeks": "6",
        "childs_words": "",
        "replaces": "",
        "version": "0",
        **overrides,
    }


def _visitor_post(**overrides: object) -> dict:
    return {
        "full_name": "Vera Visitor",
        "status": "active",
        **_date("checks_on", date(2023, 1, 9)),
        **_date("approved_on", date(2023, 2, 6)),
        "notes": "",
        **overrides,
    }


# Two people editing the same record: the second save answers 409 and overwrites nothing ---


def test_a_second_advocacy_outcome_saved_from_a_stale_form_is_refused(
    ivy: User, mona: User, ivys_child: Child
) -> None:
    referral = factories.AdvocacyReferralFactory(child=ivys_child, referred_on=date(2024, 2, 5))
    url = reverse("support:advocacy_update", args=[referral.public_id])
    opened = referral.version
    first = client_for(ivy).post(
        url, {"outcome": "accepted", **_date("outcome_on", date(2024, 2, 19)), "version": opened}
    )
    assert first.status_code == 302
    second = client_for(mona).post(
        url, {"outcome": "declined", **_date("outcome_on", date(2024, 2, 20)), "version": opened}
    )
    assert second.status_code == 409
    assert _conflict("advocacy referral") in second.content.decode()
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_on, referral.modified_by) == (
        "accepted",
        date(2024, 2, 19),
        ivy,
    )
    assert AuditEvent.objects.filter(action=Action.ADVOCACY_UPDATE, kind=Kind.CHANGE).count() == 1


def test_a_second_volunteer_edit_saved_from_a_stale_form_is_refused(mona: User) -> None:
    visitor = factories.IndependentVisitorFactory(full_name="Vera Visitor")
    url = reverse("support:iv_edit", args=[visitor.public_id])
    first = client_for(mona).post(url, _visitor_post(status="paused", version=visitor.version))
    assert first.status_code == 302
    second = client_for(mona).post(
        url, _visitor_post(full_name="Vera Changed", version=visitor.version)
    )
    assert second.status_code == 409
    assert _conflict("volunteer&#x27;s details") in second.content.decode()
    visitor.refresh_from_db()
    assert (visitor.full_name, visitor.status) == ("Vera Visitor", "paused")


def test_a_second_end_of_a_match_saved_from_a_stale_form_is_refused(
    ivy: User, mona: User, ivys_child: Child
) -> None:
    match = factories.IvMatchFactory(child=ivys_child, start_date=date(2024, 3, 4))
    url = reverse("support:iv_match_end", args=[match.public_id])
    post = {"version": match.version}
    first = client_for(ivy).post(
        url, {**post, **_date("end_date", date(2024, 9, 2)), "end_reason": "Turned 18"}
    )
    assert first.status_code == 302
    second = client_for(mona).post(
        url, {**post, **_date("end_date", date(2024, 10, 1)), "end_reason": "Moved away"}
    )
    assert second.status_code == 409
    assert _conflict("Independent Visitor match") in second.content.decode()
    match.refresh_from_db()
    assert (match.end_date, match.end_reason) == (date(2024, 9, 2), "Turned 18")


def test_a_second_plan_made_from_a_stale_form_does_not_replace_the_first(
    ivy: User, mona: User, ivys_child: Child
) -> None:
    current = factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 1, 8))
    url = reverse("support:contact_plan", args=[ivys_child.public_id])
    opened = {"replaces": str(current.public_id), "version": current.version}
    first = client_for(ivy).post(url, _plan_post(date(2024, 6, 3), every_weeks="4", **opened))
    assert first.status_code == 302
    second = client_for(mona).post(url, _plan_post(date(2024, 6, 4), every_weeks="8", **opened))
    assert second.status_code == 409
    assert _conflict("in-contact plan") in second.content.decode()
    plans = InContactPlan.objects.filter(child=ivys_child)
    assert plans.count() == 2
    assert plans.open().get().every_weeks == 4


def test_a_plan_agreed_meanwhile_by_someone_else_is_not_replaced_unseen(
    ivy: User, mona: User, ivys_child: Child
) -> None:
    url = reverse("support:contact_plan", args=[ivys_child.public_id])
    assert client_for(ivy).post(url, _plan_post(date(2024, 6, 3))).status_code == 302
    second = client_for(mona).post(url, _plan_post(date(2024, 6, 4), every_weeks="8"))
    assert second.status_code == 409
    plan = InContactPlan.objects.get(child=ivys_child)
    assert (plan.every_weeks, plan.end_date, plan.created_by) == (6, None, ivy)


# Bounded text: a megabyte is refused with the GOV.UK message, and nothing is saved --------


@pytest.mark.parametrize(
    ("url_name", "field", "message"),
    [
        (
            "contact_plan",
            "childs_words",
            "The child&#x27;s own words must be 2,000 characters or less",
        ),
        ("contact_log", "note", "The note must be 10,000 characters or less"),
        (
            "advocacy_add",
            "reason",
            "Why the child is being referred must be 2,000 characters or less",
        ),
        (
            "advocacy_add",
            "organisation",
            "The advocacy organisation must be 150 characters or less",
        ),
    ],
)
def test_a_megabyte_of_text_about_a_child_is_refused_with_the_limit(
    ivy: User, ivys_child: Child, url_name: str, field: str, message: str
) -> None:
    factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 1, 8))
    before = (InContactPlan.objects.count(), AdvocacyReferral.objects.count())
    data = {
        **_plan_post(date(2024, 6, 3)),
        **_date("contacted_on", date(2024, 6, 3)),
        **_date("referred_on", date(2024, 6, 3)),
        "method": "phone",
        "organisation": "NYAS",
        "reason": "Wants help to be heard",
        field: MEGABYTE,
    }
    url = reverse(f"support:{url_name}", args=[ivys_child.public_id])
    response = client_for(ivy).post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (InContactPlan.objects.count(), AdvocacyReferral.objects.count()) == before
    assert not AuditEvent.objects.filter(kind=Kind.CHANGE).exists()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("notes", "The notes must be 10,000 characters or less"),
        ("full_name", "The full name must be 150 characters or less"),
    ],
)
def test_a_megabyte_of_text_about_a_volunteer_is_refused_with_the_limit(
    mona: User, field: str, message: str
) -> None:
    response = client_for(mona).post(reverse("support:iv_add"), _visitor_post(**{field: MEGABYTE}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IndependentVisitor.objects.exists()


def test_a_megabyte_reason_for_ending_a_match_is_refused_with_the_limit(
    ivy: User, ivys_child: Child
) -> None:
    match = factories.IvMatchFactory(child=ivys_child)
    url = reverse("support:iv_match_end", args=[match.public_id])
    response = client_for(ivy).post(
        url, {**_date("end_date", date(2024, 9, 2)), "end_reason": MEGABYTE, "version": "1"}
    )
    assert "Why the match ended must be 150 characters or less" in response.content.decode()
    match.refresh_from_db()
    assert match.end_date is None


# Dates: overflow and far-future answers are GOV.UK errors, never a 500 ------------------


CHILD_DATE_FIELDS = [
    ("contact_plan", "start_date", "The date the plan was agreed"),
    ("contact_log", "contacted_on", "The date of the contact"),
    ("advocacy_add", "referred_on", "The date of the referral"),
    ("iv_refer", "referred_on", "The date of the referral"),
    ("iv_match", "start_date", "The date the match started"),
]


@pytest.mark.parametrize(("url_name", "field", "what"), CHILD_DATE_FIELDS)
@pytest.mark.parametrize("box", [0, 1, 2])
def test_an_overflowing_number_in_a_date_box_is_a_govuk_error(
    ivy: User, ivys_child: Child, url_name: str, field: str, what: str, box: int
) -> None:
    data = {**_date(field, date(2024, 6, 3)), f"{field}_{box}": OVERFLOW, "method": "phone"}
    url = reverse(f"support:{url_name}", args=[ivys_child.public_id])
    response = client_for(ivy).post(url, data)
    assert response.status_code == 200
    assert f"{what} must be a real date" in response.content.decode()


@pytest.mark.parametrize(("url_name", "field", "what"), CHILD_DATE_FIELDS)
def test_a_far_future_date_is_refused(
    ivy: User, ivys_child: Child, url_name: str, field: str, what: str
) -> None:
    data = {**_date(field, date(2100, 1, 1)), "method": "phone"}
    url = reverse(f"support:{url_name}", args=[ivys_child.public_id])
    response = client_for(ivy).post(url, data)
    assert response.status_code == 200
    assert f"{what} must be today or in the past" in response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "field"), [("advocacy_update", "outcome_on"), ("iv_match_end", "end_date")]
)
def test_an_overflowing_or_far_future_date_on_an_edit_is_a_govuk_error(
    ivy: User, ivys_child: Child, url_name: str, field: str
) -> None:
    record = (
        factories.AdvocacyReferralFactory(child=ivys_child)
        if url_name == "advocacy_update"
        else factories.IvMatchFactory(child=ivys_child)
    )
    url = reverse(f"support:{url_name}", args=[record.public_id])
    base = {"outcome": "accepted", "end_reason": "Moved", "version": "1"}
    overflow = client_for(ivy).post(url, {**base, **_date(field, TODAY), f"{field}_2": OVERFLOW})
    far = client_for(ivy).post(url, {**base, **_date(field, date(2100, 1, 1))})
    assert "must be a real date" in overflow.content.decode()
    assert "must be today or in the past" in far.content.decode()
    record.refresh_from_db()
    assert record.version == 1


@pytest.mark.parametrize("field", ["checks_on", "approved_on"])
def test_an_overflowing_date_for_a_volunteer_is_a_govuk_error(mona: User, field: str) -> None:
    response = client_for(mona).post(
        reverse("support:iv_add"), _visitor_post(**{f"{field}_0": OVERFLOW})
    )
    assert response.status_code == 200
    assert "must be a real date" in response.content.decode()
    assert not IndependentVisitor.objects.exists()


def test_a_plan_cannot_be_agreed_before_the_child_was_born(ivy: User) -> None:
    child = factories.looked_after_child(
        iro=ivy, start=date(2010, 1, 4), date_of_birth=date(2010, 1, 1)
    )
    url = reverse("support:contact_plan", args=[child.public_id])
    response = client_for(ivy).post(url, _plan_post(date(2009, 12, 1)))
    assert response.status_code == 200
    assert (
        "Date agreed must be on or after the child&#x27;s date of birth"
        in response.content.decode()
    )
    assert not InContactPlan.objects.exists()


# Read rows ------------------------------------------------------------------------------


def test_the_register_writes_one_read_row_per_child_waiting_it_shows(
    ivy: User, ivys_child: Child, ians_child: Child
) -> None:
    factories.IvReferralFactory(child=ivys_child)
    factories.IvReferralFactory(child=ians_child)
    client_for(ivy).get(reverse("support:iv_list"))
    reads = AuditEvent.objects.filter(action=Action.IV_REGISTER_VIEW, kind=Kind.READ)
    assert [(row.user, row.child) for row in reads] == [(ivy, ivys_child)]


def test_a_volunteers_page_writes_a_read_row_per_matched_child_it_shows(
    mona: User, ivys_child: Child, ians_child: Child
) -> None:
    visitor = factories.IndependentVisitorFactory()
    factories.IvMatchFactory(
        child=ivys_child, visitor=visitor, start_date=date(2024, 1, 8), end_date=date(2024, 3, 1)
    )
    factories.IvMatchFactory(child=ians_child, visitor=visitor, start_date=date(2024, 3, 4))
    html = client_for(mona).get(reverse("support:iv_edit", args=[visitor.public_id])).content
    assert ivys_child.full_name in html.decode()
    assert ians_child.full_name in html.decode()
    reads = AuditEvent.objects.filter(action=Action.VISITOR_VIEW, kind=Kind.READ)
    assert {row.child for row in reads} == {ivys_child, ians_child}
    assert len({row.page_view for row in reads}) == 1


def _matched_children(count: int, visitor: IndependentVisitor) -> None:
    for n in range(count):
        child = factories.looked_after_child()
        start = date(2020, 1, 6 + n % 20)
        factories.IvMatchFactory(
            child=child, visitor=visitor, start_date=start, end_date=date(2024, 1, 8)
        )


@pytest.mark.parametrize("matches", [5, 50])
def test_a_volunteers_page_keeps_a_fixed_number_of_queries(
    django_assert_max_num_queries, mona: User, matches: int
) -> None:
    visitor = factories.IndependentVisitorFactory()
    _matched_children(matches, visitor)
    client = client_for(mona)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("support:iv_edit", args=[visitor.public_id]))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action=Action.VISITOR_VIEW).count() == matches


def test_an_iro_refused_the_volunteer_pages_leaves_a_refusal_row(ivy: User) -> None:
    visitor = factories.IndependentVisitorFactory()
    assert (
        client_for(ivy).get(reverse("support:iv_edit", args=[visitor.public_id])).status_code == 403
    )
    event = AuditEvent.objects.get(user=ivy)
    assert (event.kind, event.child) == (Kind.REFUSAL, None)
