"""The record-integrity rules as SQL: each check is one statement over the whole database.

Services refuse a bad record one write at a time; these checks prove the same rules hold
for every row already stored, whoever wrote it (a data generator, an import, a migration,
a bug). Each check returns the `ref` (public id) of every offending row, so it runs as one
set-based statement: joins and NOT EXISTS on indexed columns, no per-row Python. At 100,000
children looked after (10.7 million case records) the slowest take a few seconds each.

A check is built by a function below whose docstring states the rule and where the app
enforces it; the SQL names tables and columns through the models' `_meta`, so a model that
gains a column changes nothing and one that loses a column fails loudly. "Record" checks
are rules the app enforces (services, forms, constraints); "demo" checks are the demo
council's believability rules (tests/test_demo_council.py), which the app does not refuse.
See docs/decisions/0012-integrity-checks.md.

core sits below the domain apps, so the models are imported only when the checks are built.
"""

# ruff: noqa: S608  (the SQL is built from model metadata and constants; values are parameters)

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection as default_connection
from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

EXAMPLES = 5
# Bank holidays are listed from here: the demo rule on working days is for recent records.
FIRST_HOLIDAY_YEAR = 2000
# SSDA903 reasons for a new episode that mean a new legal status: the order was made then.
NEW_LEGAL_STATUS = ("S", "L", "T", "B", "U")
CARE_ORDER_AGE_LIMIT = 17
WORK_MEM = "64MB"


@dataclass(frozen=True)
class Check:
    """One named rule and the SQL that returns the `ref` of every row breaking it."""

    name: str
    description: str
    sql: str
    postgres_only: bool = False
    demo_only: bool = False


@dataclass(frozen=True)
class CheckResult:
    """How many rows broke a check, up to five of their public ids, and how long it took."""

    name: str
    description: str
    violations: int
    examples: list[str]
    seconds: float = 0.0
    skipped: bool = False


class Table:
    """A model's table under an alias; attributes are its columns: `e.start_date`, `e.child`."""

    def __init__(self, model: type[models.Model], alias: str) -> None:
        self._model = model
        self._alias = alias

    def __str__(self) -> str:
        return f'"{self._model._meta.db_table}" {self._alias}'

    def __getattr__(self, name: str) -> str:
        meta = self._model._meta
        field = meta.pk if name == "pk" else meta.get_field(name)
        assert field is not None
        assert isinstance(field, models.Field)
        # Quoted: a column may be a keyword (EscalationEvent.on).
        return f'{self._alias}."{field.column}"'

    @property
    def ref(self) -> str:
        """The row's public id (every case record and user has one), else its key."""
        names = {f.name for f in self._model._meta.concrete_fields}
        return self.public_id if "public_id" in names else self.pk


class Sql:
    """What differs between PostgreSQL and SQLite, and the snippets every check shares."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.postgres = vendor == "postgresql"

    def ymd(self, day: str) -> str:
        """A date as the integer YYYYMMDD."""
        if self.postgres:
            return f"CAST(to_char({day}, 'YYYYMMDD') AS integer)"
        return f"CAST(strftime('%%Y%%m%%d', {day}) AS INTEGER)"

    def age(self, dob: str, day: str) -> str:
        """Whole years from `dob` to `day`, as Child.age_on counts (29 February ages on 1 March)."""
        return f"(({self.ymd(day)} - {self.ymd(dob)}) / 10000)"

    @property
    def materialized(self) -> str:
        """Keeps a CTE computed once (PostgreSQL would otherwise inline it)."""
        return "MATERIALIZED" if self.postgres else ""

    def weekend(self, day: str) -> str:
        if self.postgres:
            return f"EXTRACT(ISODOW FROM {day}) >= 6"
        return f"strftime('%%w', {day}) IN ('0', '6')"

    def local_date(self, moment: str) -> str:
        """The day a stored moment falls on in the service's time zone (PostgreSQL only)."""
        return f"CAST(({moment} AT TIME ZONE %(tz)s) AS date)"

    def json_text(self, column: str, key: str) -> str:
        if self.postgres:
            return f"({column} ->> '{key}')"
        return f"json_extract({column}, '$.{key}')"

    def holidays(self) -> str:
        """Weekday bank holidays in England, as a list of literals (CPPCR 2010, reg. 2(1))."""
        from iro_service.working_days import is_working_day

        day, last = date(FIRST_HOLIDAY_YEAR, 1, 1), date(timezone.localdate().year + 2, 12, 31)
        days = []
        while day <= last:
            if day.weekday() < 5 and not is_working_day(day):
                days.append(f"'{day.isoformat()}'")
            day += timedelta(days=1)
        return ", ".join(days)

    @staticmethod
    def overlap(a: Table, b: Table) -> str:
        """Two date ranges share a day; touching ends do not (Episode.overlapping_episodes)."""
        return (
            f"({a.end_date} IS NULL OR {b.start_date} < {a.end_date}) "
            f"AND ({b.end_date} IS NULL OR {a.start_date} < {b.end_date})"
        )

    @staticmethod
    def in_care(child: str, day: str) -> str:
        """The child was in a period of care on `day`, and `day` is not after today; the day
        care ends counts (Child.was_looked_after_on, not_in_future). Negated, it stays one
        NOT EXISTS the planner runs as an anti-join: every condition is inside it."""
        from children.models import PeriodOfCare

        p = Table(PeriodOfCare, "in_care")
        return (
            f"EXISTS (SELECT 1 FROM {p} WHERE {p.child} = {child} AND {p.start_date} <= {day} "
            f"AND ({p.end_date} IS NULL OR {p.end_date} >= {day}) AND {day} <= %(today)s)"
        )

    @staticmethod
    def within_care(child: str, start: str, end: str) -> str:
        """A range lies inside one period of care and not after today: it starts in the
        period and, if the period has ended, ends by its end, or on the day it started, which
        is how an ending that the end of care clamps to the record's own start looks
        (children.services.period_end, support.care_end: "the day care ended, or the
        record's own start")."""
        from children.models import PeriodOfCare

        p = Table(PeriodOfCare, "within")
        return (
            f"EXISTS (SELECT 1 FROM {p} WHERE {p.child} = {child} AND {p.start_date} <= {start} "
            f"AND ({p.end_date} IS NULL OR {start} <= {p.end_date} OR {end} = {start}) "
            f"AND ({p.end_date} IS NULL OR {end} <= {p.end_date} OR {end} = {start}) "
            f"AND {start} <= %(today)s AND ({end} IS NULL OR {end} <= %(today)s))"
        )

    @staticmethod
    def held(r: Table) -> str:
        """A review that took place: a draft or final record with a date held."""
        from reviews.models import ReviewStatus

        return (
            f"{r.status} IN ('{ReviewStatus.DRAFT.value}', '{ReviewStatus.FINAL.value}') "
            f"AND {r.held_on} IS NOT NULL"
        )


