"""Moving the reason for a placement change onto the episode that ended keeps every value."""

from collections.abc import Iterator
from datetime import date

import pytest
from django.db.migrations.state import StateApps

from tests.migrating import migrate, migrated_back_to

BEFORE = [("children", "0004_shared_core")]
AFTER = [("children", "0005_reason_place_change_on_ended_episode")]


@pytest.fixture
def before(transactional_db: None) -> Iterator[StateApps]:
    with migrated_back_to(BEFORE) as apps:
        yield apps


def _episode(apps, child, period, start, end=None, rne="P", rec="", rpc="", place="U4"):
    return apps.get_model("children", "Episode").objects.create(
        child=child,
        period=period,
        start_date=start,
        end_date=end,
        reason_new_episode=rne,
        legal_status="C2",
        placement_type=place,
        placement_provider="PR1",
        reason_ceased=rec,
        reason_place_change=rpc,
    )


def test_each_reason_moves_to_the_episode_that_ended_that_day_and_none_is_lost(before) -> None:
    apps = before
    child_model = apps.get_model("children", "Child")
    periods = apps.get_model("children", "PeriodOfCare")
    child = child_model.objects.create(
        child_ref="C1", first_name="Amy", last_name="Own", date_of_birth=date(2012, 5, 17), sex="F"
    )
    first_period = periods.objects.create(
        child=child, start_date=date(2020, 1, 6), end_date=date(2022, 1, 10), reason_ceased="E4A"
    )
    period = periods.objects.create(child=child, start_date=date(2022, 1, 10))
    # It ended the day the next period began, but in another period: no reason moves onto it.
    one = _episode(apps, child, first_period, date(2020, 1, 6), date(2022, 1, 10), "S", "E4A")
    # A return to care that carried a reason, then two moves: each reason moves back one
    # episode, and the return to care's own reason has no episode to go to.
    two = _episode(apps, child, period, date(2022, 1, 10), date(2022, 6, 1), "S", "X1", "CARPL")
    three = _episode(apps, child, period, date(2022, 6, 1), date(2023, 2, 1), "P", "X1", "ALLEG")
    four = _episode(apps, child, period, date(2023, 2, 1), None, "T", "", "CHILD")

    after = migrate(AFTER)
    episodes = after.get_model("children", "Episode")
    moved = {e.pk: e for e in episodes.objects.filter(child_id=child.pk)}
    assert moved[one.pk].reason_place_change == ""
    assert moved[two.pk].reason_place_change == "ALLEG"
    assert moved[three.pk].reason_place_change == "CHILD"
    assert moved[four.pk].reason_place_change == ""
    assert moved[two.pk].version == two.version + 1
    # The reason the first episode of the period held had no episode to go to: kept in the log.
    audit = after.get_model("audit", "AuditEvent")
    kept = audit.objects.get(object_id=str(two.public_id))
    assert kept.changes == {"reason_place_change": {"before": "CARPL", "after": ""}}
    assert kept.child_id == child.pk
    assert episodes.objects.count() == 4


def test_the_migration_goes_back_and_the_reasons_return_to_the_new_episodes(before) -> None:
    apps = before
    child_model = apps.get_model("children", "Child")
    periods = apps.get_model("children", "PeriodOfCare")
    child = child_model.objects.create(
        child_ref="C2", first_name="Bo", last_name="Back", date_of_birth=date(2012, 5, 17), sex="M"
    )
    period = periods.objects.create(child=child, start_date=date(2022, 1, 10))
    first = _episode(apps, child, period, date(2022, 1, 10), date(2022, 6, 1), "S", "X1")
    second = _episode(apps, child, period, date(2022, 6, 1), None, "P", "", "CARPL")
    migrate(AFTER)
    back = migrate(BEFORE)
    episodes = back.get_model("children", "Episode")
    assert episodes.objects.get(pk=first.pk).reason_place_change == ""
    assert episodes.objects.get(pk=second.pk).reason_place_change == "CARPL"
