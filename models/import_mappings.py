"""Which column of a questionnaire export holds which answer, remembered per shape of file.

Survey tools name their columns after the questions, so the user says once which column is the
date, the NPS question and so on; the next export with the same columns imports without asking.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from peewee import CharField, TextField

from models import clock
from models.base import Record


class ImportMapping(Record):
    """One remembered mapping: for files of kind `kind` with exactly these headers."""

    kind = CharField(max_length=40)
    shape = TextField()  # the file's headers, each folded, one per line
    mapping = TextField()  # JSON object: Rapport's column name -> the file's header

    class Meta:
        indexes = ((("kind", "shape"), True),)


def shape_of(headers: Sequence[str]) -> str:
    """Headers as a key: case and runs of spaces do not make a different shape."""
    return "\n".join(" ".join(header.split()).casefold() for header in headers)


def remembered_mapping(kind: str, headers: Sequence[str]) -> dict[str, str] | None:
    """The mapping last used for a file of this kind and shape, if any."""
    found = ImportMapping.get_or_none(
        (ImportMapping.kind == kind) & (ImportMapping.shape == shape_of(headers))
    )
    if found is None:
        return None
    current = dict(zip(shape_of(headers).split("\n"), headers, strict=True))
    mapping = json.loads(found.mapping)
    return {column: current[shape_of([header])] for column, header in mapping.items()}


def remember_mapping(kind: str, headers: Sequence[str], mapping: Mapping[str, str]) -> None:
    """Keep `mapping` for the next file of this kind and shape (replacing an older one)."""
    text = json.dumps(dict(mapping), ensure_ascii=False, sort_keys=True)
    shape = shape_of(headers)
    updated = (
        ImportMapping.update(mapping=text, updated_at=clock.now())
        .where((ImportMapping.kind == kind) & (ImportMapping.shape == shape))
        .execute()
    )
    if not updated:
        ImportMapping.create(kind=kind, shape=shape, mapping=text)
