"""Print, as JSON, the SSDA903 code lists the DfE validator's rules hold, year by year.

Runs under the validator's own tool environment (`.validator/bin/python`, which `make test`
builds: csc-validator-be-903 pins pandas 1.5, so it cannot share the app's), never under the
app's; it imports nothing of the app. tests/children/test_codes_against_validator.py runs it
and compares its output with children.codes.

For every ruleset the validator has (lac2022_23, lac2023_24, ...) it runs each field's
code-list rules (FIELDS) over crafted rows: one row per candidate code per day of the
collection year, an episode starting that day and ending the next. The candidates are every
short string literal in those rules, so any code a rule accepts is tried. A code is valid on
a day when none of the field's rules flags its row. Output:

    {"validator": "0.1.17",
     "years": {"2022-23": {
         "rules": {"PLACE": ["146", "217t"], ...},          # the rules run, as that year has them
         "codes": {"PLACE": {"A3": [["2022-04-01", "2023-03-31"]], ...}, ...},
         "refused_with_place": [["A3", "PR0"], ...],        # rule 550, over that year's codes
         "code_rules": {"146": ["PLACE"], ...}},            # every rule saying a code is not valid
      ...}}
"""

import importlib
import json
import pkgutil
import re
import sys
from datetime import date, timedelta
from importlib import metadata
from types import CodeType

import lac_validator.rules
import pandas as pd
from lac_validator.config import column_names

# Field: (table, the rules that say which codes the field may hold, by the validator's codes).
FIELDS = {
    "SEX": ("Header", ("101",)),
    "ETHNIC": ("Header", ("103",)),
    "RNE": ("Episodes", ("143",)),
    "LS": ("Episodes", ("144", "445", "446")),
    "PLACE": ("Episodes", ("146", "217t")),
    "PLACE_PROVIDER": ("Episodes", ("178",)),
    "REC": ("Episodes", ("149",)),
    "REASON_PLACE_CHANGE": ("Episodes", ("1009",)),
    "REVIEW_CODE": ("Reviews", ("167",)),
}
PROVIDER_WITH_PLACE = "550"  # "A placement provider code of PR0 can only be associated with P1"
CODE_LIKE = re.compile(r"^[A-Za-z0-9]{1,6}$")
SAYS_NOT_VALID = re.compile(r"not (a )?valid|invalid", re.IGNORECASE)


def rulesets() -> list[str]:
    names = (m.name for m in pkgutil.iter_modules(lac_validator.rules.__path__))
    return sorted(name for name in names if re.fullmatch(r"lac\d{4}_\d{2}", name))


def string_literals(code: CodeType) -> set[str]:
    found: set[str] = set()
    for const in code.co_consts:
        if isinstance(const, str):
            found.add(const)
        elif isinstance(const, tuple | frozenset):
            found |= {c for c in const if isinstance(c, str)}
        elif isinstance(const, CodeType):
            found |= string_literals(const)
    return found


def candidates(rules: list) -> list[str]:
    words = set().union(*(string_literals(rule.func.__code__) for rule in rules))
    return sorted(w for w in words if CODE_LIKE.match(w))


def dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def rows_for(field: str, table: str, codes: list[str], days: list[date]) -> pd.DataFrame:
    """One row per code per day: an episode (or review) of its own child on that day."""
    rows = []
    for day in days:
        for code in codes:
            row = {"CHILD": str(len(rows)), field: code}
            if table == "Episodes":
                row |= {"DECOM": dmy(day), "DEC": dmy(day + timedelta(days=1))}
                if field == "PLACE_PROVIDER":
                    row["PLACE"] = "P1"  # a placement every provider code may go with
            elif table == "Reviews":
                row |= {"DOB": "01/01/2010", "REVIEW": dmy(day)}
            else:
                row["DOB"] = "01/01/2010"
            rows.append(row)
    return pd.DataFrame(rows, columns=column_names[table]).astype(object)


def flagged(rule, table: str, frame: pd.DataFrame, year: int) -> set[int]:
    dfs = {
        table: frame.copy(),
        "metadata": {
            "collectionYear": str(year + 1),
            "collection_start": f"01/04/{year}",
            "collection_end": f"31/03/{year + 1}",
            "localAuthority": "E09000027",
        },
    }
    return set(rule.func(dfs).get(table, []))


def ranges(days: list[date]) -> list[list[str]]:
    spans: list[list[date]] = []
    for day in sorted(days):
        if spans and spans[-1][1] + timedelta(days=1) == day:
            spans[-1][1] = day
        else:
            spans.append([day, day])
    return [[first.isoformat(), last.isoformat()] for first, last in spans]


def year_lists(ruleset: str) -> dict:
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    year = int(ruleset[3:7])
    days = [
        date(year, 4, 1) + timedelta(days=n)
        for n in range((date(year + 1, 4, 1) - date(year, 4, 1)).days)
    ]
    out: dict = {"rules": {}, "codes": {}}
    for field, (table, wanted) in FIELDS.items():
        rules = [registry[code] for code in wanted if code in registry]
        out["rules"][field] = [rule.code for rule in rules]
        codes = candidates(rules)
        frame = rows_for(field, table, codes, days)
        refused = set().union(*(flagged(rule, table, frame, year) for rule in rules))
        valid: dict[str, list[date]] = {}
        for index in range(len(frame)):
            if index not in refused:
                valid.setdefault(codes[index % len(codes)], []).append(days[index // len(codes)])
        out["codes"][field] = {code: ranges(on) for code, on in sorted(valid.items())}
    places, providers = sorted(out["codes"]["PLACE"]), sorted(out["codes"]["PLACE_PROVIDER"])
    pairs = [(place, provider) for place in places for provider in providers]
    frame = pd.DataFrame(
        [{"CHILD": str(i), "PLACE": p, "PLACE_PROVIDER": q} for i, (p, q) in enumerate(pairs)],
        columns=column_names["Episodes"],
    ).astype(object)
    refused = flagged(registry[PROVIDER_WITH_PLACE], "Episodes", frame, year)
    out["refused_with_place"] = [list(pairs[i]) for i in sorted(refused)]
    out["code_rules"] = {
        code: sorted(set(rule.affected_fields or []) & set(FIELDS))
        for code, rule in sorted(registry.items())
        if SAYS_NOT_VALID.search(rule.message or "")
        and set(rule.affected_fields or []) & set(FIELDS)
    }
    return out


def main() -> None:
    years = {f"{r[3:7]}-{r[8:10]}": year_lists(r) for r in rulesets()}
    json.dump({"validator": metadata.version("csc-validator-be-903"), "years": years}, sys.stdout)


if __name__ == "__main__":
    main()
