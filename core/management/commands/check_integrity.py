"""Prove every record-integrity rule over the whole database (core.integrity)."""

import argparse
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from core.integrity import check_names, run_checks


class Command(BaseCommand):
    help = (
        "Run the record-integrity checks (core.integrity) and print each one's violations "
        "with up to five example public ids; fail if any row breaks a rule."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--check",
            action="append",
            choices=check_names(),
            metavar="NAME",
            help="Run only this check (repeat for more)",
        )
        parser.add_argument(
            "--records-only",
            action="store_true",
            help="Skip the demo council's believability rules (for a live service's data)",
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="The day records must not be after, YYYY-MM-DD (default today): the --today "
            "a demo was built up to",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        results = run_checks(
            connections[options["database"]],
            names=options["check"],
            today=options["today"],
            demo=not options["records_only"],
        )
        seconds = time.perf_counter() - started
        width = max([len("check"), *(len(r.name) for r in results)])
        self.stdout.write(f"{'check':<{width}} | {'violations':>10} | {'seconds':>7} | examples")
        self.stdout.write(f"{'-' * width}-+-{'-' * 10}-+-{'-' * 7}-+-{'-' * 8}")
        for r in results:
            count = "skipped" if r.skipped else str(r.violations)
            line = f"{r.name:<{width}} | {count:>10} | {r.seconds:>7.2f} | {', '.join(r.examples)}"
            self.stdout.write(self.style.ERROR(line) if r.violations else line)
        failed = [r for r in results if r.violations]
        ran = sum(not r.skipped for r in results)
        self.stdout.write(f"{ran} checks in {seconds:.2f} s")
        if failed:
            total = sum(r.violations for r in failed)
            raise CommandError(
                f"{total} violation{'s' if total != 1 else ''} of {len(failed)} "
                f"rule{'s' if len(failed) != 1 else ''}: {', '.join(r.name for r in failed)}"
            )
        self.stdout.write(self.style.SUCCESS("No violations"))
