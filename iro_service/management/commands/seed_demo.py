"""Load Demo City Council, a realistic made-up local authority, and print the demo logins."""

import argparse
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from children.demo import AUTHORITY, DEMO_LOGINS, DEMO_PASSWORD, HISTORY_YEARS
from children.models import Child
from iro_service.demo import AuthoritySummary, build_authority, district_sizes
from iro_service.models import User


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date in the form YYYY-MM-DD"
        ) from None


class Command(BaseCommand):
    help = (
        "Load Demo City Council: 9 IROs on 7.8 FTE, managers, an admin, children looked after "
        "with four years of care history and IRO allocations; a larger --children is that many "
        "such IRO teams side by side. Same --seed and --today, same data."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--children",
            type=int,
            default=626,
            help="Children looked after on --today (default 626, as the seed)",
        )
        parser.add_argument("--seed", type=int, default=2021, help="Random seed (default 2021)")
        parser.add_argument(
            "--today",
            type=_iso_date,
            default=None,
            help="The date the data is built up to, YYYY-MM-DD (default today)",
        )
        parser.add_argument(
            "--history-years",
            type=int,
            default=HISTORY_YEARS,
            help=f"Years of children who have left care (default {HISTORY_YEARS})",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="Districts built at once, in worker processes (PostgreSQL only; default 1)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already holds children",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        demo_loaded = User.objects.filter(email=DEMO_LOGINS[0][1]).exists()
        if Child.objects.exists() or demo_loaded:
            if options["if_empty"]:
                self.stdout.write("Demo data already loaded")
                self._print_logins()
                return
            raise CommandError(
                "Demo data is already loaded"
                if demo_loaded
                else "The database already holds children: the demo loads only into an empty database "
                "(use --if-empty to skip quietly)"
            )
        children = options["children"]
        if not 1 <= children <= 100_000:
            raise CommandError("--children must be between 1 and 100000")
        today = options["today"] or timezone.localdate()
        if today > timezone.localdate():
            raise CommandError(
                "--today cannot be in the future: records would be dated after today"
            )
        started = time.perf_counter()
        summary = build_authority(
            children=children,
            seed=options["seed"],
            today=today,
            history_years=options["history_years"],
            jobs=options["jobs"],
            progress=self._progress if len(district_sizes(children)) > 1 else None,
        )
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {AUTHORITY} in {seconds:.1f} s (seed {options['seed']}, "
                f"today {today:%d/%m/%Y}, {summary.districts} "
                f"district{'s' if summary.districts > 1 else ''})"
            )
        )
        self.stdout.write(
            f"  Children looked after: {summary.looked_after} "
            f"({summary.unallocated} waiting for an IRO); ceased in the last "
            f"{options['history_years']} years: {summary.ceased}\n"
            f"  IROs: {summary.iros}, {summary.fte} FTE, "
            f"{summary.caseload_per_fte:.0f} children per FTE"
        )
        self.stdout.write(
            "  " + ", ".join(f"{name.replace('_', ' ')}: {n}" for name, n in summary.counts.items())
        )
        self._print_logins()

    def _progress(self, done: AuthoritySummary, districts: int) -> None:
        self.stdout.write(f"  {done.districts}/{districts} districts: {done.looked_after} children")

    def _print_logins(self) -> None:
        self.stdout.write("\nDemo logins:")
        self.stdout.write(f"  {'Role':<16} {'Email':<24} Password")
        for role, email in DEMO_LOGINS:
            self.stdout.write(f"  {role:<16} {email:<24} {DEMO_PASSWORD}")
