"""Demo City Council: a deterministic, realistic local authority to try the app with.

`plan_demo` plans everything in plain dataclasses without touching the database (same seed
and `today`, same plan); `insert_plan` writes a plan with COPY (core.bulk); `build_demo_authority`
does both in one transaction. The per-record services are not used (they lock and audit each
row: far too slow for ~1,200 children), so the planner keeps every rule they enforce: one
open period, episode and allocation per child, episodes chained with X1 and never
overlapping, codes valid for the collection year of the date they apply from.

Shapes follow the seed's 2020-21 annual report (shared/annual-report.md): 626 children
looked after, 9 IROs on 7.8 FTE, about 150 children starting and 150 ceasing care a year,
the Appendix 1 age bands and the placements table. The last reporting year complete by
`today` reproduces the seed's 2020-21 figures and the year before its 2019-20 ones
(`seed_years`): built to 31 March 2021, the demo's annual report is the seed's. Names and postcodes are made up ("DC"
is not a UK postcode area); only public_id UUIDs differ between two runs of the same seed.
"""

import itertools
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from children import codes
from children.models import Allocation, Child, Episode, PeriodOfCare
from core import bulk
from iro_service.models import Role, User
from iro_service.working_days import add_working_days, subtract_working_days

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published in the README for the demo only
AUTHORITY = "Demo City Council"
DEMO_LOGINS = (
    ("IRO", "iro@demo.example"),
    ("Service manager", "manager@demo.example"),
    ("Admin", "admin@demo.example"),
)
SEED_LOOKED_AFTER = 626  # the seed's figures, which the rates below are scaled from
CEASED_PER_YEAR = 150
HISTORY_YEARS = 4
ALLOCATION_DELAYS = (0, 1, 1, 2, 2, 3, 3, 4, 5)  # working days from entering care


@dataclass(frozen=True)
class SeedYear:
    """One reporting year of the seed's annual report, for its service of 626 children looked
    after: the demo's matching year reproduces these figures (shared/annual-report.md)."""

    ceased: int
    reviews: int
    late: int
    parents_view_pct: int
    parents_one_to_one_pct: int
    sw_report_pct: int
    oversight_notes: int
    rag: tuple[int, int, int] | None = None  # green, amber, red set in the year
    average_caseload: int | None = None  # children per FTE, the mean over the month ends
    # % answered yes at the last review in the year of the children looked after at its end
    monitoring: dict[str, int] = field(default_factory=dict)


SEED_YEAR = SeedYear(  # 2020-21
    ceased=150,
    reviews=1544,
    late=12,
    parents_view_pct=77,
    parents_one_to_one_pct=52,
    sw_report_pct=77,
    oversight_notes=3604,
    rag=(1244, 278, 25),
    average_caseload=78,
    monitoring={
        "health_assessment": 92,
        "pep": 98,
        "post16_pep": 60,
        "eet": 65,
        "suitable_accommodation": 94,
        "leisure": 99,
        "cultural_needs": 98,
    },
)
# 2019-20, the report's comparison column: 96% of reviews in time; no one-to-one figure given.
SEED_PREVIOUS_YEAR = SeedYear(
    ceased=203,
    reviews=1693,
    late=68,
    parents_view_pct=82,
    parents_one_to_one_pct=52,
    sw_report_pct=86,
    oversight_notes=2886,
)


def year_start(day: date) -> date:
    """1 April of the reporting year (SSDA903 collection year) holding `day`."""
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def year_end(start: date) -> date:
    """31 March ending the reporting year that starts on `start`."""
    return date(start.year + 1, 3, 31)


def seed_years(today: date) -> dict[date, SeedYear]:
    """The reporting years, by their 1 April, that reproduce the seed's report: the last one
    complete by the end of `today` as its 2020-21 and the one before as its 2019-20."""
    last = year_start(today + timedelta(days=1)) - relativedelta(years=1)
    return {last: SEED_YEAR, last - relativedelta(years=1): SEED_PREVIOUS_YEAR}


def scaled(count: int, looked_after: int) -> int:
    """A count of the seed's service for one of `looked_after` children."""
    return round(count * looked_after / SEED_LOOKED_AFTER)


IROS = (
    ("Sarah Whitfield", "1.0"),
    ("Priya Chauhan", "1.0"),
    ("Michael O'Connor", "1.0"),
    ("Grace Adeyemi", "1.0"),
    ("Tom Brennan", "1.0"),
    ("Fatima Begum", "1.0"),
    ("Helen Marsh", "0.8"),
    ("David Okafor", "0.6"),
    ("Joanne Kelly", "0.4"),
)  # 7.8 FTE, as the seed
LEAVER = ("Susan Pritchard", "1.0")
MANAGERS = ("Rachel Thornton", "Imran Hussain")
ADMINS = ("Karen Lloyd",)


def _weights(text: str) -> dict[str, int]:
    """ "A 1 B 2" as {"A": 1, "B": 2}, keeping the order."""
    words = text.split()
    return {key: int(value) for key, value in zip(words[::2], words[1::2], strict=True)}


def _table(text: str) -> dict[str, str]:
    """ "A x y, B z" as {"A": "x y", "B": "z"}."""
    return dict(item.strip().split(" ", 1) for item in text.split(","))


