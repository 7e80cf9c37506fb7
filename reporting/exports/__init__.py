"""What every export format shares: a table's cells as printed, and spreadsheet-safe text."""

from typing import Any

from reporting.document import COUNT, Table, cell_text

# A spreadsheet treats a cell starting with one of these as a formula (OWASP CSV injection);
# tab and carriage return start one too in some programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, prefixed with ' so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unit_of(table: Table, row: int) -> str:
    """The unit of a row's figures: a comparison table's own, a grid table's counts."""
    return table.units[row] if row < len(table.units) else COUNT


def is_change(table: Table, column: int) -> bool:
    """Whether a column holds the change from last year (printed with its sign)."""
    return table.columns[column] == "Change"


def printed_rows(table: Table) -> list[list[str]]:
    """The table's rows as every document format prints them: label, then each figure."""
    return [
        [str(row[0])]
        + [
            cell_text(value, unit_of(table, r), is_change=is_change(table, c))
            for c, value in enumerate(row[1:], start=1)
        ]
        for r, row in enumerate(table.rows)
    ]
