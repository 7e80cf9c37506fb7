"""Response and overall due dates in working days, across bank holidays and weekends."""

from datetime import date, timedelta

import pytest

from escalations.models import Escalation, Stage, stage_working_days
from tests.escalations.conftest import make_escalation


@pytest.mark.parametrize(
    ("started", "response_due", "overall_due"),
    [
        # Christmas Day, Boxing Day (Saturday) and the 28 December substitute day.
        (date(2020, 12, 18), date(2020, 12, 29), date(2021, 1, 20)),
        # Good Friday and Easter Monday 2021, then the early May bank holiday.
        (date(2021, 4, 1), date(2021, 4, 12), date(2021, 5, 4)),
        # The one-off VE Day bank holiday (Friday 8 May 2020), then the spring bank holiday.
        (date(2020, 5, 4), date(2020, 5, 12), date(2020, 6, 3)),
        # The Queen's funeral, Monday 19 September 2022.
        (date(2022, 9, 16), date(2022, 9, 26), date(2022, 10, 17)),
        # A leap year's February end, raised on a Friday.
        (date(2024, 2, 23), date(2024, 3, 1), date(2024, 3, 22)),
    ],
)
def test_due_dates_skip_weekends_and_bank_holidays(started, response_due, overall_due):
    escalation = Escalation(
        stage=Stage.STAGE_1, raised_on=started, formal_on=started, stage_started_on=started
    )
    assert escalation.response_due == response_due
    assert escalation.overall_due == overall_due


def test_stage_timescales_come_from_settings(settings):
    settings.ESCALATION_STAGE_WORKING_DAYS = {"stage_2": 10}
    assert stage_working_days("stage_2") == 10
    assert stage_working_days("stage_1") == 5
    escalation = Escalation(
        stage=Stage.STAGE_2, raised_on=date(2020, 12, 18), stage_started_on=date(2020, 12, 18)
    )
    assert escalation.response_due == date(2021, 1, 6)


def test_working_days_open_stop_counting_at_closure():
    escalation = Escalation(raised_on=date(2020, 12, 18), closed_on=date(2020, 12, 29))
    assert escalation.working_days_open(date(2021, 3, 1)) == 5


@pytest.mark.django_db
def test_the_overdue_filter_agrees_with_each_escalations_due_date(ivy, ivys_child):
    started = [date(2020, 12, 1) + timedelta(days=n) for n in range(40)]
    for day in started:
        make_escalation(child=ivys_child, by=ivy, raised_on=day, areas=())
    for today in [date(2020, 12, 24), date(2020, 12, 29), date(2020, 12, 30), date(2021, 1, 5)]:
        in_sql = set(Escalation.objects.overdue_on(today).values_list("pk", flat=True))
        in_python = {e.pk for e in Escalation.objects.all() if e.is_overdue_on(today)}
        assert in_sql == in_python, today
        assert in_sql