Builder = Callable[[Sql], str]


@dataclass(frozen=True)
class _Rule:
    build: Builder
    postgres_only: bool
    demo_only: bool


_RULES: list[_Rule] = []


def _rule(*, postgres_only: bool = False, demo: bool = False) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        _RULES.append(_Rule(build, postgres_only, demo))
        return build

    return register


# Children ------------------------------------------------------------------------------


@_rule()
def child_born_by_today(q: Sql) -> str:
    """A child's date of birth is not in the future (Child.clean; SSDA903 rule 301)."""
    from children.models import Child

    c = Table(Child, "c")
    return f"SELECT {c.ref} AS ref FROM {c} WHERE {c.date_of_birth} > %(today)s"


# Periods of care -----------------------------------------------------------------------


@_rule()
def period_dates_in_childs_life(q: Sql) -> str:
    """A period of care starts on or after the child's birth and neither starts nor ends after
    today (ChildDates on PeriodOfCare; ChildAdmitForm and EpisodeForm refuse a future start;
    children.services.period_end refuses a future end)."""
    from children.models import Child, PeriodOfCare

    p, c = Table(PeriodOfCare, "p"), Table(Child, "c")
    return (
        f"SELECT {p.ref} AS ref FROM {p} JOIN {c} ON {c.pk} = {p.child} "
        f"WHERE {p.start_date} < {c.date_of_birth} OR {p.start_date} > %(today)s "
        f"OR {p.end_date} > %(today)s"
    )


@_rule()
def periods_do_not_overlap(q: Sql) -> str:
    """A child's periods of care never share a day, though one may start the day another
    ends: a period opens only when no episode is open and episodes never overlap
    (children.services.episode_record, Episode.clean; SSDA903 rule 501)."""
    from children.models import PeriodOfCare

    p, o = Table(PeriodOfCare, "p"), Table(PeriodOfCare, "o")
    return (
        f"SELECT {p.ref} AS ref FROM {p} WHERE EXISTS (SELECT 1 FROM {o} "
        f"WHERE {o.child} = {p.child} AND {o.pk} <> {p.pk} AND {q.overlap(p, o)})"
    )


@_rule()
def one_open_period_per_child(q: Sql) -> str:
    """At most one open period of care per child (constraint one_open_period_per_child)."""
    from children.models import Child, PeriodOfCare

    c, p = Table(Child, "c"), Table(PeriodOfCare, "p")
    return (
        f"SELECT {c.ref} AS ref FROM {c} WHERE {c.pk} IN (SELECT {p.child} FROM {p} "
        f"WHERE {p.end_date} IS NULL GROUP BY {p.child} HAVING COUNT(*) > 1)"
    )


@_rule()
def period_opens_with_its_first_episode(q: Sql) -> str:
    """A period of care opens with an episode of reason S starting the same day
    (children.services.child_admit and episode_record write them together)."""
    from children.models import Episode, PeriodOfCare

    p, e = Table(PeriodOfCare, "p"), Table(Episode, "e")
    return (
        f"SELECT {p.ref} AS ref FROM {p} WHERE NOT EXISTS (SELECT 1 FROM {e} "
        f"WHERE {e.period} = {p.pk} AND {e.start_date} = {p.start_date} "
        f"AND {e.reason_new_episode} = 'S')"
    )


@_rule()
def open_period_has_an_open_episode(q: Sql) -> str:
    """A period of care still open has an open episode: a change closes one episode as it
    opens the next, and only the end of care closes the last (children.services)."""
    from children.models import Episode, PeriodOfCare

    p, e = Table(PeriodOfCare, "p"), Table(Episode, "e")
    return (
        f"SELECT {p.ref} AS ref FROM {p} WHERE {p.end_date} IS NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {e} WHERE {e.period} = {p.pk} AND {e.end_date} IS NULL)"
    )


@_rule()
def closed_period_ends_with_its_last_episode(q: Sql) -> str:
    """A period of care that has ended has a reason other than X1, and its last episode
    ended the same day for the same reason (children.services.period_end)."""
    from children.models import Episode, PeriodOfCare

    p, e = Table(PeriodOfCare, "p"), Table(Episode, "e")
    return (
        f"SELECT {p.ref} AS ref FROM {p} WHERE {p.end_date} IS NOT NULL "
        f"AND ({p.reason_ceased} IN ('', 'X1') OR NOT EXISTS (SELECT 1 FROM {e} "
        f"WHERE {e.period} = {p.pk} AND {e.end_date} = {p.end_date} "
        f"AND {e.reason_ceased} = {p.reason_ceased}))"
    )


# Episodes ------------------------------------------------------------------------------