# heritage: boys' names | girls' names | surnames
_NAME_TEXT = {
    "british": "Oliver Jack Harry George Noah Charlie Jacob Alfie Freddie Oscar Leo Thomas James "
    "William Joshua Riley Mason Callum Tyler Liam Ethan Lewis Connor Archie Reece Kieran|Olivia "
    "Amelia Isla Ava Mia Lily Sophie Grace Ruby Ella Evie Poppy Chloe Jessica Emily Holly Lacey "
    "Megan Freya Millie Daisy Ellie Paige Leah Courtney Amber|Smith Jones Taylor Brown Williams "
    "Wilson Johnson Davies Robinson Wright Thompson Evans Walker White Roberts Green Hall Wood "
    "Jackson Clarke Hughes Turner Hill Cooper Ward Morris Moore Harris Baker Carter Shaw Hudson "
    "Barker Marsh Bennett Fletcher Chapman Lees Holmes Pearson",
    "irish": "Sean Cian Conor Darragh Patrick Ryan Dylan Michael|Aoife Niamh Ciara Roisin Erin "
    "Siobhan Caitlin Orla|Murphy Kelly O'Brien Byrne Ryan Doyle McCarthy Gallagher Connors "
    "McDonagh Doherty Quinn",
    "european": "Jakub Kacper Filip Mateusz Oskar Luca Andrei Matei Tomas Dawid Arben Klajdi|"
    "Zuzanna Julia Maja Lena Natalia Antonia Alexandra Ioana Gabriela Wiktoria Elira Ana|Nowak "
    "Kowalski Wisniewski Popescu Ionescu Kazlauskas Horvat Novak Petrov Lakatos Balogh Hoxha Krasniqi",
    "indian": "Arjun Rohan Aarav Dev Krish Vihaan Jay Ravi Harjit Gurpreet|Priya Anika Diya Isha "
    "Kiran Meera Asha Riya Simran Jasleen|Patel Mistry Sharma Kaur Singh Chauhan Lad Parmar Solanki Gill",
    "pakistani": "Muhammad Ayaan Zain Ibrahim Hamza Yusuf Bilal Rayyan Umar Ali|Aisha Maryam Zara "
    "Hafsa Amina Khadija Noor Inaya Sana Eman|Khan Hussain Ahmed Akhtar Iqbal Mahmood Raza Shah "
    "Rashid Butt",
    "bangladeshi": "Mohammed Abdul Rahim Yusuf Tamim Arif Sami|Fatima Sumaiya Nadia Ruma Tahmina "
    "Jannat Sadia|Begum Miah Uddin Rahman Islam Hoque Choudhury Ali",
    "afghan": "Ahmad Mohammad Abdullah Mustafa Samir Farhad Javed Habib Nasir|Mariam Zahra "
    "Parwana Nazanin Shabnam Roya|Ahmadi Noori Rahimi Karimi Hashimi Safi Sultani Amiri Popal",
    "caribbean": "Tyrese Jaden Marcus Andre Kyle Jermaine Malachi Nathaniel Isaiah Josiah|Tia Jada "
    "Shanice Kiara Aaliyah Imani Nia Chantelle Jasmine Keisha|Campbell Francis Grant Brown Thomas "
    "Richards Morgan Edwards Clarke Lewis Bailey Gordon",
    "african": "Daniel David Emmanuel Samuel Tobi Kwame Chidi Kofi|Blessing Precious Favour "
    "Esther Adaeze Amara Faith Ruth|Okafor Adeyemi Mensah Osei Okonkwo Bello Nwosu Asante Boateng",
    "horn": "Yonas Dawit Filmon Merhawi Abdi Mohamed Abdirahman Bereket|Senait Hodan Ayan Helen "
    "Saron Filsan|Tesfaye Haile Gebre Berhe Warsame Abdi Mohamed Yusuf Tekle",
    "chinese": "Jun Hao Wei Ming Kai Jian|Mei Lin Xin Yan Hui Ling|Chen Wang Li Zhang Liu Wong Lam Cheung",
    "middle_east": "Omar Ahmed Karwan Reza Amir Hassan Minh Khalid Dilan Hieu|Layla Sara Noor "
    "Rojin Shirin Linh Hana Dilvin|Mohammadi Hosseini Rasul Aziz Nguyen Tran Abdullah Said "
    "Mahmoud Pham",
}
NAMES = {k: tuple(part.split() for part in v.split("|")) for k, v in _NAME_TEXT.items()}
HERITAGE = _table(
    "WBRI british, WIRI irish, WOTH european, WIRT irish, WROM european, MWBC british caribbean,"
    " MWBA british african, MWAS british indian pakistani, MOTH british middle_east chinese,"
    " AIND indian, APKN pakistani, ABAN bangladeshi, AOTH afghan, BCRB caribbean,"
    " BAFR african horn, BOTH african caribbean, CHNE chinese, OOTH middle_east, REFU british,"
    " NOBT british"
)
ETHNICITY = _weights(
    "WBRI 45 WIRI 1 WOTH 5 WIRT 1 WROM 1 MWBC 6 MWBA 3 MWAS 3 MOTH 3 AIND 4 APKN 5 ABAN 2 AOTH 4"
    " BCRB 3 BAFR 5 BOTH 2 CHNE 1 OOTH 4 REFU 1 NOBT 1"
)
UASC_ETHNICITY = {"AOTH": 35, "BAFR": 30, "OOTH": 25, "WOTH": 10}  # Afghan, Eritrean/Sudanese, ...
AGE_BANDS = {(0, 0): 5, (1, 4): 14, (5, 9): 19, (10, 15): 38, (16, 17): 24}  # Appendix 1, %
# The seed's placements on 31 March 2021 by (group, provider); "resi" is H5, K3 from 2023-24.
SEED_PLACEMENTS = {
    tuple(key.split("/")): count
    for key, count in _weights(
        "foster/PR1 303 foster/PR4 125 foster/PR2 2 adoption/PR1 14 adoption/PR5 12 adoption/PR2 6"
        " P1/PR0 46 P2/PR1 1 P2/PR4 21 resi/PR4 6 resi/PR5 3 K1/PR4 1 K2/PR1 24 K2/PR4 47"
        " R1/PR4 2 R2/PR3 3 R3/PR4 4 R5/PR3 1 S1/PR4 4 Z1/PR4 1"
    ).items()
}
MIN_AGE = {"P2": 16, "resi": 16, "R5": 15, "K1": 12, "K2": 8, "S1": 8, "R1": 10, "Z1": 10}
# REC, weight, age at end (18: ceased on the 18th birthday), days in care, UASC %, final episodes
CEASED = (
    ("E4A", 27, 0, 17, 7, 900, 0, "V2 U6 PR1|V2 U6 PR4|C2 P1 PR0|C1 U6 PR1|V2 K2 PR4"),
    ("E4B", 3, 10, 17, 7, 700, 0, "V2 U6 PR4|V2 K2 PR4"),
    ("E8", 8, 0, 17, 1, 900, 0, "V2 U6 PR1|C2 U6 PR4|V2 K2 PR4"),
    ("E11", 6, 1, 5, 540, 1100, 0, "E1 A6 PR1|E1 A5 PR1|E1 A6 PR5|E1 A6 PR2"),
    ("E12", 5, 1, 5, 540, 1100, 0, "E1 A6 PR1|E1 A5 PR1|E1 A6 PR5"),
    ("E41", 4, 1, 14, 180, 900, 0, "C2 P1 PR0|C2 U3 PR1|C1 U3 PR1"),
    ("E45", 4, 1, 14, 270, 1500, 0, "C2 U4 PR1|C2 U6 PR1|C2 U4 PR4"),
    ("E46", 2, 1, 12, 180, 1200, 0, "C2 U6 PR1|C1 U6 PR1"),
    ("E47", 5, 1, 14, 180, 1200, 0, "C2 U3 PR1|C2 U1 PR1"),
    ("E48", 1, 1, 12, 180, 1200, 0, "C2 U6 PR1"),
    ("E5", 10, 18, 18, 365, 4000, 30, "C2 P2 PR4|V2 resi PR4|C2 resi PR4|C2 U6 PR4|V2 K2 PR4"),
    ("E6", 3, 18, 18, 365, 4000, 30, "C2 P2 PR4|V2 P2 PR4"),
    ("E17", 5, 18, 18, 1000, 5000, 0, "C2 U4 PR1|C2 U4 PR4"),
    ("E13", 1, 8, 17, 90, 900, 0, "C2 K2 PR4"),
    ("E3", 2, 0, 17, 30, 700, 0, "V2 U6 PR1|C2 U6 PR4"),
    ("E7", 1, 18, 18, 1500, 5000, 0, "C2 R1 PR4|C2 K2 PR4"),
    ("E9", 1, 15, 17, 14, 300, 0, "J1 R5 PR3|J1 K1 PR4"),
    ("E14", 3, 12, 17, 3, 120, 0, "J1 K2 PR4|J1 U6 PR4"),
    ("E15", 1, 16, 17, 14, 200, 100, "V2 K2 PR4|V2 resi PR4"),
    ("E16", 1, 5, 17, 30, 700, 0, "V2 U6 PR1"),
)
PLACE_CHANGE = _weights(
    "CARPL 35 CREQB 12 CREQO 10 CHILD 8 LAREQ 8 OTHER 7 CLOSE 4 STAND 3 ALLEG 2 APPRR 1"
)
LS_BEFORE = {
    "E1": {"C2": 1},
    "C2": {"C1": 70, "V2": 15, "": 15},
    "C1": {"V2": 20, "L2": 10, "": 70},
}
CIN = {"N1": 63, "N2": 3, "N3": 3, "N4": 8, "N5": 15, "N6": 2, "N7": 1, "N8": 5}
IN_AREA = {"PR0": 0.9, "PR1": 0.88, "PR4": 0.55}
OUT_OF_AREA = ("LE", "NG", "DE", "CV", "B", "S", "NN", "WS")
INWARD = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass
class StaffPlan:
    email: str
    full_name: str
    role: Role
    job_title: str
    fte: Decimal | None = None
    left_on: date | None = None
    pk: int | None = field(default=None, compare=False)


