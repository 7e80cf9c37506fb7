"""SSDA903 code lists, keyed by collection year (1 April to 31 March, "2020-21").

The lists follow the DfE's SSDA903 guidance as implemented by the validator package
`csc-validator-be-903` (module `lac_validator`). A code list changes between years: a code
is valid for an episode when it is in the list for the collection year of the date it
applies from. See docs/decisions/0003-code-lists-in-code.md.
"""

from datetime import date
from functools import cache

from django.utils import timezone

FIRST_YEAR = 2015  # 2015-16
LAST_YEAR = 2030  # 2030-31: later years reuse the newest list until it is updated


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

RNE = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer(s) only",
    "T": "Change of placement and carer(s) and legal status",
    "B": "Change of legal status and placement (same carer)",
    "U": "Change of legal status and placement (same carer, ceased and restarted)",
}

LS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "V2": "Single period of accommodation under section 20",
    "V3": "Accommodated under an agreed series of short-term breaks (single placements)",
    "V4": "Accommodated under an agreed series of short-term breaks (multiple placements)",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Under child assessment order and in local authority accommodation",
    "J1": "Remanded to local authority accommodation or youth detention accommodation",
    "J2": "Placed in local authority accommodation under PACE",
    "J3": "Sentenced to a youth rehabilitation order with residence or fostering requirement",
}

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
    "P2": "Independent living",
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
    "Z1": "Other placements",
}
PLACE_UNTIL_2022 = {
    **_PLACE_BASE,
    "H5": "Semi-independent living accommodation not subject to children's homes regulations",
}
PLACE_FROM_2023 = {
    **_PLACE_BASE,
    "K3": "Supported accommodation (registered with Ofsted)",
}

PLACE_PROVIDER = {
    "PR0": "Parent(s) or other person with parental responsibility",
    "PR1": "Own provision (by the local authority)",
    "PR2": "Other local authority provision",
    "PR3": "Other public provision (for example a primary care trust)",
    "PR4": "Private provision",
    "PR5": "Voluntary/third sector provision",
}

REC = {
    "E11": "Adopted: application for an adoption order unopposed",
    "E12": "Adopted: consent dispensed with by the court",
    "E2": "Died",
    "E3": "Care taken over by another local authority in the UK",
    "E41": "Residence order or child arrangements order granted",
    "E45": "Special guardianship order made to former foster carer(s)",
    "E46": "Special guardianship order made to other than former foster carer(s)",
    "E47": "Special guardianship order made to former foster carer(s), relative or friend",
    "E48": "Special guardianship order made to other than former foster carer(s), not relative",
    "E4A": "Returned home to live with parent(s) or relative(s) as part of the care plan",
    "E4B": "Returned home to live with parent(s) or relative(s) not as part of the care plan",
    "E5": "Moved into independent living arrangement (supportive accommodation)",
    "E6": "Moved into independent living arrangement (no formalised support)",
    "E7": "Transferred to residential care funded by adult social care",
    "E8": "Period of being looked after ceased for any other reason",
    "E9": "Sentenced to custody",
    "E13": "Left care to live with parent(s) or relative(s) in residential placement",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment determined child is aged 18 or over",
    "E16": "Child moved abroad",
    "E17": "Aged 18 (or over) and remained with current carers (staying put)",
    "X1": "Episode ceases, and new episode begins on same day, for any reason",
}

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
    "OTHER": "Other",
}

FIELDS = ("ETHNIC", "RNE", "LS", "PLACE", "PLACE_PROVIDER", "REC", "REASON_PLACE_CHANGE")


def collection_year(day: date) -> int:
    """The first calendar year of the 903 collection year (1 April to 31 March) holding `day`."""
    return day.year if day.month >= 4 else day.year - 1


def collection_year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


@cache
def codes_for(field: str, year: int) -> dict[str, str]:
    """The codes valid for a 903 field in the collection year starting in April of `year`."""
    if field not in FIELDS:
        raise KeyError(f"Unknown SSDA903 field {field!r}")
    year = min(max(year, FIRST_YEAR), LAST_YEAR)
    if field == "PLACE":
        return PLACE_FROM_2023 if year >= 2023 else PLACE_UNTIL_2022
    return {
        "ETHNIC": ETHNIC,
        "RNE": RNE,
        "LS": LS,
        "PLACE_PROVIDER": PLACE_PROVIDER,
        "REC": REC,
        "REASON_PLACE_CHANGE": REASON_PLACE_CHANGE,
    }[field]


def codes_on(field: str, day: date) -> dict[str, str]:
    """The codes valid for a 903 field on a given day."""
    return codes_for(field, collection_year(day))


def all_codes(field: str) -> dict[str, str]:
    """Every code a field has held in any year, for labelling historic records."""
    merged: dict[str, str] = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        merged.update(codes_for(field, year))
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
    ("Other placements", ("Z1",)),
    ("Temporary placement", ("T0", "T1", "T2", "T3", "T4")),
)
PROVIDER_GROUPS = {"own_la": ("PR1",), "private": ("PR4",), "other": ("PR0", "PR2", "PR3", "PR5")}