@_rule()
def episodes_do_not_overlap(q: Sql) -> str:
    """A child's episodes never share a day; touching ends are fine (Episode.clean,
    Episode.overlapping_episodes; SSDA903 rule 501)."""
    from children.models import Episode

    e, o = Table(Episode, "e"), Table(Episode, "o")
    return (
        f"SELECT {e.ref} AS ref FROM {e} WHERE EXISTS (SELECT 1 FROM {o} "
        f"WHERE {o.child} = {e.child} AND {o.pk} <> {e.pk} AND {q.overlap(e, o)})"
    )


@_rule()
def episode_within_its_period(q: Sql) -> str:
    """An episode starts on or after its period of care began and, if the period has ended,
    ends by the period's end (children.services.episode_record and period_end)."""
    from children.models import Episode, PeriodOfCare

    e, p = Table(Episode, "e"), Table(PeriodOfCare, "p")
    return (
        f"SELECT {e.ref} AS ref FROM {e} JOIN {p} ON {p.pk} = {e.period} "
        f"WHERE {e.start_date} < {p.start_date} "
        f"OR ({p.end_date} IS NOT NULL AND {e.end_date} > {p.end_date})"
    )


@_rule()
def open_episode_in_open_period(q: Sql) -> str:
    """An open episode belongs to an open period of care: ending care ends the open episode
    (children.services.period_end; SSDA903 rule 142)."""
    from children.models import Episode, PeriodOfCare

    e, p = Table(Episode, "e"), Table(PeriodOfCare, "p")
    return (
        f"SELECT {e.ref} AS ref FROM {e} JOIN {p} ON {p.pk} = {e.period} "
        f"WHERE {e.end_date} IS NULL AND {p.end_date} IS NOT NULL"
    )


@_rule()
def episode_dates_in_childs_life(q: Sql) -> str:
    """An episode starts on or after the child's birth and neither starts nor ends after
    today (ChildDates on Episode; EpisodeForm.clean_start_date; period_end)."""
    from children.models import Child, Episode

    e, c = Table(Episode, "e"), Table(Child, "c")
    return (
        f"SELECT {e.ref} AS ref FROM {e} JOIN {c} ON {c.pk} = {e.child} "
        f"WHERE {e.start_date} < {c.date_of_birth} OR {e.start_date} > %(today)s "
        f"OR {e.end_date} > %(today)s"
    )


@_rule()
def one_open_episode_per_child(q: Sql) -> str:
    """At most one open episode per child (constraint one_open_episode_per_child)."""
    from children.models import Child, Episode

    c, e = Table(Child, "c"), Table(Episode, "e")
    return (
        f"SELECT {c.ref} AS ref FROM {c} WHERE {c.pk} IN (SELECT {e.child} FROM {e} "
        f"WHERE {e.end_date} IS NULL GROUP BY {e.child} HAVING COUNT(*) > 1)"
    )


@_rule()
def reason_s_only_opens_a_period(q: Sql) -> str:
    """Reason S (started to be looked after) is the reason of a period's first episode and of
    no other (children.services.episode_record refuses S while looked after and anything
    else when not)."""
    from children.models import Episode, PeriodOfCare

    e, p = Table(Episode, "e"), Table(PeriodOfCare, "p")
    return (
        f"SELECT {e.ref} AS ref FROM {e} JOIN {p} ON {p.pk} = {e.period} "
        f"WHERE ({e.reason_new_episode} = 'S') <> ({e.start_date} = {p.start_date})"
    )


@_rule()
def x1_episode_continues_in_the_next(q: Sql) -> str:
    """An episode ended X1 (care continues) is followed in its period by one starting the day
    it ended (children.services.episode_record)."""
    from children.models import Episode

    e, n = Table(Episode, "e"), Table(Episode, "n")
    return (
        f"SELECT {e.ref} AS ref FROM {e} WHERE {e.reason_ceased} = 'X1' AND NOT EXISTS "
        f"(SELECT 1 FROM {n} WHERE {n.period} = {e.period} AND {n.pk} <> {e.pk} "
        f"AND {n.start_date} = {e.end_date})"
    )


@_rule()
def episode_follows_an_x1_episode(q: Sql) -> str:
    """An episode after the first of its period starts the day the one before ended X1
    (children.services.episode_record; SSDA903 rule 433)."""
    from children.models import Episode, PeriodOfCare

    e, p, b = Table(Episode, "e"), Table(PeriodOfCare, "p"), Table(Episode, "b")
    return (
        f"SELECT {e.ref} AS ref FROM {e} JOIN {p} ON {p.pk} = {e.period} "
        f"WHERE {e.start_date} <> {p.start_date} AND NOT EXISTS (SELECT 1 FROM {b} "
        f"WHERE {b.period} = {e.period} AND {b.pk} <> {e.pk} "
        f"AND {b.end_date} = {e.start_date} AND {b.reason_ceased} = 'X1')"
    )


@_rule()
def only_the_last_episode_ends_care(q: Sql) -> str:
    """An episode that ended other than X1 ended its period of care, that day and for that
    reason (children.services.period_end is the only other way an episode ends)."""
    from children.models import Episode, PeriodOfCare

    e, p = Table(Episode, "e"), Table(PeriodOfCare, "p")
    return (
        f"SELECT {e.ref} AS ref FROM {e} JOIN {p} ON {p.pk} = {e.period} "
        f"WHERE {e.end_date} IS NOT NULL AND {e.reason_ceased} <> 'X1' "
        f"AND ({p.end_date} IS NULL OR {p.end_date} <> {e.end_date} "
        f"OR {p.reason_ceased} <> {e.reason_ceased})"
    )


