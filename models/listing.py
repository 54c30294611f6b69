"""Listings: a table's rows as the database gives them, searched, filtered and sorted in SQL.

A listing names its columns and how to compute them. The window's one lazy table model asks it
once for the keys of the matching rows in order (one integer each: that is also the count),
then for the rows of one page of keys at a time as the user scrolls, so a 250,000-row table
never loads whole and every page costs the same however far down it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from peewee import SQL, Column, Node, NodeList, Value, fn

from models.base import Record, SoftDeleteRecord

Query = Any  # a peewee ModelSelect
FilterFn = Callable[[Query, Any], Query]


@dataclass(frozen=True)
class ListColumn:
    """One column: its key, the SQL that computes it, and whether text search looks in it."""

    key: str
    expression: Node
    searchable: bool = False
    sort_expression: Node | None = None  # e.g. a lower-cased name for a natural sort


@dataclass(frozen=True)
class ListRequest:
    """What the user asked to see: search text, quick filters, sort, deleted or live rows."""

    search: str = ""
    filters: Mapping[str, Any] = field(default_factory=dict)
    sort_key: str | None = None
    descending: bool = False
    deleted: bool = False


@dataclass(frozen=True)
class Listing:
    """The rows of one table in the window (or an export of it)."""

    model: type[Record]  # soft-deleted records are shown live or deleted, as asked
    columns: Sequence[ListColumn]
    joins: Callable[[Query], Query] = lambda query: query
    filters: Mapping[str, FilterFn] = field(default_factory=dict)
    default_sort: str | None = None
    default_descending: bool = False

    def default_request(self) -> ListRequest:
        return ListRequest(sort_key=self.default_sort, descending=self.default_descending)

    def column(self, key: str) -> ListColumn:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(f"{self.model.__name__} listing has no column {key!r}")

    def column_keys(self) -> list[str]:
        return [column.key for column in self.columns]

    def _filtered(self, request: ListRequest, *selected: Node) -> Query:
        model = self.model
        query = self.joins(model.select(*selected))
        if issubclass(model, SoftDeleteRecord):
            query = query.where(model.deleted_at.is_null(not request.deleted))
        elif request.deleted:  # a table whose rows are never deleted has none to show
            return query.where(False)
        for name, value in request.filters.items():
            if value is not None and value != "":
                query = self.filters[name](query, value)
        words = request.search.split()
        searchable = [c.expression for c in self.columns if c.searchable]
        for word in words:  # every word must appear in some searchable column
            pattern = f"%{_escape_like(word)}%"
            matches = [_like(fn.COALESCE(e, ""), pattern) for e in searchable]
            query = query.where(_any(matches))
        return query

    def _ordered(self, query: Query, request: ListRequest) -> Query:
        rowid = rowid_of(self.model)  # ties broken by the row's place: cheap, and stable
        key = request.sort_key or self.default_sort
        if key is None:
            return query.order_by(rowid)
        column = self.column(key)
        order = column.sort_expression or column.expression
        return query.order_by(order.desc() if request.descending else order.asc(), rowid)

    def count(self, request: ListRequest) -> int:
        return self._filtered(request, self.model.id).count()

    def keys(self, request: ListRequest) -> list[int]:
        """The key of every matching row, in the order asked for: one query, integers only."""
        query = self._ordered(self._filtered(request, rowid_of(self.model)), request)
        sql, params = query.sql()
        cursor = self.model._meta.database.execute_sql(sql, params)
        return [key for (key,) in cursor.fetchall()]

    def rows(self, keys: Sequence[int]) -> list[tuple]:
        """The rows with `keys`, in that order: the record's id first, then each column."""
        rowid = rowid_of(self.model)
        selected = [
            rowid,
            self.model.id,
            *(c.expression.alias(f"col_{c.key}") for c in self.columns),
        ]
        query = self.joins(self.model.select(*selected)).where(rowid.in_(list(keys)))
        found = {row[0]: row[1:] for row in query.tuples()}
        return [found[key] for key in keys if key in found]

    def page(self, request: ListRequest, offset: int, limit: int) -> list[tuple]:
        """One page of rows as `rows` gives them (for short lists and tests)."""
        return self.rows(self.keys(request)[offset : offset + limit])

    def ids(self, request: ListRequest) -> list[Any]:
        """The matching records' ids, in the order asked for (for an export of the list)."""
        query = self._ordered(self._filtered(request, self.model.id), request)
        return [row[0] for row in query.tuples()]


def rowid_of(model: type[Record]) -> Column:
    """SQLite's own integer key of a row, qualified by the model's table."""
    return Column(model, "rowid")


def _like(expression: Node, pattern: str) -> Node:
    """`expression LIKE pattern ESCAPE '\\'`: case-insensitive for A–Z, literal % and _."""
    return NodeList((expression, SQL("LIKE"), Value(pattern), SQL("ESCAPE '\\'")))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _any(conditions: Sequence[Node]) -> Node:
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined | condition
    return combined
