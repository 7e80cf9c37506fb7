"""Time the annual report's build on the database DATABASE_URL names, beside the floor.

    DATABASE_URL=postgres://…/iro_bench_100000 DJANGO_SETTINGS_MODULE=iro_service.settings.test \
        .venv/bin/python bench/report.py [--year 2025-26] [--repeat 3] [--json]

Prints, for the last complete year before the data's newest review (or --year):
- the figures of the year and the year before (`reporting.figures.annual_figures`): median
  seconds, SQL queries, and the peak Python memory of one run (tracemalloc);
- the whole edition (figures, charts, PDF, Word, Excel, CSV) built by the service;
- the floor: one bare SQL aggregate pass (count(*)) over every table the figures read, in
  the same run, and the ratio of the figures' time to it.
"""

# A developer's tool: its SQL names only its own constant tables.
# ruff: noqa: S608

import argparse
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iro_service.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from children.models import Child  # noqa: E402
from iro_service.celery import app  # noqa: E402
from iro_service.models import Role, User  # noqa: E402
from reporting import figures, services  # noqa: E402
from reporting.rules import ReportingYear  # noqa: E402
from reviews.models import Review  # noqa: E402

TABLES = [
    "children_child",
    "children_periodofcare",
    "children_episode",
    "children_allocation",
    "reviews_review",
    "reviews_ragrating",
    "reviews_oversightnote",
    "support_advocacyreferral",
    "support_incontactplan",
    "support_contactlog",
    "support_ivmatch",
    "support_ivreferral",
    "support_independentvisitor",
    "escalations_escalation",
    "escalations_areaofconcern",
    "reporting_complaint",
]


def floor_seconds() -> tuple[float, int]:
    """One bare aggregate pass over every table the figures read: the seconds and the rows."""
    started = time.perf_counter()
    rows = 0
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            rows += cursor.fetchone()[0]
    return time.perf_counter() - started, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    newest = Review.objects.aggregate(on=Max("held_on"))["on"]
    year = (
        ReportingYear.from_label(args.year)
        if args.year
        else ReportingYear.last_complete(newest)
        if newest
        else ReportingYear(2025)
    )
    times, queries = [], 0
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            with services.one_snapshot():
                result = figures.annual_figures(year)
            times.append(time.perf_counter() - started)
        queries = len(captured)
    tracemalloc.start()
    with services.one_snapshot():
        figures.annual_figures(year)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    floors = [floor_seconds() for _ in range(args.repeat)]
    floor = statistics.median(f[0] for f in floors)

    # The build runs in this process as the request commits, as under `make run`.
    app.conf.task_always_eager = True
    manager = User.objects.with_role(Role.MANAGER).first()
    started = time.perf_counter()
    edition = services.edition_request(by=manager, year=year, publishable=False)
    build = time.perf_counter() - started
    edition.refresh_from_db()

    run = {
        "children": Child.objects.count(),
        "looked_after_at_end": result["children"]["looked_after_at_end"],
        "year": year.label,
        "figures_median_s": round(statistics.median(times), 3),
        "figures_queries": queries,
        "figures_peak_python_mb": round(peak / 2**20, 1),
        "edition_build_s": round(build, 2),
        "edition_status": edition.status,
        "floor_s": round(floor, 3),
        "floor_rows": floors[0][1],
        "ratio_to_floor": round(statistics.median(times) / floor, 1) if floor else None,
    }
    if args.json:
        print(json.dumps(run))
        return
    for key, value in run.items():
        print(f"{key:<24} {value}")


if __name__ == "__main__":
    main()
