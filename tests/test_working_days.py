from datetime import date, timedelta

import pytest

from iro_service.working_days import (
    add_working_days,
    is_working_day,
    subtract_working_days,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2020, 4, 1), True, id="ordinary-wednesday"),
        pytest.param(date(2020, 4, 4), False, id="saturday"),
        pytest.param(date(2020, 4, 5), False, id="sunday"),
        pytest.param(date(2020, 4, 10), False, id="good-friday-2020"),
        pytest.param(date(2020, 4, 13), False, id="easter-monday-2020"),
        pytest.param(date(2024, 3, 29), False, id="good-friday-in-march-2024"),
        pytest.param(date(2024, 4, 1), False, id="easter-monday-2024"),
        pytest.param(date(2020, 5, 4), True, id="first-monday-of-may-2020-was-moved"),
        pytest.param(date(2020, 5, 8), False, id="ve-day-early-may-bank-holiday-2020"),
        pytest.param(date(2020, 5, 25), False, id="spring-bank-holiday-2020"),
        pytest.param(date(2020, 8, 31), False, id="summer-bank-holiday-2020"),
        pytest.param(date(2020, 12, 24), True, id="christmas-eve-2020"),
        pytest.param(date(2020, 12, 25), False, id="christmas-day-2020-friday"),
        pytest.param(date(2020, 12, 26), False, id="boxing-day-2020-saturday"),
        pytest.param(date(2020, 12, 28), False, id="substitute-boxing-day-2020"),
        pytest.param(date(2020, 12, 29), True, id="first-working-day-after-christmas-2020"),
        pytest.param(date(2021, 1, 1), False, id="new-years-day-2021"),
        pytest.param(date(2021, 12, 27), False, id="substitute-christmas-day-2021"),
        pytest.param(date(2021, 12, 28), False, id="substitute-boxing-day-2021"),
        pytest.param(date(2022, 1, 3), False, id="substitute-new-years-day-2022"),
        pytest.param(date(2022, 6, 2), False, id="moved-spring-bank-holiday-2022"),
        pytest.param(date(2022, 6, 3), False, id="platinum-jubilee-2022"),
        pytest.param(date(2022, 5, 30), True, id="last-monday-of-may-2022-was-moved"),
        pytest.param(date(2022, 9, 19), False, id="state-funeral-2022"),
        pytest.param(date(2022, 12, 27), False, id="substitute-christmas-day-2022"),
        pytest.param(date(2023, 5, 8), False, id="coronation-2023"),
        pytest.param(date(2024, 2, 29), True, id="leap-day-2024-thursday"),
        pytest.param(date(2020, 1, 2), True, id="scotland-only-2-january"),
        pytest.param(date(2020, 11, 30), True, id="scotland-only-st-andrews-day"),
        pytest.param(date(2021, 3, 17), True, id="northern-ireland-only-st-patricks-day"),
        pytest.param(date(2021, 7, 12), True, id="northern-ireland-only-battle-of-the-boyne"),
    ],
)
def test_is_working_day_follows_the_england_and_wales_calendar(day, expected):
    assert is_working_day(day) is expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(date(2020, 4, 1), 20, date(2020, 5, 1), id="first-review-over-easter-2020"),
        pytest.param(date(2020, 12, 18), 5, date(2020, 12, 29), id="over-christmas-2020"),
        pytest.param(date(2020, 4, 3), 1, date(2020, 4, 6), id="friday-to-monday"),
        pytest.param(date(2020, 4, 9), 1, date(2020, 4, 14), id="over-easter-weekend"),
        pytest.param(date(2020, 5, 7), 1, date(2020, 5, 11), id="over-8-may-2020"),
        pytest.param(date(2022, 9, 16), 1, date(2022, 9, 20), id="over-state-funeral"),
        pytest.param(date(2022, 6, 1), 1, date(2022, 6, 6), id="over-platinum-jubilee"),
        pytest.param(date(2020, 4, 4), 1, date(2020, 4, 6), id="from-a-saturday"),
        pytest.param(date(2020, 12, 25), 1, date(2020, 12, 29), id="from-christmas-day"),
        pytest.param(date(2024, 2, 28), 1, date(2024, 2, 29), id="onto-leap-day"),
        pytest.param(date(2021, 12, 24), 1, date(2021, 12, 29), id="over-christmas-2021"),
        pytest.param(date(2020, 12, 31), 1, date(2021, 1, 4), id="over-new-year"),
    ],
)
def test_add_working_days_returns_the_nth_working_day_after_start(start, n, expected):
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize(
    "start",
    [date(2020, 4, 1), date(2020, 4, 4), date(2020, 12, 25)],
    ids=["working-day", "saturday", "bank-holiday"],
)
def test_adding_zero_working_days_returns_start_unchanged(start):
    assert add_working_days(start, 0) == start


