"""Children on short breaks (V3/V4) are reviewed on the timetable of reg. 48, counted apart."""

from datetime import date

import pytest
from django.urls import reverse

from children import services as child_services
from children.models import Child
from iro_service.models import User
from reviews import rules, selectors
from reviews.models import Review
from reviews.rules import Spell
from tests import factories
from tests.conftest import client_for
from tests.reviews.test_review_pages import schedule, text


def short_break_child(ivy: User, *, start: date, status: str = "V3") -> Child:
    child = factories.looked_after_child(iro=ivy, start=start, first_name="Sam", last_name="Breaks")
    child.episodes.update(legal_status=status)
    return child


@pytest.mark.parametrize(
    ("first_short_break", "expected"),
    [
        pytest.param(date(2024, 5, 1), date(2024, 8, 1), id="ordinary"),
        pytest.param(date(2023, 11, 30), date(2024, 2, 29), id="to-leap-day"),
        pytest.param(date(2024, 1, 31), date(2024, 4, 30), id="to-a-shorter-month"),
    ],
)
def test_a_first_short_break_review_is_due_3_calendar_months_after_the_first_short_break(
    first_short_break, expected
) -> None:
    assert rules.short_break_first_review_due(first_short_break) == expected


def test_later_short_break_reviews_are_due_at_most_6_months_after_the_previous() -> None:
    due = rules.review_due_in_period(
        period_start=date(2023, 4, 3),
        spells=[Spell(date(2023, 4, 3), "V4")],
        held=[(date(2023, 6, 30), "short_breaks"), (date(2023, 12, 29), "short_breaks")],
        history_from=date(2023, 4, 3),
    )
    assert (due.regime, due.kind, due.due, due.counted_from) == (
        "short_breaks",
        "later",
        date(2024, 6, 29),
        date(2023, 12, 29),
    )
    second = rules.review_due_in_period(
        period_start=date(2023, 4, 3),
        spells=[Spell(date(2023, 4, 3), "V3")],
        held=[(date(2023, 6, 30), "short_breaks")],
        history_from=date(2023, 4, 3),
    )
    assert (second.kind, second.due) == ("second", date(2023, 12, 30))


def test_moving_to_full_time_care_starts_the_reg_33_clock_at_the_change() -> None:
    due = rules.review_due_in_period(
        period_start=date(2023, 4, 3),
        spells=[Spell(date(2023, 4, 3), "V3"), Spell(date(2024, 5, 28), "C2")],
        held=[(date(2023, 6, 30), "short_breaks"), (date(2023, 12, 29), "short_breaks")],
        history_from=date(2023, 4, 3),
    )
    assert (due.regime, due.kind, due.due, due.counted_from) == (
        "reg33",
        "first",
        date(2024, 6, 25),
        date(2024, 5, 28),
    )
    assert due.reason == (
        "First review: within 20 working days of moving from short breaks to full-time care "
        "on 28 May 2024"
    )


def test_a_short_break_child_can_have_a_review_scheduled_on_the_reg_48_timetable(ivy) -> None:
    child = short_break_child(ivy, start=date(2024, 5, 1))
    response = schedule(client_for(ivy), child, date(2024, 6, 10))
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.regime, review.kind, review.due_date, review.counted_from) == (
        "short_breaks",
        "first",
        date(2024, 8, 1),
        date(2024, 5, 1),
    )
    page = text(client_for(ivy).get(reverse("reviews:detail", args=[review.public_id])))
    assert "Due by (reg. 48, short breaks)" in page


def test_the_child_page_says_a_short_break_review_is_due_and_why(ivy) -> None:
    child = short_break_child(ivy, start=date(2024, 5, 1), status="V4")
    page = text(client_for(ivy).get(reverse("children:detail", args=[child.public_id])))
    assert "Next review due by 1 August 2024" in page
    assert (
        "First short-break review: within 3 months of the first short break on 1 May 2024" in page
    )


def test_short_break_reviews_are_counted_apart_and_never_sent_to_the_903_reviews_table(
    ivy,
) -> None:
    on_breaks = short_break_child(ivy, start=date(2024, 1, 8))
    short_break = factories.held_review(on_breaks, held_on=date(2024, 3, 4))
    full_time = factories.looked_after_child(iro=ivy)
    looked_after = factories.held_review(full_time, held_on=date(2023, 4, 28))
    assert (short_break.regime, short_break.in_903_reviews) == ("short_breaks", False)
    assert looked_after.in_903_reviews
    assert list(Review.objects.reg33()) == [looked_after]
    assert list(Review.objects.for_903_reviews()) == [looked_after]
    timeliness = selectors.review_timeliness(Review.objects.all())
    assert (timeliness.in_time, timeliness.late, timeliness.unknown) == (1, 0, 0)


def test_a_child_moving_from_short_breaks_to_full_time_care_is_not_overdue_at_once(ivy) -> None:
    child = short_break_child(ivy, start=date(2023, 4, 3))
    factories.held_review(child, held_on=date(2023, 6, 30))
    child_services.episode_record(
        by=ivy,
        child=child,
        episode=child_services.EpisodeData(
            start_date=date(2024, 5, 28),
            reason_new_episode="L",
            legal_status="C2",
            placement_type="U4",
            placement_provider="PR1",
        ),
    )
    due = selectors.next_review_for(child)
    assert due is not None
    assert (due.regime, due.kind, due.due) == ("reg33", "first", date(2024, 6, 25))
    page = text(client_for(ivy).get(reverse("children:detail", args=[child.public_id])))
    assert "Next review due by 25 June 2024" in page
    caseload = text(client_for(ivy).get(reverse("reviews:caseload")))
    assert "Overdue by" not in caseload  # the tag; "Overdue" is also a filter choice