@_rule(demo=True)
def no_care_order_made_at_17_or_over(q: Sql) -> str:
    """No care order (C2) is made for a child of 17 or over (Children Act 1989, s.31(3)): an
    episode of C2 whose reason means a new legal status does not start at 17 or over. The
    demo's rule (tests/test_demo_council.py); Episode.clean does not refuse it."""
    from children.models import Child, Episode

    e, c = Table(Episode, "e"), Table(Child, "c")
    reasons = ", ".join(f"'{r}'" for r in NEW_LEGAL_STATUS)
    return (
        f"SELECT {e.ref} AS ref FROM {e} JOIN {c} ON {c.pk} = {e.child} "
        f"WHERE {e.legal_status} = 'C2' AND {e.reason_new_episode} IN ({reasons}) "
        f"AND {q.age(c.date_of_birth, e.start_date)} >= {CARE_ORDER_AGE_LIMIT}"
    )


# IRO allocations -----------------------------------------------------------------------


@_rule()
def allocations_do_not_overlap(q: Sql) -> str:
    """A child has one IRO at a time: a new allocation ends the open one the day it starts
    (children.services.allocation_make; constraint one_open_allocation_per_child)."""
    from children.models import Allocation

    a, o = Table(Allocation, "a"), Table(Allocation, "o")
    return (
        f"SELECT {a.ref} AS ref FROM {a} WHERE EXISTS (SELECT 1 FROM {o} "
        f"WHERE {o.child} = {a.child} AND {o.pk} <> {a.pk} AND {q.overlap(a, o)})"
    )


@_rule()
def allocation_within_care(q: Sql) -> str:
    """An allocation starts within a period of care and not after today, and ends by the end
    of that period (children.services.allocation_make, allocation_end, period_end)."""
    from children.models import Allocation

    a = Table(Allocation, "a")
    return (
        f"SELECT {a.ref} AS ref FROM {a} "
        f"WHERE NOT {q.within_care(a.child, a.start_date, a.end_date)}"
    )


@_rule()
def one_open_allocation_per_child(q: Sql) -> str:
    """At most one open IRO allocation per child (constraint one_open_allocation_per_child)."""
    from children.models import Allocation, Child

    c, a = Table(Child, "c"), Table(Allocation, "a")
    return (
        f"SELECT {c.ref} AS ref FROM {c} WHERE {c.pk} IN (SELECT {a.child} FROM {a} "
        f"WHERE {a.end_date} IS NULL GROUP BY {a.child} HAVING COUNT(*) > 1)"
    )


@_rule()
def open_allocation_to_a_current_iro(q: Sql) -> str:
    """An open allocation is to an active member of staff with the IRO role who has not left
    (children.services.allocation_make; iro_service.services refuses to mark someone left,
    inactive or no longer an IRO while they hold a child). An allocation that has ended is
    not checked for the role: roles are groups held now, and who held one then is not
    recorded."""
    from django.contrib.auth.models import Group

    from children.models import Allocation
    from iro_service.models import Role, User

    a, u, g = Table(Allocation, "a"), Table(User, "u"), Table(Group, "g")
    ug = Table(User.groups.through, "ug")
    return (
        f"SELECT {a.ref} AS ref FROM {a} JOIN {u} ON {u.pk} = {a.iro} "
        f"WHERE {a.end_date} IS NULL AND (NOT {u.is_active} OR {u.left_on} IS NOT NULL "
        f"OR NOT EXISTS (SELECT 1 FROM {ug} JOIN {g} ON {g.pk} = {ug.group} "
        f"WHERE {ug.user} = {u.pk} AND {g.name} = '{Role.IRO.value}'))"
    )


@_rule()
def allocation_ends_before_the_iro_left(q: Sql) -> str:
    """An allocation to an IRO who has left started before the day they left and ended on or
    before it (children.services.allocation_make refuses a leaver; iro_service.services
    refuses to mark someone left while they hold a child; ADR 0008)."""
    from children.models import Allocation
    from iro_service.models import User

    a, u = Table(Allocation, "a"), Table(User, "u")
    return (
        f"SELECT {a.ref} AS ref FROM {a} JOIN {u} ON {u.pk} = {a.iro} "
        f"WHERE {u.left_on} IS NOT NULL AND ({a.start_date} >= {u.left_on} "
        f"OR {a.end_date} IS NULL OR {a.end_date} > {u.left_on})"
    )


# Reviews -------------------------------------------------------------------------------


@_rule()
def held_review_within_its_period(q: Sql) -> str:
    """A review held lies within its period of care, on or after the child's birth and not
    after today, so the child was looked after that day; the IRO's pre-meeting oversight is
    not before birth nor in the future (reviews.services.validate_record,
    review_pre_meeting_done; ChildDates on Review)."""
    from children.models import Child, PeriodOfCare
    from reviews.models import Review

    r, p, c = Table(Review, "r"), Table(PeriodOfCare, "p"), Table(Child, "c")
    return (
        f"SELECT {r.ref} AS ref FROM {r} JOIN {p} ON {p.pk} = {r.period} "
        f"JOIN {c} ON {c.pk} = {r.child} "
        f"WHERE ({q.held(r)} AND ({r.held_on} < {p.start_date} "
        f"OR {r.held_on} > {p.end_date} OR {r.held_on} > %(today)s "
        f"OR {r.held_on} < {c.date_of_birth})) "
        f"OR {r.pre_meeting_done_on} < {c.date_of_birth} OR {r.pre_meeting_done_on} > %(today)s"
    )


