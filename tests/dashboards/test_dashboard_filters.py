"""The service overview's filters (IRO, RAG, legal status, placement type, age band, UASC):
kept in the URL, applied to every figure, and carried to the lists the figures open, so each
figure is still the length of its list; the same queries at 20 children as at 500."""

from datetime import date
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from children.models import Child
from reviews.services import period_summary_refresh
from tests import factories
from tests.conftest import client_for
from tests.escalations.conftest import make_escalation

pytestmark = pytest.mark.django_db


def _child(*, iro=None, born: date, legal: str = "C2", place: str = "U4", **fields) -> Child:
    child = factories.looked_after_child(
        iro=iro, start=date(2024, 1, 8), date_of_birth=born, **fields
    )
    child.episodes.update(legal_status=legal, placement_type=place)
    return child


@pytest.fixture
def children(ivy, ian):
    """On 3 June 2024: Amy (Ivy's, 12, red, an escalation, waiting for an IV); Ben (Ivy's, 16,
    UASC, V2 in K2, green); Cal (Ian's, 2, in U1, not rated); Dee (no IRO yet, 12, UASC, V2)."""
    amy = _child(iro=ivy, born=date(2012, 5, 17), first_name="Amy")
    ben = _child(iro=ivy, born=date(2008, 1, 1), legal="V2", place="K2", uasc_from=date(2023, 5, 1))
    cal = _child(iro=ian, born=date(2022, 1, 1), place="U1")
    dee = _child(born=date(2012, 2, 2), legal="V2", uasc_from=date(2023, 9, 4))
    factories.RagRatingFactory(child=amy, rating="red", set_by=ivy)
    factories.RagRatingFactory(child=ben, rating="green", set_by=ivy)
    make_escalation(child=amy, by=ivy, raised_on=date(2024, 4, 1))
    factories.IvReferralFactory(child=amy)
    period_summary_refresh()
    return {"amy": amy, "ben": ben, "cal": cal, "dee": dee}


def overview(client, **query):
    response = client.get(reverse("home"), query)
    assert response.status_code == 200
    return response.context["dashboard"]


def headline(board) -> dict[str, int]:
    return {figure.label: figure.count for figure in board.headline}


def length_of(client, url: str) -> int:
    """The number of rows of the list a figure links to, whichever list it is."""
    context = client.get(url).context
    path = urlsplit(url).path
    if path == reverse("children:unallocated"):
        return len(context["waiting"])
    if path == reverse("support:iv_list"):
        return context["waiting"].total
    return context["page_obj"].paginator.count


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, (4, 1, 1, 1)),
        ({"rag": "red"}, (1, 0, 1, 1)),
        ({"rag": "none"}, (2, 1, 0, 0)),
        ({"uasc": "yes"}, (2, 1, 0, 0)),
        ({"uasc": "no"}, (2, 0, 1, 1)),
        ({"age_band": "16_and_over"}, (1, 0, 0, 0)),
        ({"age_band": "1_to_4", "placement_type": "U1"}, (1, 0, 0, 0)),
        ({"legal_status": "V2"}, (2, 1, 0, 0)),
        ({"legal_status": "V2", "uasc": "yes", "age_band": "10_to_15"}, (1, 1, 0, 0)),
    ],
)
def test_each_filter_narrows_every_figure(mona, children, query, expected):
    shown = headline(overview(client_for(mona), **query))
    looked_after, waiting, escalations, visitors = expected
    assert (
        shown["Children looked after"],
        shown["Waiting for an IRO"],
        shown["Open escalations"],
        shown["Waiting for an Independent Visitor"],
    ) == (looked_after, waiting, escalations, visitors)


def test_the_iro_filter_shows_that_iros_row_and_children(mona, children, ivy):
    board = overview(client_for(mona), iro=str(ivy.public_id))
    assert [row.iro.pk for row in board.iros] == [ivy.pk]
    assert (board.iros[0].children, headline(board)["Children looked after"]) == (2, 2)
    assert {f.label: f.count for f in board.rag} == {
        "Red": 1,
        "Amber": 0,
        "Green": 1,
        "Not rated yet": 0,
    }


