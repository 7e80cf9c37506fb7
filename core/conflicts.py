"""Edits that carry the version the user read, so a second editor never overwrites the first."""

from typing import TypeVar

from django.db import models

RecordT = TypeVar("RecordT", bound=models.Model)

CONFLICT_MESSAGE = (
    "Someone else saved a change to this {what} while you were editing. Your changes have "
    "not been saved: the form now shows their version, so check it and make your changes again."
)


class EditConflictError(Exception):
    """The record changed since the user opened it: their save would overwrite another's."""


def lock(record: RecordT, *, version: int | None = None, what: str = "record") -> RecordT:
    """The record's row, locked for this transaction; EditConflictError if saved since `version`."""
    locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if version is not None and locked.version != version:  # type: ignore[attr-defined]
        raise EditConflictError(CONFLICT_MESSAGE.format(what=what))
    return locked