@_rule()
def review_status_matches_its_record(q: Sql) -> str:
    """A scheduled review is booked and not yet held; a draft has its date held; a final
    review has every answer finalising requires, was finalised by someone, and on a day
    from the review to today (reviews.services.review_record, review_finalise)."""
    from reviews.models import Review, ReviewStatus
    from reviews.services import REQUIRED_TO_FINALISE

    r = Table(Review, "r")
    missing = " OR ".join(
        f"{getattr(r, name)} IS NULL"
        if name == "held_on"
        else f"{getattr(r, name)} = '' OR {getattr(r, name)} IS NULL"
        for name in REQUIRED_TO_FINALISE
    )
    return (
        f"SELECT {r.ref} AS ref FROM {r} WHERE "
        f"({r.status} = '{ReviewStatus.SCHEDULED.value}' "
        f"AND ({r.held_on} IS NOT NULL OR {r.scheduled_for} IS NULL)) "
        f"OR ({r.status} = '{ReviewStatus.DRAFT.value}' AND {r.held_on} IS NULL) "
        f"OR ({r.status} = '{ReviewStatus.FINAL.value}' AND ({missing} "
        f"OR {r.sw_report_available} IS NULL OR {r.finalised_by} IS NULL "
        f"OR {r.finalised_on} IS NULL OR {r.finalised_on} < {r.held_on} "
        f"OR {r.finalised_on} > %(today)s))"
    )


@_rule()
def participation_pn0_exactly_under_4(q: Sql) -> str:
    """PN0 is recorded when, and only when, the child was under 4 on the day of the review
    (reviews.services.age_problems; SSDA903 rules 440 and 441)."""
    from children.models import Child
    from reviews.models import Participation, Review

    r, c = Table(Review, "r"), Table(Child, "c")
    age = q.age(c.date_of_birth, r.held_on)
    return (
        f"SELECT {r.ref} AS ref FROM {r} JOIN {c} ON {c.pk} = {r.child} "
        f"WHERE {q.held(r)} AND {r.participation} <> '' "
        f"AND ({r.participation} = '{Participation.PN0.value}') <> ({age} < 4)"
    )


@_rule()
def review_papers_and_monitoring_fit_age(q: Sql) -> str:
    """The consultation papers used are those of the child's age band at the review (or
    none), and no monitoring question that applies at that age is answered "not applicable"
    (reviews.services.age_problems; reviews.rules.consultation_band_for, monitoring_applies).
    Only the questions reviews.rules.MONITORING_AGES knows are checked."""
    from children.models import Child
    from reviews.models import ConsultationBand, Review, YesNoNA
    from reviews.rules import CONSULTATION_BANDS, MONITORING_AGES

    r, c = Table(Review, "r"), Table(Child, "c")
    bands = " ".join(
        f"WHEN age >= {youngest} THEN '{band}'" for youngest, band in CONSULTATION_BANDS
    )
    band = f"CASE {bands} ELSE '{ConsultationBand.NONE.value}' END"
    applies = []
    for key, (youngest, oldest) in MONITORING_AGES.items():
        ages = f"age >= {youngest}" + (f" AND age <= {oldest}" if oldest is not None else "")
        applies.append(
            f"({q.json_text('monitoring', key)} = '{YesNoNA.NOT_APPLICABLE.value}' AND {ages})"
        )
    # The age is worked out once a review, not once for each question asked of it.
    return (
        f"WITH aged AS {q.materialized} (SELECT {r.ref} AS ref, "
        f"{r.consultation_papers} AS papers, {r.monitoring} AS monitoring, "
        f"{q.age(c.date_of_birth, r.held_on)} AS age FROM {r} JOIN {c} ON {c.pk} = {r.child} "
        f"WHERE {q.held(r)}) "
        f"SELECT ref FROM aged WHERE (papers NOT IN ('', '{ConsultationBand.NONE.value}') "
        f"AND papers <> {band}) OR {' OR '.join(applies)}"
    )


@_rule(postgres_only=True)
def scheduled_review_in_its_open_period(q: Sql) -> str:
    """A review only scheduled is booked in its period of care, which is still open: ending
    care cancels it (reviews.services.review_schedule, review_rearrange; reviews.care_end).
    PostgreSQL only: the booked day is the local day of a stored moment."""
    from children.models import PeriodOfCare
    from reviews.models import Review, ReviewStatus

    r, p = Table(Review, "r"), Table(PeriodOfCare, "p")
    return (
        f"SELECT {r.ref} AS ref FROM {r} JOIN {p} ON {p.pk} = {r.period} "
        f"WHERE {r.status} = '{ReviewStatus.SCHEDULED.value}' AND ({p.end_date} IS NOT NULL "
        f"OR {q.local_date(r.scheduled_for)} < {p.start_date})"
    )


@_rule()
def decision_dates_fit_its_review(q: Sql) -> str:
    """A decision of a review held is due on or after the review, and one done was done by
    today (reviews.services.decision_add, decision_set_status). decision_add checks the due
    date against the review's date as it stands then; a date held recorded later, after the
    due date, shows here too."""
    from reviews.models import Decision, Review

    d, r = Table(Decision, "d"), Table(Review, "r")
    return (
        f"SELECT {d.ref} AS ref FROM {d} JOIN {r} ON {r.pk} = {d.review} "
        f"WHERE ({q.held(r)} AND {d.due_date} < {r.held_on}) OR {d.completed_on} > %(today)s"
    )


@_rule()
def rag_rating_of_a_final_review(q: Sql) -> str:
    """A RAG rating is set when, and on a day after, its review is finalised, and not after
    today (reviews.services.review_finalise is the only writer)."""
    from reviews.models import RagRating, Review, ReviewStatus

    g, r = Table(RagRating, "g"), Table(Review, "r")
    return (
        f"SELECT {g.ref} AS ref FROM {g} LEFT JOIN {r} ON {r.pk} = {g.review} "
        f"WHERE {r.pk} IS NULL OR {r.status} <> '{ReviewStatus.FINAL.value}' "
        f"OR {g.set_on} < {r.held_on} OR {g.set_on} > %(today)s"
    )


