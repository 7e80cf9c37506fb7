import dataclasses
from datetime import date, timedelta

import pytest

from children.codes import collection_year, collection_year_label
from reviews.rules import (
    FIRST_REVIEW_WORKING_DAYS,
    LATER_REVIEW_MONTHS,
    SECOND_REVIEW_MONTHS,
    SHORT_BREAK_LEGAL_STATUSES,
    ReviewDue,
    ReviewKind,
    first_review_due,
    furthest_schedulable,
    is_in_time,
    is_short_breaks,
    later_review_due,
    next_review_due,
    pre_meeting_oversight_due,
    quarter_of,
    rag_follow_up_due,
    rag_follow_up_window,
    regime_of,
    reporting_year_bounds,
    second_review_due,
)


def test_statutory_timescales_match_regulation_33():
    assert FIRST_REVIEW_WORKING_DAYS == 20
    assert SECOND_REVIEW_MONTHS == 3
    assert LATER_REVIEW_MONTHS == 6
    assert frozenset({"V3", "V4"}) == SHORT_BREAK_LEGAL_STATUSES


# First review -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period_start", "expected"),
    [
        pytest.param(date(2020, 4, 1), date(2020, 5, 1), id="over-easter-2020"),
        pytest.param(date(2020, 4, 4), date(2020, 5, 5), id="start-on-a-saturday"),
        pytest.param(date(2020, 4, 5), date(2020, 5, 5), id="start-on-a-sunday"),
        pytest.param(date(2020, 4, 10), date(2020, 5, 12), id="start-on-good-friday"),
        pytest.param(date(2020, 12, 25), date(2021, 1, 26), id="start-on-christmas-day"),
        pytest.param(date(2020, 12, 18), date(2021, 1, 20), id="over-christmas-2020"),
        pytest.param(date(2020, 4, 20), date(2020, 5, 19), id="over-8-may-2020"),
        pytest.param(date(2022, 9, 1), date(2022, 9, 30), id="over-state-funeral-2022"),
        pytest.param(date(2024, 2, 1), date(2024, 2, 29), id="onto-leap-day-2024"),
        pytest.param(date(2021, 6, 1), date(2021, 6, 29), id="no-bank-holidays"),
    ],
)
def test_first_review_is_due_20_working_days_after_becoming_looked_after(period_start, expected):
    assert first_review_due(period_start) == expected


# Second and later reviews -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_review_held", "expected"),
    [
        pytest.param(date(2020, 5, 1), date(2020, 8, 1), id="ordinary"),
        pytest.param(date(2020, 5, 31), date(2020, 8, 31), id="month-end-to-month-end"),
        pytest.param(date(2020, 11, 30), date(2021, 2, 28), id="to-february-28"),
        pytest.param(date(2023, 11, 30), date(2024, 2, 29), id="to-leap-day"),
        pytest.param(date(2020, 12, 31), date(2021, 3, 31), id="over-new-year"),
        pytest.param(date(2021, 1, 31), date(2021, 4, 30), id="31-january-to-30-april"),
        pytest.param(date(2024, 2, 29), date(2024, 5, 29), id="from-leap-day"),
        pytest.param(date(2021, 1, 1), date(2021, 4, 1), id="calendar-months-not-91-days"),
    ],
)
def test_second_review_is_due_3_calendar_months_after_the_first(first_review_held, expected):
    assert second_review_due(first_review_held) == expected


@pytest.mark.parametrize(
    ("previous_review_held", "expected"),
    [
        pytest.param(date(2020, 8, 31), date(2021, 2, 28), id="31-august-to-28-february"),
        pytest.param(date(2023, 8, 31), date(2024, 2, 29), id="31-august-to-leap-day"),
        pytest.param(date(2020, 3, 31), date(2020, 9, 30), id="31-march-to-30-september"),
        pytest.param(date(2020, 10, 31), date(2021, 4, 30), id="over-new-year"),
        pytest.param(date(2024, 2, 29), date(2024, 8, 29), id="from-leap-day"),
        pytest.param(date(2021, 1, 1), date(2021, 7, 1), id="calendar-months-not-183-days"),
    ],
)
def test_later_review_is_due_6_calendar_months_after_the_previous(previous_review_held, expected):
    assert later_review_due(previous_review_held) == expected


def test_month_based_due_date_is_not_moved_off_a_weekend():
    # Reg. 33 says "not more than" so many months: a Sunday due date stays a Sunday.
    due = later_review_due(date(2020, 8, 31))
    assert due == date(2021, 2, 28)
    assert due.weekday() == 6


# Next review in a period of care --------------------------------------------------------


