"""Import a collection year's SSDA903 tables into the app's records: all of it, or none of it.

- Children are matched on the CHILD id (`Child.child_ref`). A child recorded in the app under
  another reference with the same date of birth and sex (and no different UPN) is offered as a
  possible match and refuses the import: never silently duplicated.
- Episodes are merged across years on (CHILD, DECOM), the later import's row winning, so
  importing 2019-20 then 2020-21 builds one continuous history; periods of care are rebuilt
  from the merged episodes: a period starts with RNE "S" (or after an episode that ceased
  with a REC other than X1) and ends with the DEC of such an episode.
- Reviews are matched on (CHILD, REVIEW date). Each carries its participation code; what the
  903 does not hold (parents' views, the IRO, RAG, a late review's reason) stays unknown, and
  nobody is recorded as having finalised it. Its due date comes from the imported periods and
  the reviews held before it (CPPCR 2010, reg. 33), unknown where that history cannot
  establish it (ADR 0010).
- A record changed in the app since it was imported (or made in the app) is never overwritten:
  a difference is reported as a conflict, and the import refused.

Every record written points at the import (`imported_in`), whose files, year, time and user
say where it came from. One problem anywhere means nothing is written (one transaction).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from audit.models import Action, Kind
from audit.writer import record
from children import codes
from children.models import Child, Episode, PeriodOfCare
from core import bulk
from reviews import rules as review_rules
from reviews.models import Review, ReviewStatus
from ssda903 import checks
from ssda903.models import Import
from ssda903.reader import FileProblem, parse_date, read
from ssda903.tables import Problem, Row, Table

MAX_BYTES = 100 * 1024 * 1024  # 100 MB a file: 100,000 children's Episodes are about 25 MB

Progress = Callable[[int, str], None]

EPISODE_FIELDS = {
    "DECOM": "start_date",
    "DEC": "end_date",
    "RNE": "reason_new_episode",
    "LS": "legal_status",
    "CIN": "cin",
    "PLACE": "placement_type",
    "PLACE_PROVIDER": "placement_provider",
    "REC": "reason_ceased",
    "REASON_PLACE_CHANGE": "reason_place_change",
    "HOME_POST": "home_postcode",
    "PL_POST": "placement_postcode",
    "URN": "urn",
}
EPISODE_DATES = ("start_date", "end_date")
CHILD_FIELDS = (
    "date_of_birth",
    "sex",
    "ethnicity",
    "upn",
    "is_mother",
    "mothers_child_born",
    "uasc_from",
    "uasc_ceased",
)


def _silent(percent: int, step: str) -> None:
    return None


@dataclass
class Outcome:
    """What an import came to: the problems that refused it, or what it added and changed."""

    problems: list[Problem]
    summary: dict[str, dict[str, int]]
    files: list[dict[str, Any]]
    child_ids: list[int] = field(default_factory=list)  # every child the files hold

    @property
    def imported(self) -> bool:
        return not self.problems


def read_files(
    files: Iterable[tuple[str, bytes]], *, encoding: str, max_bytes: int | None = MAX_BYTES
) -> tuple[list[Table], list[Problem], list[dict[str, Any]]]:
    """Every 903 table in the files, each file's problem if it cannot be read, and what each
    file held."""
    tables: list[Table] = []
    problems: list[Problem] = []
    held: list[dict[str, Any]] = []
    for name, data in files:
        try:
            found = read(name, data, encoding=encoding, max_bytes=max_bytes)
        except FileProblem as exc:
            problems.append(exc.problem)
            continue
        tables += found
        held += [{"name": name, "table": t.name, "rows": len(t.rows)} for t in found]
    return tables, problems, held


def import_files(
    batch: Import, files: Iterable[tuple[str, bytes]], *, progress: Progress = _silent
) -> Outcome:
    """Read, check and import `files` for `batch`'s year, in one transaction."""
    progress(5, "Reading the files")
    tables, problems, held = read_files(files, encoding=batch.encoding)
    if not problems:
        progress(15, "Checking every row against the year's rules")
        problems = checks.check(tables, year=batch.year)
    if problems:
        return Outcome(problems, {}, held)
    progress(30, "Matching children with the app's records")
    try:
        with transaction.atomic():
            plan = _Plan(batch, tables)
            plan.match()
            if plan.problems:
                raise _Refused(plan.problems)
            plan.write(progress)
            batch.finished_at = timezone.now()
            batch.files, batch.summary = held, plan.summary
            batch.save(update_fields=["finished_at", "files", "summary"])
            record(
                user=batch.started_by,
                kind=Kind.CHANGE,
                action=Action.IMPORT_903,
                obj=batch,
                detail={"year": batch.year_label, "files": held, "summary": plan.summary},
            )
    except _Refused as refused:  # raised inside the transaction: nothing written stays
        return Outcome(refused.problems, {}, held)
    return Outcome([], plan.summary, held, [c.pk for c in plan.children.values()])