@_rule()
def rag_follow_up_done_by_a_note(q: Sql) -> str:
    """A RAG follow-up marked done was done by an oversight note of that date following it up
    (reviews.services.oversight_note_add is the only writer of followed_up_on)."""
    from reviews.models import OversightNote, RagRating

    g, n = Table(RagRating, "g"), Table(OversightNote, "n")
    return (
        f"SELECT {g.ref} AS ref FROM {g} WHERE {g.followed_up_on} IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {n} WHERE {n.follow_up_of} = {g.pk} "
        f"AND {n.noted_on} = {g.followed_up_on})"
    )


@_rule()
def oversight_note_within_care(q: Sql) -> str:
    """An oversight note is dated on a day the child was looked after, not after today
    (reviews.services.oversight_note_add)."""
    from reviews.models import OversightNote

    n = Table(OversightNote, "n")
    return f"SELECT {n.ref} AS ref FROM {n} WHERE NOT {q.in_care(n.child, n.noted_on)}"


@_rule()
def oversight_follow_up_after_its_review(q: Sql) -> str:
    """A note following up a RAG rating is dated on or after the review it rated
    (reviews.services._check_follow_up_date)."""
    from reviews.models import OversightNote, RagRating, Review

    n, g, r = Table(OversightNote, "n"), Table(RagRating, "g"), Table(Review, "r")
    return (
        f"SELECT {n.ref} AS ref FROM {n} JOIN {g} ON {g.pk} = {n.follow_up_of} "
        f"LEFT JOIN {r} ON {r.pk} = {g.review} "
        f"WHERE {n.noted_on} < COALESCE({r.held_on}, {g.set_on})"
    )


# Escalations ---------------------------------------------------------------------------


@_rule()
def escalation_dated_to_date(q: Sql) -> str:
    """An escalation is raised on or after the child's birth, and none of its dates, nor
    any step in its history, is after today; each step is on or after it was raised
    (escalations.services: not_in_future on every step; EscalationRaiseForm; IRO Handbook
    2010, para 6.2)."""
    from children.models import Child
    from escalations.models import Escalation, EscalationEvent

    x, c, v = Table(Escalation, "x"), Table(Child, "c"), Table(EscalationEvent, "v")
    future = " OR ".join(
        f"{getattr(x, name)} > %(today)s"
        for name in ("raised_on", "stage_started_on", "responded_on", "closed_on", "formal_on")
    )
    y = Table(Escalation, "y")
    return (
        f"SELECT {x.ref} AS ref FROM {x} JOIN {c} ON {c.pk} = {x.child} "
        f"WHERE {x.raised_on} < {c.date_of_birth} OR {future} "
        f"UNION ALL SELECT {v.ref} AS ref FROM {v} JOIN {y} ON {y.pk} = {v.escalation} "
        f"WHERE {v.on} < {y.raised_on} OR {v.on} > %(today)s"
    )


@_rule(demo=True)
def escalation_raised_in_care(q: Sql) -> str:
    """An escalation is raised on a day the child was looked after. The demo's rule:
    escalations.services.escalation_raise checks only the date of birth and today."""
    from escalations.models import Escalation

    x = Table(Escalation, "x")
    return f"SELECT {x.ref} AS ref FROM {x} WHERE NOT {q.in_care(x.child, x.raised_on)}"


@_rule()
def escalation_areas_recorded(q: Sql) -> str:
    """An escalation has at least one area of concern, and once closed every area has an
    outcome (escalations.services.escalation_raise, escalation_close)."""
    from escalations.models import AreaOfConcern, Escalation, Status

    x, a, b = Table(Escalation, "x"), Table(AreaOfConcern, "a"), Table(AreaOfConcern, "b")
    return (
        f"SELECT {x.ref} AS ref FROM {x} WHERE NOT EXISTS "
        f"(SELECT 1 FROM {a} WHERE {a.escalation} = {x.pk}) "
        f"OR ({x.status} = '{Status.CLOSED.value}' AND EXISTS "
        f"(SELECT 1 FROM {b} WHERE {b.escalation} = {x.pk} AND {b.outcome} = ''))"
    )


# In-contact plans, advocacy, Independent Visitors ---------------------------------------


@_rule()
def contact_plan_dated_to_date(q: Sql) -> str:
    """An in-contact plan is agreed on or after the child's birth and neither agreed nor
    replaced after today (support.services.contact_plan_set; ChildDates)."""
    from children.models import Child
    from support.models import InContactPlan

    k, c = Table(InContactPlan, "k"), Table(Child, "c")
    return (
        f"SELECT {k.ref} AS ref FROM {k} JOIN {c} ON {c.pk} = {k.child} "
        f"WHERE {k.start_date} < {c.date_of_birth} OR {k.start_date} > %(today)s "
        f"OR {k.end_date} > %(today)s"
    )


@_rule(demo=True)
def contact_plan_within_care(q: Sql) -> str:
    """An in-contact plan lies within a period of care: agreed while the child is looked
    after and replaced or ended by the end of that care (support.care_end ends it then).
    The demo's rule: support.services.contact_plan_set does not check the child is looked
    after."""
    from support.models import InContactPlan

    k = Table(InContactPlan, "k")
    return (
        f"SELECT {k.ref} AS ref FROM {k} "
        f"WHERE NOT {q.within_care(k.child, k.start_date, k.end_date)}"
    )


@_rule()
def contact_within_its_plan(q: Sql) -> str:
    """A contact is logged against the child's in-contact plan in force that day, not after
    today (support.services.contact_log_add)."""
    from support.models import ContactLog, InContactPlan

    n, k = Table(ContactLog, "n"), Table(InContactPlan, "k")
    return (
        f"SELECT {n.ref} AS ref FROM {n} LEFT JOIN {k} ON {k.pk} = {n.plan} "
        f"WHERE {k.pk} IS NULL OR {n.contacted_on} < {k.start_date} "
        f"OR {n.contacted_on} > {k.end_date} OR {n.contacted_on} > %(today)s"
    )


