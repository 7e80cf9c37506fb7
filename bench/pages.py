"""Time the app's pages on the database DATABASE_URL points at, through the test client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iro_bench_20000 \\
        .venv/bin/python bench/pages.py [--repeat 30] [--json]

Load an authority first (`manage.py seed_demo --children N`, then
`manage.py scan_alerts --today 2026-11-30` so the alert pages have alerts; or `make bench`,
which builds, scans and caches them). Each page is requested `--repeat` times, in process, as the person who
would open it: a service manager, or the IRO with the largest caseload. Prints the median
and 95th percentile server time in milliseconds, the SQL queries (which must not grow with
the number of children) and each page's time as a multiple of the reference view's, a
health check making one indexed query, timed in the same run.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iro_service.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from children.models import Allocation, Child  # noqa: E402
from iro_service.models import User  # noqa: E402
from reviews.models import Review  # noqa: E402

REFERENCE = "reference: health check, one indexed query"


def timed(client: Client, url: str, repeat: int) -> dict:
    """Median and 95th percentile milliseconds of `repeat` GETs of `url`, and its queries."""
    client.get(url)  # warm the connection and the template cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    return {"median": statistics.median(times), "p95": p95, "queries": len(queries)}


def pages() -> tuple[int, list[tuple[User | None, str, str]]]:
    """Children looked after, and (who, label, url) for each page measured."""
    manager = User.objects.get(email="manager@demo.example")
    admin = User.objects.get(email="admin@demo.example")
    iro = (
        User.objects.iros()
        .annotate(held=Count("allocations", filter=Q(allocations__end_date=None)))
        .order_by("-held", "pk")
        .first()
    )
    assert iro is not None, "load an authority first: manage.py seed_demo --children N"
    looked_after = Child.objects.looked_after_now().count()
    last_page = -(-looked_after // 50)
    child = Child.objects.filter(
        pk__in=Allocation.objects.open().filter(iro=iro).values("child")
    ).order_by("pk")[0]
    review = Review.objects.filter(child=child, status="final").order_by("-held_on")[0]
    children_list = reverse("children:list")
    return looked_after, [
        (None, REFERENCE, reverse("health")),
        (manager, "manager home (service dashboard)", reverse("home")),
        (manager, "service dashboard, filtered (RAG red)", reverse("home") + "?rag=red"),
        (manager, "children list, first page", children_list),
        (manager, "children list, last page", f"{children_list}?page={last_page}"),
        (manager, "children list, next review overdue", f"{children_list}?next_review=overdue"),
        (manager, "search by reference", f"{children_list}?q={child.child_ref}"),
        (manager, "search by name", f"{children_list}?q={child.last_name}"),
        (manager, "unallocated queue", reverse("children:unallocated")),
        (admin, "staff list", reverse("staff:list")),
        (admin, "staff member (IRO)", reverse("staff:detail", args=[iro.public_id])),
        (manager, "allocate a child", reverse("children:allocate", args=[child.public_id])),
        (manager, "escalations", reverse("escalations:list")),
        (manager, "independent visitors", reverse("support:iv_list")),
        (manager, "alerts (manager)", reverse("alerts:list")),
        (iro, "IRO's week (dashboard)", reverse("dashboards:iro")),
        (iro, "alerts (IRO)", reverse("alerts:list")),
        (iro, f"IRO caseload ({iro.held} children)", reverse("reviews:caseload")),  # type: ignore[attr-defined]
        (iro, "child page", reverse("children:detail", args=[child.public_id])),
        (iro, "child timeline", reverse("reviews:timeline", args=[child.public_id])),
        (iro, "review", reverse("reviews:detail", args=[review.public_id])),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    looked_after, measured = pages()
    results = []
    for user, label, url in measured:
        client = Client(HTTP_HOST="127.0.0.1")
        if user:
            client.force_login(user)
        results.append({"page": label, **timed(client, url, args.repeat)})
    reference = results[0]["median"]
    for row in results:
        row["ratio"] = row["median"] / reference
    if args.json:
        print(json.dumps({"looked_after": looked_after, "pages": results}))
        return
    print(f"{looked_after:,} children looked after; {args.repeat} requests a page")
    print(f"{'page':<44} {'median ms':>9} {'p95 ms':>7} {'queries':>7} {'x ref':>6}")
    for row in results:
        print(
            f"{row['page']:<44} {row['median']:>9.0f} {row['p95']:>7.0f} "
            f"{row['queries']:>7} {row['ratio']:>6.1f}"
        )


if __name__ == "__main__":
    main()
