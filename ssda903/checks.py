"""Row checks of SSDA903 tables, as the DfE's validator (`lac_validator.rules`) defines them.

`check()` runs over the rows `ssda903.reader.read()` returns and stores nothing. Each check
cites the DfE rule it follows; a check with no DfE rule (rule "") is one the importer needs
(a child, a start date, one episode a day, dates within the year). Codes are checked
against children.codes's list on the day each applies from (an episode's start, or its end
for REC and REASON_PLACE_CHANGE; the year's start for SEX and ETHNIC), so they can differ
from the validator's single list a year. Rules comparing a table with Header (INT03, INT08,
INT09, INT17, INT18, INT21) run only when a Header table is among those checked, as the
validator's do.
"""

from collections.abc import Collection
from datetime import date
from itertools import pairwise

from children import codes
from ssda903.reader import parse_date
from ssda903.tables import Problem, Row, Table, no_cycle_collection

# Rule 167's participation codes (children.codes has no REVIEW_CODE list); rules 440 and
# 441 split them at the fourth birthday.
PARTICIPATION = ("PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")
UNDER_4 = "PN0"
# Rule 433: a new episode for these reasons continues the one before it.
CONTINUING = frozenset({"P", "L", "T", "U", "B"})
# Rule 388 sorts an episode whose start is not a date first, as this day.
_NO_START = date(1901, 1, 1)

# Codes with their rules: a child's on the year's start, an episode's on the day it starts
# or the day it ends (a placement change's reason belongs to the episode that ended).
_HEADER_CODES = (("SEX", "101"), ("ETHNIC", "103"))
_ON_START = (("RNE", "143"), ("LS", "144"), ("PLACE", "146"), ("PLACE_PROVIDER", "178"))
_ON_END = (("REC", "149"), ("REASON_PLACE_CHANGE", "1009"))
_REVIEW_CODE = (("REVIEW_CODE", "167"),)

_Episode = tuple[Table, Row, date | None, date | None]  # with its DECOM and DEC


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February falls on 28 February (pandas DateOffset)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def check(tables: list[Table], *, year: int) -> list[Problem]:
    """Every row problem in the tables of one collection year (`year`: 2020 for 2020-21),
    by file in the order given, then by row; a problem with no row first."""
    with no_cycle_collection():
        return _Checker(tables, year).run()