@_rule()
def advocacy_referral_within_care(q: Sql) -> str:
    """An advocacy referral is made on a day the child was looked after, not after today and
    not before the review that prompted it; an outcome other than pending has a date, from
    the referral to today, and pending has none (support.services.advocacy_refer,
    advocacy_update)."""
    from reviews.models import Review
    from support.models import AdvocacyOutcome, AdvocacyReferral

    a, r = Table(AdvocacyReferral, "a"), Table(Review, "r")
    pending = f"{a.outcome} = '{AdvocacyOutcome.PENDING.value}'"
    return (
        f"SELECT {a.ref} AS ref FROM {a} LEFT JOIN {r} ON {r.pk} = {a.review} "
        f"WHERE {a.referred_on} < {r.held_on} "
        f"OR {a.outcome_on} < {a.referred_on} OR {a.outcome_on} > %(today)s "
        f"OR ({pending} AND {a.outcome_on} IS NOT NULL) "
        f"OR (NOT {pending} AND {a.outcome_on} IS NULL) "
        f"UNION SELECT {a.ref} AS ref FROM {a} WHERE NOT {q.in_care(a.child, a.referred_on)}"
    )


@_rule()
def iv_matches_do_not_overlap(q: Sql) -> str:
    """A child has one Independent Visitor at a time; a new match may start the day the last
    ended (support.services.iv_match, _overlapping)."""
    from support.models import IvMatch

    m, o = Table(IvMatch, "m"), Table(IvMatch, "o")
    return (
        f"SELECT {m.ref} AS ref FROM {m} WHERE EXISTS (SELECT 1 FROM {o} "
        f"WHERE {o.child} = {m.child} AND {o.pk} <> {m.pk} AND {q.overlap(m, o)})"
    )


@_rule()
def iv_match_within_care(q: Sql) -> str:
    """An Independent Visitor match starts on a day the child was looked after, not after
    today, and ends by the end of that care (support.services.iv_match, iv_match_end;
    support.care_end ends it when care ends)."""
    from support.models import IvMatch

    m = Table(IvMatch, "m")
    return (
        f"SELECT {m.ref} AS ref FROM {m} "
        f"WHERE NOT {q.within_care(m.child, m.start_date, m.end_date)}"
    )


@_rule()
def iv_match_with_an_approved_visitor(q: Sql) -> str:
    """A match starts on or after its volunteer was approved, and a volunteer with an open
    match is active (support.services.iv_match, visitor_update)."""
    from support.models import IndependentVisitor, IvMatch, VisitorStatus

    m, v = Table(IvMatch, "m"), Table(IndependentVisitor, "v")
    return (
        f"SELECT {m.ref} AS ref FROM {m} JOIN {v} ON {v.pk} = {m.visitor} "
        f"WHERE {m.start_date} < {v.approved_on} OR ({m.end_date} IS NULL "
        f"AND {v.status} <> '{VisitorStatus.ACTIVE.value}')"
    )


@_rule()
def iv_referral_within_care(q: Sql) -> str:
    """A child is referred for an Independent Visitor on a day they were looked after, not
    after today; the referral closes from that day to today, and one still waiting is of a
    child looked after now with no open match (support.services.iv_refer, iv_match;
    support.care_end)."""
    from children.models import PeriodOfCare
    from support.models import IvMatch, IvReferral

    f, p, m = Table(IvReferral, "f"), Table(PeriodOfCare, "p"), Table(IvMatch, "m")
    return (
        f"SELECT {f.ref} AS ref FROM {f} WHERE NOT {q.in_care(f.child, f.referred_on)} "
        f"UNION SELECT {f.ref} AS ref FROM {f} "
        f"WHERE {f.closed_on} > %(today)s OR {f.closed_on} < {f.referred_on} "
        f"OR ({f.closed_on} IS NULL AND (NOT EXISTS (SELECT 1 FROM {p} "
        f"WHERE {p.child} = {f.child} AND {p.end_date} IS NULL) OR EXISTS "
        f"(SELECT 1 FROM {m} WHERE {m.child} = {f.child} AND {m.end_date} IS NULL)))"
    )


# Records that point at each other belong to one child ------------------------------------


@_rule()
def linked_records_are_the_same_childs(q: Sql) -> str:
    """A record that points at another of a child's records points at one of the same
    child's: an episode's or review's period, a rating's review, a follow-up's rating, the
    review that prompted a referral or escalation, a contact's plan (children.services,
    reviews.services, support.services, escalations.services)."""
    from children.models import Episode, PeriodOfCare
    from escalations.models import Escalation
    from reviews.models import OversightNote, RagRating, Review
    from support.models import AdvocacyReferral, ContactLog, InContactPlan

    links: list[tuple[type[models.Model], str, type[models.Model]]] = [
        (Episode, "period", PeriodOfCare),
        (Review, "period", PeriodOfCare),
        (RagRating, "review", Review),
        (OversightNote, "follow_up_of", RagRating),
        (AdvocacyReferral, "review", Review),
        (Escalation, "review", Review),
        (ContactLog, "plan", InContactPlan),
    ]
    parts = []
    for model, link, target in links:
        s, t = Table(model, "s"), Table(target, "t")
        parts.append(
            f"SELECT {s.ref} AS ref FROM {s} JOIN {t} ON {t.pk} = {getattr(s, link)} "
            f"WHERE {t.child} <> {s.child}"
        )
    return " UNION ALL ".join(parts)


# The demo council's believability rules (tests/test_demo_council.py) ---------------------