@dataclass
class EpisodePlan:
    start: date
    rne: str
    ls: str
    place: str
    provider: str
    placement_postcode: str = ""
    home_postcode: str = ""
    in_area: bool | None = None
    urn: str = ""
    cin: str = ""
    rpc: str = ""
    end: date | None = None
    rec: str = ""


@dataclass
class PeriodPlan:
    start: date
    end: date | None
    rec: str
    episodes: list[EpisodePlan]
    pk: int | None = field(default=None, compare=False)


@dataclass
class AllocationPlan:
    iro: int  # index into DemoPlan.staff
    start: date
    end: date | None = None
    reason: str = ""


@dataclass
class ChildPlan:
    first_name: str
    last_name: str
    dob: date
    sex: str
    ethnicity: str
    uasc_from: date | None = None
    uasc_ceased: date | None = None
    disability: bool | None = None
    ref: str = ""
    periods: list[PeriodPlan] = field(default_factory=list)  # oldest first
    allocations: list[AllocationPlan] = field(default_factory=list)
    pk: int | None = field(default=None, compare=False)

    @property
    def current_period(self) -> PeriodPlan | None:
        return self.periods[-1] if self.periods and self.periods[-1].end is None else None


@dataclass
class DemoPlan:
    today: date
    seed: int
    staff: list[StaffPlan]
    children: list[ChildPlan]
    sibling_groups: list[tuple[str, ...]]
    history_years: int = HISTORY_YEARS

    @property
    def looked_after(self) -> list[ChildPlan]:
        return [c for c in self.children if c.current_period]

    @property
    def unallocated(self) -> list[ChildPlan]:
        return [c for c in self.looked_after if not any(a.end is None for a in c.allocations)]

    def iros(self, *, active: bool = True) -> list[int]:
        return [
            i
            for i, s in enumerate(self.staff)
            if s.role == Role.IRO and (s.left_on is None) == active
        ]


@dataclass
class DemoSummary:
    plan: DemoPlan
    looked_after: int
    unallocated: int
    ceased: int
    iros: int
    fte: Decimal
    seconds: float = 0.0
    logins: tuple[tuple[str, str], ...] = DEMO_LOGINS

    @property
    def caseload_per_fte(self) -> float:
        return (self.looked_after - self.unallocated) / float(self.fte)


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def _quota(weights: dict, n: int) -> list:
    """n keys in proportion to weights (largest remainder), in the order of `weights`."""
    total = sum(weights.values())
    exact = {k: n * w / total for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: counts[k] - exact[k])[: n - sum(counts.values())]:
        counts[k] += 1
    return [k for k in weights for _ in range(counts[k])]


