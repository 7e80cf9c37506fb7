"""A large authority: districts of the seed's shape, templates copied inside PostgreSQL.

Built small here (districts of 10 children, one template copied twice) so the copying is
proven in seconds; `make bench` builds the real sizes and runs check_integrity over them.
"""

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from children.models import Allocation, Child
from core import bulk
from core.integrity import run_checks
from iro_service import scale
from iro_service.demo import build_authority, district_sizes
from iro_service.models import Role, User
from reviews.models import Review
from support.models import InContactPlan

TODAY = date(2024, 5, 31)


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(scope="module")
def authority(django_db_setup: None, django_db_blocker: Any) -> Iterator[Any]:
    """District 0, one template district and two copies of it: about 40 looked after."""
    with django_db_blocker.unblock(), time_machine.travel(TODAY, tick=False):
        summary = build_authority(
            children=40, seed=5, today=TODAY, district_size=10, templates=1, history_years=2
        )
        yield summary
        call_command("flush", "--no-input", verbosity=0)


def test_districts_split_the_children_as_evenly_as_they_go() -> None:
    assert district_sizes(626) == [626]
    assert district_sizes(100_000)[:2] == [625, 625]
    assert len(district_sizes(100_000)) == 160
    assert sum(district_sizes(20_001)) == 20_001


@pytest.mark.django_db
def test_copies_are_districts_of_their_own(authority: Any) -> None:
    refs = Child.objects.values_list("child_ref", flat=True)
    districts = Counter(ref[:4] for ref in refs)
    assert set(districts) == {"DC00", "D001", "D002", "D003"}
    assert districts["D001"] == districts["D002"] == districts["D003"]
    assert authority.districts == 4
    assert authority.looked_after == Child.objects.looked_after_now().count()
    emails = set(User.objects.values_list("email", flat=True))
    assert {"iro@demo.example", "iro.d1@demo.example", "iro.d3@demo.example"} <= emails
    assert User.objects.with_role(Role.ADMIN).count() == 1  # the first district's alone
    names = User.objects.filter(email__endswith=".d1@demo.example").values_list(
        "full_name", flat=True
    )
    copy_names = User.objects.filter(email__endswith=".d2@demo.example").values_list(
        "full_name", flat=True
    )
    assert set(names) != set(copy_names)  # a copy's staff are renamed


@pytest.mark.django_db
def test_a_copys_children_are_held_by_its_own_iros(authority: Any) -> None:
    for allocation in Allocation.objects.select_related("child", "iro"):
        district = allocation.child.child_ref[:4]
        if district.startswith("D0") and district != "DC00":
            number = int(district[1:])
            assert allocation.iro.email.endswith(f".d{number}@demo.example"), allocation
    reviews = Review.objects.filter(child__child_ref__startswith="D003")
    assert reviews.exists()
    assert all(r.iro.email.endswith(".d3@demo.example") for r in reviews.select_related("iro"))
    assert InContactPlan.objects.filter(child__child_ref__startswith="D002").count() == (
        InContactPlan.objects.filter(child__child_ref__startswith="D001").count()
    )


@pytest.mark.django_db
def test_the_whole_authority_keeps_the_integrity_rules(authority: Any) -> None:
    assert scale.dangling_references() == {}
    broken = {r.name: r.examples for r in run_checks(today=TODAY) if r.violations}
    assert broken == {}


@pytest.mark.django_db
def test_copy_writes_text_as_it_was_given() -> None:
    """COPY's text format: tabs, new lines, backslashes, JSON, nothing and booleans."""
    manager = User.objects.create(email="m@example.com", full_name="Tab\\t and\ttab")
    child = bulk.new(
        Child,
        child_ref="X1",
        first_name="Line\nbreak \\N",
        last_name="O'Brien",
        date_of_birth=date(2015, 1, 2),
        sex="F",
        ethnicity="WBRI",
        disability=None,
        created_by_id=manager.pk,
        modified_by_id=manager.pk,
    )
    bulk.insert(Child, [child])
    saved = Child.objects.get(pk=child.pk)
    assert (saved.first_name, saved.last_name, saved.disability) == (
        "Line\nbreak \\N",
        "O'Brien",
        None,
    )
    assert saved.public_id == child.public_id
    assert saved.created_at is not None


def test_new_refuses_a_column_the_model_does_not_have() -> None:
    with pytest.raises(TypeError, match="child"):
        bulk.new(Allocation, child=1)
