"""`manage.py import_903 PATH... --year 2020-21`: import a year's 903 files, all or nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iro_service.models import Role, User
from ssda903 import services
from ssda903.models import ImportStatus

SHOWN = 50


def parse_year(label: str) -> int:
    """2020 for "2020-21"; a CommandError for anything else."""
    start, _, end = label.partition("-")
    if not (start.isdigit() and end.isdigit() and len(start) == 4 and len(end) == 2):
        raise CommandError(f"Give the collection year as 2020-21, not {label!r}")
    if (int(start) + 1) % 100 != int(end):
        raise CommandError(
            f"{label} is not a collection year: try {start}-{(int(start) + 1) % 100:02d}"
        )
    return int(start)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="903 CSV files, or one XML file")
        parser.add_argument("--year", required=True, help="the collection year, as 2020-21")
        parser.add_argument(
            "--encoding", default="utf-8", help="the files' encoding: utf-8 or cp1252 (Excel)"
        )
        parser.add_argument(
            "--by", help="the email of the admin the import is recorded as (default: the first)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = parse_year(options["year"])
        files = []
        for path in options["paths"]:
            if not path.is_file():
                raise CommandError(f"{path} is not a file")
            files.append((path.name, path.read_bytes()))
        admins = User.objects.with_role(Role.ADMIN).filter(is_active=True).order_by("pk")
        by = admins.filter(email=options["by"]).first() if options["by"] else admins.first()
        if by is None:
            raise CommandError("No active admin to record the import as: give --by EMAIL")
        # Run here, not queued: the command is the worker.
        batch = services.import_request(
            by=by, year=year, encoding=options["encoding"], files=files, queue=False
        )
        services.import_run(import_id=batch.pk)
        batch.refresh_from_db()
        if batch.status == ImportStatus.DONE:
            for name, counts in batch.summary.items():
                self.stdout.write(
                    f"{name:<10} {counts['added']:>7,} added {counts['changed']:>7,} changed "
                    f"{counts['unchanged']:>7,} unchanged"
                )
            self.stdout.write(f"Imported {batch.year_label} ({batch.public_id})")
            return
        for problem in batch.problems[:SHOWN]:
            where = f"{problem['file']} row {problem['row']}" if problem["row"] else problem["file"]
            rule = f" [rule {problem['rule']}]" if problem["rule"] else ""
            self.stderr.write(f"{where}: {problem['message']}{rule}")
        more = len(batch.problems) - SHOWN
        if more > 0:
            self.stderr.write(f"... and {more:,} more")
        raise CommandError(
            f"Nothing was imported: {len(batch.problems):,} problems (import {batch.public_id})"
        )