@_rule(postgres_only=True, demo=True)
def reviews_on_working_days(q: Sql) -> str:
    """Reviews are held, and booked, on working days (CPPCR 2010, reg. 2(1)). The demo's
    rule: the app lets an IRO record a review held at a weekend. PostgreSQL only: the booked
    day is the local day of a stored moment."""
    from reviews.models import Review

    r = Table(Review, "r")
    holidays = q.holidays()
    booked = q.local_date(r.scheduled_for)
    return (
        f"SELECT {r.ref} AS ref FROM {r} WHERE {q.weekend(r.held_on)} "
        f"OR {r.held_on} IN ({holidays}) "
        f"OR {q.weekend(booked)} OR {booked} IN ({holidays})"
    )


@_rule(postgres_only=True, demo=True)
def plans_and_reviews_have_an_iro(q: Sql) -> str:
    """No in-contact plan is agreed, and no review scheduled, for a child with no IRO
    allocated that day. The demo's rule: the app allows both. PostgreSQL only: the booked
    day is the local day of a stored moment."""
    from children.models import Allocation
    from reviews.models import Review, ReviewStatus
    from support.models import InContactPlan

    k, r = Table(InContactPlan, "k"), Table(Review, "r")

    def allocated(child: str, day: str) -> str:
        a = Table(Allocation, "a")
        return (
            f"EXISTS (SELECT 1 FROM {a} WHERE {a.child} = {child} AND {a.start_date} <= {day} "
            f"AND ({a.end_date} IS NULL OR {a.end_date} >= {day}))"
        )

    booked = q.local_date(r.scheduled_for)
    return (
        f"SELECT {k.ref} AS ref FROM {k} WHERE NOT {allocated(k.child, k.start_date)} "
        f"UNION ALL SELECT {r.ref} AS ref FROM {r} "
        f"WHERE {r.status} = '{ReviewStatus.SCHEDULED.value}' "
        f"AND NOT {allocated(r.child, booked)}"
    )


@_rule(demo=True)
def held_review_has_an_iro(q: Sql) -> str:
    """A review held names its IRO. The demo's rule: reviews.services.review_schedule leaves
    the IRO empty for a child with none allocated, and nothing requires one later."""
    from reviews.models import Review

    r = Table(Review, "r")
    return f"SELECT {r.ref} AS ref FROM {r} WHERE {q.held(r)} AND {r.iro} IS NULL"


# Running them --------------------------------------------------------------------------


def _description(build: Builder) -> str:
    return " ".join((build.__doc__ or build.__name__).split())


@cache
def _check(rule: _Rule, vendor: str, year: int) -> Check:
    """A rule's check for `vendor`, built once a year (the bank holidays run to next year's)."""
    return Check(
        name=rule.build.__name__,
        description=_description(rule.build),
        sql=rule.build(Sql(vendor)),
        postgres_only=rule.postgres_only,
        demo_only=rule.demo_only,
    )


def _rules(*, names: set[str] | None = None, demo: bool = True) -> list[_Rule]:
    return [
        rule
        for rule in _RULES
        if (names is None or rule.build.__name__ in names) and (demo or not rule.demo_only)
    ]


def checks(vendor: str | None = None) -> list[Check]:
    """Every check, its SQL written for `vendor` (the default connection's)."""
    vendor = vendor or default_connection.vendor
    return [_check(rule, vendor, timezone.localdate().year) for rule in _RULES]


def check_names() -> list[str]:
    return [rule.build.__name__ for rule in _RULES]


def _run_one(cursor: Any, check: Check, params: dict[str, Any], vendor: str) -> CheckResult:
    started = time.perf_counter()
    # Materialised, so the planner cannot read the check through the public id's index to
    # serve "ORDER BY ref LIMIT 5": it would probe row by row, minutes at 20 million rows.
    cursor.execute(
        f"WITH offending AS {Sql(vendor).materialized} ({check.sql}) "
        f"SELECT ref, COUNT(*) OVER () FROM offending ORDER BY ref LIMIT {EXAMPLES}",
        params,
    )
    rows = cursor.fetchall()
    return CheckResult(
        name=check.name,
        description=check.description,
        violations=rows[0][1] if rows else 0,
        examples=[str(ref) for ref, _ in rows],
        seconds=time.perf_counter() - started,
    )


def run_checks(
    connection: BaseDatabaseWrapper | None = None,
    *,
    names: Iterable[str] | None = None,
    today: date | None = None,
    demo: bool = True,
) -> list[CheckResult]:
    """Run the checks (those `names`, else all; the demo's own rules unless `demo` is False)
    and say how many rows break each, with up to five examples' public ids.

    On PostgreSQL, outside a transaction, they all read one snapshot (REPEATABLE READ, READ
    ONLY), so records written meanwhile cannot make two checks disagree, with more memory
    for the hash joins than a page's query needs (`WORK_MEM`). Checks that need
    PostgreSQL are reported as skipped on SQLite.
    """
    connection = connection or default_connection
    wanted = set(names) if names is not None else None
    if wanted is not None and (unknown := wanted - set(check_names())):
        raise ValueError(f"No such check: {', '.join(sorted(unknown))}")
    year = timezone.localdate().year
    selected = [_check(rule, connection.vendor, year) for rule in _rules(names=wanted, demo=demo)]
    params = {
        "today": today or timezone.localdate(),
        "tz": settings.TIME_ZONE,
    }
    postgres = connection.vendor == "postgresql"
    outermost = not connection.in_atomic_block
    results = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if postgres and outermost:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            # Hash joins of a million reviews spill to disk at the default 4MB; this
            # transaction's own setting, gone when it ends.
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        for check in selected:
            if check.postgres_only and not postgres:
                results.append(CheckResult(check.name, check.description, 0, [], skipped=True))
                continue
            results.append(_run_one(cursor, check, params, connection.vendor))
    return results