def test_with_no_reviews_held_the_first_review_is_next():
    assert next_review_due(period_start=date(2020, 4, 1), held_reviews=[]) == ReviewDue(
        kind=ReviewKind.FIRST,
        due=date(2020, 5, 1),
        counted_from=date(2020, 4, 1),
        reason="First review: within 20 working days of becoming looked after on 1 April 2020",
    )


def test_after_the_first_review_the_second_is_due_3_months_from_its_actual_date():
    assert next_review_due(
        period_start=date(2020, 4, 1), held_reviews=[date(2020, 4, 29)]
    ) == ReviewDue(
        kind=ReviewKind.SECOND,
        due=date(2020, 7, 29),
        counted_from=date(2020, 4, 29),
        reason="Second review: within 3 months of the first review on 29 April 2020",
    )


def test_after_two_reviews_the_next_is_due_6_months_from_the_latest():
    assert next_review_due(
        period_start=date(2020, 4, 1), held_reviews=[date(2020, 4, 29), date(2020, 7, 28)]
    ) == ReviewDue(
        kind=ReviewKind.LATER,
        due=date(2021, 1, 28),
        counted_from=date(2020, 7, 28),
        reason="Later review: within 6 months of the previous review on 28 July 2020",
    )


def test_later_reviews_keep_counting_6_months_from_the_latest_held():
    result = next_review_due(
        period_start=date(2020, 4, 1),
        held_reviews=[date(2020, 4, 29), date(2020, 7, 28), date(2021, 1, 20), date(2021, 7, 1)],
    )
    assert (result.kind, result.due, result.counted_from) == (
        ReviewKind.LATER,
        date(2022, 1, 1),
        date(2021, 7, 1),
    )


def test_held_reviews_are_sorted_before_choosing_the_latest():
    result = next_review_due(
        period_start=date(2020, 4, 1),
        held_reviews=[date(2021, 1, 20), date(2020, 4, 29), date(2020, 7, 28)],
    )
    assert (result.kind, result.counted_from, result.due) == (
        ReviewKind.LATER,
        date(2021, 1, 20),
        date(2021, 7, 20),
    )


def test_an_early_first_review_brings_the_second_review_forward():
    on_time = next_review_due(period_start=date(2020, 4, 1), held_reviews=[date(2020, 5, 1)])
    early = next_review_due(period_start=date(2020, 4, 1), held_reviews=[date(2020, 4, 15)])
    assert on_time.due == date(2020, 8, 1)
    assert early.due == date(2020, 7, 15)


def test_an_early_later_review_brings_the_next_review_forward():
    held = [date(2020, 4, 29), date(2020, 7, 28)]
    due_before = next_review_due(period_start=date(2020, 4, 1), held_reviews=held).due
    brought_forward = next_review_due(
        period_start=date(2020, 4, 1), held_reviews=[*held, date(2020, 10, 1)]
    )
    assert due_before == date(2021, 1, 28)
    assert brought_forward.due == date(2021, 4, 1)


def test_a_new_period_of_care_restarts_with_a_first_review():
    result = next_review_due(period_start=date(2021, 3, 1), held_reviews=[])
    assert (result.kind, result.due) == (ReviewKind.FIRST, date(2021, 3, 29))


def test_a_review_on_the_day_care_began_counts_in_the_period():
    result = next_review_due(period_start=date(2020, 4, 1), held_reviews=[date(2020, 4, 1)])
    assert (result.kind, result.due) == (ReviewKind.SECOND, date(2020, 7, 1))


def test_a_review_before_the_period_of_care_began_is_refused():
    with pytest.raises(ValueError, match="before the period of care"):
        next_review_due(period_start=date(2020, 4, 1), held_reviews=[date(2020, 3, 31)])


def test_review_due_cannot_be_changed_after_it_is_made():
    result = next_review_due(period_start=date(2020, 4, 1), held_reviews=[])
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.due = date(2020, 6, 1)  # type: ignore[misc]


def test_review_kind_values_are_plain_strings():
    assert [str(kind) for kind in ReviewKind] == ["first", "second", "later", "unknown"]


def test_review_kind_is_the_one_the_model_stores():
    from reviews.models import Review

    assert Review._meta.get_field("kind").choices == ReviewKind.choices


# How far ahead a review can be booked ---------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        pytest.param(date(2024, 6, 3), date(2025, 6, 3), id="ordinary"),
        pytest.param(date(2024, 2, 29), date(2025, 2, 28), id="from-leap-day"),
        pytest.param(date(2023, 12, 31), date(2024, 12, 31), id="over-new-year"),
    ],
)
def test_a_review_can_be_booked_up_to_12_calendar_months_ahead(today, expected):
    assert furthest_schedulable(today) == expected