def _age(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _dob(rng: random.Random, age: int, on: date) -> date:
    """A birthday making the child `age` on `on`, and at least a day old."""
    latest = min(on - relativedelta(years=age), on - timedelta(days=1))
    earliest = on - relativedelta(years=age + 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


def _postcode(rng: random.Random, in_area: bool) -> str:
    area = f"DC{rng.randint(1, 9)}" if in_area else f"{rng.choice(OUT_OF_AREA)}{rng.randint(1, 20)}"
    return f"{area} {rng.randint(1, 9)}{rng.choice(INWARD)}{rng.choice(INWARD)}"


def _new_child(
    rng: random.Random, dob: date, *, uasc: bool = False, siblings: list[ChildPlan] | None = None
) -> ChildPlan:
    """Sex, ethnicity and a name to match; siblings share an ethnicity and a surname."""
    sex = "M" if rng.random() < (0.9 if uasc else 0.55) else "F"
    siblings = siblings or []
    like = siblings[0] if siblings else None
    ethnicity = like.ethnicity if like else _pick(rng, UASC_ETHNICITY if uasc else ETHNICITY)
    pools = HERITAGE[ethnicity].split()  # mixed heritage: first name and surname may differ
    pool = rng.choice(pools)
    last = (
        like.last_name
        if like
        else rng.choice(NAMES[rng.choice(pools) if ethnicity[0] == "M" else pool][2])
    )
    first = rng.choice(NAMES[pool][sex == "F"])
    while first in {s.first_name for s in siblings}:
        first = rng.choice(NAMES[pool][sex == "F"])
    disability = rng.choices((True, False, None), (7, 91, 2))[0]
    return ChildPlan(first, last, dob, sex, ethnicity, disability=disability)


def _district_names(rng: random.Random, n: int) -> list[str]:
    """`n` different made-up staff names for a district after the first."""
    names: list[str] = []
    while len(names) < n:
        pool = NAMES[rng.choice(("british", "british", "irish", "indian", "caribbean", "african"))]
        name = f"{rng.choice(pool[rng.random() < 0.6])} {rng.choice(pool[2])}"
        if name not in names:
            names.append(name)
    return names


def _plan_staff(rng: random.Random, today: date, district: int = 0) -> list[StaffPlan]:
    """The demo's IRO team, managers and admin; a later district has a team of its own.

    District 0 is the seed's service (its named staff and the demo logins). A district after
    it has the same shape (9 IROs on 7.8 FTE, one who left, two managers) under other names,
    with addresses such as iro3.d12@demo.example; the admin is the first district's alone.
    """
    iro = "Independent Reviewing Officer"
    team = (*IROS, LEAVER)
    managers, admins = MANAGERS, ADMINS
    at = ""
    if district:
        names = _district_names(rng, len(team) + len(MANAGERS))
        team = tuple(zip(names, (fte for _name, fte in team), strict=False))
        managers, admins, at = tuple(names[len(team) :]), (), f".d{district}"
    staff = [
        StaffPlan(f"iro{i + 1 if i else ''}{at}@demo.example", name, Role.IRO, iro, Decimal(fte))
        for i, (name, fte) in enumerate(team)
    ]
    # Left in the weeks before the years reproducing the seed's report, on 7.8 FTE throughout.
    left = min(seed_years(today)) - timedelta(days=rng.randint(1, 60))
    staff[-1].left_on = subtract_working_days(left, 1)
    staff += [
        StaffPlan(
            f"manager{i + 1 if i else ''}{at}@demo.example",
            name,
            Role.MANAGER,
            "IRO Service Manager",
        )
        for i, name in enumerate(managers)
    ]
    staff += [
        StaffPlan(
            f"admin{i + 1 if i else ''}@demo.example", name, Role.ADMIN, "Business Support Officer"
        )
        for i, name in enumerate(admins)
    ]
    return staff


def _legal_status(rng: random.Random, place: str, age: int, days: int, uasc: bool) -> str:
    """The open episode's legal status, given the placement, age and days in care."""
    if uasc:
        return "V2"
    if place in ("A5", "A6"):
        return "E1"
    if place in ("A3", "A4"):
        return rng.choice(("C2", "V2"))
    if place in ("R5", "K1"):
        return rng.choice(("J1", "J1", "C2"))
    if place[0] == "U" and age <= 5 and days >= 180 and rng.random() < 0.15:
        return "E1"  # placement order, waiting for adopters
    weights = (
        {"V2": 50, "C1": 35, "L2": 15}
        if days <= 8
        else {"C1": 60, "C2": 10, "V2": 30}
        if days <= 182
        else {"C1": 40, "C2": 45, "V2": 15}
        if days <= 365
        else {"C1": 3, "C2": 89, "V2": 8}
    )
    if place == "P1":
        weights["V2"] = 0  # placed with parents only under an order
    if place == "K2" and age >= 12 and days <= 365:
        weights["J1"] = 15  # remanded
    return _pick(rng, weights)


def _placement(rng: random.Random, place: str, provider: str, home: str) -> dict:
    if place == "P1" and home:
        return {
            "place": place,
            "provider": provider,
            "postcode": home,
            "in_area": home.startswith("DC"),
            "urn": "",
        }
    in_area = rng.random() < IN_AREA.get(provider, 0.5)
    urn = f"SC{rng.randint(100000, 999999)}" if place in ("K1", "K2", "S1", "resi") else ""
    return {
        "place": place,
        "provider": provider,
        "postcode": _postcode(rng, in_area),
        "in_area": in_area,
        "urn": urn,
    }


def _earlier_placement(rng: random.Random, age: int) -> tuple[str, str]:
    if age < 10:
        options = {("U6", "PR1"): 50, ("U6", "PR4"): 25, ("U3", "PR1"): 10, ("U4", "PR1"): 5}
    else:
        options = {
            ("U6", "PR1"): 35,
            ("U6", "PR4"): 25,
            ("K2", "PR4"): 20,
            ("K2", "PR1"): 8,
            ("U3", "PR1"): 6,
            ("resi", "PR4"): 6 if age >= 16 else 0,
        }
    return rng.choices(list(options), list(options.values()))[0]


def _period(
    rng: random.Random,
    *,
    start: date,
    end: date | None,
    rec: str,
    final: tuple,
    dob: date,
    home: str,
    cin: str,
    today: date,
) -> PeriodPlan:
    """A period of care with 1-4 episodes ending in `final` (legal status, placement, provider)."""
    ls, place, provider = final
    adoption = place[0] == "A"
    span = ((end or today) - start).days
    available = span if end is None else span - 1  # a ceased period's last episode lasts a day
    k = 1 if span < 30 else rng.choices((1, 2, 3, 4), (45, 30, 17, 8))[0]
    k = min(max(k, 2) if ls == "E1" or adoption else k, available + 1)
    path = [ls]
    while len(path) < k and (before := _pick(rng, LS_BEFORE.get(path[0], {"": 1}))):
        path.insert(0, before)
    counts = [1] * len(path)
    if adoption and k > len(path):
        counts[-1] += 1  # moved to the adopters without a change of legal status
    for _ in range(k - sum(counts)):
        counts[rng.randrange(len(counts))] += 1
    statuses = [s for s, c in zip(path, counts, strict=True) for _ in range(c)]
    kinds = ["S"]
    for i in range(1, k):
        if statuses[i] == statuses[i - 1]:
            kinds.append("P")
        elif i == k - 1 and adoption:
            kinds.append("B" if place in ("A3", "A5") else "T")
        elif place == "P1":  # never placed with parents while accommodated under s20
            kinds.append("T")
        else:
            kinds.append("T" if rng.random() < 0.2 else "L")
    age = _age(dob, start)
    places = [_placement(rng, place, provider, home)]
    for i in range(k - 1, 0, -1):
        later = places[0]
        if kinds[i] == "L":
            places.insert(0, later)
        elif kinds[i] == "B":
            places.insert(0, {**later, "place": rng.choice(("U5", "U6"))})
        else:
            before = ("U6", rng.choice(("PR1", "PR4"))) if adoption and i == k - 1 else None
            places.insert(0, _placement(rng, *(before or _earlier_placement(rng, age)), home))
    offsets = sorted(rng.sample(range(1, available + 1), k - 1))
    if path[0] == "L2" and counts[0] == 1 and offsets:
        offsets[0] = min(offsets[0], rng.randint(1, 8))  # emergency protection: 8 days at most
    starts = [start] + [start + timedelta(days=o) for o in offsets]
    episodes = []
    for day, status, where, kind in zip(starts, statuses, places, kinds, strict=True):
        code = where["place"]
        if code == "P2" and not codes.valid_on("PLACE", code, day):
            code = "resi"  # no P2 from 28 October 2023 (rule 217t): supported accommodation
        if code == "resi":
            code = "K3" if codes.collection_year(day) >= 2024 else "H5"
            if kind == "L" and code != episodes[-1].place:
                kind = "B"  # the same home, now supported accommodation (K3 from 2024-25)
        provider = where["provider"]
        if code == "Z1" and not codes.valid_on("PLACE", code, day):
            code, provider = "Z14", ""  # Z1 split from 2025-26; no provider for Z11-Z14 (213)
        rpc = (
            ""
            if kind in "SL"
            else "PLACE"
            if kind == "B"
            else "CARPL"
            if adoption and day == starts[-1]
            else _pick(rng, PLACE_CHANGE)
        )
        episodes.append(
            EpisodePlan(
                day,
                kind,
                status,
                code,
                provider,
                where["postcode"],
                home,
                where["in_area"],
                "" if code == "H5" else where["urn"],
                cin,
                rpc,
            )
        )
    episodes = _no_care_order_made_at_17(episodes, dob)
    for earlier, later in itertools.pairwise(episodes):
        earlier.end, earlier.rec = later.start, "X1"
        # The reason for a placement change is written on the placement that ended (rule 225).
        earlier.rpc, later.rpc = later.rpc, ""
    if end:
        episodes[-1].end, episodes[-1].rec = end, rec
    return PeriodPlan(start, end, rec, episodes)


# Reasons for a new episode that change the legal status (SSDA903 RNE).
NEW_LEGAL_STATUS = frozenset("SLTBU")


def _no_care_order_made_at_17(episodes: list[EpisodePlan], dob: date) -> list[EpisodePlan]:
    """No care order is made for a child of 17 or over (Children Act 1989, s.31(3)).

    A C2 that would start at 17 stays on the legal status before it (or s20, V2, at the
    start of care); an episode left changing nothing is folded into the one before it.
    """
    kept: list[EpisodePlan] = []
    for episode in episodes:
        before = kept[-1] if kept else None
        made = episode.ls == "C2" and (before is None or before.ls != "C2")
        if made and _age(dob, episode.start) >= 17:
            episode.ls = before.ls if before else "V2"
            if before is not None and episode.rne in NEW_LEGAL_STATUS - {"S"}:
                if episode.place == before.place and episode.provider == before.provider:
                    continue  # nothing changed after all: the episode before goes on
                episode.rne = "P"
        kept.append(episode)
    return kept


def _final_place(rng: random.Random, group: str, provider: str, age: int) -> str:
    if group == "foster":
        if provider != "PR1":
            return rng.choices(("U4", "U6"), (40, 60))[0]
        return rng.choices(("U1", "U3", "U4", "U5", "U6"), (8, 12, 35, 2 if age <= 2 else 0, 43))[0]
    if group == "adoption":
        return rng.choices(("A6", "A5", "A4", "A3"), (55, 35, 5, 5))[0]
    return group


def _stock_units(rng: random.Random, n: int) -> tuple[list[int], set, list[list[int]], list]:
    """Ages on `today`, which are UASC, sibling groups (about 20%) and who waits for an IRO."""
    ages = [rng.randint(*band) for band in _quota(AGE_BANDS, n)]
    rng.shuffle(ages)
    uasc_count = round(n * 0.05)  # mostly 16 and over
    older = [i for i, a in enumerate(ages) if a >= 16][: round(uasc_count * 0.8)]
    uasc = set(older + [i for i, a in enumerate(ages) if a in (14, 15)][: uasc_count - len(older)])
    free = [i for i in range(n) if i not in uasc]
    rng.shuffle(free)
    groups, grouped = [], set()
    for i in free:
        if len(grouped) >= n * 0.2:
            break
        near = [j for j in free if j != i and j not in grouped and abs(ages[j] - ages[i]) <= 7]
        if i not in grouped and near:
            groups.append([i, *near[: rng.choice((1, 1, 2))]])
            grouped.update(groups[-1])
    waiting = [i for i in free if i not in grouped and ages[i] >= 1][: min(4, n // 10)]
    return ages, uasc, groups + [[i] for i in range(n) if i not in grouped], waiting


def _stock_start(rng: random.Random, today: date, dob: date, *, uasc: bool) -> date:
    """When a child looked after on `today` (or a sibling group, youngest `dob`) came into care."""
    if uasc:  # arrived in the UK aged 14 or over, in the last two and a half years
        arrived = max(dob + relativedelta(years=14), today - timedelta(days=900))
        return today - timedelta(days=rng.randint(7, max(7, (today - arrived).days)))
    days, r = (today - dob).days, rng.random()
    low, high = (
        (1, 365)
        if r < 0.12
        else (366, 730)
        if r < 0.27
        else (731, 1095)
        if r < 0.4
        else (1096, 1460)
        if r < 0.52
        else (1461, days)
    )
    return today - timedelta(
        days=rng.randint(low, high) if low <= high <= days else rng.randint(0, days)
    )


def _stock_placements(
    rng: random.Random, ages: list[int], uasc: set, waiting: list[int], days_in_care: list[int]
) -> dict[int, tuple[str, str]]:
    """Placement (type, provider) on `today` per child, in the proportions of the seed's table."""
    n, finals = len(ages), {}
    slots = Counter(_quota(SEED_PLACEMENTS, n))
    order = {"P1": 1, "foster": 2}  # age-limited placements first (dict order, never set order)
    for group, provider in sorted(SEED_PLACEMENTS, key=lambda s: order.get(s[0], 0)):
        for _ in range(slots[group, provider]):
            pool = [
                i
                for i in range(n)
                if i not in finals
                and (
                    i not in uasc
                    if group == "P1"
                    else ages[i] <= 4 and i not in waiting and days_in_care[i] >= 90
                    if group == "adoption"
                    else ages[i] in (0, 15, 16, 17)
                    if group == "R3"
                    else ages[i] >= MIN_AGE.get(group, 0)
                )
            ]
            if not pool:
                pool, group, provider = [i for i in range(n) if i not in finals], "foster", "PR1"
            weights = [4 if i in uasc and group in ("P2", "resi", "K2") else 1 for i in pool]
            i = rng.choices(pool, weights)[0]
            finals[i] = (_final_place(rng, group, provider, ages[i]), provider)
    return finals


def _plan_looked_after(rng: random.Random, n: int, today: date) -> tuple[list, list, list]:
    """Children looked after on `today`: (children, units of siblings or one, waiting ones)."""
    ages, uasc, units, waiting = _stock_units(rng, n)
    children: list[ChildPlan] = [None] * n  # type: ignore[list-item]
    starts = [today] * n
    for unit in units:
        for i in unit:
            children[i] = _new_child(
                rng,
                _dob(rng, ages[i], today),
                uasc=i in uasc,
                siblings=[children[j] for j in unit if children[j]],
            )
        if unit[0] in waiting:  # came into care 1-10 working days ago, half over the target
            late = waiting.index(unit[0]) >= len(waiting) / 2
            start = subtract_working_days(today, rng.randint(6, 10) if late else rng.randint(1, 5))
        else:
            start = _stock_start(
                rng, today, max(children[i].dob for i in unit), uasc=unit[0] in uasc
            )
        for i in unit:
            starts[i] = start
            children[i].uasc_from = start if i in uasc else None
    days_in_care = [(today - start).days for start in starts]
    finals = _stock_placements(rng, ages, uasc, waiting, days_in_care)
    for unit in units:
        home = "" if unit[0] in uasc else _postcode(rng, rng.random() < 0.8)
        cin = "N8" if unit[0] in uasc else _pick(rng, CIN)
        for i in unit:
            child, (place, provider) = children[i], finals[i]
            ls = _legal_status(rng, place, ages[i], days_in_care[i], i in uasc)
            child.periods.append(
                _period(
                    rng,
                    start=starts[i],
                    end=None,
                    rec="",
                    final=(ls, place, provider),
                    dob=child.dob,
                    home=home,
                    cin=cin,
                    today=today,
                )
            )
            earlier_end = starts[i] - timedelta(days=rng.randint(60, 700))
            earlier_start = earlier_end - timedelta(days=rng.randint(14, 400))
            if (
                len(unit) == 1
                and i not in uasc
                and i not in waiting
                and rng.random() < 0.06
                and earlier_start > child.dob
            ):  # an earlier period: went home, came back
                rec = _pick(rng, {"E4A": 7, "E4B": 2, "E8": 1})
                child.periods.insert(
                    0,
                    _period(
                        rng,
                        start=earlier_start,
                        end=earlier_end,
                        rec=rec,
                        final=("V2", "U6", "PR1"),
                        dob=child.dob,
                        home=home,
                        cin=cin,
                        today=today,
                    ),
                )
    return children, [[children[i] for i in u] for u in units], [children[i] for i in waiting]


def _plan_ceased(
    rng: random.Random, n: int, today: date, years: int, looked_after: list[ChildPlan]
) -> list[ChildPlan]:
    """Children whose last period of care ended in the last `years` years: the seed's 150 a
    year (scaled), spread over each year, and in the years reproducing the seed's report its
    exact number of children, counting those `looked_after` now whose earlier period ended then."""
    earlier = [p.end for c in looked_after for p in c.periods[:-1] if p.end]
    first, last = today - timedelta(days=years * 365), today - timedelta(days=1)
    targets = seed_years(today)
    children: list[ChildPlan] = []
    # Latest year first: a year's month ends count the children leaving in the years after it.
    start = year_start(last)
    while year_end(start) >= first:
        low, high = max(start, first), min(year_end(start), last)
        span = (high - low).days + 1
        seed = targets.get(start) if low == start else None
        if seed is None:
            count = round(CEASED_PER_YEAR * n / SEED_LOOKED_AFTER * span / 365)
            children += _leavers(rng, low, span, count, 1.0, today)
        else:
            count = scaled(seed.ceased, n) - sum(start <= day <= high for day in earlier)
            others = looked_after + children
            children += _leavers_to_caseload(rng, seed, n, start, count, others, today)
        start = date(start.year - 1, 4, 1)
    return children


def _leavers(
    rng: random.Random, low: date, span: int, count: int, lean: float, today: date
) -> list[ChildPlan]:
    """`count` children leaving care in the `span` days from `low`, the kth on the day
    ((k + u) / count) ** lean of the way: evenly spread at 1, later below it, earlier above."""
    return [
        _leaver(rng, low + timedelta(days=int(((k + rng.random()) / count) ** lean * span)), today)
        for k in range(count)
    ]


def _leavers_to_caseload(
    rng: random.Random,
    seed: SeedYear,
    n: int,
    start: date,
    count: int,
    others: list[ChildPlan],
    today: date,
) -> list[ChildPlan]:
    """The leavers of a year reproducing the seed's report, spread so that they and the
    `others` planned looked after at its month ends average its caseload per FTE (the team's
    7.8 FTE all year)."""
    span = (year_end(start) - start).days + 1
    if not seed.average_caseload or count <= 0:
        return _leavers(rng, start, span, count, 1.0, today)
    month_ends = [start + relativedelta(months=m + 1, days=-1) for m in range(12)]

    def in_care(children: list[ChildPlan]) -> int:
        return sum(
            1
            for day in month_ends
            for c in children
            for p in c.periods
            if p.start <= day and (p.end is None or p.end > day)
        )

    fte = float(sum(Decimal(f) for _name, f in IROS))
    wanted = seed.average_caseload * fte * 12 * n / SEED_LOOKED_AFTER - in_care(others)
    state = rng.getstate()
    earliest, latest = 4.0, 0.25  # the leans tried: leaving early in the year to late in it
    for _ in range(10):  # halving the range in log: the same draws each time, leaning more or less
        lean = (earliest * latest) ** 0.5
        rng.setstate(state)
        if in_care(_leavers(rng, start, span, count, lean, today)) > wanted:
            latest = lean
        else:
            earliest = lean
    rng.setstate(state)
    return _leavers(rng, start, span, count, (earliest * latest) ** 0.5, today)


def _leaver(rng: random.Random, end: date, today: date) -> ChildPlan:
    """A child whose last period of care ended on `end`, for one of the seed's reasons."""
    rec, _w, young, old, shortest, longest, uasc_pct, finals = rng.choices(
        CEASED, [row[1] for row in CEASED]
    )[0]
    age = rng.randint(young, old)
    dob = end - relativedelta(years=18) if age == 18 else _dob(rng, age, end)
    uasc = rng.random() * 100 < uasc_pct
    child = _new_child(rng, dob, uasc=uasc)
    start = max(end - timedelta(days=rng.randint(shortest, longest)), dob)
    start = min(start, end - timedelta(days=1))
    ls, place, provider = rng.choice(finals.split("|")).split()
    if place in MIN_AGE and _age(dob, end) < MIN_AGE[place]:
        place = "U6"
    if uasc:
        ls, child.uasc_from, child.uasc_ceased = "V2", start, end
    home = "" if uasc else _postcode(rng, rng.random() < 0.8)
    child.periods.append(
        _period(
            rng,
            start=start,
            end=end,
            rec=rec,
            final=(ls, place, provider),
            dob=dob,
            home=home,
            cin="N8" if uasc else _pick(rng, CIN),
            today=today,
        )
    )
    return child


def _period_allocations(
    rng: random.Random, plan_staff: list[StaffPlan], period: PeriodPlan, iro: int | None = None
) -> list[AllocationPlan]:
    """A period's allocations: within 5 working days of its start, perhaps first to the IRO who
    left and then, from the day they left, to `iro` (or one picked in proportion to FTE)."""
    active = [i for i, s in enumerate(plan_staff) if s.role == Role.IRO and s.left_on is None]
    leaver = next(i for i, s in enumerate(plan_staff) if s.left_on)
    left_on = plan_staff[leaver].left_on
    end = period.end or date.max
    iro = (
        iro
        if iro is not None
        else rng.choices(active, [float(plan_staff[i].fte) for i in active])[0]
    )
    start = min(add_working_days(period.start, rng.choice(ALLOCATION_DELAYS)), end)
    ceased = "" if period.end is None else "Ceased to be looked after"
    if start < left_on and rng.random() < 1 / 8.8:  # the leaver's share of 8.8 FTE
        if end <= left_on:
            return [AllocationPlan(leaver, start, period.end, ceased)]
        return [
            AllocationPlan(leaver, start, left_on),
            AllocationPlan(iro, left_on, period.end, "IRO left the service"),
        ]
    return [AllocationPlan(iro, start, period.end, ceased)]


def _plan_allocations(
    rng: random.Random,
    staff: list[StaffPlan],
    units: list[list[ChildPlan]],
    waiting: list[ChildPlan],
    ceased: list[ChildPlan],
    today: date,
) -> None:
    """Open allocations in proportion to FTE, siblings together; closed ones for history."""
    active = [i for i, s in enumerate(staff) if s.role == Role.IRO and s.left_on is None]
    load = dict.fromkeys(active, 0)
    waiting_ids = {id(child) for child in waiting}
    # Sibling groups first: the children on their own then even the caseloads out.
    for unit in sorted(units, key=len, reverse=True):
        for child in unit:
            for period in child.periods[:-1]:
                child.allocations += _period_allocations(rng, staff, period)
        if id(unit[0]) in waiting_ids:
            continue
        # The least loaded per FTE once given the unit; the jitter only settles near-ties.
        iro = min(
            active,
            key=lambda i: (load[i] + len(unit)) / float(staff[i].fte) * rng.uniform(0.98, 1.02),
        )
        load[iro] += len(unit)
        shared = _period_allocations(rng, staff, unit[0].current_period, iro)
        for child in unit:
            child.allocations += [
                AllocationPlan(a.iro, min(a.start, today), a.end, a.reason) for a in shared
            ]
    for child in ceased:
        child.allocations += _period_allocations(rng, staff, child.periods[-1])


def plan_demo(
    *,
    children: int,
    seed: int,
    today: date,
    district: int = 0,
    history_years: int = HISTORY_YEARS,
) -> DemoPlan:
    """The whole demo authority as plain data: no database access, same seed, same plan.

    `district` numbers one of several such services loaded side by side (a regional or
    national scale authority): its staff and child references are its own.
    """
    rng = random.Random(seed)
    staff = _plan_staff(rng, today, district)
    looked_after, units, waiting = _plan_looked_after(rng, children, today)
    ceased = _plan_ceased(rng, children, today, history_years, looked_after)
    rng.shuffle(units)
    _plan_allocations(rng, staff, units, waiting, ceased, today)
    everyone = sorted(looked_after + ceased, key=lambda c: c.periods[0].start)
    number = 1000
    prefix = f"D{district:03d}" if district else "DC"
    for child in everyone:
        number += rng.randint(1, 3)
        child.ref = f"{prefix}{number:06d}"
    groups = [tuple(c.ref for c in unit) for unit in units if len(unit) > 1]
    plan = DemoPlan(today, seed, staff, everyone, sorted(groups), history_years)
    for child in everyone:  # the same checks Episode.clean makes, cheaply
        for period in child.periods:
            for e in period.episodes:
                for name, value in (
                    ("RNE", e.rne),
                    ("LS", e.ls),
                    ("PLACE", e.place),
                    ("PLACE_PROVIDER", e.provider),
                ):
                    assert not value or value in codes.codes_on(name, e.start), (child.ref, e)
                assert not e.rec or e.rec in codes.codes_on("REC", e.end), (child.ref, e)
                assert not e.rpc or (
                    e.rec == "X1" and e.rpc in codes.codes_on("REASON_PLACE_CHANGE", e.end)
                ), (child.ref, e)
    return plan


def insert_plan(plan: DemoPlan) -> DemoSummary:
    """Write a plan with core.bulk (call inside a transaction); sets the plan's pk fields."""
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow by design
    joined = datetime(
        plan.today.year - plan.history_years - 1, 4, 1, 9, tzinfo=timezone.get_current_timezone()
    )
    groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    users = [
        User(
            email=s.email,
            full_name=s.full_name,
            job_title=s.job_title,
            fte=s.fte,
            left_on=s.left_on,
            is_active=s.left_on is None,
            password=password,
            date_joined=joined,
        )
        for s in plan.staff
    ]
    bulk.insert(User, users)
    bulk.insert(
        User.groups.through,
        [
            User.groups.through(user_id=u.pk, group_id=groups[s.role].pk)
            for u, s in zip(users, plan.staff, strict=True)
        ],
    )
    for user, staff in zip(users, plan.staff, strict=True):
        staff.pk = user.pk
    by = next(u for u, s in zip(users, plan.staff, strict=True) if s.role == Role.MANAGER)
    audit = {"created_by_id": by.pk, "modified_by_id": by.pk}
    rows = [
        bulk.new(
            Child,
            child_ref=c.ref,
            first_name=c.first_name,
            last_name=c.last_name,
            date_of_birth=c.dob,
            sex=c.sex,
            ethnicity=c.ethnicity,
            disability=c.disability,
            uasc_from=c.uasc_from,
            uasc_ceased=c.uasc_ceased,
            **audit,
        )
        for c in plan.children
    ]
    bulk.insert(Child, rows)
    for child, row in zip(plan.children, rows, strict=True):
        child.pk = row.pk
    periods = [(c, p) for c in plan.children for p in c.periods]
    rows = [
        bulk.new(
            PeriodOfCare,
            child_id=c.pk,
            start_date=p.start,
            end_date=p.end,
            reason_ceased=p.rec,
            **audit,
        )
        for c, p in periods
    ]
    bulk.insert(PeriodOfCare, rows)
    for (_child, period), row in zip(periods, rows, strict=True):
        period.pk = row.pk
    bulk.insert(
        Episode,
        [
            bulk.new(
                Episode,
                child_id=c.pk,
                period_id=p.pk,
                start_date=e.start,
                reason_new_episode=e.rne,
                legal_status=e.ls,
                cin=e.cin,
                placement_type=e.place,
                placement_provider=e.provider,
                placement_postcode=e.placement_postcode,
                home_postcode=e.home_postcode,
                in_area=e.in_area,
                urn=e.urn,
                end_date=e.end,
                reason_ceased=e.rec,
                reason_place_change=e.rpc,
                **audit,
            )
            for c, p in periods
            for e in p.episodes
        ],
    )
    bulk.insert(
        Allocation,
        [
            bulk.new(
                Allocation,
                child_id=c.pk,
                iro_id=plan.staff[a.iro].pk,
                start_date=a.start,
                end_date=a.end,
                reason=a.reason,
                **audit,
            )
            for c in plan.children
            for a in c.allocations
        ],
    )
    pks = {c.ref: c.pk for c in plan.children}
    through = Child.siblings.through
    bulk.insert(
        through,
        [
            through(from_child_id=pks[a], to_child_id=pks[b])
            for group in plan.sibling_groups
            for a in group
            for b in group
            if a != b
        ],
    )
    active = plan.iros()
    return DemoSummary(
        plan=plan,
        looked_after=len(plan.looked_after),
        unallocated=len(plan.unallocated),
        ceased=sum(1 for c in plan.children if not c.current_period),
        iros=len(active),
        fte=sum((plan.staff[i].fte for i in active), Decimal("0")),
    )


def build_demo_authority(
    *,
    children: int,
    seed: int,
    today: date,
    district: int = 0,
    history_years: int = HISTORY_YEARS,
) -> DemoSummary:
    """Plan and load Demo City Council in one transaction; see the module docstring."""
    started = time.perf_counter()
    plan = plan_demo(
        children=children,
        seed=seed,
        today=today,
        district=district,
        history_years=history_years,
    )
    with transaction.atomic():
        summary = insert_plan(plan)
    summary.seconds = time.perf_counter() - started
    return summary