@pytest.mark.parametrize(
    "query",
    [{}, {"rag": "red"}, {"uasc": "yes"}, {"legal_status": "V2", "age_band": "10_to_15"}],
)
def test_every_figure_under_a_filter_is_the_length_of_the_list_it_opens(mona, children, query):
    client = client_for(mona)
    board = overview(client, **query)
    for figure in [*board.headline, *board.rag]:
        if figure.url and figure.url != reverse("children:cover"):  # cover: of IROs, not children
            assert length_of(client, figure.url) == figure.count, (figure.label, figure.url)
    for row in board.iros:
        assert length_of(client, row.list_url()) == row.children
        assert length_of(client, row.due_soon_url) == row.due_soon
        assert length_of(client, row.overdue_url) == row.overdue


def test_the_filters_stay_in_the_url_and_never_name_a_child(mona, children, ivy):
    client = client_for(mona)
    query = {"iro": str(ivy.public_id), "rag": "red"}
    response = client.get(reverse("home"), query)
    board = response.context["dashboard"]
    assert board.chosen == query
    page = response.content.decode()
    assert 'name="rag"' in page
    assert '<option value="red" selected>' in page
    names = {c.first_name for c in Child.objects.all()} | {c.last_name for c in Child.objects.all()}
    for figure in board.headline:
        assert "rag=red" in figure.url, figure.label
        assert f"iro={ivy.public_id}" in figure.url, figure.label
    assert [f.url for f in board.rag if f.url] == [board.headline[0].url]  # red: the others are 0
    assert not any(name in f.url for f in [*board.headline, *board.rag] for name in names)
    # The lists opened from the overview say which filters they apply, in words.
    listed = client.get(board.headline[1].url).content.decode()
    assert "RAG rating: Red" in listed
    assert "IRO: Ivy Reviewer" in listed


def test_a_filter_value_that_is_not_offered_is_ignored(mona, children):
    board = overview(client_for(mona), rag="purple", age_band="ancient", iro="not-an-id")
    assert board.chosen == {}
    assert headline(board)["Children looked after"] == 4


def test_the_children_list_filters_by_rag_age_band_and_uasc(mona, children):
    client = client_for(mona)
    assert length_of(client, reverse("children:list") + "?rag=green") == 1
    assert length_of(client, reverse("children:list") + "?age_band=10_to_15&uasc=no") == 1
    assert length_of(client, reverse("children:list") + "?uasc=yes") == 2


def test_a_filtered_download_holds_the_filtered_figures_and_audits_the_filters(mona, children):
    from audit.models import Action, AuditEvent

    client = client_for(mona)
    body = client.get(reverse("dashboards:download", args=["rag"]), {"rag": "red"}).content
    assert body.decode().splitlines()[1:] == ["Red,1", "Amber,0", "Green,0", "Not rated yet,0"]
    event = AuditEvent.objects.filter(user=mona, action=Action.DASHBOARD_DOWNLOAD).latest("pk")
    assert event.detail["filters"] == {"rag": "red"}


def _service_of(size: int) -> None:
    iro = factories.IroFactory()
    for number in range(size):
        child = _child(iro=iro if number % 5 else None, born=date(2012, 5, 17))
        if number % 2:
            factories.RagRatingFactory(child=child, rating="amber", set_by=iro)
        if number % 7 == 0:
            make_escalation(child=child, by=iro, raised_on=date(2024, 5, 1))


def test_a_filtered_overview_runs_the_same_queries_at_20_and_500_children(mona):
    counts = []
    client = client_for(mona)
    for more in (20, 480):
        _service_of(more)
        period_summary_refresh()
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("home"), {"rag": "amber", "uasc": "no"})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
