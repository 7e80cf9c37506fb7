"""Load Demo City Council, a realistic made-up local authority, and print the demo logins."""

import argparse
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from children.demo import AUTHORITY, DEMO_LOGINS, DEMO_PASSWORD, build_demo_authority
from children.models import Child
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

    def handle(self, *args: object, **options: object) -> None:
        demo_loaded = User.objects.filter(email=DEMO_LOGINS[0][1]).exists()
        if Child.objects.exists() or demo_loaded:
            if options["if_empty"]:
                self.stdout.write("Demo data already loaded")
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
        summary = build_demo_authority(children=children, seed=options["seed"], today=today)
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
        self.stdout.write("\nDemo logins:")
        self.stdout.write(f"  {'Role':<16} {'Email':<24} Password")
        for role, email in summary.logins:
            self.stdout.write(f"  {role:<16} {email:<24} {DEMO_PASSWORD}")
