"""children.codes against the DfE's validator, csc-validator-be-903, year by year (ADR 0019).

The validator pins pandas 1.5, so it lives in a tool environment of its own, `.validator`,
which `make test` builds (`make .validator/.synced`). tests/validator/code_lists.py runs
there and prints, for every collection year the validator has a ruleset for, the days each
code is valid on as its rules hold them; every field is compared day by day with
children.codes. Without `.validator` those comparisons are skipped, except under CI (the CI
variable set), where they fail. The named cases after them need no validator.
"""

import json
import re
import subprocess
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from children import codes
from children.models import Sex
from children.rules import provider_allowed
from reviews.models import Participation
from tests import factories
from tests.validator_env import VALIDATOR_PYTHON, validator_python_or_skip

ROOT = Path(__file__).resolve().parents[2]
HELPER = ROOT / "tests" / "validator" / "code_lists.py"
# The validator's fields; REVIEW_CODE is the reviews app's Participation, in every year.
FIELDS = (*codes.FIELDS, "REVIEW_CODE")
YEARS_AT_LEAST = ("2022-23", "2023-24", "2024-25", "2025-26", "2026-27")
# Rules whose message says a value of one of these fields is not valid, but which check
# something else than the field's list of codes.
NOT_CODE_LISTS = {"165": "MOTHER is not valid for the child's SEX: the mother status, not SEX"}

ALL_YEAR, NEVER = "all year", "never"


@dataclass(frozen=True)
class Difference:
    """Where children.codes knowingly departs from the validator's rules, and why."""

    field: str
    code: str
    first_year: int
    last_year: int | None  # None: every later year the validator has
    validator: str  # ALL_YEAR or NEVER, as the validator's rules hold the code
    app: str  # ALL_YEAR or NEVER, as children.codes holds it
    why: str

    def covers(self, field: str, code: str, year: int) -> bool:
        last = self.last_year if self.last_year is not None else year
        return (field, code) == (self.field, self.code) and self.first_year <= year <= last


K3_TYPO = (
    "Rule 146's 2024-25 list spells K3 'k3' and compares case by case, so it refuses K3; the "
    "validator's own 2024-25 rules 221 and 371 name K3 supported accommodation, and its "
    "2025-26 list has K3."
)
DIFFERENCES = (
    Difference("PLACE", "k3", 2024, 2024, ALL_YEAR, NEVER, K3_TYPO),
    Difference("PLACE", "K3", 2024, 2024, NEVER, ALL_YEAR, K3_TYPO),
    Difference(
        "PLACE",
        "P2",
        2024,
        2024,
        ALL_YEAR,
        NEVER,
        "P2 is not valid from 28 October 2023 (rule 217t, 2023-24). The 2024-25 ruleset deletes "
        "217t yet rule 146 still lists P2; the 2025-26 list drops it.",
    ),
    Difference(
        "LS",
        "D1",
        2024,
        None,
        ALL_YEAR,
        NEVER,
        "D1 is not valid for episodes starting after December 2005, when freeing orders ended "
        "(rule 445). The 2024-25 ruleset deletes 445, no child under 18 being able to have one "
        "left, yet rule 144 still lists D1.",
    ),
)


def whole(year: int) -> list[list[str]]:
    return [[codes.year_start(year).isoformat(), codes.year_end(year).isoformat()]]


def ranges(days: list[date]) -> list[list[str]]:
    spans: list[list[date]] = []
    for day in days:
        if spans and spans[-1][1] + timedelta(days=1) == day:
            spans[-1][1] = day
        else:
            spans.append([day, day])
    return [[first.isoformat(), last.isoformat()] for first, last in spans]


def app_codes_on(field: str, day: date) -> set[str]:
    if field == "REVIEW_CODE":
        return {code.value for code in Participation}
    return set(codes.codes_on(field, day))


def app_ranges(field: str, year: int) -> dict[str, list[list[str]]]:
    """The days of the collection year each code of a field is valid on, in children.codes."""
    start, end = codes.year_start(year), codes.year_end(year)
    valid: dict[str, list[date]] = {}
    for n in range((end - start).days + 1):
        day = start + timedelta(days=n)
        for code in app_codes_on(field, day):
            valid.setdefault(code, []).append(day)
    return {code: ranges(days) for code, days in valid.items()}


def years(found: dict[str, Any]) -> list[tuple[int, str, dict[str, Any]]]:
    return [(int(label[:4]), label, held) for label, held in sorted(found["years"].items())]


def pinned_version() -> str:
    makefile = (ROOT / "Makefile").read_text()
    pin = re.search(r"csc-validator-be-903==([\w.]+)", makefile)
    assert pin, "the Makefile pins no csc-validator-be-903 version"
    return pin.group(1)


