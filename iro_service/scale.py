"""A regional or national authority in minutes: district templates cloned inside PostgreSQL.

Planning a district in Python (its children's care histories, reviews through the reg. 33
rules, oversight, support, escalations) takes seconds; 160 of them for 100,000 children
would take most of an hour. So a large authority is built from the first district (the
demo's own service and logins), a handful of template districts planned in Python, and
copies of the templates made by one INSERT ... SELECT a table (ADR 0013): every key is
shifted past the templates' rows, every reference to a templated row shifted with it, and
every unique value (public ids, child references, staff emails) remade for its district.
A copy is as valid as its template, checked by `check_integrity` over the whole authority.
Copies share their template's dates and first names; their staff get names of their own.
"""

import random

from django.apps import apps
from django.db import DatabaseError, connection, models, transaction

from children.demo import NAMES
from iro_service.models import User

APPS = ("iro_service", "children", "reviews", "support", "escalations", "audit")


def cloned_models() -> list[type[models.Model]]:
    """Every table of the app's own records, with the many-to-many tables between them."""
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in APPS and m._meta.managed and not m._meta.proxy
    ]


def high_water() -> dict[str, int]:
    """Each table's largest key so far (0 for an empty table)."""
    marks = {}
    with connection.cursor() as cursor:
        for model in cloned_models():
            table, pk = model._meta.db_table, model._meta.pk
            assert pk is not None
            cursor.execute(f"SELECT COALESCE(MAX({pk.column}), 0) FROM {table}")  # noqa: S608
            marks[table] = cursor.fetchone()[0]
    return marks


def clone_templates(
    *, before: dict[str, int], after: dict[str, int], templates: int, rounds: int
) -> None:
    """Copy the rows keyed in (before, after] of each table `rounds` times.

    The rows are those of template districts 1..`templates`; copy k of district d becomes
    district d + k * templates. Call inside a transaction: foreign keys are checked at commit.
    """
    span = {table: after[table] - before[table] for table in after}
    with connection.cursor() as cursor:
        for model in cloned_models():
            meta = model._meta
            table = meta.db_table
            if not span[table]:
                continue
            pk = meta.pk
            assert pk is not None
            columns, values = [], []
            for field in meta.local_concrete_fields:
                columns.append(connection.ops.quote_name(str(field.column)))
                values.append(_copied(field, table, before, span, templates))
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names from models
                f"SELECT {', '.join(values)} FROM {table} AS t, generate_series(1, %s) AS k "
                f"WHERE t.{pk.column} > %s AND t.{pk.column} <= %s",
                [rounds, before[table], after[table]],
            )
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), %s)",
                [table, pk.column, after[table] + rounds * span[table]],
            )


def _copied(
    field: models.Field, table: str, before: dict[str, int], span: dict[str, int], templates: int
) -> str:
    """The SQL for `field`'s value in copy k of row t."""
    column = f"t.{connection.ops.quote_name(str(field.column))}"
    if field.primary_key:
        return f"{column} + k * {span[table]}"
    if field.is_relation and field.related_model is not None:
        target = field.related_model._meta.db_table
        if span.get(target):
            return (
                f"CASE WHEN {column} > {before[target]} "
                f"THEN {column} + k * {span[target]} ELSE {column} END"
            )
        return column
    if field.name == "public_id":
        key = connection.ops.quote_name(str(field.model._meta.pk.column))  # type: ignore[union-attr]
        return f"md5('{table}:' || (t.{key} + k * {span[table]}))::uuid"
    district = f"(k * {templates})"
    if table == "children_child" and field.name == "child_ref":  # D001001234: district 1
        return (
            f"'D' || lpad((substr({column}, 2, 3)::int + {district})::text, 3, '0') "
            f"|| substr({column}, 5)"
        )
    if table == User._meta.db_table and field.name == "email":  # iro3.d12@demo.example
        return (
            f"split_part({column}, '.d', 1) || '.d' || "
            f"(split_part(split_part({column}, '.d', 2), '@', 1)::int + {district}) "
            f"|| '@demo.example'"
        )
    return column


def rename_copied_staff(*, after_user: int, seed: int) -> None:
    """Give the copies' staff names of their own, not their templates' (deterministic)."""
    rng = random.Random(seed)
    pools = [NAMES[k] for k in ("british", "british", "irish", "indian", "caribbean", "african")]
    rows = []
    for pk in User.objects.filter(pk__gt=after_user).order_by("pk").values_list("pk", flat=True):
        pool = rng.choice(pools)
        rows.append((pk, f"{rng.choice(pool[rng.random() < 0.6])} {rng.choice(pool[2])}"))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {User._meta.db_table} SET full_name = %s WHERE id = %s",  # noqa: S608
            [(name, pk) for pk, name in rows],
        )


def build_copies(*, before: dict[str, int], templates: int, rounds: int, seed: int) -> None:
    """Copy the template districts built since `before` `rounds` times, in one transaction.

    A copy's references are its template's, shifted: they hold by construction. So where the
    database user may (a superuser, as on a benchmark machine), the per-row foreign key
    triggers are skipped for the copy, which would otherwise cost most of its time, and every
    foreign key is checked afterwards with one anti-join a column instead.
    """
    after = high_water()
    with transaction.atomic():
        checked_by_triggers = not _skip_row_triggers()
        clone_templates(before=before, after=after, templates=templates, rounds=rounds)
        rename_copied_staff(after_user=after[User._meta.db_table], seed=seed)
        if not checked_by_triggers:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")
            orphans = dangling_references()
            assert not orphans, f"copies refer to rows that do not exist: {orphans}"


def _skip_row_triggers() -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        return False
    return True


def dangling_references() -> dict[str, int]:
    """Rows of the app's tables whose foreign key names no row, by table and column."""
    found = {}
    with connection.cursor() as cursor:
        for model in cloned_models():
            for field in model._meta.local_concrete_fields:
                if not field.is_relation or field.related_model is None:
                    continue
                table, column = model._meta.db_table, field.column
                target = field.related_model._meta
                assert target.pk is not None
                cursor.execute(
                    f"SELECT COUNT(*) FROM {table} AS t WHERE t.{column} IS NOT NULL "  # noqa: S608
                    f"AND NOT EXISTS (SELECT 1 FROM {target.db_table} AS r "
                    f"WHERE r.{target.pk.column} = t.{column})"
                )
                if count := cursor.fetchone()[0]:
                    found[f"{table}.{column}"] = count
    return found
