"""Write many new rows at once: PostgreSQL COPY where the database has it, bulk_create elsewhere.

Used by the demo and scale generators, which write millions of rows. `bulk_create` spends
most of its time preparing each value through the ORM's compiler; COPY takes the rows as
text in one stream. The objects are ordinary unsaved model instances (defaults filled in by
the model), so the rows are the ones `bulk_create` would have written, and each gets its
primary key from the table's own sequence before the copy, as bulk_create would set it.
"""

import enum
import functools
import io
import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models.base import ModelState

M = TypeVar("M", bound=models.Model)

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def new(model: type[M], **values: Any) -> M:
    """An unsaved `model` instance from column values (attnames: `child_id`, not `child`).

    What `model(**values)` makes, less the cost: Model.__init__ runs every field's descriptor
    and default, which is most of a generator's time at millions of rows. Fields not given
    take their defaults; related objects are not accepted, only their keys.
    """
    defaults = _defaults(model)
    if not values.keys() <= defaults.keys():
        raise TypeError(f"{model.__name__} has no column {sorted(values.keys() - defaults.keys())}")
    obj = model.__new__(model)
    obj._state = ModelState()
    row = obj.__dict__
    for attname, default in defaults.items():
        row[attname] = default()
    row.update(values)
    return obj


@functools.cache
def _defaults(model: type[models.Model]) -> dict[str, Any]:
    """Each column's default maker, as Model.__init__ uses it (Field._get_default)."""
    return {f.attname: f._get_default for f in model._meta.concrete_fields}  # type: ignore[attr-defined]


def insert(model: type[models.Model], objects: Sequence[models.Model], batch: int = 2000) -> None:
    """Insert unsaved `objects` of `model` and set their primary keys (call in a transaction)."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objects, batch_size=batch)
        return
    meta = model._meta
    pk, table = meta.pk, meta.db_table
    assert pk is not None
    assert table
    fields = [f for f in meta.local_concrete_fields if f is not pk]
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(objects)],
        )
        for obj, (key,) in zip(objects, cursor.fetchall(), strict=True):
            # A parent saved above may have been assigned before it had a key, as bulk_create allows.
            if obj._state.fields_cache:  # type: ignore[attr-defined]
                obj._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
            setattr(obj, pk.attname, key)
            obj._state.adding = False
            obj._state.db = connection.alias
        for field in stamped:
            for obj in objects:
                field.pre_save(obj, add=True)
        buffer = io.StringIO()
        names = [pk.attname] + [f.attname for f in fields]
        texts = [_text] + [_COLUMN_TEXT.get(f.get_internal_type(), _text) for f in fields]
        pairs = list(zip(names, texts, strict=True))
        for obj in objects:
            row = obj.__dict__
            buffer.write(
                "\t".join("\\N" if (v := row[n]) is None else text(v) for n, text in pairs)
            )
            buffer.write("\n")
        buffer.seek(0)
        columns = ", ".join(
            connection.ops.quote_name(str(c)) for c in [pk.column] + [f.column for f in fields]
        )
        cursor.copy_expert(  # type: ignore[attr-defined]
            f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN", buffer
        )


def _escaped(value: str) -> str:
    return value.translate(_ESCAPES)


def _iso(value: date) -> str:
    return value.isoformat()


def _json(value: Any) -> str:
    return json.dumps(value).translate(_ESCAPES)


def _boolean(value: bool) -> str:
    return "t" if value else "f"


# Fast paths by the field's type; anything else goes through _text.
_COLUMN_TEXT: dict[str, Any] = {
    "CharField": _escaped,
    "TextField": _escaped,
    "EmailField": _escaped,
    "DateField": _iso,
    "DateTimeField": _iso,
    "BooleanField": _boolean,
    "JSONField": _json,
    "UUIDField": str,
    "DecimalField": str,
    "IntegerField": str,
    "BigIntegerField": str,
    "PositiveIntegerField": str,
    "PositiveSmallIntegerField": str,
    "SmallIntegerField": str,
    "ForeignKey": str,
}


def _text(value: Any) -> str:
    """A Python value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, int | Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value).translate(_ESCAPES)
    raise TypeError(f"No COPY text for {type(value).__name__}: {value!r}")


def update(model: type[M], objects: Sequence[M], fields: Sequence[str], batch: int = 5000) -> None:
    """Write `fields` of saved `objects` back, as `bulk_update` would.

    On PostgreSQL one `UPDATE ... FROM (VALUES ...)` a batch, each value typed by its column:
    `bulk_update` builds a CASE expression per object and column in Python, 9 s for 19,000
    periods of care where this takes well under one.
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objects, fields, batch_size=500)
        return
    from psycopg2.extras import execute_values

    meta = model._meta
    columns: list[models.Field] = []
    for name in fields:
        field = meta.get_field(name)
        assert isinstance(field, models.Field)
        columns.append(field)
    pk = meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    table = quote(str(meta.db_table))
    sets = ", ".join(f"{quote(str(f.column))} = v.{quote(str(f.column))}" for f in columns)
    names = ", ".join(quote(str(c)) for c in [pk.column, *(f.column for f in columns)])
    types = ", ".join(
        f"%s::{f.db_type(connection)}"
        for f in [pk, *columns]  # type: ignore[list-item]
    )
    key = quote(str(pk.column))
    sql = (
        f"UPDATE {table} SET {sets} FROM (VALUES %s) AS v ({names}) "  # noqa: S608  (own names)
        f"WHERE {table}.{key} = v.{key}"
    )
    rows = [
        (obj.pk, *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns))
        for obj in objects
    ]
    with connection.cursor() as cursor:
        execute_values(cursor.cursor, sql, rows, template=f"({types})", page_size=batch)
