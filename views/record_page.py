"""A record table with its actions: New, Edit, Delete (confirmed, soft), Restore and History.

Every list of editable records in Rapport is one of these, configured by a `PageSpec`, so the
keys (Ctrl+N, F2 or Enter, Delete, Ctrl+H), the confirmation and the "show deleted" undo work
alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QInputDialog,
    QMessageBox,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from models.assignment import assign, now_with
from models.base import SoftDeleteRecord
from models.complaints import Complaint
from models.errors import KnownError
from models.listing import Listing
from models.operations import Change, create, fetch, restore, soft_delete, update
from views.data_bus import DataBus
from views.forms import FormField, RecordForm
from views.history import HistoryDialog
from views.owners import AssignDialog, your_key
from views.record_table import QuickFilter, RecordTable
from views.table_model import Tone, ViewColumn

Values = dict[str, Any]


@dataclass(frozen=True)
class PageSpec:
    """Everything that makes one page: what it lists, how it edits, what it listens to."""

    name: str
    model: type[SoftDeleteRecord]
    listing: Listing
    columns: Sequence[ViewColumn]
    fields: Sequence[FormField]
    noun: tuple[str, str]
    quick_filters: Sequence[QuickFilter] = ()
    tone: Callable[[dict[str, Any]], Tone | None] | None = None
    preview: Callable[[Values], str] | None = None
    listens_to: frozenset[str] = frozenset()
    create: Callable[[Values], tuple[Any, Change | list[Change]]] | None = None
    update: Callable[[Any, Values], Change | list[Change]] | None = None
    extra_values: Callable[[Any], Values] | None = None  # more of a record for its form
    carry_on: tuple[str, ...] = ()  # quick entry: fields kept from one new record to the next
    on_form: Callable[[RecordForm], None] | None = None  # wire up a form's own behaviour
    # how a soft delete is said: ("Delete", "deleted"), or ("Retire", "retired") for people
    removal: tuple[str, str] = ("Delete", "deleted")
    assignable: bool = False  # records with an owner: Assign… hands the selected ones on
    removal_note: Callable[[Any], str] | None = None  # more to say before removing one


class RecordPage(QWidget):
    """A `RecordTable` with a toolbar and an edit form.

    Signals:
        current_changed(object): the selected record's id, or None.
    """

    current_changed = Signal(object)

    def __init__(
        self, spec: PageSpec, bus: DataBus, settings: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.spec = spec
        self.bus = bus
        self.defaults: Callable[[], Values] = dict  # a new record's starting values
        self.context: Values = {}  # values a new record takes from where it is made
        self.can_create: Callable[[], bool] = lambda: True
        self.table = RecordTable(
            spec.name,
            spec.listing,
            spec.columns,
            settings,
            quick_filters=spec.quick_filters,
            tone=spec.tone,
            noun=spec.noun,
            removed=spec.removal[1],
            several=spec.assignable,
        )
        singular = spec.noun[0]
        verb = spec.removal[0]
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.new_action = self._action(f"&New {singular}…", "Ctrl+N", self.new_record)
        self.edit_action = self._action(f"&Edit {singular}…", "F2", self.edit_current)
        self.delete_action = self._action(
            f"&{verb} {singular}", QKeySequence.StandardKey.Delete, self.delete_current
        )
        self.restore_action = self._action(f"&Restore {singular}", "Ctrl+R", self.restore_current)
        self.assign_action = None
        if spec.assignable:
            self.assign_action = self._action("&Assign…", "Ctrl+Shift+A", self.assign_selected)
            self.assign_action.setToolTip(
                f"Give the selected {spec.noun[1]} to a member of the team (Ctrl+Shift+A)"
            )
        self.toolbar.addSeparator()
        self.history_action = self._action("&History…", "Ctrl+H", self.show_history)
        self.history_action.setToolTip(f"Who changed this {singular}, when, and what (Ctrl+H)")
        history_button = self.toolbar.widgetForAction(self.history_action)
        history_button.setAccessibleName(f"History of the selected {singular}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.table, 1)

        self.table.current_changed.connect(self._current_changed)
        self.table.selection_changed.connect(self.update_actions)
        self.table.activated.connect(lambda _id: self.edit_current())
        self.table.show_deleted.toggled.connect(lambda _on: self.update_actions())
        bus.changed.connect(self._data_changed)
        self.update_actions()

    def _action(self, text: str, shortcut: Any, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        self.toolbar.addAction(action)
        return action

    # ---------------------------------------------------------------- state

    def current_id(self) -> Any:
        return self.table.current_id()

    def current_record(self) -> Any:
        record_id = self.current_id()
        return None if record_id is None else fetch(self.spec.model, record_id)

    def _current_changed(self, record_id: Any) -> None:
        self.update_actions()
        self.current_changed.emit(record_id)

    def update_actions(self) -> None:
        chosen = self.current_id() is not None
        deleted_view = self.table.show_deleted.isChecked()
        self.new_action.setEnabled(not deleted_view and self.can_create())
        self.edit_action.setEnabled(chosen and not deleted_view)
        self.delete_action.setEnabled(chosen and not deleted_view)
        self.restore_action.setEnabled(chosen and deleted_view)
        self.restore_action.setVisible(deleted_view)
        self.history_action.setEnabled(chosen)  # a deleted record's history too
        if self.assign_action is not None:
            self.assign_action.setEnabled(bool(self.table.selected_ids()) and not deleted_view)

    def _data_changed(self, tables: frozenset[str]) -> None:
        if tables & (self.spec.listens_to | {self.spec.model._meta.table_name}):
            self.table.reload()

    # ---------------------------------------------------------------- actions

    def form(self, title: str, save: Callable[[Values], Any], **options: Any) -> RecordForm:
        record = options.get("record")
        if record is not None and self.spec.extra_values is not None:
            options["values"] = self.spec.extra_values(record) | dict(options.get("values") or {})
        form = RecordForm(
            title,
            self.spec.model,
            self.spec.fields,
            save,
            preview=self.spec.preview,
            announce=self.bus.announce,
            parent=self,
            **options,
        )
        if self.spec.on_form is not None:
            self.spec.on_form(form)
        return form

    def new_record(self, starting: Values | None = None, linked: Values | None = None) -> None:
        """New records, one form after another while the spec carries values on.

        `starting`: values the first form opens with (say, from the record an action comes
        from); `linked`: values saved with the record that the form does not show.
        """
        if not self.new_action.isEnabled():
            return
        made: list[Any] = []
        kept: Values = {}

        def save(values: Values) -> None:
            record, change = (self.spec.create or _create(self.spec.model))(values)
            made.append(record)
            kept.update({name: values.get(name) for name in self.spec.carry_on})
            self.bus.announce(change)

        while True:  # quick entry: after each save a new form, until the user cancels
            title = f"New {self.spec.noun[0]}" + (f" ({len(made) + 1})" if made else "")
            owner = your_key() if any(f.name == "owner" for f in self.spec.fields) else {}
            values = owner | self.defaults() | (starting or {}) | kept
            dialog = self.form(title, save, values=values, fixed=self.context | (linked or {}))
            if not dialog.exec() or not self.spec.carry_on:
                break
        if made:
            self.table.select(made[-1].id)

    def edit_current(self) -> None:
        record = self.current_record()
        if record is None or not self.edit_action.isEnabled():
            return

        def save(values: Values) -> None:
            change = (self.spec.update or _update)(record, values)
            self.bus.announce(change)

        self.form(f"Edit {self.spec.noun[0]}: {record}", save, record=record).exec()

    def delete_current(self) -> None:
        record = self.current_record()
        if record is None or not self.delete_action.isEnabled():
            return
        verb, removed = self.spec.removal
        note = self.spec.removal_note(record) if self.spec.removal_note else ""
        answer = QMessageBox.question(
            self,
            f"{verb} {self.spec.noun[0]}",
            f"{verb} {self.spec.noun[0]} '{record}'?\n\n{note + chr(10) * 2 if note else ''}"
            f"It stays in the history and in past reports, and can be restored: tick "
            f"'Show {removed}', pick it and choose Restore.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.run_operation(lambda: soft_delete(record))

    def restore_current(self) -> None:
        record = self.current_record()
        if record is None or not self.restore_action.isEnabled():
            return
        if self.run_operation(lambda: restore(record)):
            self.table.show_deleted.setChecked(False)
            self.table.select(record.id)

    def assign_selected(self) -> AssignDialog | None:
        """Hand the selected records to a member of the team, in one operation."""
        if self.assign_action is None or not self.assign_action.isEnabled():
            return None
        try:
            records = [fetch(self.spec.model, key) for key in self.table.selected_ids()]
        except KnownError as error:  # gone since the list was read
            QMessageBox.warning(self, "Assign", str(error))
            self.table.reload()
            return None
        noted = any(isinstance(record, Complaint) for record in records)
        model = self.table.model
        unread = model.total - model.rowCount() if len(records) == model.rowCount() else 0
        dialog = AssignDialog(
            len(records),
            self.spec.noun,
            noted=noted,
            now_with=now_with(records),
            unread=unread,
            parent=self,
        )
        if dialog.exec():
            member, note = dialog.chosen()
            self.run_operation(lambda: assign(records, member, note))
        return dialog

    def show_history(self) -> HistoryDialog | None:
        """The selected record's audit trail, read only."""
        record = self.current_record()
        if record is None:
            return None
        labels = {field.name: field.label for field in self.spec.fields}
        dialog = HistoryDialog(record, noun=self.spec.noun[0], labels=labels, parent=self)
        dialog.exec()
        return dialog

    def run_operation(self, operation: Callable[[], Change | list[Change]]) -> bool:
        try:
            self.bus.announce(operation())
        except KnownError as error:
            QMessageBox.warning(self, self.spec.noun[0].capitalize(), str(error))
            return False
        return True