# The plan: what the files hold, against what the app holds -------------------------------------


@dataclass
class _Incoming:
    header: Row
    header_file: str
    episodes: list[tuple[Row, str]] = field(default_factory=list)
    reviews: list[tuple[Row, str]] = field(default_factory=list)
    uasc: Row | None = None


def _text(row: Row, column: str) -> str:
    return row.get(column, "")


def _episode_values(row: Row) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column, name in EPISODE_FIELDS.items():
        text = _text(row, column)
        values[name] = (parse_date(text) if text else None) if name in EPISODE_DATES else text
    return values


class _Plan:
    """Works out every write first, so a conflict found late refuses with nothing written."""

    def __init__(self, batch: Import, tables: list[Table]) -> None:
        self.batch = batch
        self.by = batch.started_by
        self.now = timezone.now()
        self.problems: list[Problem] = []
        self.incoming: dict[str, _Incoming] = {}
        for table in (t for t in tables if t.name == "Header"):
            for row in table.rows:
                self.incoming[row["CHILD"]] = _Incoming(row, table.file)
        for table in tables:
            for row in table.rows:
                child = self.incoming.get(row.get("CHILD", ""))
                if child is None:
                    continue
                if table.name == "Episodes":
                    child.episodes.append((row, table.file))
                elif table.name == "Reviews":
                    child.reviews.append((row, table.file))
                elif table.name == "UASC":
                    child.uasc = row
        self.summary: dict[str, dict[str, int]] = {
            name: {"added": 0, "changed": 0, "unchanged": 0}
            for name in ("children", "periods", "episodes", "reviews")
        }
        self.new_children: list[Child] = []
        self.changed_children: list[Child] = []
        self.children: dict[str, Child] = {}

    # Matching ---------------------------------------------------------------------------------

    def conflict(self, file: str, row: Row, field_name: str, value: str, message: str) -> None:
        self.problems.append(
            Problem(file, row.line, row.get("CHILD", ""), field_name, "", value, message)
        )

    def changed_in_app(self, obj: Child | Episode | Review | PeriodOfCare) -> bool:
        """Made in the app, or changed there since the import that wrote it."""
        imported = obj.imported_in
        return (
            imported is None
            or imported.finished_at is None
            or obj.modified_at > imported.finished_at
        )

    def match(self) -> None:
        refs = list(self.incoming)
        existing = {
            c.child_ref: c
            for c in Child.objects.filter(child_ref__in=refs).select_related("imported_in")
        }
        self._possible_matches(set(refs) - set(existing))
        for ref, incoming in self.incoming.items():
            wanted = self._child_values(incoming)
            child = existing.get(ref)
            if child is None:
                child = bulk.new(
                    Child,
                    child_ref=ref,
                    first_name="",
                    last_name="",
                    imported_in_id=self.batch.pk,
                    created_by_id=self.by.pk,
                    modified_by_id=self.by.pk,
                    **wanted,
                )
                self.new_children.append(child)
                self.summary["children"]["added"] += 1
            else:
                differs = {k: v for k, v in wanted.items() if getattr(child, k) != v}
                if not differs:
                    self.summary["children"]["unchanged"] += 1
                elif self.changed_in_app(child):
                    name = next(iter(differs))
                    self.conflict(
                        incoming.header_file,
                        incoming.header,
                        name,
                        str(differs[name] or ""),
                        f"CHILD {ref}: the app's record {_how(child)}, so its {_label(name)} "
                        "is not overwritten: correct one or the other",
                    )
                else:
                    for name, value in differs.items():
                        setattr(child, name, value)
                    self.changed_children.append(child)
                    self.summary["children"]["changed"] += 1
            self.children[ref] = child
        if not self.problems:
            self._plan_care()

    def _child_values(self, incoming: _Incoming) -> dict[str, Any]:
        header, year = incoming.header, self.batch.year
        mother = _text(header, "MOTHER")
        first_start = min(
            (d for row, _ in incoming.episodes if (d := parse_date(_text(row, "DECOM")))),
            default=None,
        )
        uasc = incoming.uasc
        return {
            "date_of_birth": parse_date(header["DOB"]),
            "sex": codes.sex_from_code(header["SEX"], year),
            "ethnicity": _text(header, "ETHNIC"),
            "upn": _text(header, "UPN"),
            "is_mother": {"1": True, "0": False}.get(mother),
            "mothers_child_born": parse_date(_text(header, "MC_DOB")) or None,
            # The UASC table says the child was an unaccompanied asylum-seeking child when looked
            # after here: from their first episode held, to DUC.
            "uasc_from": first_start if uasc is not None else None,
            "uasc_ceased": (parse_date(_text(uasc, "DUC")) or None) if uasc is not None else None,
        }

    def _possible_matches(self, new_refs: set[str]) -> None:
        """A child the files add who may be one recorded in the app under another reference."""
        if not new_refs:
            return
        recorded: dict[tuple[date, str], list[tuple[str, str]]] = defaultdict(list)
        for ref, born, sex, upn in Child.objects.filter(imported_in=None).values_list(
            "child_ref", "date_of_birth", "sex", "upn"
        ):
            recorded[(born, sex)].append((ref, upn))
        for ref in sorted(new_refs):
            incoming = self.incoming[ref]
            values = self._child_values(incoming)
            for other, upn in recorded.get((values["date_of_birth"], values["sex"]), []):
                if upn and values["upn"] and upn != values["upn"]:
                    continue
                self.conflict(
                    incoming.header_file,
                    incoming.header,
                    "CHILD",
                    ref,
                    f"CHILD {ref} may be the child recorded in the app as {other} (the same date "
                    f"of birth and sex): if so, change that child's reference to {ref}, then "
                    "import again",
                )

    # Periods, episodes and reviews ------------------------------------------------------------

    def _plan_care(self) -> None:
        known = [c.pk for c in self.children.values() if c.pk is not None]
        self.old_episodes: dict[int, dict[date, Episode]] = defaultdict(dict)
        for episode in Episode.objects.filter(child_id__in=known).select_related("imported_in"):
            self.old_episodes[episode.child_id][episode.start_date] = episode
        self.old_periods: dict[int, dict[date, PeriodOfCare]] = defaultdict(dict)
        for period in PeriodOfCare.objects.filter(child_id__in=known).select_related("imported_in"):
            self.old_periods[period.child_id][period.start_date] = period
        self.old_reviews: dict[int, dict[date, Review]] = defaultdict(dict)
        held = Review.objects.held().filter(child_id__in=known).select_related("imported_in")
        for review in held:
            assert review.held_on is not None
            self.old_reviews[review.child_id][review.held_on] = review
        self.writes: list[tuple[Child, list[_PeriodPlan], list[tuple[Row, str]]]] = []
        for ref, incoming in self.incoming.items():
            child = self.children[ref]
            episodes = self._episodes(child, incoming)
            periods = self._periods(child, episodes)
            self.writes.append((child, periods, incoming.reviews))

    def _episodes(self, child: Child, incoming: _Incoming) -> list[Episode]:
        """The child's episodes after the merge, oldest first: the app's, with the file's rows
        written over those of the same DECOM."""
        merged = dict(self.old_episodes.get(child.pk, {})) if child.pk else {}
        for row, file in incoming.episodes:
            values = _episode_values(row)
            old = merged.get(values["start_date"])
            if old is None:
                episode = bulk.new(
                    Episode,
                    imported_in_id=self.batch.pk,
                    created_by_id=self.by.pk,
                    modified_by_id=self.by.pk,
                    **values,
                )
                episode._import_state = "added"  # type: ignore[attr-defined]
                merged[values["start_date"]] = episode
                continue
            differs = {k: v for k, v in values.items() if getattr(old, k) != v}
            if not differs:
                old._import_state = "unchanged"  # type: ignore[attr-defined]
            elif self.changed_in_app(old):
                name = next(iter(differs))
                column = next(c for c, f in EPISODE_FIELDS.items() if f == name)
                self.conflict(
                    file,
                    row,
                    column,
                    _text(row, column),
                    f"CHILD {child.child_ref}: the episode from {_day(values['start_date'])} "
                    f"{_how(old)}, so it is not overwritten",
                )
            else:
                for name, value in differs.items():
                    setattr(old, name, value)
                old._import_state = "changed"  # type: ignore[attr-defined]
        return [merged[day] for day in sorted(merged)]

    def _periods(self, child: Child, episodes: list[Episode]) -> list["_PeriodPlan"]:
        """Periods of care rebuilt from the episodes: RNE S, or the first after one that ceased
        (a REC other than X1), starts one; that REC and DEC end it (SSDA903 guidance)."""
        plans: list[_PeriodPlan] = []
        for episode in episodes:
            if plans and plans[-1].end is None and episode.reason_new_episode == "S":
                self.problems.append(
                    Problem(
                        "",
                        None,
                        child.child_ref,
                        "RNE",
                        "",
                        "S",
                        f"CHILD {child.child_ref}: the episode from {_day(episode.start_date)} "
                        "starts a new period of care (RNE S) while the one from "
                        f"{_day(plans[-1].start)} has not ended",
                    )
                )
            if not plans or plans[-1].end is not None or episode.reason_new_episode == "S":
                plans.append(_PeriodPlan(start=episode.start_date))
            plan = plans[-1]
            plan.episodes.append(episode)
            if episode.end_date and episode.reason_ceased and episode.reason_ceased != "X1":
                plan.end, plan.reason = episode.end_date, episode.reason_ceased
        old = dict(self.old_periods.get(child.pk, {})) if child.pk else {}
        for plan in plans:
            period = old.pop(plan.start, None)
            if period is None:
                plan.period = bulk.new(
                    PeriodOfCare,
                    start_date=plan.start,
                    end_date=plan.end,
                    reason_ceased=plan.reason,
                    imported_in_id=self.batch.pk,
                    created_by_id=self.by.pk,
                    modified_by_id=self.by.pk,
                )
                plan.state = "added"
            elif (period.end_date, period.reason_ceased) == (plan.end, plan.reason):
                plan.period, plan.state = period, "unchanged"
            else:
                period.end_date, period.reason_ceased = plan.end, plan.reason
                plan.period, plan.state = period, "changed"
        for period in old.values():
            self.problems.append(
                Problem(
                    "",
                    None,
                    child.child_ref,
                    "DECOM",
                    "",
                    _day(period.start_date),
                    f"CHILD {child.child_ref}: the app's period of care from "
                    f"{_day(period.start_date)} has no episode starting it in the files or the "
                    "app: correct the episodes, then import again",
                ),
            )
        return plans

    # Writing ----------------------------------------------------------------------------------

    def write(self, progress: Progress) -> None:
        progress(50, "Writing children")
        bulk.insert(Child, self.new_children)
        self._update(Child, self.changed_children, list(CHILD_FIELDS))
        new_periods, changed_periods = [], []
        for child, plans, _ in self.writes:
            for plan in plans:
                plan.period.child_id = child.pk
                self.summary["periods"][plan.state] += 1
                if plan.state == "added":
                    new_periods.append(plan.period)
                elif plan.state == "changed":
                    changed_periods.append(plan.period)
        progress(60, "Writing periods of care")
        # Changes first: a period or episode that now ends makes room for the new open one
        # (one open a child: a constraint checked row by row).
        self._update(PeriodOfCare, changed_periods, ["end_date", "reason_ceased"])
        bulk.insert(PeriodOfCare, new_periods)
        new_episodes, changed_episodes = [], []
        for child, plans, _ in self.writes:
            for plan in plans:
                for episode in plan.episodes:
                    state = getattr(episode, "_import_state", "unchanged")
                    moved = episode.period_id != plan.period.pk
                    episode.child_id, episode.period_id = child.pk, plan.period.pk
                    if state == "unchanged" and moved and episode.pk:
                        state = "changed"
                    if state == "added" or episode.pk is None:
                        new_episodes.append(episode)
                        self.summary["episodes"]["added"] += 1
                    elif state == "changed":
                        changed_episodes.append(episode)
                        self.summary["episodes"]["changed"] += 1
                    elif hasattr(episode, "_import_state"):
                        self.summary["episodes"]["unchanged"] += 1
        progress(70, "Writing episodes")
        self._update(Episode, changed_episodes, [*EPISODE_FIELDS.values(), "period"])
        bulk.insert(Episode, new_episodes)
        progress(80, "Writing reviews")
        self._reviews()

    def _update(self, model: type[Model], objects: list, fields: list[str]) -> None:
        for obj in objects:
            obj.modified_at, obj.modified_by_id, obj.imported_in_id = (
                self.now,
                self.by.pk,
                self.batch.pk,
            )
            obj.version += 1
        bulk.update(
            model, objects, [*fields, "modified_at", "modified_by", "imported_in", "version"]
        )

    def _reviews(self) -> None:
        new: list[Review] = []
        changed: list[Review] = []
        for child, plans, rows in self.writes:
            old = self.old_reviews.get(child.pk, {})
            history_from = min((e.start_date for p in plans for e in p.episodes), default=None)
            childs_new: list[Review] = []
            dated = [(parse_date(row["REVIEW"]), row, file) for row, file in rows]
            for held, row, file in sorted(dated, key=lambda item: (item[0], item[1].line)):
                assert held is not None  # rule 166 refused a bad date
                code = row["REVIEW_CODE"]
                existing = old.get(held)
                if existing is not None:
                    if existing.participation == code:
                        self.summary["reviews"]["unchanged"] += 1
                    elif self.changed_in_app(existing):
                        self.conflict(
                            file,
                            row,
                            "REVIEW_CODE",
                            code,
                            f"CHILD {child.child_ref}: the review of {_day(held)} "
                            f"{_how(existing)}, so its participation is not overwritten",
                        )
                    else:
                        existing.participation = code
                        changed.append(existing)
                        self.summary["reviews"]["changed"] += 1
                    continue
                plan = next((p for p in plans if p.holds(held)), None)
                if plan is None:
                    self.conflict(
                        file,
                        row,
                        "REVIEW",
                        row["REVIEW"],
                        f"CHILD {child.child_ref}: the review of {_day(held)} is outside every "
                        "period of care the episodes give the child",
                    )
                    continue
                due = plan.due_before(held, [*old.values(), *childs_new], history_from)
                review = bulk.new(
                    Review,
                    child_id=child.pk,
                    period_id=plan.period.pk,
                    status=ReviewStatus.FINAL,
                    regime=due.regime.value,
                    kind=due.kind.value,
                    due_date=due.due,
                    counted_from=due.counted_from,
                    held_on=held,
                    participation=code,
                    imported_in_id=self.batch.pk,
                    created_by_id=self.by.pk,
                    modified_by_id=self.by.pk,
                )
                new.append(review)
                childs_new.append(review)
                self.summary["reviews"]["added"] += 1
        if self.problems:
            raise _Refused(self.problems)
        bulk.insert(Review, new)
        self._update(Review, changed, ["participation"])


