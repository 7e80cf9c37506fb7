"""SSDA903 code lists, keyed by collection year (1 April to 31 March, "2020-21").

Each list is the DfE's, as the validator package `csc-validator-be-903` (module
`lac_validator`, the version the Makefile pins) holds it in that year's rules; the rule
number is given beside each list. A code is valid for an episode when it is in the list of
the collection year of the date it applies from and, for the few codes the DfE withdrew or
introduced on a day of their own (`DATED`), on that day as well.

Years before 2022-23, the validator's first, use its 2022-23 lists; years after its last use
the newest list until it is updated. tests/children/test_codes_against_validator.py checks
every list, day by day, against the validator's rules for every year it has; where this
module departs from the validator, that test names the difference and why.
See docs/decisions/0003-code-lists-in-code.md and 0019-code-lists-checked-against-the-validator.md.
"""

from datetime import date
from functools import cache

from django.utils import timezone

FIRST_YEAR = 2015  # 2015-16
LAST_YEAR = 2030  # 2030-31: later years reuse the newest list until it is updated


# SEX (rule 101): "1"/"2" to 2023-24; "M"/"F"/"U" from 2024-25 ("The child or young person's
# reported sex is not valid."). The app stores M/F/U (children.models.Sex) in every year: use
# sex_code and sex_from_code to write and read a year's code.
SEX_UNTIL_2023 = {"1": "Male", "2": "Female"}
SEX_FROM_2024 = {"M": "Male", "F": "Female", "U": "Unknown or not stated"}
SEX_CODES_CHANGED = 2024  # 2024-25

# ETHNIC (rule 103).
ETHNIC = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WOTH": "Any other White background",
    "WIRT": "Traveller of Irish heritage",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Caribbean",
    "BAFR": "African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

ETHNIC_GROUPS = {
    "White": ("WBRI", "WIRI", "WOTH", "WIRT", "WROM"),
    "Mixed": ("MWBC", "MWBA", "MWAS", "MOTH"),
    "Asian or Asian British": ("AIND", "APKN", "ABAN", "AOTH"),
    "Black or Black British": ("BCRB", "BAFR", "BOTH"),
    "Other ethnic group": ("CHNE", "OOTH"),
    "Not stated": ("REFU",),
    "Not recorded": ("NOBT", ""),
}

# RNE (rule 143). Rules 435 (P and T: the placement changed, not the legal status), 436 (B and
# U: both changed) and 217 (placed for adoption with the current foster carer: S, T or U)
# hold the meanings the DfE guide gives them.
RNE = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer(s) only",
    "T": "Change of placement (but same carer(s)) only",
    "B": "Change of legal status and placement and carer(s) at the same time",
    "U": "Change of legal status and change of placement (but same carer(s)) at the same time",
}

# LS (rule 144; D1 and E1 are dated by rules 445 and 446, see DATED). V3 and V4 are short
# breaks (rules 365 to 367: an individual break is one episode, V3; V4 records the agreement).
LS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "V2": "Single period of accommodation under section 20",
    "V3": "Accommodated under an agreed series of short-term breaks, when individual episodes "
    "of care are recorded",
    "V4": "Accommodated under an agreed series of short-term breaks, when agreements are "
    "recorded (not individual episodes of care)",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Under child assessment order and in local authority accommodation",
    "J1": "Remanded to local authority accommodation or youth detention accommodation",
    "J2": "Placed in local authority accommodation under PACE",
    "J3": "Sentenced to a youth rehabilitation order with residence or fostering requirement",
}

