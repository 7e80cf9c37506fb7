"""The SSDA903 return built from the service's own records: a collection year's Header,
Episodes, Reviews and UASC tables, as the DfE's validator (csc-validator-be-903) reads them.

`tables(year)` reads them (two queries, whatever the number of children), `write_csv` writes
the four CSV files the DfE's tools read, `zip_bytes` packs them for a download. `year` is the
first calendar year of the collection year: 2020 for 2020-21 (1 April 2020 to 31 March 2021).

Who is in it: every child looked after on some day of the year, that is every child with an
episode overlapping it. An archived child is left out: archiving is for a record made in
error or out of scope (`children.services.child_archive`), a duplicate or a child this council
never looked after, and the annual report leaves them out for the same reason.

What the app does not hold is left blank: MOTHER and MC_DOB when not recorded (an imported
return's are kept; when blank, the validator's rules 393 and 607 flag every girl looked
after: see tests/ssda903/test_export.py), and SEX for a child of unknown sex before 2024-25,
when the return had no code for it (rule 101).
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils import timezone

from children import codes
from children.models import Episode, not_archived_child
from reviews.models import Review
from ssda903.tables import COLUMNS

Rows = list[dict[str, str]]

FILE_NAMES = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
}

# Short breaks (LS V3, V4): no postcodes, placement URN (rules 214, 398, 420), reviews or
# mother status (rule 399) for a child whose episodes in the year are all short breaks.
SHORT_BREAKS = frozenset({"V3", "V4"})
# A child UASC this year or in the two before has no placement distance (rule 406; 164,
# 392a and 392b leave them out): their home postcode is not returned.
UASC_YEARS_BEFORE = 2

_LABEL = re.compile(r"(\d{4})-(\d{2})")


def year_from_label(label: str) -> int:
    """The first calendar year of a collection year labelled "2020-21"; ValueError for a label
    of no collection year this service holds code lists for, or one not yet begun."""
    match = _LABEL.fullmatch(label.strip())
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(
            f"{label!r} is not a collection year: write it as the years it spans, such as 2020-21"
        )
    year = int(match[1])
    if not codes.FIRST_YEAR <= year <= codes.LAST_YEAR:
        raise ValueError(
            f"{label} is outside the collection years this service holds SSDA903 code lists "
            f"for ({codes.collection_year_label(codes.FIRST_YEAR)} to "
            f"{codes.collection_year_label(codes.LAST_YEAR)})"
        )
    if codes.year_start(year) > timezone.localdate():
        raise ValueError(f"{label} has not begun: it starts on 1 April {year}")
    return year


def dmy(day: date | None) -> str:
    """A date as the return writes it, DD/MM/YYYY; blank for none."""
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year}"


def uasc_ceased(dob: date, ceased: date | None) -> date:
    """The date a child's UASC status ceased (DUC): the day recorded, or their 18th birthday
    if that comes first or none is recorded, the DUC the validator asks of a child still UASC
    (rules 205B and 304; a 29 February birthday is 28 February, as the validator counts)."""
    eighteenth = dob + relativedelta(years=18)
    return eighteenth if ceased is None or ceased > eighteenth else ceased


def _uasc_until(dob: date, since: date | None, ceased: date | None, end: date) -> date | None:
    """The DUC of a child who had become UASC by `end`; None for one who had not."""
    if since is None or since > end:
        return None
    until = uasc_ceased(dob, ceased)
    return until if since <= until else None  # "UASC" only from 18: never UASC


def tables(year: int) -> dict[str, Rows]:
    """The SSDA903 Header, Episodes, Reviews and UASC tables of the collection year starting
    in April of `year`, from the episodes, reviews and children recorded."""
    start, end = codes.year_start(year), codes.year_end(year)
    uasc_window_start = codes.year_start(year - UASC_YEARS_BEFORE)
    # One query for Header, Episodes and UASC, so the children and their episodes are read
    # together: a child can never be in one table and missing from another.
    episodes = (
        Episode.objects.filter(start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .filter(not_archived_child())
        .order_by("child__child_ref", "start_date", "pk")
        .values_list(
            "child__child_ref",
            "child__sex",
            "child__date_of_birth",
            "child__ethnicity",
            "child__upn",
            "child__uasc_from",
            "child__uasc_ceased",
            "child__is_mother",
            "child__mothers_child_born",
            "start_date",
            "end_date",
            "reason_new_episode",
            "legal_status",
            "cin",
            "placement_type",
            "placement_provider",
            "reason_ceased",
            "reason_place_change",
            "home_postcode",
            "placement_postcode",
            "urn",
        )
    )
    header: Rows = []
    uasc: Rows = []
    episode_rows: Rows = []
    dobs: dict[str, str] = {}
    reviewed: set[str] = set()  # children with an episode in the year that is no short break
    last_child = None
    no_home_postcode = False
    for (
        child,
        sex,
        dob,
        ethnicity,
        upn,
        uasc_from,
        uasc_to,
        is_mother,
        mothers_child_born,
        decom,
        dec,
        rne,
        ls,
        cin,
        place,
        provider,
        rec,
        rpc,
        home_post,
        pl_post,
        urn,
    ) in episodes.iterator(chunk_size=5000):
        if child != last_child:
            last_child = child
            sex_code = codes.sex_code(sex, year) or ""
            dobs[child] = born = dmy(dob)
            header.append(
                {
                    "CHILD": child,
                    "SEX": sex_code,
                    "DOB": born,
                    "ETHNIC": ethnicity,
                    "UPN": upn.strip().upper(),
                    "MOTHER": "" if is_mother is None else "1" if is_mother else "0",
                    "MC_DOB": dmy(mothers_child_born),
                }
            )
            duc = _uasc_until(dob, uasc_from, uasc_to, end)
            if duc is not None and duc >= start:
                uasc.append({"CHILD": child, "SEX": sex_code, "DOB": born, "DUC": dmy(duc)})
            no_home_postcode = duc is not None and duc >= uasc_window_start
        # An episode ending after 31 March is open at the end of the year (rule 354).
        open_at_end = dec is None or dec > end
        short_break = ls in SHORT_BREAKS
        if not short_break:
            reviewed.add(child)
        episode_rows.append(
            {
                "CHILD": child,
                "DECOM": dmy(decom),
                "RNE": rne,
                "LS": ls,
                "CIN": cin,
                "PLACE": place,
                "PLACE_PROVIDER": provider,
                "DEC": "" if open_at_end else dmy(dec),
                "REC": "" if open_at_end else rec,
                # Why the placement ended, on the episode that ended (rule 225, ADR 0008).
                "REASON_PLACE_CHANGE": "" if open_at_end else rpc,
                "HOME_POST": "" if short_break or no_home_postcode else _postcode(home_post),
                "PL_POST": "" if short_break else _postcode(pl_post),
                "URN": "" if short_break else urn.strip().upper(),
            }
        )
    return {
        "Header": header,
        "Episodes": episode_rows,
        "Reviews": _reviews(start, end, dobs, reviewed),
        "UASC": uasc,
    }


def _postcode(value: str) -> str:
    """A postcode in its usual form, "TW1 2BB": upper case, one space before the inward code."""
    compact = "".join(value.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def _reviews(start: date, end: date, dobs: dict[str, str], reviewed: set[str]) -> Rows:
    """Final reg. 33 reviews held in the year (never reg. 48: rule 399) of the children in
    Header (rule INT08) who had an episode in the year other than a short break (rule 399)."""
    held = (
        Review.objects.for_903_reviews()
        .filter(held_on__gte=start, held_on__lte=end)
        .filter(not_archived_child())
        .order_by("child__child_ref", "held_on", "pk")
        .values_list("child__child_ref", "held_on", "participation")
    )
    return [
        {"CHILD": child, "DOB": dobs[child], "REVIEW": dmy(held_on), "REVIEW_CODE": code}
        for child, held_on, code in held.iterator(chunk_size=5000)
        if child in reviewed
    ]


def _csv(table: str, rows: Iterable[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS[table], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write_csv(tables: dict[str, Rows], directory: Path) -> list[Path]:
    """Write the four tables as header.csv, episodes.csv, reviews.csv and uasc.csv (UTF-8)
    in `directory`, made if missing; the paths written, in that order."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for table, name in FILE_NAMES.items():
        path = directory / name
        path.write_text(_csv(table, tables[table]), encoding="utf-8", newline="")
        written.append(path)
    return written


def zip_bytes(tables: dict[str, Rows]) -> bytes:
    """The four CSV files in one zip archive, for a download."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table, name in FILE_NAMES.items():
            archive.writestr(name, _csv(table, tables[table]))
    return buffer.getvalue()
