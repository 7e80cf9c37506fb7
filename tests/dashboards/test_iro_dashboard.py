"""An IRO's week: each figure on crafted data, each the length of the list it links to, and
the same queries at 20 children as at 500."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alerts import services as alerts
from children.models import CoverArrangement
from reviews.models import Review, ReviewStatus
from tests import factories
from tests.conftest import client_for
from tests.escalations.conftest import make_escalation

pytestmark = pytest.mark.django_db

TODAY = date(2024, 6, 3)  # the fixed clock's day, a Monday


def figures(client) -> dict[str, tuple[int, str]]:
    response = client.get(reverse("dashboards:iro"))
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    shown = [*dashboard.week, *dashboard.oversight, *dashboard.rag]
    return {figure.label: (figure.count, figure.url) for figure in shown}


def rows_behind(client, url: str) -> int:
    """How many rows the list a figure links to shows."""
    context = client.get(url).context
    if "groups" in context:  # the alerts list, one kind
        return sum(len(group.rows) for group in context["groups"])
    if "page_obj" in context:
        return context["page_obj"].paginator.count
    return len(context["rows"])


@pytest.fixture
def caseload(ivy, ian):
    """Ivy's caseload: one review overdue, one due soon, one in draft, a red and an amber
    rating, an open escalation; a child who left care today; Ian's child under her cover."""
    overdue = factories.looked_after_child(iro=ivy, start=date(2024, 4, 2))  # due 30 April
    soon = factories.looked_after_child(iro=ivy, start=date(2023, 4, 3))
    factories.held_review(soon, held_on=date(2023, 4, 24))
    factories.held_review(soon, held_on=date(2023, 7, 17))
    factories.held_review(soon, held_on=date(2023, 12, 18))  # next due 18 June 2024
    drafted = factories.looked_after_child(iro=ivy, start=date(2024, 5, 1))
    factories.held_review(drafted, held_on=date(2024, 5, 20), status="draft")
    for child, rating in ((overdue, "red"), (soon, "amber")):
        factories.RagRatingFactory(child=child, rating=rating, set_by=ivy)
    make_escalation(child=soon, by=ivy, raised_on=date(2024, 5, 20))
    left = factories.looked_after_child(iro=ivy, start=date(2024, 1, 8))
    left.periods.update(end_date=TODAY, reason_ceased="E11")
    left.episodes.update(end_date=TODAY, reason_ceased="E11")
    left.allocations.update(end_date=TODAY)
    covered = factories.looked_after_child(iro=ian, start=date(2024, 5, 27))
    CoverArrangement.objects.create(absent_iro=ian, covering_iro=ivy, start_date=TODAY)
    alerts.alerts_scan(today=TODAY)
    return {"overdue": overdue, "soon": soon, "drafted": drafted, "left": left, "covered": covered}


def test_each_figure_counts_the_iros_caseload_and_cover(ivy, caseload):
    shown = figures(client_for(ivy))
    # The child who left care today is not on it; the child under cover is.
    assert shown["Children on your caseload"][0] == 4
    assert shown["Overdue"][0] == 1
    assert shown["Due in the next 20 working days"][0] == 2  # soon, and the covered first review
    assert shown["Record in draft"][0] == 1
    assert shown["Open escalations"][0] == 1
    assert (shown["Red"][0], shown["Amber"][0], shown["Green"][0]) == (1, 1, 0)
    assert shown["Not rated yet"][0] == 2


def test_every_figure_is_the_length_of_the_list_it_links_to(ivy, caseload):
    client = client_for(ivy)
    for label, (count, url) in figures(client).items():
        assert rows_behind(client, url) == count, label


def test_caseload_per_fte_is_said_against_the_handbooks_band(ivy, caseload):
    ivy.fte = Decimal("0.5")
    ivy.save()
    dashboard = client_for(ivy).get(reverse("dashboards:iro")).context["dashboard"]
    assert dashboard.week[0].hint == "8 per FTE: under the Handbook's range (50 to 70)"
    ivy.fte = None
    ivy.save()
    dashboard = client_for(ivy).get(reverse("dashboards:iro")).context["dashboard"]
    assert dashboard.week[0].hint == "FTE not recorded"


def test_a_booking_after_the_due_date_is_counted_and_listed(ivy, caseload):
    child = caseload["overdue"]
    Review.objects.create(
        child=child,
        period=child.periods.get(end_date=None),
        kind="first",
        due_date=date(2024, 4, 30),
        counted_from=date(2024, 4, 2),
        status=ReviewStatus.SCHEDULED,
        scheduled_for="2024-06-10T10:00Z",
        late_schedule_reason="Family on holiday",
    )
    client = client_for(ivy)
    count, url = figures(client)["Booked after the due date"]
    assert count == 1
    assert rows_behind(client, url) == 1


def test_the_dashboard_is_the_iros_home_and_audits_the_children_it_lists(ivy, caseload):
    from audit.models import Action, AuditEvent

    client = client_for(ivy)
    assert client.get(reverse("home"))["Location"] == reverse("dashboards:iro")
    client.get(reverse("dashboards:iro"))
    assert AuditEvent.objects.filter(
        user=ivy, action=Action.CASELOAD_VIEW, child=caseload["covered"]
    ).exists()


def test_a_manager_cannot_open_an_iros_week(mona):
    assert client_for(mona).get(reverse("dashboards:iro")).status_code == 403


def _caseload_of(iro, size: int) -> None:
    for number in range(size):
        child = factories.looked_after_child(iro=iro, start=date(2023, 4, 3))
        if number % 2:
            factories.held_review(child, held_on=date(2023, 4, 24))
            factories.RagRatingFactory(child=child, rating="green", set_by=iro)


def test_the_iros_week_runs_the_same_queries_at_20_and_500_children(ivy):
    counts = []
    client = client_for(ivy)
    for more in (20, 480):  # 20 children, then 500
        _caseload_of(ivy, more)
        alerts.alerts_scan(today=TODAY)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dashboards:iro")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