# PLACE (rule 146, one list a year; P2 is dated by rule 217t, see DATED).
_PLACE_BASE = {
    "U1": "Foster placement with relative or friend (long term fostering)",
    "U2": "Foster placement with relative or friend (FFA/concurrent planning)",
    "U3": "Foster placement with relative or friend (not long term or FFA)",
    "U4": "Foster placement with other foster carer (long term fostering)",
    "U5": "Foster placement with other foster carer (FFA/concurrent planning)",
    "U6": "Foster placement with other foster carer (not long term or FFA)",
    "A3": "Placed for adoption with consent with current foster carer",
    "A4": "Placed for adoption with consent not with current foster carer",
    "A5": "Placed for adoption with placement order with current foster carer",
    "A6": "Placed for adoption with placement order not with current foster carer",
    "K1": "Secure children's home",
    "K2": "Children's home",
    "P1": "Placed with own parent(s) or other person with parental responsibility",
    "P3": "Residential employment",
    "R1": "Residential care home",
    "R2": "NHS/Health Trust or other establishment providing medical or nursing care",
    "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution or prison",
    "S1": "Residential school",
    "T0": "Temporary placement (all types)",
    "T1": "Temporary periods in hospital",
    "T2": "Temporary absences on holiday or school trip",
    "T3": "Temporary accommodation whilst normal foster carer is on holiday",
    "T4": "Temporary accommodation of seven days or less",
}
_H5 = {"H5": "Semi-independent living accommodation not subject to children's homes regulations"}
_P2 = {"P2": "Independent living"}
_Z1 = {"Z1": "Other placements"}
_K3 = {"K3": "Supported accommodation (registered with Ofsted)"}
# 2022-23 and 2023-24: H5, no K3. In 2023-24 H5 is also registered supported accommodation
# (rule 230 asks an Ofsted URN of an English H5 from 28 October 2023).
PLACE_UNTIL_2023 = {**_PLACE_BASE, **_H5, **_P2, **_Z1}
# 2024-25: K3 added beside H5 (rules 221 and 371 of 2024-25 name K3 supported accommodation;
# rule 146's list spells it "k3"). Rule 146 still lists P2, but P2 was not valid from
# 28 October 2023 (rule 217t) and is gone from the 2025-26 list: it is left out here.
PLACE_2024 = {**_PLACE_BASE, **_H5, **_K3, **_Z1}
# 2025-26 on: H5, P2 and Z1 gone; Z1's placements split into Z11 to Z14 (rule 146; rules
# 178, 213 and 526 treat them as Z1 was: no placement provider).
PLACE_FROM_2025 = {
    **_PLACE_BASE,
    **_K3,
    "Z11": "Other placements (Z11 in the DfE 2025-26 guide)",
    "Z12": "Other placements (Z12 in the DfE 2025-26 guide)",
    "Z13": "Other placements (Z13 in the DfE 2025-26 guide)",
    "Z14": "Other placements (Z14 in the DfE 2025-26 guide)",
}

# PLACE_PROVIDER (rule 178). PR0 goes only with placement P1 (rule 550): see
# children.rules.provider_allowed.
PLACE_PROVIDER = {
    "PR0": "Parent(s) or other person with parental responsibility",
    "PR1": "Own provision (by the local authority)",
    "PR2": "Other local authority provision",
    "PR3": "Other public provision (for example a primary care trust)",
    "PR4": "Private provision",
    "PR5": "Voluntary/third sector provision",
}

# REC (rule 149). E45 and E46 are to former foster carers (rule 516: the child was in U1 to U6).
REC = {
    "E11": "Adopted: application for an adoption order unopposed",
    "E12": "Adopted: consent dispensed with by the court",
    "E2": "Died",
    "E3": "Care taken over by another local authority in the UK",
    "E41": "Residence order or child arrangements order granted",
    "E45": "Special guardianship order made to former foster carer(s), who was/are a "
    "relative(s) or friend(s)",
    "E46": "Special guardianship order made to former foster carer(s), other than relative(s) "
    "or friend(s)",
    "E47": "Special guardianship order made to carer(s), other than former foster carer(s), "
    "who was/are a relative(s) or friend(s)",
    "E48": "Special guardianship order made to carer(s), other than former foster carer(s), "
    "other than relative(s) or friend(s)",
    "E4A": "Returned home to live with parent(s) or relative(s) as part of the care plan",
    "E4B": "Returned home to live with parent(s) or relative(s) not as part of the care plan",
    "E5": "Moved into independent living arrangement (supportive accommodation)",
    "E6": "Moved into independent living arrangement (no formalised support)",
    "E7": "Transferred to residential care funded by adult social care",
    "E8": "Period of being looked after ceased for any other reason",
    "E9": "Sentenced to custody",
    "E13": "Left care to live with parent(s), relative(s), or other person(s) with no "
    "parental responsibility",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment determined child is aged 18 or over",
    "E16": "Child moved abroad",
    "E17": "Aged 18 (or over) and remained with current carers (staying put)",
    "X1": "Episode ceases, and new episode begins on same day, for any reason",
}