def test_the_booking_limit_leaves_room_for_the_longest_reg_33_interval():
    today = date(2024, 6, 3)
    assert later_review_due(today) < furthest_schedulable(today)


# In time ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "due", "expected"),
    [
        pytest.param(date(2020, 5, 1), date(2020, 5, 1), True, id="on-the-due-date"),
        pytest.param(date(2020, 4, 30), date(2020, 5, 1), True, id="day-before"),
        pytest.param(date(2020, 4, 2), date(2020, 5, 1), True, id="well-before"),
        pytest.param(date(2020, 5, 2), date(2020, 5, 1), False, id="day-after"),
        pytest.param(date(2021, 3, 1), date(2021, 2, 28), False, id="day-after-month-end"),
    ],
)
def test_a_review_is_in_time_when_held_on_or_before_its_due_date(held, due, expected):
    assert is_in_time(held=held, due=due) is expected


# Legal statuses -------------------------------------------------------------------------


@pytest.mark.parametrize("legal_status", ["V3", "V4", "v3", " V4 "])
def test_short_break_legal_statuses_are_reviewed_on_the_reg_48_timetable(legal_status):
    assert is_short_breaks(legal_status) is True
    assert regime_of(legal_status) == "short_breaks"


@pytest.mark.parametrize(
    "legal_status", ["C1", "C2", "D1", "E1", "V2", "L1", "L2", "L3", "J1", "J2", "J3"]
)
def test_other_legal_statuses_are_reviewed_on_the_reg_33_timetable(legal_status):
    assert is_short_breaks(legal_status) is False
    assert regime_of(legal_status) == "reg33"


# Pre-meeting oversight -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("review_date", "expected"),
    [
        pytest.param(date(2020, 6, 10), date(2020, 6, 8), id="midweek"),
        pytest.param(date(2020, 6, 8), date(2020, 6, 4), id="monday-review-back-to-thursday"),
        pytest.param(date(2020, 4, 14), date(2020, 4, 8), id="back-over-easter-2020"),
        pytest.param(date(2020, 12, 29), date(2020, 12, 23), id="back-over-christmas-2020"),
        pytest.param(date(2022, 9, 20), date(2022, 9, 15), id="back-over-state-funeral"),
        pytest.param(date(2020, 5, 12), date(2020, 5, 7), id="back-over-8-may-2020"),
    ],
)
def test_pre_meeting_oversight_is_due_2_working_days_before_the_review(review_date, expected):
    assert pre_meeting_oversight_due(review_date) == expected


# RAG follow-up (local practice) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "held_on", "next_due", "expected"),
    [
        pytest.param(
            "red",
            date(2020, 6, 1),
            date(2020, 12, 1),
            (date(2020, 6, 1), date(2020, 6, 29)),
            id="red-from-immediately-to-4-weeks",
        ),
        pytest.param(
            "amber",
            date(2020, 6, 1),
            date(2020, 12, 1),
            (date(2020, 7, 6), date(2020, 7, 27)),
            id="amber-5-to-8-weeks",
        ),
        pytest.param(
            "green",
            date(2020, 6, 1),
            date(2020, 12, 1),
            (date(2020, 8, 17), date(2020, 9, 14)),
            id="green-two-weeks-either-side-of-midpoint",
        ),
        pytest.param(
            "green",
            date(2020, 6, 1),
            date(2020, 6, 21),
            (date(2020, 6, 1), date(2020, 6, 21)),
            id="green-clamped-to-short-interval",
        ),
        pytest.param(
            "green",
            date(2020, 6, 1),
            date(2020, 6, 2),
            (date(2020, 6, 1), date(2020, 6, 2)),
            id="green-one-day-interval",
        ),
        pytest.param(
            "red",
            date(2021, 2, 10),
            date(2021, 3, 1),
            (date(2021, 2, 10), date(2021, 3, 10)),
            id="red-not-clamped-to-next-review",
        ),
        pytest.param(
            "Amber",
            date(2024, 1, 31),
            date(2024, 7, 31),
            (date(2024, 3, 6), date(2024, 3, 27)),
            id="amber-over-leap-day-any-case",
        ),
    ],
)
def test_rag_follow_up_window_follows_local_practice(rating, held_on, next_due, expected):
    window = rag_follow_up_window(rating=rating, held_on=held_on, next_review_due=next_due)
    assert window == expected
    assert (
        rag_follow_up_due(rating=rating, held_on=held_on, next_review_due=next_due) == expected[1]
    )


def test_green_window_stays_between_the_meeting_and_next_review():
    held_on = date(2020, 6, 1)
    for interval in range(1, 200):
        next_due = held_on + timedelta(days=interval)
        start, end = rag_follow_up_window(rating="green", held_on=held_on, next_review_due=next_due)
        assert held_on <= start <= end <= next_due, interval


