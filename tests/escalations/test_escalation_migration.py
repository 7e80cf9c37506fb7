"""The migration that adds formal-from, the response and who it is to keeps every escalation.

The escalations app is taken back to before it, escalations of each shape are written with
the historical models, and it is migrated forward: the day each became formal and the
current stage's response are read from the history rows; who it was to stays unknown.
"""

from collections.abc import Iterator
from datetime import date

import pytest
from django.db.migrations.state import StateApps

from escalations.models import Escalation
from tests import factories
from tests.migrating import migrate, migrated_back_to

BEFORE = [("escalations", "0004_bounded_text")]


@pytest.fixture
def before(transactional_db: None) -> Iterator[StateApps]:
    with migrated_back_to(BEFORE) as apps:
        yield apps


def _escalation(apps: StateApps, *, child, by, stage: str, raised_on: date, started: date, steps):
    model = apps.get_model("escalations", "Escalation")
    event = apps.get_model("escalations", "EscalationEvent")
    escalation = model.objects.create(
        child_id=child.pk,
        raised_by_id=by.pk,
        raised_on=raised_on,
        formal=stage != "informal",
        summary="Drift",
        stage=stage,
        stage_started_on=started,
    )
    for kind, at_stage, on in steps:
        event.objects.create(escalation=escalation, kind=kind, stage=at_stage, on=on, by_id=by.pk)
    return escalation.public_id


def test_every_escalation_is_kept_with_its_formal_day_and_current_response(before):
    apps = before
    iro = factories.IroFactory()
    child = factories.looked_after_child(iro=iro)
    shapes = {
        # Raised formally, answered at stage 1.
        "formal": (
            "stage_1",
            date(2024, 1, 8),
            date(2024, 1, 8),
            [("raised", "stage_1", date(2024, 1, 8)), ("response", "stage_1", date(2024, 1, 10))],
        ),
        # Raised informally, answered, moved to stage 1 (formal from then), then stage 2.
        "informal first": (
            "stage_2",
            date(2024, 1, 8),
            date(2024, 1, 22),
            [
                ("raised", "informal", date(2024, 1, 8)),
                ("response", "informal", date(2024, 1, 9)),
                ("escalated", "stage_1", date(2024, 1, 15)),
                ("response", "stage_1", date(2024, 1, 17)),
                ("escalated", "stage_2", date(2024, 1, 22)),
            ],
        ),
        # Informal, never answered.
        "informal": (
            "informal",
            date(2024, 2, 1),
            date(2024, 2, 1),
            [
                ("raised", "informal", date(2024, 2, 1)),
            ],
        ),
        # Answered, closed and reopened: waiting again.
        "reopened": (
            "stage_1",
            date(2024, 1, 8),
            date(2024, 2, 5),
            [
                ("raised", "stage_1", date(2024, 1, 8)),
                ("response", "stage_1", date(2024, 1, 9)),
                ("closed", "stage_1", date(2024, 1, 12)),
                ("reopened", "stage_1", date(2024, 2, 5)),
            ],
        ),
    }
    ids = {
        name: _escalation(apps, child=child, by=iro, stage=s, raised_on=r, started=t, steps=e)
        for name, (s, r, t, e) in shapes.items()
    }

    migrate()

    after = {name: Escalation.objects.get(public_id=public_id) for name, public_id in ids.items()}
    assert Escalation.objects.count() == 4
    assert {name: (e.formal_on, e.responded_on) for name, e in after.items()} == {
        "formal": (date(2024, 1, 8), date(2024, 1, 10)),
        "informal first": (date(2024, 1, 15), None),
        "informal": (None, None),
        "reopened": (date(2024, 1, 8), None),
    }
    assert {(e.addressed_to_name, e.addressed_to_role) for e in after.values()} == {("", "")}
    for escalation in after.values():
        escalation.full_clean()
