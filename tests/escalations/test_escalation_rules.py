from datetime import date
from itertools import product

import pytest

from escalations.rules import (
    DEFAULT_STAGE_WORKING_DAYS,
    STAGE_ORDER,
    TOTAL_WORKING_DAYS,
    allowed_moves,
    can_move,
    is_skip,
    next_stage,
    overall_due,
    response_due,
    working_days_open,
)

# One step up the ladder.
STEPS = {
    ("informal", "stage_1"),
    ("stage_1", "stage_2"),
    ("stage_2", "stage_3"),
    ("stage_3", "stage_4"),
    ("stage_4", "cafcass"),
}
# More than one step up: allowed, but the IRO must give a reason.
SKIPS = {
    ("informal", "stage_2"),
    ("informal", "stage_3"),
    ("informal", "stage_4"),
    ("informal", "cafcass"),
    ("stage_1", "stage_3"),
    ("stage_1", "stage_4"),
    ("stage_1", "cafcass"),
    ("stage_2", "stage_4"),
    ("stage_2", "cafcass"),
    ("stage_3", "cafcass"),
}
ALLOWED = STEPS | SKIPS
REFUSED = sorted(set(product(STAGE_ORDER, STAGE_ORDER)) - ALLOWED)


def _id(move):
    return f"{move[0]}-to-{move[1]}"


def test_ladder_and_timescales_match_the_iro_handbook():
    assert STAGE_ORDER == ("informal", "stage_1", "stage_2", "stage_3", "stage_4", "cafcass")
    assert TOTAL_WORKING_DAYS == 20
    assert DEFAULT_STAGE_WORKING_DAYS == 5


def test_every_pair_of_stages_is_either_allowed_or_refused():
    assert len(ALLOWED) == 15
    assert len(REFUSED) == 21


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("informal", "stage_1"),
        ("stage_1", "stage_2"),
        ("stage_2", "stage_3"),
        ("stage_3", "stage_4"),
        ("stage_4", "cafcass"),
        ("cafcass", None),
    ],
)
def test_next_stage_is_one_level_of_seniority_up(stage, expected):
    assert next_stage(stage) == expected


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("informal", ("stage_1", "stage_2", "stage_3", "stage_4", "cafcass")),
        ("stage_1", ("stage_2", "stage_3", "stage_4", "cafcass")),
        ("stage_2", ("stage_3", "stage_4", "cafcass")),
        ("stage_3", ("stage_4", "cafcass")),
        ("stage_4", ("cafcass",)),
        ("cafcass", ()),
    ],
)
def test_allowed_moves_are_every_later_stage_in_order(stage, expected):
    assert allowed_moves(stage) == expected


@pytest.mark.parametrize("move", sorted(ALLOWED), ids=_id)
def test_an_escalation_may_move_up_to_any_later_stage(move):
    assert can_move(*move) is True


@pytest.mark.parametrize("move", REFUSED, ids=_id)
def test_an_escalation_may_not_move_back_stay_put_or_go_beyond_cafcass(move):
    assert can_move(*move) is False


@pytest.mark.parametrize("move", sorted(STEPS), ids=_id)
def test_moving_one_stage_up_is_not_a_skip(move):
    assert is_skip(*move) is False


@pytest.mark.parametrize("move", sorted(SKIPS), ids=_id)
def test_moving_more_than_one_stage_up_is_a_skip(move):
    assert is_skip(*move) is True


@pytest.mark.parametrize("move", REFUSED, ids=_id)
def test_a_refused_move_is_neither_a_skip_nor_a_step(move):
    with pytest.raises(ValueError, match="cannot move"):
        is_skip(*move)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: next_stage("stage_5"), id="next-stage"),
        pytest.param(lambda: allowed_moves("Stage 1"), id="allowed-moves"),
        pytest.param(lambda: can_move("informal", "court"), id="can-move-to"),
        pytest.param(lambda: can_move("court", "cafcass"), id="can-move-from"),
        pytest.param(lambda: is_skip("", "cafcass"), id="is-skip"),
    ],
)
def test_unknown_stages_are_refused(call):
    with pytest.raises(ValueError, match="Unknown escalation stage"):
        call()


@pytest.mark.parametrize(
    ("stage_started", "working_days", "expected"),
    [
        pytest.param(date(2020, 12, 18), 5, date(2020, 12, 29), id="over-christmas-2020"),
        pytest.param(date(2020, 4, 8), 5, date(2020, 4, 17), id="over-easter-2020"),
        pytest.param(date(2020, 5, 4), 5, date(2020, 5, 12), id="over-8-may-2020"),
        pytest.param(date(2022, 9, 15), 5, date(2022, 9, 23), id="over-state-funeral-2022"),
        pytest.param(date(2024, 2, 26), 5, date(2024, 3, 4), id="over-leap-day-2024"),
        pytest.param(date(2020, 6, 6), 5, date(2020, 6, 12), id="started-on-a-saturday"),
        pytest.param(date(2020, 6, 1), 10, date(2020, 6, 15), id="ten-working-days"),
        pytest.param(date(2020, 6, 1), 0, date(2020, 6, 1), id="zero-working-days"),
    ],
)
def test_stage_response_is_due_a_number_of_working_days_after_the_stage_started(
    stage_started, working_days, expected
):
    assert response_due(stage_started, working_days) == expected


def test_default_stage_response_over_christmas_2020_is_due_29_december():
    assert response_due(date(2020, 12, 18), DEFAULT_STAGE_WORKING_DAYS) == date(2020, 12, 29)


@pytest.mark.parametrize(
    ("raised_on", "expected"),
    [
        pytest.param(date(2020, 12, 18), date(2021, 1, 20), id="over-christmas-2020"),
        pytest.param(date(2020, 4, 1), date(2020, 5, 1), id="over-easter-2020"),
        pytest.param(date(2022, 9, 1), date(2022, 9, 30), id="over-state-funeral-2022"),
        pytest.param(date(2024, 2, 1), date(2024, 2, 29), id="onto-leap-day-2024"),
    ],
)
def test_whole_process_is_due_20_working_days_after_it_was_raised(raised_on, expected):
    assert overall_due(raised_on) == expected


@pytest.mark.parametrize(
    ("raised_on", "today", "expected"),
    [
        pytest.param(date(2020, 12, 18), date(2020, 12, 18), 0, id="raised-today"),
        pytest.param(date(2020, 12, 18), date(2020, 12, 21), 1, id="over-a-weekend"),
        pytest.param(date(2020, 12, 18), date(2020, 12, 28), 4, id="on-substitute-boxing-day"),
        pytest.param(date(2020, 12, 18), date(2020, 12, 29), 5, id="after-christmas"),
        pytest.param(date(2020, 12, 18), date(2021, 1, 20), 20, id="on-the-overall-due-date"),
        pytest.param(date(2020, 12, 18), date(2021, 1, 21), 21, id="past-the-overall-due-date"),
        pytest.param(date(2020, 12, 18), date(2020, 12, 1), 0, id="today-before-raised"),
    ],
)
def test_working_days_open_counts_working_days_since_raised(raised_on, today, expected):
    assert working_days_open(raised_on, today) == expected


def test_an_escalation_is_open_exactly_20_working_days_on_its_overall_due_date():
    for raised_on in (date(2020, 4, 1), date(2020, 12, 18), date(2022, 9, 1), date(2024, 2, 1)):
        assert working_days_open(raised_on, overall_due(raised_on)) == TOTAL_WORKING_DAYS