# REASON_PLACE_CHANGE (rule 1009). CUSTOD: the child was admitted to custody (rule 234).
REASON_PLACE_CHANGE = {
    "CARPL": "Change to/implementation of care plan",
    "CLOSE": "Resignation or closure of provision",
    "ALLEG": "Allegation (s47)",
    "STAND": "Standards of care concern",
    "APPRR": "Approval removed",
    "CREQB": "Carer requests placement end due to child's behaviour",
    "CREQO": "Carer requests placement end other than due to child's behaviour",
    "CHILD": "Child requests placement end",
    "LAREQ": "Responsible or area authority requests placement end",
    "PLACE": "Change in the status of placement only",
    "CUSTOD": "Custody arrangement (the child was admitted to custody)",
    "OTHER": "Other",
}

# Each field's lists by the collection year each applies from; a list holds until the next.
BY_YEAR: dict[str, dict[int, dict[str, str]]] = {
    "SEX": {FIRST_YEAR: SEX_UNTIL_2023, SEX_CODES_CHANGED: SEX_FROM_2024},
    "ETHNIC": {FIRST_YEAR: ETHNIC},
    "RNE": {FIRST_YEAR: RNE},
    "LS": {FIRST_YEAR: LS},
    "PLACE": {FIRST_YEAR: PLACE_UNTIL_2023, 2024: PLACE_2024, 2025: PLACE_FROM_2025},
    "PLACE_PROVIDER": {FIRST_YEAR: PLACE_PROVIDER},
    "REC": {FIRST_YEAR: REC},
    "REASON_PLACE_CHANGE": {FIRST_YEAR: REASON_PLACE_CHANGE},
}
FIELDS = tuple(BY_YEAR)

# Codes valid only from or to a day of their own: (first day, last day), None where open.
# They are checked on the day the code applies from, as every code is (codes_on).
DATED: dict[tuple[str, str], tuple[date | None, date | None]] = {
    # Rule 217t (2023-24): "Placement type 'P2' is not a valid placement type from
    # 28 October 2023" (an episode in P2 may end on that day, not after it).
    ("PLACE", "P2"): (None, date(2023, 10, 27)),
    # Rule 445: "D1 is not a valid code for episodes starting after December 2005."
    ("LS", "D1"): (None, date(2005, 12, 31)),
    # Rule 446: "E1 is not a valid code for episodes starting before December 2005."
    ("LS", "E1"): (date(2005, 12, 1), None),
}
_DATED_FIELDS = frozenset(field for field, _ in DATED)


def collection_year(day: date) -> int:
    """The first calendar year of the 903 collection year (1 April to 31 March) holding `day`."""
    return day.year if day.month >= 4 else day.year - 1


def collection_year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def year_start(year: int) -> date:
    return date(year, 4, 1)


def year_end(year: int) -> date:
    return date(year + 1, 3, 31)


def _listed(field: str, year: int) -> dict[str, str]:
    """The list a field held in `year`, before any code's own dates (DATED) are applied."""
    if field not in BY_YEAR:
        raise KeyError(f"Unknown SSDA903 field {field!r}")
    year = min(max(year, FIRST_YEAR), LAST_YEAR)
    return BY_YEAR[field][max(start for start in BY_YEAR[field] if start <= year)]


def _dated_valid(field: str, code: str, first: date, last: date) -> bool:
    """Whether a code's own dates (DATED) allow it on some day from `first` to `last`."""
    valid_from, valid_to = DATED.get((field, code), (None, None))
    return (valid_from is None or valid_from <= last) and (valid_to is None or valid_to >= first)


