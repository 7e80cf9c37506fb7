"""Demo City Council at any size: one IRO service of the seed's shape, or many side by side.

The seed's service (626 children looked after, 9 IROs on 7.8 FTE) is one district. A larger
authority is that many districts, each with its own IRO team and managers and its own
children, reviews, oversight, support and escalations, so every proportion of the seed holds
at every size and the work grows linearly with the number of children (ADR 0013). Each
district is written in its own transaction, from its own seed: the same `seed`, `today`
and size give the same authority, whichever order or process the districts are built in.
"""

import multiprocessing
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, connections, transaction

from children.demo import HISTORY_YEARS, SEED_LOOKED_AFTER, build_demo_authority
from children.models import Allocation, Child
from escalations.demo import build_demo_escalations
from iro_service import scale
from iro_service.models import Role, User
from reporting.demo import build_demo_report_records
from reviews.demo import build_demo_reviews
from reviews.services import period_summary_refresh
from support.demo import build_demo_support

TEMPLATES = 8  # districts planned in Python before the rest are copied in the database


@dataclass
class AuthoritySummary:
    districts: int = 0
    looked_after: int = 0
    unallocated: int = 0
    ceased: int = 0
    iros: int = 0
    fte: Decimal = Decimal("0")
    counts: Counter = field(default_factory=Counter)

    @property
    def caseload_per_fte(self) -> float:
        return (self.looked_after - self.unallocated) / float(self.fte)

    def add(self, other: "AuthoritySummary") -> None:
        self.districts += other.districts
        self.looked_after += other.looked_after
        self.unallocated += other.unallocated
        self.ceased += other.ceased
        self.iros += other.iros
        self.fte += other.fte
        self.counts.update(other.counts)


def district_sizes(children: int, size: int = SEED_LOOKED_AFTER) -> list[int]:
    """Children looked after in each district: the seed's 626 each, as evenly as they split."""
    districts = max(1, round(children / size))
    share, extra = divmod(children, districts)
    return [share + (1 if d < extra else 0) for d in range(districts)]


def build_district(
    district: int, *, children: int, seed: int, today: date, history_years: int
) -> AuthoritySummary:
    """One IRO service with everything it records, in one transaction."""
    district_seed = seed + 1009 * district
    with transaction.atomic():
        summary = build_demo_authority(
            children=children,
            seed=district_seed,
            today=today,
            district=district,
            history_years=history_years,
        )
        plan = summary.plan
        ids = [c.pk for c in plan.children if c.pk]
        scope = Child.objects.filter(pk__in=ids)
        manager = User.objects.get(pk=next(s.pk for s in plan.staff if s.role == Role.MANAGER))
        counts = Counter(
            build_demo_reviews(seed=district_seed, today=today, created_by=manager, children=scope)
        )
        counts.update(
            build_demo_support(seed=district_seed, today=today, created_by=manager, children=scope)
        )
        staff = User.objects.in_bulk([s.pk for s in plan.staff])
        iro_of = {
            c: staff[i]
            for c, i in Allocation.objects.open()
            .filter(child__in=scope)
            .values_list("child_id", "iro_id")
        }
        counts["escalations"] = build_demo_escalations(
            rng=random.Random(district_seed + 11),
            today=today,
            children=list(scope.looked_after_now().order_by("pk")),
            iros_by_child=iro_of,
            created_by=manager,
        )
    return AuthoritySummary(
        districts=1,
        looked_after=summary.looked_after,
        unallocated=summary.unallocated,
        ceased=summary.ceased,
        iros=summary.iros,
        fte=summary.fte,
        counts=counts,
    )


def _build_district(args: tuple[int, dict[str, Any]]) -> AuthoritySummary:
    district, kwargs = args
    try:
        return build_district(district, **kwargs)
    finally:
        connections.close_all()


def build_authority(
    *,
    children: int,
    seed: int,
    today: date,
    history_years: int = HISTORY_YEARS,
    jobs: int = 1,
    progress: Callable[[AuthoritySummary, int], None] | None = None,
    district_size: int = SEED_LOOKED_AFTER,
    templates: int = TEMPLATES,
) -> AuthoritySummary:
    """Every district of an authority of `children` looked after, `jobs` districts at a time.

    With one district (the default demo) everything is one transaction. With several, each
    district commits on its own; `jobs` > 1 builds them in worker processes, each with its
    own database connection (PostgreSQL: SQLite allows one writer). From two rounds of
    `templates` districts on PostgreSQL, the districts after the first are copies of
    `templates` planned ones (iro_service.scale).
    """
    sizes = district_sizes(children, district_size)
    kwargs: dict[str, Any] = {"seed": seed, "today": today, "history_years": history_years}
    copies = 0
    rounds = round((children - sizes[0]) / (templates * district_size))
    if rounds > 1 and connection.vendor == "postgresql":
        share = round((children - sizes[0]) / (templates * rounds))
        sizes, copies = [sizes[0]] + [share] * templates, rounds - 1
    total = build_district(0, children=sizes[0], **kwargs)
    before = scale.high_water()
    work = [(d, {**kwargs, "children": n}) for d, n in enumerate(sizes) if d]
    rest = AuthoritySummary()

    def collect(results: Iterable[AuthoritySummary]) -> None:
        for result in results:
            rest.add(result)
            if progress:
                progress(rest, len(sizes) - 1)

    if jobs <= 1 or len(work) <= 1:
        collect(build_district(d, **kw) for d, kw in work)
    else:
        connections.close_all()  # each worker opens its own
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            collect(pool.imap_unordered(_build_district, work))
    if copies:
        scale.build_copies(before=before, templates=templates, rounds=copies, seed=seed)
    for _ in range(copies + 1):
        total.add(rest)
    manager = User.objects.with_role(Role.MANAGER).order_by("pk").first()
    if manager is not None:
        total.counts["complaints"] = build_demo_report_records(
            today=today, history_years=history_years, created_by=manager
        )
    # Rows were written straight to the tables: store each child's next review due as a
    # save would have, and the latest rating (ADR 0017, 0018).
    period_summary_refresh()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # plans for the data just loaded, autovacuum or not
    return total
