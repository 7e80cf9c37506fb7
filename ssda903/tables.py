"""The SSDA903 tables this service imports, and what reading and checking them return.

Columns are those of the DfE's validator (`lac_validator.config.column_names`); a CSV file is
recognised by its set of column headers, whatever its name or column order.
"""

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

COLUMNS: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": (
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
}

# The return's other tables: recognised only to say that they are not imported.
OTHER_COLUMNS: dict[str, tuple[str, ...]] = {
    "OC2": (
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": (
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ),
    "PlacedAdoption": (
        "CHILD",
        "DOB",
        "DATE_PLACED",
        "DATE_PLACED_CEASED",
        "REASON_PLACED_CEASED",
    ),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "DoLo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}


class Row(dict[str, str]):
    """One record: every column of its table, upper-cased and stripped, a blank value as "".

    `line` is where the record is in its file: its row as a spreadsheet numbers it (the
    header is row 1, the first record row 2), or for XML the child's position (1 for the
    first CHILD element). Rows compare equal when their values do, wherever they were read.
    """

    __slots__ = ("line",)

    def __init__(self, line: int, values: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        dict.__init__(self, values)  # not super(): this runs for every row read
        self.line = line

    def __repr__(self) -> str:
        return f"Row({self.line}, {dict.__repr__(self)})"


@dataclass
class Table:
    """The rows of one 903 table read from one file (an XML file gives several tables)."""

    file: str
    name: str
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a file or one of its rows, in words a council's data team can act on.

    `row` is None for a problem with the whole file; `rule` is the DfE validation rule's
    code where one applies, else "".
    """

    file: str
    row: int | None
    child: str
    field: str
    rule: str
    value: str
    message: str


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a file's rows are read or checked.

    Reading 100,000 children makes about 550,000 rows and no reference cycles; the collector
    would rescan them all as they pile up, a third of the time read() and check() take. It
    is resumed at the end unless something else had paused it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
