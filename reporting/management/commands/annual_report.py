"""Build the annual report from the shell: the same figures and files an edition holds."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reporting import figures, services
from reporting.models import Edition
from reporting.rules import ReportingYear

FORMATS = ("json", "pdf", "docx", "xlsx", "csv")


class Command(BaseCommand):
    help = "Write the annual IRO report for a year as JSON, PDF, Word, Excel or a CSV bundle."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, help="The reporting year, like 2020-21")
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--output", required=True, help="The file to write ('-' for stdout)")
        parser.add_argument(
            "--publishable", action="store_true", help="Suppress small numbers (ADR 0014)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year = ReportingYear.from_label(options["year"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        with services.one_snapshot() as as_of:
            computed = figures.annual_figures(year)
        narrative = services.narrative_for(year)
        # An edition that is never saved: the command leaves no trace in the editions list.
        edition = Edition(
            year=year.label,
            publishable=options["publishable"],
            figures=computed,
            narrative=narrative.as_dict() if narrative else {},
            data_as_of=as_of,
        )
        fmt = options["format"]
        if fmt == "json":
            content = json.dumps(services.edition_json(edition), indent=2).encode()
        else:
            doc = services.document_for(edition)
            content = services.render(fmt, doc, services.draw_charts(doc))
        if options["output"] == "-":
            self.stdout.write(content.decode())
        else:
            Path(options["output"]).write_bytes(content)
            self.stderr.write(f"Wrote the {year.label} report as {fmt} to {options['output']}")