def _create(model: type[SoftDeleteRecord]) -> Callable[[Values], tuple[Any, Change]]:
    return lambda values: create(model, **values)


def _update(record: Any, values: Mapping[str, Any]) -> Change:
    return update(record, **values)


def remember_splitter(splitter: QSplitter, settings: QSettings, key: str, sizes: list[int]) -> None:
    """Give `splitter` its last sizes (or `sizes` the first time) and remember changes."""
    state = settings.value(key)
    if not (isinstance(state, QByteArray) and splitter.restoreState(state)):
        splitter.setSizes(sizes)
    splitter.splitterMoved.connect(lambda *_: settings.setValue(key, splitter.saveState()))


class Merger:
    """'Merge into…' for a page: pick the record to keep, confirm, merge, select the kept one."""

    def __init__(
        self,
        page: RecordPage,
        choices: Callable[[], list[tuple[str, str]]],
        merge: Callable[[Any, Any], list[Change]],
        consequence: str,
        tooltip: str,
    ) -> None:
        self.page, self.choices, self.merge, self.consequence = page, choices, merge, consequence
        self.action = QAction("&Merge into…", page)
        self.action.setToolTip(tooltip)
        self.action.triggered.connect(lambda _checked=False: self.merge_current())
        page.toolbar.addSeparator()
        page.toolbar.addAction(self.action)

    def merge_current(self) -> None:
        page = self.page
        merged = page.current_record()
        if merged is None or merged.deleted_at is not None:
            return
        title = f"Merge {page.spec.noun[1]}"
        others = [(name, key) for name, key in self.choices() if key != merged.id.hex]
        if not others:
            QMessageBox.information(page, title, f"There is no other {page.spec.noun[0]}.")
            return
        names = [name for name, _ in others]
        chosen, ok = QInputDialog.getItem(page, title, f"Merge '{merged}' into:", names, 0, False)
        if not ok:
            return
        kept = fetch(page.spec.model, dict(others)[chosen])
        answer = QMessageBox.question(
            page,
            title,
            self.consequence.format(merged=merged, kept=kept),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes and page.run_operation(
            lambda: self.merge(kept, merged)
        ):
            page.table.select(kept.id)