@cache
def codes_for(field: str, year: int) -> dict[str, str]:
    """The codes valid for a 903 field on at least one day of the collection year starting in
    April of `year` (codes_on says which on a given day)."""
    listed = _listed(field, year)
    return {
        code: text
        for code, text in listed.items()
        if _dated_valid(field, code, year_start(year), year_end(year))
    }


def codes_on(field: str, day: date) -> dict[str, str]:
    """The codes valid for a 903 field on a given day."""
    found = codes_for(field, collection_year(day))
    if field not in _DATED_FIELDS:
        return found
    return {code: text for code, text in found.items() if _dated_valid(field, code, day, day)}


def valid_on(field: str, code: str, day: date) -> bool:
    """Whether `code` is a valid code for a 903 field on `day`."""
    return code in codes_on(field, day)


def last_day_valid(field: str, code: str) -> date | None:
    """The last day a code withdrawn on a day of its own may apply (P2: 27 October 2023), or
    None. An episode in such a code must end by the day after (rule 217t checks the end)."""
    return DATED.get((field, code), (None, None))[1]


@cache
def all_codes(field: str) -> dict[str, str]:
    """Every code a field has held in any year, for labelling historic records (the newest
    wording of each)."""
    merged: dict[str, str] = {}
    for listed in BY_YEAR[field].values():
        merged.update(listed)
    return merged


def label(field: str, code: str | None) -> str:
    """The plain-English meaning of a code, or the code itself if it is not known."""
    if not code:
        return ""
    return all_codes(field).get(code, code)


def choices(field: str, day: date) -> list[tuple[str, str]]:
    """Form choices for a field on a given day, labelled "CODE: meaning"."""
    return [(code, f"{code}: {text}") for code, text in codes_on(field, day).items()]


def current_choices(field: str) -> list[tuple[str, str]]:
    return choices(field, timezone.localdate())


# The app's Sex values (children.models.Sex) and the codes each year's return has for them.
_SEX_NUMERIC = {"M": "1", "F": "2"}


def sex_code(stored: str, year: int) -> str | None:
    """The SSDA903 SEX code for the app's stored sex (M, F or U) in the collection year
    starting in April of `year` (rule 101): 1 or 2 to 2023-24, M, F or U from 2024-25.
    None when that year has no code for it: unknown (U) before 2024-25."""
    if year >= SEX_CODES_CHANGED:
        return stored if stored in SEX_FROM_2024 else None
    return _SEX_NUMERIC.get(stored)


def sex_from_code(code: str, year: int) -> str:
    """The app's stored sex (M, F or U) for an SSDA903 SEX code of the collection year
    starting in April of `year`. Raises ValueError for a code that year does not have."""
    code = str(code).strip().upper()
    if year >= SEX_CODES_CHANGED:
        if code in SEX_FROM_2024:
            return code
    else:
        for stored, numeric in _SEX_NUMERIC.items():
            if code == numeric:
                return stored
    raise ValueError(
        f"{code!r} is not an SSDA903 sex code in {collection_year_label(year)} "
        f"(valid: {', '.join(codes_for('SEX', year))})"
    )


# Grouping used by the annual report's placements table (shared/domain.md), in its order.
PLACEMENT_GROUPS = (
    ("Foster placement", ("U1", "U2", "U3", "U4", "U5", "U6")),
    ("Placed for adoption", ("A3", "A4", "A5", "A6")),
    ("Placed with parents", ("P1",)),
    ("Independent living", ("P2",)),
    ("Residential employment", ("P3",)),
    ("Residential accommodation", ("H5", "K3")),
    ("Secure children's homes", ("K1",)),
    ("Children's homes", ("K2",)),
    ("Residential care home", ("R1",)),
    ("NHS/Health Trust", ("R2",)),
    ("Family centre", ("R3",)),
    ("Young offender institution", ("R5",)),
    ("Residential school", ("S1",)),
    ("Other placements", ("Z1", "Z11", "Z12", "Z13", "Z14")),
    ("Temporary placement", ("T0", "T1", "T2", "T3", "T4")),
)
PROVIDER_GROUPS = {"own_la": ("PR1",), "private": ("PR4",), "other": ("PR0", "PR2", "PR3", "PR5")}
