"""Small-number suppression for publishable editions (ADR 0014).

Counts of children from 1 to the threshold are shown as "c", as the DfE does in "Children
looked after in England including adoptions"; zeros are shown as 0. Secondary suppression then
hides further cells until no "c" can be worked out from the figures left visible: by
subtracting from a row or column total, from a total printed in another table, or from the
change beside it. Every table is treated as a set of linear equations (a row adds up to its
total, a column to the total row, a change is this year less last year) and a "c" is safe when
those equations, with the visible cells filled in, leave it undetermined.
"""

import re
from collections.abc import Iterable, Iterator
from copy import deepcopy
from fractions import Fraction
from typing import Any

from django.conf import settings

from reporting.document import COUNT, SUPPRESSED, Document, Table
from reviews.models import OversightKind

# DfE: numbers from 1 to 5 are suppressed (ADR 0014); REPORT_SUPPRESSION_THRESHOLD overrides it.
DEFAULT_THRESHOLD = 5

Cell = tuple[int, int, int]  # (index in doc.tables, row, column)
Ref = tuple[str, str]  # (table key, row label)
Equation = list[tuple[Cell, int]]  # cells and coefficients whose weighted sum is known

ALL: tuple[str, ...] = ()  # every count row of the table
YEARS = (1, 2)  # a comparison table's columns: this year, last year

# Rows that add up to another figure of the report (shared/annual-report.md), so a lone "c"
# among them could be recovered by subtraction. A total of None is one a reader can still
# work out (escalations resolved, from those raised and still open): protected as if printed.
# Where a definition lets the parts differ from the total, treating them as adding up only
# hides more.
SUMS: tuple[tuple[Ref | None, str, tuple[str, ...]], ...] = (
    (
        ("reviews", "Reviews held"),
        "reviews",
        ("Held in timescale", "Held late", "Timeliness cannot be established"),
    ),
    (("reviews", "Held late"), "late_reasons", ALL),
    (("reviews", "Reviews held"), "participation", ALL),
    (
        ("oversight", "Oversight notes recorded"),
        "oversight",
        tuple(str(label) for _, label in OversightKind.choices),
    ),
    (("support", "Advocacy referrals"), "advocacy_outcomes", ALL),
    (("escalations", "Areas of concern"), "escalation_areas", ALL),
    (None, "escalation_stages", ALL),
    (
        ("complaints", "Complaints received"),
        "complaints",
        ("Resolved at stage 1", "Went to stage 2", "Went to stage 3"),
    ),
    (("children", "Looked after on 31 March"), "age", ALL),
    (("children", "Looked after on 31 March"), "sex", ALL),
    (("children", "Looked after on 31 March"), "legal_status", ALL),
    (("children", "Ceased to be looked after in the year"), "ceased_by_reason", ALL),
)

# What each percentage is made of, where the document holds it: (table and rows of the counts
# behind it, the denominator). A percentage of a printed denominator gives its numerator away.
# Percentages not listed have neither in the document and are shown (ADR 0014).
PERCENTAGES: dict[Ref, tuple[tuple[str, tuple[str, ...]] | None, Ref | None]] = {
    ("reviews", "Percentage held in timescale"): (
        ("reviews", ("Held in timescale", "Held late")),
        None,
    ),
    ("voice", "Children aged 4 and over who took part (PN1 to PN6)"): (
        ("participation", ALL),
        None,
    ),
    ("oversight", "Children looked after on 31 March with oversight in every quarter"): (
        None,
        ("children", "Looked after on 31 March"),
    ),
    ("stability", "Children with 3 or more placements in the year"): (
        None,
        ("children", "Looked after on 31 March"),
    ),
}

# Counts of staff and volunteers, not of children: nobody is identified by them.
NOT_CHILDREN: frozenset[Ref] = frozenset(
    {
        ("service", "IROs holding a caseload on 31 March"),
        ("support", "Independent Visitors recruited"),
    }
)

WITHHELD = (
    "Some figures in this section are small, or would show a small figure, and are shown as c "
    "in its tables."
)


