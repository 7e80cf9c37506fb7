"""Write a collection year's SSDA903 return from the shell: the four CSV files the DfE reads."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from children import codes
from ssda903 import export


class Command(BaseCommand):
    help = (
        "Write the SSDA903 Header, Episodes, Reviews and UASC tables of a collection year "
        "(1 April to 31 March) as header.csv, episodes.csv, reviews.csv and uasc.csv."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, help="The collection year, like 2020-21")
        parser.add_argument(
            "--output", required=True, type=Path, help="The directory to write (made if missing)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year = export.year_from_label(options["year"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        output: Path = options["output"]
        if output.exists() and not output.is_dir():
            raise CommandError(f"{output} is a file, not a directory")
        found = export.tables(year)
        paths = export.write_csv(found, output)
        label = codes.collection_year_label(year)
        self.stdout.write(f"Wrote the {label} SSDA903 return to {output}:")
        for (table, table_rows), path in zip(found.items(), paths, strict=True):
            self.stdout.write(f"  {path.name}: {len(table_rows)} {table} rows")
