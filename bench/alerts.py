"""Time the alerts scan on the database DATABASE_URL names: a first scan, the steady state, each kind.

    DATABASE_URL=postgres://…/iro_bench_100000 DJANGO_SETTINGS_MODULE=iro_service.settings.test \
        .venv/bin/python bench/alerts.py [--today 2026-11-30] [--repeat 3] [--json]

Prints, as on the bench's fixed day (bench/run.py TODAY), so every run scans the same data:
- the first scan on an empty alerts table, which raises every alert, and a second one
  straight after, which raises nothing (the steady state of the daily scan): median wall
  seconds, SQL queries, the slowest query, and the peak Python memory of one first scan
  (tracemalloc, a run of its own) beside the process's peak resident memory;
- each kind's condition on its own, on one `Scope` whose shared reads (the next reviews
  due, the reviews booked, the children's public ids) are timed first as rows of their own,
  so the kinds' times add up to the scan's reads; and the alerts open by kind.
Each pass runs in a transaction rolled back at the end: the database is left as it was. The
deferred foreign-key checks are made immediate in it, so the time they take at commit counts.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iro_service.settings.test")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from alerts import rules  # noqa: E402
from alerts.conditions import CONDITIONS, Scope  # noqa: E402
from alerts.kinds import AlertKind  # noqa: E402
from alerts.models import Alert, AlertRead, ScanTrigger  # noqa: E402
from alerts.services import ScanResult, alerts_scan  # noqa: E402
from bench.run import TODAY  # noqa: E402
from children.models import Child  # noqa: E402
from reviews import rules as review_rules  # noqa: E402

SHARED = ("next_due", "booked", "child_refs")  # the Scope's cached reads several kinds use


class RollbackError(Exception):
    """Raised at the end of a pass so its transaction leaves the database as it was."""


@dataclass
class Queries:
    """Every SQL statement run inside `counting()`: how many and how long each took."""

    timings: list[tuple[float, str]] = field(default_factory=list)

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.timings.append((time.perf_counter() - started, sql))

    def __len__(self) -> int:
        return len(self.timings)

    def slowest(self) -> tuple[float, str]:
        return max(self.timings, default=(0.0, ""))


@contextmanager
def counting() -> Iterator[Queries]:
    # A wrapper, not CaptureQueriesContext: that formats every statement with its parameters,
    # which for the first scan's one big INSERT costs time the scan itself does not spend.
    queries = Queries()
    with connection.execute_wrapper(queries):
        yield queries


@contextmanager
def rolled_back() -> Iterator[None]:
    try:
        with transaction.atomic():
            yield
            raise RollbackError
    except RollbackError:
        pass


def empty_alerts() -> None:
    """No alerts at all, as on the day the app first scans (inside the pass's transaction)."""
    if Alert.objects.exists():
        AlertRead.objects.all().delete()
        Alert.objects.all().delete()


def timed_scan(today: date) -> tuple[float, Queries, ScanResult]:
    with counting() as queries:
        started = time.perf_counter()
        result = alerts_scan(today=today, trigger=ScanTrigger.COMMAND)
        seconds = time.perf_counter() - started
    return seconds, queries, result


def check_constraints_now() -> None:
    """Check the foreign keys at each statement, not at a commit the pass never reaches, so
    the first scan's time includes checking the alerts it inserts."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def scans(today: date) -> dict[str, Any]:
    """One first scan and one steady scan, rolled back."""
    with rolled_back():
        empty_alerts()
        check_constraints_now()
        first_s, first_q, first = timed_scan(today)
        steady_s, steady_q, steady = timed_scan(today)
    return {
        "first": (first_s, first_q, first),
        "steady": (steady_s, steady_q, steady),
    }


def kinds(today: date) -> tuple[dict[str, tuple[float, int, int]], dict[str, tuple[float, int]]]:
    """Each shared read and each kind on its own: seconds, queries and (kinds) rows found."""
    shared, found = {}, {}
    with rolled_back():
        scope = Scope(today)
        for name in SHARED:
            with counting() as queries:
                started = time.perf_counter()
                getattr(scope, name)
                shared[name] = (time.perf_counter() - started, len(queries))
        for kind, (condition, _) in CONDITIONS.items():
            with counting() as queries:
                started = time.perf_counter()
                rows = list(condition(scope))
                found[kind] = (time.perf_counter() - started, len(queries), len(rows))
    return found, shared


def warning_day(today: date) -> date:
    """The first day of the quarter's oversight warning on or after `today`: before it the
    oversight kind returns at once without a query, so its SQL is timed as on that day."""
    _, quarter_end = review_rules.quarter_of(today)
    warn_from = rules.quarter_warning_from(quarter_end)
    return max(today, warn_from)


def oversight_on(day: date) -> tuple[float, int, int]:
    condition, _ = CONDITIONS[AlertKind.OVERSIGHT_QUARTER]
    with rolled_back(), counting() as queries:
        started = time.perf_counter()
        rows = list(condition(Scope(day)))
        seconds = time.perf_counter() - started
    return seconds, len(queries), len(rows)


def python_peak_mb(today: date) -> float:
    """The peak Python memory of one first scan (tracemalloc slows it, so it is not timed)."""
    with rolled_back():
        empty_alerts()
        tracemalloc.start()
        alerts_scan(today=today, trigger=ScanTrigger.COMMAND)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return round(peak / 2**20, 1)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=date.fromisoformat, default=date.fromisoformat(TODAY))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-tracemalloc", action="store_true", help="Skip the memory run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    today: date = args.today

    passes = [scans(today) for _ in range(args.repeat)]
    per_kind = [kinds(today) for _ in range(args.repeat)]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    oversight_day = warning_day(today)
    oversight = [oversight_on(oversight_day) for _ in range(args.repeat)]
    peak_mb = None if args.no_tracemalloc else python_peak_mb(today)

    _, first_q, first = passes[-1]["first"]
    _, steady_q, steady = passes[-1]["steady"]
    slowest = {
        name: max((p[name][1].slowest() for p in passes), key=lambda timing: timing[0])
        for name in ("first", "steady")
    }
    kind_rows = []
    for kind in CONDITIONS:
        kind_rows.append(
            {
                "kind": str(kind),
                "seconds": median([run[0][kind][0] for run in per_kind]),
                "queries": per_kind[-1][0][kind][1],
                "found": per_kind[-1][0][kind][2],
                "open": steady.counts[kind].open,
            }
        )
    run = {
        "children": Child.objects.count(),
        "looked_after": Child.objects.not_archived().looked_after_now().count(),
        "today": today.isoformat(),
        "repeat": args.repeat,
        "first_median_s": median([p["first"][0] for p in passes]),
        "first_queries": len(first_q),
        "first_raised": first.raised,
        "steady_median_s": median([p["steady"][0] for p in passes]),
        "steady_queries": len(steady_q),
        "steady_raised": steady.raised,
        "steady_cleared": steady.cleared,
        "open": steady.open,
        "slowest_query": {
            name: {"seconds": round(seconds, 3), "sql": " ".join(sql.split())[:300]}
            for name, (seconds, sql) in slowest.items()
        },
        "python_peak_mb": peak_mb,
        "process_peak_rss_mb": round(rss_mb, 1),
        "shared": [
            {
                "read": name,
                "seconds": median([run[1][name][0] for run in per_kind]),
                "queries": per_kind[-1][1][name][1],
            }
            for name in SHARED
        ],
        "kinds": sorted(kind_rows, key=lambda row: -row["seconds"]),
        "oversight_warning_day": oversight_day.isoformat(),
        "oversight_on_warning_day_s": median([o[0] for o in oversight]),
        "oversight_on_warning_day_found": oversight[-1][2],
    }
    if args.json:
        print(json.dumps(run))
        return
    print(report(run))


def report(run: dict[str, Any]) -> str:
    lines = [
        f"Alerts scan as on {run['today']}: {run['children']:,} children, "
        f"{run['looked_after']:,} looked after (median of {run['repeat']})",
        f"{'':<16} {'seconds':>8} {'queries':>8} {'raised':>8} {'cleared':>8} {'open':>8}",
        f"{'first scan':<16} {run['first_median_s']:>8.2f} {run['first_queries']:>8} "
        f"{run['first_raised']:>8} {0:>8} {run['first_raised']:>8}",
        f"{'steady scan':<16} {run['steady_median_s']:>8.2f} {run['steady_queries']:>8} "
        f"{run['steady_raised']:>8} {run['steady_cleared']:>8} {run['open']:>8}",
        *(
            f"slowest query of the {name} scan {query['seconds']:.2f} s: {query['sql'][:120]}"
            for name, query in run["slowest_query"].items()
        ),
        f"peak Python memory of a first scan {run['python_peak_mb']} MB; "
        f"process peak RSS {run['process_peak_rss_mb']} MB",
        "",
        f"{'shared read / kind':<30} {'seconds':>8} {'queries':>8} {'found':>8} {'open':>8}",
    ]
    for row in run["shared"]:
        lines.append(f"{'scope.' + row['read']:<30} {row['seconds']:>8.3f} {row['queries']:>8}")
    for row in run["kinds"]:
        lines.append(
            f"{row['kind']:<30} {row['seconds']:>8.3f} {row['queries']:>8} "
            f"{row['found']:>8} {row['open']:>8}"
        )
    lines.append(
        f"oversight_quarter as on {run['oversight_warning_day']} (its warning window): "
        f"{run['oversight_on_warning_day_s']:.3f} s, {run['oversight_on_warning_day_found']} found"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