@pytest.fixture(scope="module")
def validator() -> dict[str, Any]:
    """The validator's code lists, year by year, from its own tool environment."""
    validator_python_or_skip()
    # -I: the validator's own environment only, none of the app's (PYTHONPATH, the script's
    # directory on sys.path, user site-packages).
    done = subprocess.run(  # noqa: S603 (our own script, our own interpreter)
        [str(VALIDATOR_PYTHON), "-I", str(HELPER)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_validator_is_the_pinned_version_with_every_year(validator) -> None:
    assert validator["validator"] == pinned_version(), (
        "`.validator` holds another version than the Makefile pins: "
        "rm -rf .validator && make .validator/.synced"
    )
    assert set(YEARS_AT_LEAST) <= set(validator["years"])


@pytest.mark.parametrize("field", FIELDS)
def test_each_years_codes_are_the_validators_day_by_day(validator, field: str) -> None:
    problems = []
    for year, label, held in years(validator):
        assert held["rules"][field], f"no rule holds {field}'s codes in {label}"
        theirs, ours = held["codes"][field], app_ranges(field, year)
        expected = {ALL_YEAR: whole(year), NEVER: []}
        for code in sorted(set(theirs) | set(ours)):
            on_theirs, on_ours = theirs.get(code, []), ours.get(code, [])
            known = next((d for d in DIFFERENCES if d.covers(field, code, year)), None)
            if known is None:
                if on_theirs != on_ours:
                    problems.append(
                        f"{label} {field} {code}: the validator's rules {held['rules'][field]} "
                        f"allow it on {on_theirs or 'no day'}, children.codes on "
                        f"{on_ours or 'no day'}"
                    )
            elif (on_theirs, on_ours) != (expected[known.validator], expected[known.app]):
                problems.append(
                    f"{label} {field} {code}: a known difference has changed (validator "
                    f"{on_theirs or 'no day'}, children.codes {on_ours or 'no day'}); update "
                    f"DIFFERENCES: {known.why}"
                )
    assert not problems, "\n".join(problems)


def test_every_validator_rule_saying_a_code_is_not_valid_is_compared(validator) -> None:
    for _, label, held in years(validator):
        compared = {rule for rules in held["rules"].values() for rule in rules}
        unseen = set(held["code_rules"]) - compared - set(NOT_CODE_LISTS)
        assert not unseen, (
            f"{label}: rules {sorted(unseen)} check codes of {held['code_rules']} and are not "
            "run by tests/validator/code_lists.py (FIELDS)"
        )


def test_pr0_goes_only_with_p1_as_rule_550_says(validator) -> None:
    for _, label, held in years(validator):
        refused = {tuple(pair) for pair in held["refused_with_place"]}
        assert refused, f"rule 550 refused nothing in {label}"
        for place in held["codes"]["PLACE"]:
            for provider in held["codes"]["PLACE_PROVIDER"]:
                assert provider_allowed(place, provider) is ((place, provider) not in refused), (
                    label,
                    place,
                    provider,
                )


def test_the_stored_sex_is_written_and_read_as_each_years_code(validator) -> None:
    for year, label, held in years(validator):
        theirs = set(held["codes"]["SEX"])
        assert {codes.sex_code(sex, year) for sex in Sex.values} - {None} == theirs, label
        for code in theirs:
            assert codes.sex_code(codes.sex_from_code(code, year), year) == code, (label, code)


def test_the_helper_imports_nothing_of_the_app() -> None:
    """It runs under the validator's interpreter, which has none of the app's packages."""
    source = HELPER.read_text()
    assert not re.search(r"^\s*(from|import) (children|reviews|django|iro_service)\b", source, re.M)
    assert "import lac_validator" in source


# The named cases, children.codes alone ------------------------------------------------------


def test_h5_is_valid_to_2024_25_and_k3_from_2024_25() -> None:
    assert "H5" in codes.codes_on("PLACE", date(2023, 6, 1))
    assert "H5" in codes.codes_on("PLACE", date(2024, 6, 1))
    assert "H5" in codes.codes_on("PLACE", date(2025, 3, 31))
    assert "H5" not in codes.codes_on("PLACE", date(2025, 4, 1))
    assert "K3" not in codes.codes_on("PLACE", date(2024, 3, 31))
    assert "K3" in codes.codes_on("PLACE", date(2024, 4, 1))
    assert "K3" in codes.codes_on("PLACE", date(2026, 6, 1))


def test_p2_is_valid_to_27_october_2023_and_not_from_the_28th() -> None:
    assert codes.valid_on("PLACE", "P2", date(2023, 10, 27))
    assert not codes.valid_on("PLACE", "P2", date(2023, 10, 28))
    assert "P2" in codes.codes_for("PLACE", 2023)  # valid on part of 2023-24
    assert "P2" not in codes.codes_for("PLACE", 2024)
    assert codes.last_day_valid("PLACE", "P2") == date(2023, 10, 27)
    assert codes.label("PLACE", "P2") == "Independent living"  # old records keep their label


def test_2025_26_has_z11_to_z14_instead_of_z1() -> None:
    in_2024, in_2025 = codes.codes_for("PLACE", 2024), codes.codes_for("PLACE", 2025)
    assert "Z1" in in_2024
    assert "Z1" not in in_2025
    for code in ("Z11", "Z12", "Z13", "Z14"):
        assert code in in_2025
        assert code not in in_2024
        assert codes.valid_on("PLACE", code, date(2025, 4, 1))


def test_custod_is_a_reason_for_a_placement_change() -> None:
    assert codes.valid_on("REASON_PLACE_CHANGE", "CUSTOD", date(2022, 6, 1))
    assert codes.valid_on("REASON_PLACE_CHANGE", "CUSTOD", date(2025, 6, 1))
    assert "CUSTOD" in dict(codes.choices("REASON_PLACE_CHANGE", date(2024, 6, 3)))


def test_sex_is_1_or_2_to_2023_24_and_m_f_u_from_2024_25() -> None:
    assert set(codes.codes_for("SEX", 2023)) == {"1", "2"}
    assert set(codes.codes_for("SEX", 2024)) == {"M", "F", "U"}
    assert (codes.sex_code("M", 2023), codes.sex_code("F", 2023)) == ("1", "2")
    assert codes.sex_code("U", 2023) is None  # 2023-24 has no code for unknown
    assert [codes.sex_code(s, 2024) for s in ("M", "F", "U")] == ["M", "F", "U"]
    assert (codes.sex_from_code("1", 2023), codes.sex_from_code("2", 2023)) == ("M", "F")
    assert codes.sex_from_code(" u ", 2025) == "U"
    with pytest.raises(ValueError, match="not an SSDA903 sex code in 2023-24"):
        codes.sex_from_code("M", 2023)
    with pytest.raises(ValueError, match="not an SSDA903 sex code in 2024-25"):
        codes.sex_from_code("1", 2024)
    assert set(Sex.values) == set(codes.SEX_FROM_2024)  # the model stores the newer codes


def test_labels_are_the_dfe_guides() -> None:
    assert codes.label("RNE", "T") == "Change of placement (but same carer(s)) only"
    assert codes.label("RNE", "B") == (
        "Change of legal status and placement and carer(s) at the same time"
    )
    assert codes.label("RNE", "U") == (
        "Change of legal status and change of placement (but same carer(s)) at the same time"
    )
    assert codes.label("REC", "E13") == (
        "Left care to live with parent(s), relative(s), or other person(s) with no parental "
        "responsibility"
    )
    assert codes.label("REC", "E46") == (
        "Special guardianship order made to former foster carer(s), other than relative(s) or "
        "friend(s)"
    )
    assert codes.label("REC", "E47") == (
        "Special guardianship order made to carer(s), other than former foster carer(s), who "
        "was/are a relative(s) or friend(s)"
    )
    assert codes.label("LS", "V3") == (
        "Accommodated under an agreed series of short-term breaks, when individual episodes of "
        "care are recorded"
    )
    assert codes.label("LS", "V4") == (
        "Accommodated under an agreed series of short-term breaks, when agreements are recorded "
        "(not individual episodes of care)"
    )


def test_d1_only_for_episodes_starting_before_2006() -> None:
    assert codes.valid_on("LS", "D1", date(2005, 6, 1))
    assert not codes.valid_on("LS", "E1", date(2005, 6, 1))
    assert not codes.valid_on("LS", "D1", date(2016, 6, 1))
    assert codes.label("LS", "D1") == "Freeing order granted"


def test_provider_allowed() -> None:
    assert provider_allowed("P1", "PR0")
    assert not provider_allowed("U1", "PR0")
    assert provider_allowed("U1", "PR1")
    assert provider_allowed("", "PR0")  # no placement yet: the field's own check asks for one


@pytest.mark.django_db
def test_episode_clean_refuses_pr0_with_a_placement_other_than_p1() -> None:
    episode = factories.looked_after_child(start=date(2024, 4, 8)).episodes.get()
    episode.placement_type, episode.placement_provider = "U1", "PR0"
    with pytest.raises(ValidationError) as error:
        episode.full_clean()
    assert error.value.message_dict["placement_provider"] == [
        "PR0 (parent or other person with parental responsibility) can only be the provider of "
        "placement P1 (placed with own parent(s) or other person with parental responsibility)"
    ]
    assert "placement_type" not in error.value.message_dict
    episode.placement_type = "P1"
    episode.full_clean()


@pytest.mark.django_db
def test_episode_clean_refuses_p2_from_28_october_2023() -> None:
    episode = factories.looked_after_child(start=date(2023, 10, 28)).episodes.get()
    episode.placement_type = "P2"
    with pytest.raises(ValidationError) as error:
        episode.full_clean()
    assert error.value.message_dict["placement_type"] == ["P2 is not a valid code in 2023-24"]
    earlier = factories.looked_after_child(start=date(2023, 10, 27)).episodes.get()
    earlier.placement_type = "P2"
    earlier.full_clean()
