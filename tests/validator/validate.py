"""Run the DfE's SSDA903 validator over a directory of CSV files and print every error, as JSON.

    .validator/bin/python tests/validator/validate.py DIRECTORY 2023-24 [--la E09000027]

Runs under the validator's own tool environment (`.validator/bin/python`, which `make test`
builds: csc-validator-be-903 pins pandas 1.5, so it cannot share the app's), never under the
app's; it imports nothing of the app. tests/ssda903/test_export.py runs it over the export.

Every *.csv file in DIRECTORY is read as the validator's web tool reads an upload of "this
year's" files (`lac_validator.ingress`: each table known by its column headers). The
collection year's ruleset is run (`lac2023_24` for 2023-24); a year before the validator's
first ruleset, 2022-23, is run under 2022-23's rules, and one after its last under its
newest, which the output says in "ruleset_note". The metadata is what the rules read: the
collection year as its end year ("2024" for 2023-24, from which `collection_start` and
`collection_end` are worked out) and the local authority's code, the upper-tier ONS code
of the council (E09000027, Richmond upon Thames, unless --la names another), against which
placements' postcodes are placed in or out of area (rules 411, 1015, 229). No last year's
files and no Ofsted provider lists are given, so the rules comparing years (502, 205A-C, ...)
and checking URNs against Ofsted (219, 221, 224, 227-229) are skipped. Output:

    {"validator": "0.1.17", "collection_year": "2023-24", "ruleset": "lac2023_24",
     "ruleset_note": "", "local_authority": "E09000027",
     "errors": [{"rule": "393", "table": "Header", "row": 0, "line": 2, "child": "C1",
                 "fields": ["MOTHER"], "message": "Child is looked after but ..."}, ...],
     "failed_rules": [],             # rules that raised on the data (an error of the data or
                                     # of the validator: either way not a clean pass)
     "skipped_rules": ["205A", ...]} # rules whose tables were not all given

`row` is the row's position in its file counting from 0 (the validator's index), `line` its
line in the file (the header is line 1).
"""

import argparse
import contextlib
import importlib
import json
import logging
import pkgutil
import re
import sys
import warnings
from importlib import metadata
from pathlib import Path
from typing import Any

DEFAULT_LA = "E09000027"


def collection_year(text: str) -> int:
    """The first calendar year of a collection year given as "2023-24" (or as 2023)."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", text.strip())
    if not match or (match[2] is not None and (int(match[1]) + 1) % 100 != int(match[2])):
        raise argparse.ArgumentTypeError(f"{text!r} is not a collection year such as 2023-24")
    return int(match[1])


def label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def ruleset_for(year: int) -> tuple[str, str]:
    """The validator's ruleset module for a collection year, and a note if it is another year's."""
    import lac_validator.rules

    names = sorted(
        m.name
        for m in pkgutil.iter_modules(lac_validator.rules.__path__)
        if re.fullmatch(r"lac\d{4}_\d{2}", m.name)
    )
    years = {int(name[3:7]): name for name in names}
    chosen = min(max(year, min(years)), max(years))
    note = (
        ""
        if chosen == year
        else f"the validator has no ruleset for {label(year)}: {label(chosen)}'s rules are run"
    )
    return years[chosen], note


def validate(directory: Path, year: int, local_authority: str) -> dict[str, Any]:
    from lac_validator.lac_validator import LacValidator

    ruleset, note = ruleset_for(year)
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    files = [
        {"name": path.name, "description": "This year", "file_content": path.read_bytes()}
        for path in sorted(directory.glob("*.csv"))
    ]
    if not files:
        raise SystemExit(f"No CSV files in {directory}")
    validator = LacValidator(
        metadata={"collectionYear": str(year + 1), "localAuthority": local_authority},
        files=files,
        registry=registry,
    )
    errors = []
    for table, frame in validator.ds_results.items():
        if table == "metadata":
            continue
        for column in (c for c in frame.columns if str(c).startswith("ERR_")):
            rule = registry[column[4:]]
            for index in frame.index[frame[column] == True]:  # noqa: E712 (NaN where unset)
                child = frame.at[index, "CHILD"] if "CHILD" in frame.columns else None
                errors.append(
                    {
                        "rule": rule.code,
                        "table": table,
                        "row": int(index),
                        "line": int(index) + 2,
                        "child": None if child != child else str(child),  # NaN: no CHILD
                        "fields": sorted(rule.affected_fields or []),
                        "message": rule.message,
                    }
                )
    errors.sort(key=lambda e: (e["table"], e["row"], e["rule"]))
    return {
        "validator": metadata.version("csc-validator-be-903"),
        "collection_year": label(year),
        "ruleset": ruleset,
        "ruleset_note": note,
        "local_authority": local_authority,
        "errors": errors,
        "failed_rules": sorted(str(code) for code in validator.fails),
        "skipped_rules": sorted(str(code) for code in validator.skips),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", type=Path, help="a directory of SSDA903 CSV files")
    parser.add_argument("year", type=collection_year, help="the collection year, e.g. 2023-24")
    parser.add_argument(
        "--la",
        default=DEFAULT_LA,
        help=f"the council's upper-tier ONS code (default {DEFAULT_LA})",
    )
    args = parser.parse_args(argv)
    # The validator logs each rule at INFO and pandas warns on its idioms; the output is the JSON.
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    # Some rules print as they run: only the JSON goes to stdout.
    with contextlib.redirect_stdout(sys.stderr):
        found = validate(args.directory, args.year, args.la)
    json.dump(found, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