def threshold_setting() -> int:
    """The largest count suppressed: settings.REPORT_SUPPRESSION_THRESHOLD, read at call time."""
    return int(getattr(settings, "REPORT_SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


def is_small(value: Any, threshold: int) -> bool:
    """Whether a count is suppressed on its own: 1 to the threshold (0 is shown as 0)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= threshold


def suppress(doc: Document, *, threshold: int | None = None) -> Document:
    """A copy of the document with small counts, and every cell that would reveal one, as "c"."""
    doc = deepcopy(doc)
    doc.publishable = True
    limit = threshold_setting() if threshold is None else threshold
    system = _Equations(doc.tables, limit)
    hidden = system.protect()
    hidden |= _percentages(doc.tables, system, hidden, limit)
    hidden |= system.changes_of(hidden)
    # Paragraphs print this year's figures only: column 1 of a comparison table.
    this_year = {cell: system.value(cell) for cell in hidden if cell[2] == YEARS[0]}
    for t, r, c in hidden:
        doc.tables[t].rows[r][c] = SUPPRESSED
    _withhold_paragraphs(doc, this_year)
    return doc


def _is_grid(table: Table) -> bool:
    return table.total_row or bool(table.count_columns)


def _change_columns(table: Table) -> list[int]:
    # A change column is the column two before it less the column before it.
    return [i for i, name in enumerate(table.columns) if name == "Change" and i >= 3]


class _Equations:
    """Every table of a document as cells and the linear equations that tie them."""

    def __init__(self, tables: list[Table], threshold: int) -> None:
        self.tables = tables
        self.threshold = threshold
        self.where = {
            (table.key, str(row[0])): (t, r)
            for t, table in enumerate(tables)
            for r, row in enumerate(table.rows)
        }
        self.counts = set(self._count_cells())
        self.sums: list[Equation] = [eq for eq in self._sums() if self._usable(eq)]
        self.changes: list[Equation] = [eq for eq in self._changes() if self._usable(eq)]

    def value(self, cell: Cell) -> Any:
        t, r, c = cell
        return self.tables[t].rows[r][c]

    def _usable(self, equation: Equation) -> bool:
        # A figure not known (None, printed as a dash) is taken as 0, as a reader might take
        # it: a category with no records is missing from the figures rather than 0.
        values = [self.value(cell) for cell, _ in equation]
        return len(equation) > 1 and all(v is None or isinstance(v, int) for v in values)

    def _count_cells(self) -> Iterator[Cell]:
        for t, table in enumerate(self.tables):
            if _is_grid(table):
                skip = {0, *_change_columns(table)}
                for r, row in enumerate(table.rows):
                    yield from ((t, r, c) for c in range(len(row)) if c not in skip)
            else:
                for r, row in enumerate(table.rows):
                    unit = table.units[r] if r < len(table.units) else COUNT
                    if unit == COUNT and (table.key, str(row[0])) not in NOT_CHILDREN:
                        yield from ((t, r, c) for c in YEARS if c < len(row))

    def rows_of(self, key: str, labels: tuple[str, ...]) -> list[tuple[int, int]]:
        """The (table, row) of each labelled row of a table; ALL: every count row."""
        if labels:
            return [self.where[(key, label)] for label in labels if (key, label) in self.where]
        return [
            (t, r)
            for t, table in enumerate(self.tables)
            if table.key == key
            for r in range(len(table.rows))
            if (t, r, YEARS[0]) in self.counts
        ]

    def _sums(self) -> Iterator[Equation]:
        for t, table in enumerate(self.tables):
            if not _is_grid(table):
                continue
            *parts, total = table.count_columns or [0]
            if parts:
                for r in range(len(table.rows)):
                    yield [((t, r, c), 1) for c in parts] + [((t, r, total), -1)]
            if table.total_row:
                last = len(table.rows) - 1
                columns = {c for (tt, _, c) in self.counts if tt == t}
                for c in sorted(columns):
                    yield [((t, r, c), 1) for r in range(last)] + [((t, last, c), -1)]
        for ref, key, labels in SUMS:
            rows = self.rows_of(key, labels)
            for c in YEARS:
                equation = [((t, r, c), 1) for t, r in rows]
                if ref is not None and ref in self.where:
                    equation.append(((*self.where[ref], c), -1))
                yield equation

    def _changes(self) -> Iterator[Equation]:
        for t, table in enumerate(self.tables):
            columns = _change_columns(table)
            for r in range(len(table.rows)):
                for c in columns:
                    yield [((t, r, c), 1), ((t, r, c - 2), -1), ((t, r, c - 1), 1)]

    def changes_of(self, hidden: set[Cell]) -> set[Cell]:
        """The change cells beside a hidden figure: with the other year they would give it away."""
        found = set()
        for t, table in enumerate(self.tables):
            for c in _change_columns(table):
                for r, row in enumerate(table.rows):
                    if c < len(row) and ({(t, r, c - 2), (t, r, c - 1)} & hidden):
                        found.add((t, r, c))
        return found

    def protect(self) -> set[Cell]:
        """Primary suppression, then secondary until no hidden count can be worked out."""
        hidden = {cell for cell in self.counts if is_small(self.value(cell), self.threshold)}
        primary = set(hidden)
        while True:
            hidden |= self.changes_of(hidden)
            exposed = self.determined(hidden, primary)
            if not exposed:
                return hidden
            # One at a time, starting with a count alone in a row or column: the others are
            # usually exposed only through it, and the cell hidden for it protects them too.
            first = min(exposed, key=lambda cell: (not self._alone_in(cell, hidden), cell))
            added = self._next_to_hide(first, hidden)
            if added is None:
                return hidden  # nothing left to hide: every count of the equations is "c"
            hidden.add(added)

    def determined(self, hidden: set[Cell], primary: set[Cell]) -> set[Cell]:
        """Hidden counts a reader could work out from the visible cells."""
        equations = self.sums + self.changes
        unknowns = sorted(hidden & {cell for eq in equations for cell, _ in eq})
        found = {cell for cell in _solved(equations, unknowns) if cell in self.counts}
        # Hidden counts of 1 to the threshold adding up to their least or greatest possible sum
        # are each known: two cells adding up to 2 are both 1.
        for equation in self.sums:
            unknown = [(cell, sign) for cell, sign in equation if cell in hidden]
            if not unknown or any(cell not in primary for cell, _ in unknown):
                continue
            if len({sign for _, sign in unknown}) > 1:
                continue
            total = sum(self.value(cell) for cell, _ in unknown)
            if total in (len(unknown), len(unknown) * self.threshold):
                found |= {cell for cell, _ in unknown}
        return found & hidden

    def _lines_of(self, cell: Cell) -> list[Equation]:
        return [eq for eq in self.sums if any(c == cell for c, _ in eq)]

    def _alone_in(self, cell: Cell, hidden: set[Cell]) -> list[Equation]:
        """The rows and columns in which the cell is the only one hidden."""
        return [eq for eq in self._lines_of(cell) if sum(c in hidden for c, _ in eq) == 1]

    def _next_to_hide(self, cell: Cell, hidden: set[Cell]) -> Cell | None:
        """The smallest visible count (non-zero first) in a row or column of the exposed cell,
        preferring those where it is the only one hidden."""
        lines = self._lines_of(cell)
        alone = self._alone_in(cell, hidden)
        for group in (alone, lines, [eq for eq in self.sums if any(c in hidden for c, _ in eq)]):
            candidates = {
                c
                for eq in group
                for c, _ in eq
                if c not in hidden and c in self.counts and isinstance(self.value(c), int)
            }
            if candidates:
                return min(candidates, key=lambda c: (self.value(c) == 0, self.value(c), c))
        return None


def _solved(equations: Iterable[Equation], unknowns: list[Cell]) -> set[Cell]:
    """The unknowns fixed by the equations: those whose unit vector is a row of the reduced
    row echelon form of the equations' coefficients on the unknowns."""
    index = {cell: i for i, cell in enumerate(unknowns)}
    rows: list[dict[int, Fraction]] = []
    for equation in equations:
        row = {index[cell]: Fraction(sign) for cell, sign in equation if cell in index}
        if row:
            rows.append(row)
    pivots: list[tuple[int, dict[int, Fraction]]] = []
    for row in rows:
        for column, pivot in pivots:
            if column in row:
                factor = row[column]
                for k, v in pivot.items():
                    row[k] = row.get(k, Fraction(0)) - factor * v
                row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        column = min(row)
        scale = row[column]
        row = {k: v / scale for k, v in row.items()}
        for i, (other_column, other) in enumerate(pivots):
            if column in other:
                factor = other[column]
                merged = {
                    k: other.get(k, Fraction(0)) - factor * row.get(k, Fraction(0))
                    for k in other.keys() | row.keys()
                }
                pivots[i] = (other_column, {k: v for k, v in merged.items() if v})
        pivots.append((column, row))
    return {unknowns[column] for column, row in pivots if len(row) == 1}


def _percentages(
    tables: list[Table], system: _Equations, hidden: set[Cell], limit: int
) -> set[Cell]:
    """Percentages that would show a hidden count, or a small numerator or remainder."""
    found = set()
    for ref, (counts, denominator) in PERCENTAGES.items():
        if ref not in system.where:
            continue
        t, r = system.where[ref]
        for c in YEARS:
            pct = tables[t].rows[r][c]
            if not isinstance(pct, (int, float)):
                continue
            behind = system.rows_of(*counts) if counts else []
            if any((tt, rr, c) in hidden for tt, rr in behind):
                found.add((t, r, c))
                continue
            if denominator in system.where:
                dt, dr = system.where[denominator]
                base = tables[dt].rows[dr][c]
                if (dt, dr, c) in hidden:
                    found.add((t, r, c))
                elif isinstance(base, int):
                    numerator = round(pct * base / 100)
                    if is_small(numerator, limit) or is_small(base - numerator, limit):
                        found.add((t, r, c))
    return found


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _printed(value: Any) -> set[str]:
    """The ways a paragraph may print a figure: 1,544; 99; 99.2."""
    if isinstance(value, int):
        return {f"{value:,}", str(value)}
    if isinstance(value, float):
        return {f"{value:.0f}", f"{value:.1f}"}
    return set()


def _withhold_paragraphs(doc: Document, hidden: dict[Cell, Any]) -> None:
    """Replace a section's paragraph that prints a figure its tables now hide: its sentences
    are built from the same figures as its tables."""
    first = 0
    for section in doc.sections:
        count = len(section.tables)
        shown = set().union(
            *(_printed(v) for (t, _, _), v in hidden.items() if first <= t < first + count)
        )
        first += count
        if not shown:
            continue
        section.paragraphs = [
            WITHHELD if shown & set(NUMBER.findall(text)) else text for text in section.paragraphs
        ]