def test_adding_negative_working_days_is_refused():
    with pytest.raises(ValueError, match="zero or more"):
        add_working_days(date(2020, 4, 1), -1)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        pytest.param(date(2020, 12, 29), 2, date(2020, 12, 23), id="back-over-christmas-2020"),
        pytest.param(date(2020, 4, 14), 2, date(2020, 4, 8), id="back-over-easter-2020"),
        pytest.param(date(2022, 9, 20), 2, date(2022, 9, 15), id="back-over-state-funeral"),
        pytest.param(date(2020, 6, 8), 2, date(2020, 6, 4), id="monday-back-to-thursday"),
        pytest.param(date(2020, 5, 11), 1, date(2020, 5, 7), id="back-over-8-may-2020"),
        pytest.param(date(2024, 3, 1), 1, date(2024, 2, 29), id="back-onto-leap-day"),
        pytest.param(date(2021, 1, 4), 1, date(2020, 12, 31), id="back-over-new-year"),
    ],
)
def test_subtract_working_days_returns_the_nth_working_day_before_start(start, n, expected):
    assert subtract_working_days(start, n) == expected


def test_subtracting_zero_working_days_returns_start_unchanged():
    assert subtract_working_days(date(2020, 12, 25), 0) == date(2020, 12, 25)


def test_subtracting_negative_working_days_is_refused():
    with pytest.raises(ValueError, match="zero or more"):
        subtract_working_days(date(2020, 4, 1), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(date(2020, 4, 1), date(2020, 5, 1), 20, id="first-review-window-2020"),
        pytest.param(date(2020, 12, 18), date(2020, 12, 29), 5, id="over-christmas-2020"),
        pytest.param(date(2020, 4, 3), date(2020, 4, 4), 0, id="friday-to-saturday"),
        pytest.param(date(2020, 4, 3), date(2020, 4, 6), 1, id="friday-to-monday"),
        pytest.param(date(2020, 4, 9), date(2020, 4, 13), 0, id="thursday-to-easter-monday"),
        pytest.param(date(2020, 4, 1), date(2020, 4, 1), 0, id="same-day"),
        pytest.param(date(2020, 5, 1), date(2020, 4, 1), 0, id="end-before-start"),
        # 262 weekdays in 2020 less 8 weekday bank holidays in England.
        pytest.param(date(2019, 12, 31), date(2020, 12, 31), 254, id="whole-of-2020"),
    ],
)
def test_working_days_between_counts_days_after_start_up_to_and_including_end(start, end, expected):
    assert working_days_between(start, end) == expected


@pytest.mark.parametrize("n", [1, 2, 5, 20])
def test_working_days_between_undoes_add_working_days_for_every_start_in_2020_to_2024(n):
    day = date(2020, 1, 1)
    while day <= date(2024, 12, 31):
        end = add_working_days(day, n)
        assert working_days_between(day, end) == n, day
        assert subtract_working_days(end, n) <= day, day
        assert is_working_day(end), day
        day += timedelta(days=1)
