"""Run the alerts scan from the shell: the same service the timetable runs."""

import time
from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from alerts import services
from alerts.kinds import AlertKind
from alerts.models import ScanTrigger


class Command(BaseCommand):
    help = "Scan every child for alerts; print how many were raised, are open and were cleared"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--today", type=date.fromisoformat, help="Scan as on this day (YYYY-MM-DD)"
        )
        parser.add_argument(
            "--trigger", choices=ScanTrigger.values, default=ScanTrigger.COMMAND, help="Why it ran"
        )
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="Scan again every SECONDS until stopped (make run's daily scan)",
        )
        parser.add_argument("--summary", action="store_true", help="Print only the totals")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            self._scan(options["today"], options["trigger"], summary=options["summary"])
            if not options["every"]:
                return
            time.sleep(options["every"])
            options["trigger"] = ScanTrigger.SCHEDULE

    def _scan(self, today: date | None, trigger: str, *, summary: bool) -> None:
        started = time.monotonic()
        result = services.alerts_scan(today=today, trigger=trigger)
        took = time.monotonic() - started
        if summary:
            self.stdout.write(
                f"Alerts scanned as on {result.today:%-d %B %Y} in {took:.1f} s: "
                f"{result.raised} raised, {result.open} open, {result.cleared} cleared"
            )
            return
        width = max(len(label) for label in AlertKind.labels)
        self.stdout.write(f"{'Kind':<{width}}  raised    open  cleared")
        for kind, label in AlertKind.choices:
            count = result.counts[kind]
            self.stdout.write(
                f"{label:<{width}}  {count.raised:>6}  {count.open:>6}  {count.cleared:>7}"
            )
        self.stdout.write(
            f"{'All kinds':<{width}}  {result.raised:>6}  {result.open:>6}  {result.cleared:>7}"
        )
        self.stdout.write(f"Scanned as on {result.today:%-d %B %Y} in {took:.1f} s")
