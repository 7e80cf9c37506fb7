"""The notification centre as each role meets it: the header's count, the list grouped by
kind, following and marking read, the team's alerts, cover, settings and the schedule."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alerts import services
from alerts.kinds import AlertKind
from alerts.models import Alert, AlertSettings
from audit.models import Action, AuditEvent, Kind
from children.models import CoverArrangement
from iro_service.celery import app
from tests import factories
from tests.children.test_child_pages import date_fields
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

TODAY = date(2024, 6, 3)


def waiting_for_review(iro, **names):
    """A child in care since 2 April 2024 with no review held: overdue since 1 May."""
    return factories.looked_after_child(iro=iro, start=date(2024, 4, 2), **names)


@pytest.fixture
def ivys_alert(ivy):
    child = waiting_for_review(ivy, first_name="Amy", last_name="Own")
    services.alerts_scan(today=TODAY)
    return Alert.objects.get(child=child, kind=AlertKind.REVIEW_OVERDUE)


def test_the_header_counts_new_alerts_and_the_list_groups_them_by_kind(ivy, ivys_alert):
    page = client_for(ivy).get(reverse("reviews:caseload"))
    assert '<span class="app-count">1<span class="govuk-visually-hidden"> new</span>' in (
        page.content.decode()
    )
    listed = client_for(ivy).get(reverse("alerts:list"))
    html = listed.content.decode()
    assert listed.status_code == 200
    assert "Review overdue" in html
    assert "Hold the review" in html
    assert "Amy Own" in html
    assert "Overdue by 34 days" in html
    assert reverse("alerts:open", args=[ivys_alert.public_id]) in html


def test_an_iro_sees_only_their_caseloads_alerts(ivy, ian, ivys_alert):
    waiting_for_review(ian, first_name="Bob", last_name="Foreign")
    services.alerts_scan(today=TODAY)
    html = client_for(ivy).get(reverse("alerts:list")).content.decode()
    assert "Amy Own" in html
    assert "Bob Foreign" not in html


def test_a_covering_iro_sees_the_alerts_of_the_caseload_they_cover(ivy, ian):
    waiting_for_review(ian, first_name="Bob", last_name="Foreign")
    services.alerts_scan(today=TODAY)
    assert "Bob Foreign" not in client_for(ivy).get(reverse("alerts:list")).content.decode()
    CoverArrangement.objects.create(absent_iro=ian, covering_iro=ivy, start_date=TODAY)
    assert "Bob Foreign" in client_for(ivy).get(reverse("alerts:list")).content.decode()


def test_the_list_audits_a_read_of_each_child_shown(ivy, ivys_alert):
    client_for(ivy).get(reverse("alerts:list"))
    assert AuditEvent.objects.filter(
        user=ivy, kind=Kind.READ, action=Action.ALERT_LIST, child=ivys_alert.child
    ).exists()


def test_following_an_alert_marks_it_read_and_opens_its_record(ivy, ivys_alert):
    client = client_for(ivy)
    response = client.get(reverse("alerts:open", args=[ivys_alert.public_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("children:detail", args=[ivys_alert.child.public_id])
    page = client.get(reverse("alerts:list")).content.decode()
    assert "app-count" not in page  # nothing new in the header
    assert "Amy Own" in page  # still listed until it clears


def test_mark_as_read_and_mark_all_as_read(ivy, ivys_alert):
    client = client_for(ivy)
    response = client.post(reverse("alerts:read", args=[ivys_alert.public_id]))
    assert response.status_code == 302
    assert ivys_alert.reads.filter(user=ivy).exists()
    waiting_for_review(ivy)
    services.alerts_scan(today=TODAY)
    client.post(reverse("alerts:read_all"))
    assert not Alert.objects.open().exclude(reads__user=ivy).filter(child__allocations__iro=ivy)


def test_another_iros_alert_answers_like_one_that_does_not_exist(ian, ivys_alert):
    client = client_for(ian)
    assert client.get(reverse("alerts:open", args=[ivys_alert.public_id])).status_code == 404
    assert client.post(reverse("alerts:read", args=[ivys_alert.public_id])).status_code == 404
    refused = AuditEvent.objects.filter(user=ian, kind=Kind.REFUSAL, child=ivys_alert.child)
    assert refused.count() == 2


def test_a_cleared_alert_says_so_when_followed_from_an_old_email(ivy, ivys_alert):
    factories.held_review(ivys_alert.child, held_on=date(2024, 5, 31))
    services.alerts_scan(today=TODAY)
    response = client_for(ivy).get(reverse("alerts:open", args=[ivys_alert.public_id]), follow=True)
    assert "That alert has cleared" in response.content.decode()


def test_a_manager_sees_the_service_alerts_and_the_teams(mona, ivy, ivys_alert):
    factories.looked_after_child(start=date(2024, 4, 2), first_name="Una", last_name="Waiting")
    services.alerts_scan(today=TODAY)
    mine = client_for(mona).get(reverse("alerts:list")).content.decode()
    assert "Child waiting for an IRO" in mine
    assert "Una Waiting" in mine
    assert "Amy Own" not in mine  # an IRO's alert is the IRO's, seen in the team view
    team = client_for(mona).get(reverse("alerts:team")).content.decode()
    assert "Ivy Reviewer" in team
    caseload = client_for(mona).get(reverse("alerts:team_iro", args=[ivy.public_id]))
    assert "Amy Own" in caseload.content.decode()


def test_an_iro_cannot_open_the_team_view_or_the_schedule(ivy):
    assert client_for(ivy).get(reverse("alerts:team")).status_code == 403
    assert client_for(ivy).get(reverse("alerts:schedule")).status_code == 403


def test_the_schedule_shows_each_timed_job_and_the_last_scans(mona):
    services.alerts_scan(today=TODAY, trigger="command")
    html = client_for(mona).get(reverse("alerts:schedule")).content.decode()
    assert "Every hour at :05, 06:05 to 20:05, every day" in html
    assert "At 07:30, Monday to Friday" in html
    assert "Check every child for alerts" in html
    assert "from the command line" in html


def test_a_new_account_is_an_alert_for_managers_and_admins_linked_for_admins_only(mona, ada):
    from iro_service.services import StaffDetails, staff_add

    staff_add(
        by=ada,
        details=StaffDetails(
            full_name="Nia New", email="nia@council.example", job_title="", fte=None, role="IRO"
        ),
    )
    services.alerts_scan(today=TODAY)
    alert = Alert.objects.get(kind=AlertKind.STAFF_ACCESS)
    for user, linked in ((mona, False), (ada, True)):
        html = client_for(user).get(reverse("alerts:list")).content.decode()
        assert "New account as IRO by Ada Admin" in html
        assert (f'href="{reverse("alerts:open", args=[alert.public_id])}"' in html) is linked


def test_alert_email_settings_turn_the_digest_on(ivy):
    client = client_for(ivy)
    assert client.get(reverse("alerts:settings")).status_code == 200
    response = client.post(reverse("alerts:settings"), {"daily_digest": "on"}, follow=True)
    assert "Daily digest turned on" in response.content.decode()
    assert AlertSettings.objects.get(user=ivy).daily_digest is True
    client.post(reverse("alerts:settings"), {})
    assert AlertSettings.objects.get(user=ivy).daily_digest is False


def test_doing_the_thing_through_its_page_clears_the_alert(
    ivy, ivys_child, django_capture_on_commit_callbacks
):
    factories.ContactPlanFactory(child=ivys_child, start_date=date(2024, 4, 1), every_weeks=4)
    services.alerts_scan(today=TODAY)
    assert Alert.objects.open().filter(kind=AlertKind.CONTACT_OVERDUE).exists()
    app.conf.task_always_eager = True  # the recheck runs where it was queued, as in make run
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(ivy).post(
                reverse("support:contact_log", args=[ivys_child.public_id]),
                {**date_fields("contacted_on", TODAY), "method": "phone"},
            )
    finally:
        app.conf.task_always_eager = False
    assert response.status_code == 302
    assert not Alert.objects.open().filter(kind=AlertKind.CONTACT_OVERDUE).exists()


def _alerts_for_caseload(iro, size: int) -> None:
    for _ in range(size):
        child = waiting_for_review(iro)
        factories.ContactPlanFactory(child=child, start_date=date(2024, 1, 8), every_weeks=2)
    services.alerts_scan(today=TODAY)


def test_the_alert_list_runs_the_same_queries_for_any_number_of_alerts(ivy):
    counts = []
    for size in (2, 10):
        _alerts_for_caseload(ivy, size)
        client = client_for(ivy)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("alerts:list")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Alert.objects.open().count() == 24


def test_a_big_kind_lists_its_first_fifty_and_links_to_the_rest(mona):
    for _ in range(52):
        factories.looked_after_child(start=date(2024, 4, 2))
    services.alerts_scan(today=TODAY)
    html = client_for(mona).get(reverse("alerts:list")).content.decode()
    assert "Show all 52 child waiting for an iro alerts" in html
    every = client_for(mona).get(reverse("alerts:list") + "?kind=unallocated").content.decode()
    assert every.count("Mark as read<span") == 52