class _Refused(Exception):  # noqa: N818
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


@dataclass
class _PeriodPlan:
    start: date
    end: date | None = None
    reason: str = ""
    episodes: list[Episode] = field(default_factory=list)
    period: PeriodOfCare = field(default=None)  # type: ignore[assignment]
    state: str = "unchanged"

    def holds(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def due_before(
        self, held: date, reviews: list[Review], history_from: date | None
    ) -> review_rules.ReviewDue:
        """When the review held on `held` was due: from this period's episodes and the child's
        `reviews` held in it before that day (CPPCR 2010, reg. 33, or 48 for short breaks)."""
        earlier = [
            (r.held_on, r.regime)
            for r in reviews
            if r.period_id == self.period.pk and r.held_on and r.held_on < held
        ]
        start, history = self.start, history_from
        if self.episodes and self.episodes[0].reason_new_episode != "S":
            # The period began before the first episode held (it continues one not in the
            # files): its true start is unknown, so the timetable is known only once two
            # reviews in it are held (ADR 0010).
            start, history = self.start - timedelta(days=1), self.start
        return review_rules.review_due_in_period(
            period_start=start,
            spells=[
                review_rules.Spell(e.start_date, e.legal_status)
                for e in self.episodes
                if e.start_date <= held
            ],
            held=earlier,
            history_from=history,
        )


def _how(obj: Child | Episode | Review) -> str:
    """Why the app's record wins: made in the app, or changed there after its import."""
    if obj.imported_in is None:
        return "was recorded in the app"
    return f"was changed in the app after the import of {obj.imported_in.created_at:%d/%m/%Y}"


def _label(name: str) -> str:
    return str(getattr(Child._meta.get_field(name), "verbose_name", name))


def _day(day: date) -> str:
    return f"{day:%d/%m/%Y}"
