"""The service at a glance for managers: each figure on crafted data, each linked figure the
length of its list, and the same queries at 20 children as at 500."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from children.models import CoverArrangement
from reviews.services import period_summary_refresh
from tests import factories
from tests.conftest import client_for
from tests.escalations.conftest import make_escalation

pytestmark = pytest.mark.django_db

TODAY = date(2024, 6, 3)


def dashboard(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.context["dashboard"]


def listed(client, url: str) -> int:
    return client.get(url).context["page_obj"].paginator.count


@pytest.fixture
def service(ivy, ian):
    """Ivy (0.5 FTE) holds an overdue child and one due in 2 weeks; Ian (no FTE recorded)
    holds one due later, and Ivy covers him; a child left care today; one waits for an IRO;
    an IRO who has left holds nobody; an escalation at stage 1."""
    ivy.fte = Decimal("0.5")
    ivy.save()
    ian.fte = None
    ian.save()
    factories.IroFactory(full_name="Lee Left", is_active=False, left_on=date(2024, 3, 29))
    overdue = factories.looked_after_child(iro=ivy, start=date(2024, 4, 2))  # due 30 April
    soon = factories.looked_after_child(iro=ivy, start=date(2023, 4, 3))
    for held in (date(2023, 4, 24), date(2023, 7, 17), date(2023, 12, 18)):
        factories.held_review(soon, held_on=held, iro=ivy)  # next due 18 June 2024
    later = factories.looked_after_child(iro=ian, start=date(2024, 5, 20))  # due 17 June
    later.allocations.update(start_date=date(2024, 5, 20))
    left = factories.looked_after_child(iro=ivy, start=date(2024, 1, 8))
    left.periods.update(end_date=TODAY, reason_ceased="E11")
    left.episodes.update(end_date=TODAY, reason_ceased="E11")
    left.allocations.update(end_date=TODAY)
    waiting = factories.looked_after_child(start=date(2024, 5, 27))
    CoverArrangement.objects.create(absent_iro=ian, covering_iro=ivy, start_date=TODAY)
    make_escalation(child=soon, by=ivy, raised_on=date(2024, 4, 1))
    factories.RagRatingFactory(child=overdue, rating="red", set_by=ivy)
    period_summary_refresh()
    return {"overdue": overdue, "soon": soon, "later": later, "waiting": waiting}


def test_the_service_figures(mona, service):
    shown = {figure.label: figure.count for figure in dashboard(client_for(mona)).headline}
    assert shown == {
        "Children looked after": 4,  # not the child who left today
        "Waiting for an IRO": 1,
        "Overdue reviews": 1,
        "Due in the next 4 weeks": 3,  # 17, 18 and (the child waiting for an IRO) 24 June
        "Open escalations": 1,
        "Waiting for an Independent Visitor": 0,
        "Cover in place": 1,
    }


def test_each_iros_row(mona, service, ivy, ian):
    rows = {row.iro.full_name: row for row in dashboard(client_for(mona)).iros}
    assert set(rows) == {"Ivy Reviewer", "Ian Other"}  # the IRO who left, holding nobody, not
    mine = rows["Ivy Reviewer"]
    assert (mine.children, mine.due_soon, mine.overdue) == (2, 1, 1)
    assert mine.per_fte == 4.0
    assert mine.band == "under 50 to 70"
    assert rows["Ian Other"].band == "FTE not recorded"
    assert rows["Ian Other"].per_fte is None
    # Reviews she chaired in the 12 months to 3 June (24 April 2023 is before them), none since
    # 1 April, the start of the reporting year.
    assert (mine.held_12m, mine.pct_12m) == (2, 100.0)
    assert (mine.held_ytd, mine.pct_ytd) == (0, None)


def test_every_linked_figure_is_the_length_of_its_list(mona, service):
    client = client_for(mona)
    board = dashboard(client)
    for figure in board.headline:
        if figure.url.startswith(reverse("children:list")):
            assert listed(client, figure.url) == figure.count, figure.label
    for row in board.iros:
        assert listed(client, row.list_url()) == row.children
        assert listed(client, row.list_url(next_review="due_4_weeks")) == row.due_soon
        assert listed(client, row.list_url(next_review="overdue")) == row.overdue


def test_an_iro_cannot_open_the_service_dashboard(ivy):
    assert client_for(ivy).get(reverse("dashboards:service")).status_code == 403


def _service_of(size: int) -> None:
    iro = factories.IroFactory()
    for number in range(size):
        child = factories.looked_after_child(iro=iro if number % 5 else None)
        if number % 2:
            factories.held_review(child, held_on=date(2023, 4, 24))
            factories.RagRatingFactory(child=child, rating="amber", set_by=iro)
        if number % 7 == 0:
            make_escalation(child=child, by=iro, raised_on=date(2024, 5, 1))


def test_the_service_dashboard_runs_the_same_queries_at_20_and_500_children(mona):
    counts = []
    client = client_for(mona)
    for more in (20, 480):  # 20 children, then 500
        _service_of(more)
        period_summary_refresh()
        cache.clear()  # the trends are cached: count the queries that compute them too
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dashboards:service")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_every_table_downloads_as_csv_and_the_download_is_audited(mona, service):
    from audit.models import Action, AuditEvent, Kind
    from dashboards.downloads import TABLES

    client = client_for(mona)
    for name in TABLES:
        response = client.get(reverse("dashboards:download", args=[name]))
        assert response.status_code == 200, name
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f"service-dashboard-{name}-2024-06-03.csv" in response["Content-Disposition"]
    downloads = AuditEvent.objects.filter(user=mona, action=Action.DASHBOARD_DOWNLOAD)
    assert downloads.filter(kind=Kind.READ, child=None).count() == len(TABLES)
    # The children in the table of longest waits are each a read.
    assert downloads.filter(child=service["waiting"]).exists()
    assert client.get(reverse("dashboards:download", args=["nothing"])).status_code == 404


def test_a_download_neutralises_text_a_spreadsheet_would_run(mona, service, ivy):
    ivy.full_name = '=HYPERLINK("http://evil.example")'
    ivy.save()
    body = client_for(mona).get(reverse("dashboards:download", args=["iros"])).content.decode()
    assert "'=HYPERLINK" in body
    assert "\n=HYPERLINK" not in body


def test_the_trends_count_each_month(mona, service):
    from dashboards.trends import monthly_trends

    months = monthly_trends(today=TODAY)
    assert len(months) == 24
    assert (months[0].start, months[-1].start) == (date(2022, 7, 1), date(2024, 6, 1))
    may = next(m for m in months if m.start == date(2024, 5, 1))
    assert (may.started, may.ceased) == (2, 0)  # Ian's child on 20 May, the waiting one 27 May
    assert may.looked_after_at_end == 5  # the child who left on 3 June was still in care
    june = months[-1]
    assert (june.ceased, june.looked_after_at_end) == (1, 4)  # she left today
    december = next(m for m in months if m.start == date(2023, 12, 1))
    assert (december.held, december.in_time, december.pct_in_time) == (1, 1, 100.0)