class _Checker:
    def __init__(self, tables: list[Table], year: int) -> None:
        self.tables = tables
        self.start = codes.year_start(year)
        self.end = codes.year_end(year)
        self.label = codes.collection_year_label(year)
        self.problems: list[Problem] = []
        self.header: dict[str, Row] | None = None  # CHILD to its first Header row
        self._lists: dict[date, dict[str, Collection[str]]] = {}

    def run(self) -> list[Problem]:
        self._same_table_twice()
        by_name = {name: [t for t in self.tables if t.name == name] for name in _ORDER}
        if by_name["Header"]:
            self.header = {}
        for table in by_name["Header"]:
            self._header(table)
        episodes: dict[str, list[_Episode]] = {}
        for table in by_name["Episodes"]:
            self._episodes(table, episodes)
        self._sequences(episodes)
        for table in by_name["Reviews"]:
            self._reviews(table)
        for table in by_name["UASC"]:
            self._uasc(table)
        files: dict[str, int] = {}
        for table in self.tables:
            files.setdefault(table.file, len(files))
        return sorted(self.problems, key=lambda p: (files[p.file], p.row or 0))

    # Helpers shared by every table.

    def add(self, table: Table, row: Row, field: str, rule: str, message: str) -> None:
        value = row[field] if field else ""
        self.problems.append(
            Problem(table.file, row.line, row["CHILD"], field, rule, value, message)
        )

    def parse(
        self,
        table: Table,
        row: Row,
        field: str,
        rule: str,
        *,
        blank: str | None = None,
        late: str | None = None,
    ) -> date | None:
        """The field's date. A problem (`rule`) if it is not a date; if it is blank and
        `blank` is a rule; if it is after the collection year and `late` is a rule."""
        text = row[field]
        if not text:
            if blank is not None:
                self.add(table, row, field, blank, f"{field} is blank")
            return None
        day = parse_date(text)
        if day is None:
            self.add(table, row, field, rule, f"{field}: '{text}' is not a date (DD/MM/YYYY)")
        elif late is not None and day > self.end:
            message = (
                f"{field}: '{text}' is after the end of the {self.label} collection year "
                f"({self.end:%d/%m/%Y})"
            )
            self.add(table, row, field, late, message)
        return day

    def codes(
        self,
        table: Table,
        row: Row,
        fields: tuple[tuple[str, str], ...],
        day: date,
        *,
        required: bool = False,
    ) -> None:
        """A problem (the field's rule) for each code of `fields` not valid on `day`, and for
        each blank one if `required`."""
        lists = self._lists.get(day) or self._lists_on(day)
        for field, rule in fields:
            value = row[field]
            if not value:
                if required:
                    self.add(table, row, field, rule, f"{field} is blank")
            elif value not in lists[field]:
                label = codes.collection_year_label(codes.collection_year(day))
                self.add(
                    table, row, field, rule, f"{field}: '{value}' is not a valid code in {label}"
                )

    def _lists_on(self, day: date) -> dict[str, Collection[str]]:
        lists: dict[str, Collection[str]] = {f: codes.codes_on(f, day) for f in codes.FIELDS}
        lists["REVIEW_CODE"] = PARTICIPATION
        self._lists[day] = lists
        return lists

    def child(self, table: Table, row: Row, rule: str) -> Row | None:
        """The child's Header row. A problem if CHILD is blank, or if it is not in Header
        (`rule`)."""
        child = row["CHILD"]
        if not child:
            self.add(table, row, "CHILD", "", "CHILD is blank")
            return None
        if self.header is None:
            return None
        found = self.header.get(child)
        if found is None:
            self.add(table, row, "CHILD", rule, f"CHILD: '{child}' is not in the Header file")
        return found

    def same_as_header(
        self, table: Table, row: Row, header: Row | None, field: str, rule: str
    ) -> None:
        """A problem if the field differs from the child's Header row (dates as dates)."""
        mine = row[field]
        if header is None or not mine or not header[field] or mine == header[field]:
            return
        if field == "DOB":
            day, header_day = parse_date(mine), parse_date(header[field])
            if day is None or header_day is None or day == header_day:
                return
        message = f"{field}: '{mine}' is not the {field} in the Header file ('{header[field]}')"
        self.add(table, row, field, rule, message)

    def _same_table_twice(self) -> None:
        first: dict[str, Table] = {}
        for table in self.tables:
            other = first.setdefault(table.name, table)
            if other is not table:
                message = (
                    f"{table.file} and {other.file} are both {table.name} files: "
                    f"upload one {table.name} file"
                )
                self.problems.append(Problem(table.file, None, "", "", "", "", message))

    # The tables.

    def _header(self, table: Table) -> None:
        """CHILD once (INT32), SEX (101), DOB (102, 301), ETHNIC (103), MC_DOB (171, and
        625's end of the year: not its comparison with the child's last DEC)."""
        assert self.header is not None
        for row in table.rows:
            child = row["CHILD"]
            if not child:
                self.add(table, row, "CHILD", "", "CHILD is blank")
            elif child in self.header:
                message = (
                    f"CHILD: '{child}' is in the Header file more than once "
                    f"(first in row {self.header[child].line})"
                )
                self.add(table, row, "CHILD", "INT32", message)
            else:
                self.header[child] = row
            self.codes(table, row, _HEADER_CODES, self.start, required=True)
            self.parse(table, row, "DOB", "102", blank="102", late="301")
            self.parse(table, row, "MC_DOB", "171", late="625")

    def _episodes(self, table: Table, by_child: dict[str, list[_Episode]]) -> None:
        """CHILD in Header (INT03); DECOM (141, 354) and DEC (147, 356, 385); one episode a
        day for a child; RNE (143), LS (144), PLACE (146), PLACE_PROVIDER (178), REC (149)
        and REASON_PLACE_CHANGE (1009)."""
        starts: dict[tuple[str, date | str], int] = {}
        for row in table.rows:
            self.child(table, row, "INT03")
            decom = self.parse(table, row, "DECOM", "141", blank="", late="354")
            dec = self.parse(table, row, "DEC", "147", late="385")
            if decom is not None and dec is not None and dec < decom:
                message = f"DEC: the episode ends ({row['DEC']}) before it starts ({row['DECOM']})"
                self.add(table, row, "DEC", "356", message)
            on_start = decom or self.start
            self.codes(table, row, _ON_START, on_start)
            self.codes(table, row, _ON_END, dec or on_start)
            child = row["CHILD"]
            if not child:
                continue
            by_child.setdefault(child, []).append((table, row, decom, dec))
            if row["DECOM"]:
                first = starts.setdefault((child, decom or row["DECOM"]), row.line)
                if first != row.line:
                    message = (
                        f"DECOM: the child has another episode starting on {row['DECOM']} "
                        f"(row {first})"
                    )
                    self.add(table, row, "DECOM", "", message)

    def _sequences(self, by_child: dict[str, list[_Episode]]) -> None:
        """Rule 388 (REC is X1 when, and only when, the next episode starts the day this one
        ends) and rule 433 (a continuing RNE starts the day the episode before ended;
        compared as dates, where the validator compares the text)."""
        for episodes in by_child.values():
            episodes.sort(key=lambda e: e[2] or _NO_START)
            for n, (table, row, _, dec) in enumerate(episodes):
                if dec is not None:
                    self._rule_388(
                        table, row, dec, episodes[n + 1] if n + 1 < len(episodes) else None
                    )
            if len(episodes) == 1:
                continue
            # Rule 433 sorts by start then end, an episode with no date for either last.
            episodes.sort(key=lambda e: (e[2] or date.max, e[3] or date.max))
            for (_, before, _, _), (table, row, decom, _) in pairwise(episodes):
                if row["RNE"] in CONTINUING:
                    self._rule_433(table, row, decom, before)

    def _rule_388(self, table: Table, row: Row, dec: date, following: _Episode | None) -> None:
        rec = row["REC"]
        if following is None:
            if rec == "X1":
                message = "REC: 'X1' means a new episode starts the day this one ends, but there is no later episode"
                self.add(table, row, "REC", "388", message)
            return
        next_start = following[2] or _NO_START
        if rec == "X1" and dec != next_start:
            message = (
                f"REC: 'X1' means a new episode starts the day this one ends ({row['DEC']}), "
                f"but the next starts on {following[1]['DECOM'] or 'no date'}"
            )
            self.add(table, row, "REC", "388", message)
        elif rec and rec != "X1" and dec == next_start:
            message = (
                f"REC: the next episode starts the day this one ends ({row['DEC']}), "
                f"so REC must be X1, not '{rec}'"
            )
            self.add(table, row, "REC", "388", message)

    def _rule_433(self, table: Table, row: Row, decom: date | None, before: Row) -> None:
        ended, started = before["DEC"], row["DECOM"]
        if not ended:
            reason = "the episode before it has no DEC"
        elif not started:
            reason = "DECOM is blank"
        elif (parse_date(ended) or ended) != (decom or started):
            reason = f"the episode before it ended on {ended}, not {started}"
        else:
            return
        message = f"RNE: '{row['RNE']}' means this episode continues the one before, but {reason}"
        self.add(table, row, "RNE", "433", message)

    def _reviews(self, table: Table) -> None:
        """CHILD in Header (INT08), DOB as in Header (INT17), REVIEW (166), REVIEW_CODE (167)
        and participation against the fourth birthday (440, 441)."""
        for row in table.rows:
            self.same_as_header(table, row, self.child(table, row, "INT08"), "DOB", "INT17")
            dob = self.parse(table, row, "DOB", "")
            review = self.parse(table, row, "REVIEW", "166", blank="166", late="")
            code = row["REVIEW_CODE"]
            if row["REVIEW"]:
                self.codes(table, row, _REVIEW_CODE, review or self.start, required=True)
            elif code:
                message = f"REVIEW_CODE: '{code}' is given but REVIEW is blank"
                self.add(table, row, "REVIEW_CODE", "167", message)
            if review is None or dob is None or code not in PARTICIPATION:
                continue
            fourth = add_years(dob, 4)
            if code == UNDER_4 and review > fourth:
                message = f"REVIEW_CODE: '{code}' is for a child under 4, but the child was 4 or over on {row['REVIEW']}"
                self.add(table, row, "REVIEW_CODE", "440", message)
            elif code != UNDER_4 and review < fourth:
                message = f"REVIEW_CODE: '{code}' is for a child aged 4 or over, but the child was under 4 on {row['REVIEW']}"
                self.add(table, row, "REVIEW_CODE", "441", message)

    def _uasc(self, table: Table) -> None:
        """CHILD in Header (INT09), DOB and SEX as in Header (INT18, INT21), DUC (104: a
        date, and not before the collection year)."""
        for row in table.rows:
            header = self.child(table, row, "INT09")
            self.same_as_header(table, row, header, "DOB", "INT18")
            self.same_as_header(table, row, header, "SEX", "INT21")
            self.parse(table, row, "DOB", "")
            duc = self.parse(table, row, "DUC", "104")
            if duc is not None and duc < self.start:
                message = f"DUC: '{row['DUC']}' is before the {self.label} collection year began ({self.start:%d/%m/%Y})"
                self.add(table, row, "DUC", "104", message)


_ORDER = ("Header", "Episodes", "Reviews", "UASC")
