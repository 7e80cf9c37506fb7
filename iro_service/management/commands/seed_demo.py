"""Load Demo City Council, a realistic made-up local authority, and print the demo logins."""

import argparse
import random
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from children.demo import AUTHORITY, DEMO_LOGINS, DEMO_PASSWORD, build_demo_authority
from children.models import Allocation, Child
from escalations.demo import build_demo_escalations
from iro_service.models import Role, User
from reviews.demo import build_demo_reviews
from support.demo import build_demo_support


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
        "with four years of care history and IRO allocations. Same --seed and --today, same data."
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
        with transaction.atomic():
            summary = build_demo_authority(children=children, seed=options["seed"], today=today)
            manager = User.objects.with_role(Role.MANAGER).order_by("pk").first()
            counts = build_demo_reviews(seed=options["seed"], today=today, created_by=manager)
            counts |= build_demo_support(seed=options["seed"], today=today, created_by=manager)
            looked_after = list(Child.objects.looked_after_now().order_by("pk"))
            staff = User.objects.in_bulk()
            iro_of = {
                c: staff[i] for c, i in Allocation.objects.open().values_list("child_id", "iro_id")
            }
            counts["escalations"] = build_demo_escalations(
                rng=random.Random(options["seed"] + 11),
                today=today,
                children=looked_after,
                iros_by_child=iro_of,
                created_by=manager,
            )
        summary.seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {AUTHORITY} in {summary.seconds:.1f} s (seed {options['seed']}, "
                f"today {today:%d/%m/%Y})"
            )
        )
        self.stdout.write(
            f"  Children looked after: {summary.looked_after} "
            f"({summary.unallocated} waiting for an IRO); ceased in the last 4 years: "
            f"{summary.ceased}\n"
            f"  IROs: {summary.iros}, {summary.fte} FTE, "
            f"{summary.caseload_per_fte:.0f} children per FTE"
        )
        self.stdout.write(
            "  " + ", ".join(f"{name.replace('_', ' ')}: {n}" for name, n in counts.items())
        )
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write("\nDemo logins:")
        self.stdout.write(f"  {'Role':<16} {'Email':<24} Password")
        for role, email in DEMO_LOGINS:
            self.stdout.write(f"  {role:<16} {email:<24} {DEMO_PASSWORD}")
