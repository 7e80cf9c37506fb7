"""Time the list pages on the database DATABASE_URL points at, through the test client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/iro_bench5k \\
        .venv/bin/python bench/pages.py [--repeat 15]

Load a council first (`manage.py seed_demo --children N`). Each page is requested
`--repeat` times as the person who would open it (the demo's service manager, or the IRO
with the largest caseload); prints the median and the slowest in milliseconds and the SQL
query count, which must not grow with the number of children.
"""

import argparse
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

from children.models import Child  # noqa: E402
from iro_service.models import User  # noqa: E402


def timed(client: Client, url: str, repeat: int) -> tuple[float, float, int]:
    """Median and slowest milliseconds of `repeat` GETs of `url`, and the queries of one."""
    client.get(url)  # warm the connection and the template cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times), max(times), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    manager = User.objects.get(email="manager@demo.example")
    iro = (
        User.objects.iros()
        .annotate(held=Count("allocations", filter=Q(allocations__end_date=None)))
        .order_by("-held")
        .first()
    )
    assert iro is not None, "load a council first: manage.py seed_demo --children N"
    looked_after = Child.objects.looked_after_now().count()
    last_page = -(-looked_after // 50)
    someone = Child.objects.looked_after_now().order_by("pk").first()
    assert someone is not None
    pages = [
        (manager, "children list, first page", reverse("children:list")),
        (manager, "children list, last page", f"{reverse('children:list')}?page={last_page}"),
        (manager, "search by reference", f"{reverse('children:list')}?q={someone.child_ref}"),
        (manager, "search by name", f"{reverse('children:list')}?q={someone.last_name}"),
        (manager, "unallocated queue", reverse("children:unallocated")),
        (iro, f"IRO caseload ({iro.held} children)", reverse("reviews:caseload")),  # type: ignore[attr-defined]
        (manager, "child page", reverse("children:detail", args=[someone.public_id])),
    ]
    print(f"{looked_after:,} children looked after; {args.repeat} requests a page")
    print(f"{'page':<36} {'median ms':>10} {'max ms':>8} {'queries':>8}")
    for user, label, url in pages:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        median, slowest, queries = timed(client, url, args.repeat)
        print(f"{label:<36} {median:>10.0f} {slowest:>8.0f} {queries:>8}")


if __name__ == "__main__":
    main()
