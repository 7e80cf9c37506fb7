"""Time loading the demo authority (626 children looked after, as the seed) on a fresh database.

    .venv/bin/python bench/seed_demo.py [--children 626] [--seed 2021] [--repeat 3]

Settings come from DJANGO_SETTINGS_MODULE (default iro_service.settings.test: PostgreSQL).
A throwaway database is created and migrated first (not timed; SQLite uses one in memory);
each run is timed inside a transaction that is rolled back, so every run starts from the
same fresh state; the database is dropped at the end. Prints seconds and children a second.
"""

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iro_service.settings.test")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from children.demo import build_demo_authority  # noqa: E402

TODAY = date(2026, 3, 31)  # fixed, so every run builds the same data


class _RollbackError(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=626)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    vendor = connection.vendor
    if vendor != "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = (
            f"bench_{connection.settings_dict['NAME']}"
        )
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(f"seed_demo on {vendor}: {args.children} children looked after, seed {args.seed}")
        for run in range(1, args.repeat + 1):
            try:
                with transaction.atomic():
                    started = time.perf_counter()
                    summary = build_demo_authority(
                        children=args.children, seed=args.seed, today=TODAY
                    )
                    seconds = time.perf_counter() - started
                    raise _RollbackError
            except _RollbackError:
                pass
            total = len(summary.plan.children)
            print(
                f"  run {run}: {seconds:.2f} s, {summary.looked_after / seconds:.0f} children "
                f"looked after a second ({total} children with history: "
                f"{total / seconds:.0f} a second)"
            )
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
