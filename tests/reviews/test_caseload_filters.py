"""The IRO searches and filters their own caseload: name, reference, RAG, due within, flags."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from children.models import Child
from iro_service.models import User
from reviews import services
from reviews.models import RagRating
from tests import factories
from tests.conftest import client_for
from tests.reviews.test_review_pages import text


def rated(child: Child, by: User, rating: str) -> None:
    review = child.reviews.get()
    RagRating.objects.create(
        child=child,
        review=review,
        rating=rating,
        set_on=review.held_on,
        set_by=by,
        follow_up_from=review.held_on,
        follow_up_due=review.held_on,
    )


@pytest.fixture
def caseload(ivy: User, ian: User) -> dict[str, Child]:
    """Ivy's three children and one of Ian's, each reviewed at a different time."""
    amy = factories.looked_after_child(iro=ivy, first_name="Amy", last_name="Own", child_ref="AO1")
    factories.held_review(amy, held_on=date(2024, 3, 13))  # second review due 13 June: 10 days
    rated(amy, ivy, "red")
    ben = factories.looked_after_child(iro=ivy, first_name="Ben", last_name="Hill", child_ref="BH2")
    factories.held_review(ben, held_on=date(2024, 4, 29))  # due 29 July: 8 weeks
    rated(ben, ivy, "green")
    cat = factories.looked_after_child(
        iro=ivy, first_name="Cat", last_name="Amyson", child_ref="CA3"
    )
    factories.held_review(cat, held_on=date(2024, 3, 20))  # due 20 June: 17 days
    services.review_schedule(
        by=ivy,
        child=cat,
        scheduled_for=timezone.make_aware(datetime.combine(date(2024, 6, 24), time(10))),
        format="in_person",
        late_schedule_reason="Carer in hospital until 21 June",
    )
    ians = factories.looked_after_child(iro=ian, first_name="Amy", last_name="Other")
    return {"amy": amy, "ben": ben, "cat": cat, "ians": ians}


def names(ivy: User, **query: str) -> list[str]:
    page = text(client_for(ivy).get(reverse("reviews:caseload"), query))
    return [n for n in ("Amy Own", "Ben Hill", "Cat Amyson", "Amy Other") if n in page]


def test_the_caseload_can_be_searched_by_name(ivy, caseload) -> None:
    assert names(ivy, q="amy") == ["Amy Own", "Cat Amyson"]
    assert names(ivy, q="  hill ") == ["Ben Hill"]


def test_the_caseload_can_be_searched_by_reference(ivy, caseload) -> None:
    assert names(ivy, q="bh2") == ["Ben Hill"]


@pytest.mark.parametrize(
    ("rag", "expected"),
    [("red", ["Amy Own"]), ("green", ["Ben Hill"]), ("none", ["Cat Amyson"])],
)
def test_the_caseload_can_be_filtered_by_rag_rating(ivy, caseload, rag, expected) -> None:
    assert names(ivy, rag=rag) == expected


@pytest.mark.parametrize(
    ("within", "unit", "expected"),
    [
        ("10", "days", ["Amy Own"]),
        ("3", "weeks", ["Amy Own", "Cat Amyson"]),
        ("8", "weeks", ["Amy Own", "Ben Hill", "Cat Amyson"]),
    ],
)
def test_the_caseload_can_be_filtered_to_reviews_due_within_days_or_weeks(
    ivy, caseload, within, unit, expected
) -> None:
    assert names(ivy, due_within=within, due_unit=unit) == expected


def test_the_caseload_can_be_filtered_to_reviews_scheduled_after_their_due_date(
    ivy, caseload
) -> None:
    assert names(ivy, scheduled_after_due="on") == ["Cat Amyson"]


def test_filters_combine_and_the_page_says_how_many_it_shows(ivy, caseload) -> None:
    page = text(client_for(ivy).get(reverse("reviews:caseload"), {"q": "amy", "rag": "red"}))
    assert "Showing 1 of 3 children allocated to you" in page
    assert "Clear filters" in page


def test_a_bad_number_of_days_is_explained_and_the_caseload_still_shows(ivy, caseload) -> None:
    page = text(client_for(ivy).get(reverse("reviews:caseload"), {"due_within": "lots"}))
    assert "Due within must be a whole number" in page
    assert "Amy Own" in page


def test_sorting_keeps_the_filters(ivy, caseload) -> None:
    page = client_for(ivy).get(reverse("reviews:caseload"), {"q": "amy"}).content.decode()
    assert "?q=amy&amp;sort=name" in page or "?sort=name&amp;q=amy" in page


def test_read_rows_are_written_only_for_the_children_shown(ivy, caseload) -> None:
    client_for(ivy).get(reverse("reviews:caseload"), {"q": "hill"})
    read = AuditEvent.objects.filter(action="caseload.view")
    assert [event.child for event in read] == [caseload["ben"]]


@pytest.mark.parametrize("size", [10, 60])
def test_a_filtered_caseload_runs_a_fixed_number_of_queries(
    ivy, django_assert_max_num_queries, size
) -> None:
    for n in range(size):
        kid = factories.looked_after_child(iro=ivy, last_name=f"Child{n}")
        if n % 2:
            factories.held_review(kid, held_on=date(2024, 3, 13))
    client = client_for(ivy)
    with django_assert_max_num_queries(14):  # 14: the header's count of new alerts (2)
        response = client.get(
            reverse("reviews:caseload"),
            {"q": "child", "due_within": "4", "due_unit": "weeks", "sort": "rag"},
        )
    assert response.content.decode().count("/children/") >= size
