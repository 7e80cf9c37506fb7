"""The shared-core migrations keep every row, public id and key of the records before them.

The database is taken back to where it stood before the shared core (issue 7), filled with
the kinds of records it held then through the historical models, and migrated forward.
"""

import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from django.db.migrations.state import StateApps

from tests.migrating import migrate, migrated_back_to

BEFORE_SHARED_CORE = [
    ("children", "0002_initial"),
    ("reviews", "0001_initial"),
    ("escalations", "0002_escalation_review"),
    ("iro_service", "0001_initial"),
]


@pytest.fixture
def before_shared_core(transactional_db: None) -> Iterator[StateApps]:
    """The models as they stood before the shared core, the database left at the latest after."""
    with migrated_back_to(BEFORE_SHARED_CORE) as apps:
        yield apps


def _fill(apps: StateApps) -> dict[str, object]:
    """One record of every kind the move touches, made with the historical models."""
    model = apps.get_model
    user = model("iro_service", "User").objects.create(
        email="ivy@council.example", full_name="Ivy Reviewer", password="!"
    )
    child = model("children", "Child").objects.create(
        child_ref="C1", first_name="Amy", last_name="Own", date_of_birth=date(2012, 5, 17), sex="F"
    )
    period = model("children", "PeriodOfCare").objects.create(
        child=child, start_date=date(2023, 4, 3)
    )
    allocation = model("children", "Allocation").objects.create(
        child=child, iro=user, start_date=date(2023, 4, 3)
    )
    audit = model("children", "AuditEvent").objects
    refused = audit.create(user=user, child=child, action="child.view", allowed=False)
    read = audit.create(user=user, child=child, action="child.view", allowed=True)
    changed = audit.create(user=user, child=child, action="allocation.create", allowed=True)
    plan = model("reviews", "InContactPlan").objects.create(
        child=child, agreed_on=date(2024, 1, 8), ended_on=None, methods=["phone"], every_weeks=6
    )
    referral = model("reviews", "AdvocacyReferral").objects.create(
        child=child, referred_on=date(2024, 2, 5), reason="To be heard", organisation="NYAS"
    )
    visitor = model("reviews", "IndependentVisitor").objects.create(
        full_name="Vera Visitor", status="active", created_by=user
    )
    match = model("reviews", "IvMatch").objects.create(
        child=child, visitor=visitor, started_on=date(2024, 3, 4), ended_on=date(2024, 9, 2)
    )
    return {
        "user": user,
        "child": child,
        "period": period,
        "allocation": allocation,
        "refused": refused,
        "read": read,
        "changed": changed,
        "plan": plan,
        "referral": referral,
        "visitor": visitor,
        "match": match,
    }


def _ids(rows: dict[str, object]) -> dict[str, uuid.UUID]:
    return {name: row.public_id for name, row in rows.items()}  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
def test_the_shared_core_migrations_keep_every_row_public_id_and_key(
    before_shared_core: StateApps,
) -> None:
    ids = _ids(_fill(before_shared_core))

    apps = migrate()

    def get(app: str, name: str, key: str) -> object:
        return apps.get_model(app, name).objects.get(public_id=ids[key])

    user, child = get("iro_service", "User", "user"), get("children", "Child", "child")
    assert get("children", "PeriodOfCare", "period").child_id == child.pk
    allocation = get("children", "Allocation", "allocation")
    assert (allocation.child_id, allocation.iro_id) == (child.pk, user.pk)
    kinds = {}
    for key in ("refused", "read", "changed"):
        event = get("audit", "AuditEvent", key)
        assert (event.child_id, event.user_id) == (child.pk, user.pk)
        kinds[key] = event.kind
    assert kinds == {"refused": "refusal", "read": "read", "changed": "change"}
    plan = get("support", "InContactPlan", "plan")
    assert (plan.child_id, plan.start_date, plan.end_date) == (child.pk, date(2024, 1, 8), None)
    referral = get("support", "AdvocacyReferral", "referral")
    assert (referral.child_id, referral.reason) == (child.pk, "To be heard")
    visitor = get("support", "IndependentVisitor", "visitor")
    assert (visitor.full_name, visitor.created_by_id) == ("Vera Visitor", user.pk)
    match = get("support", "IvMatch", "match")
    assert (match.child_id, match.visitor_id) == (child.pk, visitor.pk)
    assert (match.start_date, match.end_date) == (date(2024, 3, 4), date(2024, 9, 2))
    assert {
        apps.get_model(app, name).objects.count()
        for app, name in [
            ("support", "InContactPlan"),
            ("support", "AdvocacyReferral"),
            ("support", "IndependentVisitor"),
            ("support", "IvMatch"),
        ]
    } == {1}
    assert apps.get_model("audit", "AuditEvent").objects.count() == 3