def test_green_window_needs_the_next_review_due_after_the_meeting():
    with pytest.raises(ValueError, match="after the meeting"):
        rag_follow_up_window(
            rating="green", held_on=date(2020, 6, 1), next_review_due=date(2020, 6, 1)
        )


def test_green_window_with_an_unknown_next_due_date_assumes_the_soonest_it_can_be():
    # The next review is due 3 or 6 months on: 3 months is assumed (1 September 2020).
    assert rag_follow_up_window(rating="green", held_on=date(2020, 6, 1), next_review_due=None) == (
        date(2020, 7, 3),
        date(2020, 7, 31),
    )


def test_unknown_rag_rating_is_refused():
    with pytest.raises(ValueError, match="Unknown RAG rating"):
        rag_follow_up_due(
            rating="blue", held_on=date(2020, 6, 1), next_review_due=date(2020, 12, 1)
        )


# Reporting periods -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2020, 4, 1), (date(2020, 4, 1), date(2020, 6, 30)), id="q1-first"),
        pytest.param(date(2020, 6, 30), (date(2020, 4, 1), date(2020, 6, 30)), id="q1-last"),
        pytest.param(date(2020, 7, 1), (date(2020, 7, 1), date(2020, 9, 30)), id="q2-first"),
        pytest.param(date(2020, 9, 30), (date(2020, 7, 1), date(2020, 9, 30)), id="q2-last"),
        pytest.param(date(2020, 10, 1), (date(2020, 10, 1), date(2020, 12, 31)), id="q3-first"),
        pytest.param(date(2020, 12, 31), (date(2020, 10, 1), date(2020, 12, 31)), id="q3-last"),
        pytest.param(date(2021, 1, 1), (date(2021, 1, 1), date(2021, 3, 31)), id="q4-first"),
        pytest.param(date(2021, 3, 31), (date(2021, 1, 1), date(2021, 3, 31)), id="q4-last"),
        pytest.param(date(2024, 2, 29), (date(2024, 1, 1), date(2024, 3, 31)), id="leap-day"),
    ],
)
def test_quarter_of_returns_the_reporting_quarter_containing_the_day(day, expected):
    assert quarter_of(day) == expected


def test_quarters_tile_the_reporting_year_across_the_new_year():
    first, last = reporting_year_bounds("2023-24")
    quarters = []
    day = first
    while day <= last:
        quarter = quarter_of(day)
        assert quarter[0] <= day <= quarter[1]
        if quarter not in quarters:
            quarters.append(quarter)
        day += timedelta(days=1)
    assert quarters == [
        (date(2023, 4, 1), date(2023, 6, 30)),
        (date(2023, 7, 1), date(2023, 9, 30)),
        (date(2023, 10, 1), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 3, 31)),
    ]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2020, 4, 1), "2020-21", id="first-day"),
        pytest.param(date(2020, 12, 31), "2020-21", id="new-years-eve"),
        pytest.param(date(2021, 1, 1), "2020-21", id="new-years-day"),
        pytest.param(date(2021, 3, 31), "2020-21", id="last-day"),
        pytest.param(date(2020, 3, 31), "2019-20", id="day-before"),
        pytest.param(date(2021, 4, 1), "2021-22", id="day-after"),
        pytest.param(date(1999, 4, 1), "1999-00", id="century-turn"),
        pytest.param(date(2009, 6, 1), "2009-10", id="decade-turn"),
    ],
)
def test_collection_year_labels_april_to_march_years(day, expected):
    assert collection_year_label(collection_year(day)) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2020-21", (date(2020, 4, 1), date(2021, 3, 31))),
        ("2023-24", (date(2023, 4, 1), date(2024, 3, 31))),
        ("1999-00", (date(1999, 4, 1), date(2000, 3, 31))),
    ],
)
def test_reporting_year_bounds_run_1_april_to_31_march(label, expected):
    assert reporting_year_bounds(label) == expected


@pytest.mark.parametrize(
    "label",
    [
        "",
        "2020",
        "2020-22",
        "2020-20",
        "2020/21",
        "2020-2021",
        "20-21",
        "2020-1",
        "abcd-ef",
        " 2020-21",
        "2020-21 ",
        "2020-21\n",
    ],
)
def test_malformed_reporting_year_labels_are_refused(label):
    with pytest.raises(ValueError, match="Reporting year"):
        reporting_year_bounds(label)


def test_reporting_year_label_and_bounds_agree_for_every_day_of_a_leap_reporting_year():
    day = date(2023, 4, 1)
    while day <= date(2024, 3, 31):
        first, last = reporting_year_bounds(collection_year_label(collection_year(day)))
        assert first <= day <= last
        day += timedelta(days=1)
