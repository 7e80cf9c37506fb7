"""The issue 8 reviews migration keeps every row and stores unknown due dates as unknown."""

from collections.abc import Iterator
from datetime import date

import pytest
from django.db.migrations.state import StateApps

from tests.migrating import latest_but, migrate, migrated_back_to

BEFORE = ("reviews", "0004_bounded_text")


@pytest.fixture
def before(transactional_db: None) -> Iterator[StateApps]:
    with migrated_back_to(latest_but(BEFORE)) as apps:
        yield apps


def _review(apps: StateApps, period, *, due: date, **fields: object):
    return apps.get_model("reviews", "Review").objects.create(
        child_id=period.child_id,
        period=period,
        kind=fields.pop("kind", "later"),
        due_date=due,
        counted_from=fields.pop("counted_from", period.start_date),
        **fields,
    )


@pytest.mark.django_db(transaction=True)
def test_placeholder_due_dates_become_unknown_and_every_review_is_kept(before) -> None:
    model = before.get_model
    child = model("children", "Child").objects.create(
        child_ref="C1", first_name="Lee", last_name="Long", date_of_birth=date(2012, 5, 17), sex="F"
    )
    other = model("children", "Child").objects.create(
        child_ref="C2", first_name="Amy", last_name="Own", date_of_birth=date(2012, 5, 17), sex="F"
    )
    # Lee: looked after since 2015, but the earliest episode held starts in 2021.
    long_period = model("children", "PeriodOfCare").objects.create(
        child=child, start_date=date(2015, 3, 2)
    )
    model("children", "Episode").objects.create(
        child=child,
        period=long_period,
        start_date=date(2021, 4, 6),
        reason_new_episode="P",
        legal_status="C2",
        placement_type="U4",
    )
    period = model("children", "PeriodOfCare").objects.create(
        child=other, start_date=date(2023, 4, 3)
    )
    model("children", "Episode").objects.create(
        child=other,
        period=period,
        start_date=date(2023, 4, 3),
        reason_new_episode="S",
        legal_status="C2",
        placement_type="U4",
    )
    held = {"status": "final", "finalised_on": date(2021, 6, 1)}
    first = _review(
        before,
        long_period,
        due=date(2015, 3, 30),
        kind="first",
        held_on=date(2021, 5, 10),
        late_reason="other",
        **held,
    )
    second = _review(
        before,
        long_period,
        due=date(2021, 8, 10),
        kind="second",
        counted_from=date(2021, 5, 10),
        held_on=date(2021, 11, 8),
        late_reason="other",
        **held,
    )
    third = _review(before, long_period, due=date(2022, 5, 8), counted_from=date(2021, 11, 8))
    cancelled = _review(before, period, due=date(2023, 5, 4), kind="first", status="cancelled")
    kept = _review(
        before, period, due=date(2023, 5, 4), kind="first", held_on=date(2023, 4, 28), **held
    )
    ids = [r.public_id for r in (first, second, third, cancelled, kept)]

    apps = migrate()
    reviews = {r.public_id: r for r in apps.get_model("reviews", "Review").objects.all()}
    assert set(reviews) == set(ids)
    first, second, third, cancelled, kept = (reviews[i] for i in ids)
    for unknown in (first, second):
        assert (unknown.kind, unknown.due_date, unknown.counted_from) == ("unknown", None, None)
        assert unknown.late_reason == "other"  # kept as recorded
    assert (third.kind, third.due_date) == ("later", date(2022, 5, 8))
    assert (kept.kind, kept.due_date, kept.regime) == ("first", date(2023, 5, 4), "reg33")
    assert (cancelled.status, cancelled.cancelled_reason) == ("cancelled", "Reason not recorded")
