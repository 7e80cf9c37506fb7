"""The IRO's own list of open escalations: their caseload and the caseloads they cover."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent, Kind
from children.models import CoverArrangement
from tests import factories
from tests.conftest import client_for
from tests.escalations.conftest import TODAY, make_escalation

pytestmark = pytest.mark.django_db

MINE = reverse("escalations:mine")


def _link(escalation) -> str:
    return reverse("escalations:detail", args=[escalation.public_id])


def test_an_iro_lists_the_open_escalations_of_their_caseload_and_of_the_caseload_they_cover(
    ivy, ian, ivys_child, ians_child
):
    own = make_escalation(child=ivys_child, by=ivy)
    closed = make_escalation(child=ivys_child, by=ivy, closed_on=date(2024, 1, 12))
    theirs = make_escalation(child=ians_child, by=ian)
    third = factories.IroFactory(full_name="Tess Third")
    elsewhere = make_escalation(child=factories.looked_after_child(iro=third), by=third)

    page = client_for(ivy).get(MINE).content.decode()
    assert _link(own) in page
    assert _link(closed) not in page
    assert _link(theirs) not in page
    assert "1 open escalation" in page

    CoverArrangement.objects.create(absent_iro=ian, covering_iro=ivy, start_date=TODAY)
    page = client_for(ivy).get(MINE).content.decode()
    assert _link(own) in page
    assert _link(theirs) in page
    assert "Covering for Ian Other" in page
    assert _link(elsewhere) not in page
    assert "2 open escalations" in page


def test_each_row_gives_the_stage_who_it_is_to_working_days_and_the_response_in_words(
    ivy, ivys_child
):
    # Raised 8 January 2024 at stage 1; on 29 February it is 38 working days old.
    late = make_escalation(child=ivys_child, by=ivy, addressed_to=("Jo Bloggs", "Team manager"))
    fresh = make_escalation(
        child=ivys_child,
        by=ivy,
        stage="stage_2",
        raised_on=date(2024, 2, 28),
        addressed_to=("Sam Senior", "Service manager"),
    )
    page = client_for(ivy).get(MINE).content.decode()
    assert "Stage 1 (team manager)" in page
    assert "To Jo Bloggs, Team manager" in page
    assert "Stage 2 (service manager)" in page
    assert "To Sam Senior, Service manager" in page
    assert "Due 15 Jan 2024 <strong" in page
    assert ">Overdue</strong>" in page
    assert "Due 6 Mar 2024</td>" in page
    assert "Over 20 working days" in page
    assert late.working_days_open(TODAY) == 38
    assert ">38<" in page.replace("\n", "").replace(" ", "")
    assert page.index(_link(late)) < page.index(_link(fresh))


def test_the_iros_navigation_leads_to_their_escalations(ivy, mona):
    assert f'href="{MINE}"' in client_for(ivy).get(reverse("reviews:caseload")).content.decode()
    assert f'href="{MINE}"' not in client_for(mona).get(reverse("home")).content.decode()


def test_the_list_writes_one_read_row_for_each_child_it_shows(ivy, ian, ivys_child, ians_child):
    make_escalation(child=ivys_child, by=ivy)
    make_escalation(child=ivys_child, by=ivy, stage="stage_2")
    make_escalation(child=ians_child, by=ian)
    client_for(ivy).get(MINE)
    reads = AuditEvent.objects.filter(user=ivy, action=Action.ESCALATION_LIST)
    assert [(r.child, r.kind, r.path) for r in reads] == [(ivys_child, Kind.READ, MINE)]


@pytest.mark.parametrize("persona", ["mona", "ada"])
def test_someone_with_no_caseload_is_refused_and_the_refusal_audited(request, persona):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(MINE).status_code == 403
    assert AuditEvent.objects.get(user=user).kind == Kind.REFUSAL


@pytest.mark.parametrize("n", [5, 60])
def test_the_list_keeps_a_fixed_query_count(ivy, ian, n, django_assert_max_num_queries):
    CoverArrangement.objects.create(absent_iro=ian, covering_iro=ivy, start_date=TODAY)
    for i in range(n):
        iro = ivy if i % 2 else ian
        make_escalation(
            child=factories.looked_after_child(iro=iro),
            by=iro,
            stage="stage_2" if i % 3 else "stage_1",
            raised_on=TODAY - timedelta(days=i % 40),
            areas=("health", "placement") if i % 2 else ("contact",),
        )
    client = client_for(ivy)
    # Session, user, the role check (two), count, page, areas, the reader's role and the
    # read rows (one insert for the whole page).
    with django_assert_max_num_queries(12):  # 12: the header's count of new alerts (2)
        response = client.get(MINE)
    assert response.status_code == 200
    assert "Covering for Ian Other" in response.content.decode()
