"""One edit-form builder: fields declared as data, checked as the user types.

The rules are the record type's own validator (the one the operations and the importer use), so
the form can never accept what saving would refuse. Messages appear beside the field; OK stays
disabled until the values are valid; Enter saves and Esc cancels. If saving still fails (say,
someone else took the name meanwhile) the dialog stays open with the user's typing intact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, auto
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from models.base import Record
from models.errors import KnownError
from models.operations import Change, ValidationError, editable_fields, problems_with
from models.words import number_from
from views.format import date_label, parse_date, parse_moment
from views.tag_picker import TagPicker

Options = Callable[[], Sequence[tuple[str, Any]]]


def choice_options(choice: type) -> Options:
    """A fixed list's entries for a pick list: each member's label, holding its word."""
    return lambda: [(member.label, member.value) for member in choice]


class Kind(Enum):
    TEXT = auto()
    LONG_TEXT = auto()
    CHOICE = auto()  # a fixed list
    LOOKUP = auto()  # another record, found by typing part of its name
    DATE = auto()
    NUMBER = auto()
    CHECK = auto()
    MULTI = auto()  # several records, ticked in a list
    TAGS = auto()  # several records, added by typing part of a name (and created in place)
    MOMENT = auto()  # a date and a time of day
    WHOLE = auto()  # a whole number, such as a score
    YES_NO = auto()  # yes, no, or not known yet


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    options: Options | None = None
    placeholder: str = ""
    help: str = ""
    # TAGS: make a new option from a typed name, through a model operation: (record, change)
    create: Callable[[str], tuple[Record, Change]] | None = None


class RecordForm(QDialog):
    """A dialog that edits one record's fields and saves them through `save(values)`."""

    def __init__(
        self,
        title: str,
        model: type[Record] | None,
        fields: Sequence[FormField],
        save: Callable[[dict[str, Any]], Any],
        *,
        record: Record | None = None,
        values: Mapping[str, Any] | None = None,
        fixed: Mapping[str, Any] | None = None,
        preview: Callable[[dict[str, Any]], str] | None = None,
        announce: Callable[[Change], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.model = model
        self.fields = list(fields)
        self.record = record
        self._save = save
        self._preview = preview
        self._announce = announce  # tells the other tabs about records created in place
        # Values the form does not show: `context` is fixed by the caller and saved with the rest
        # (a standard's service); `_known` is the record's own, which the rules need to see.
        self.context = dict(fixed or {})
        self._known = {}
        if record is not None and model is not None:
            self._known = {name: getattr(record, name) for name in editable_fields(model)}
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for spec in self.fields:
            widget = self._make_widget(spec)
            widget.setAccessibleName(spec.label)
            if spec.help:
                widget.setToolTip(spec.help)
                widget.setAccessibleDescription(spec.help)
            self.widgets[spec.name] = widget
            error = QLabel()
            error.setObjectName(f"{spec.name}Error")
            error.setStyleSheet("color: #a4262c;")
            error.setWordWrap(True)
            error.hide()
            self.errors[spec.name] = error
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(widget)
            column.addWidget(error)
            label = QLabel(f"{spec.label}{' *' if spec.required else ''}:")
            label.setBuddy(widget)
            form.addRow(label, column)

        self.preview_label = QLabel()
        self.preview_label.setWordWrap(True)
        self.preview_label.setStyleSheet("font-style: italic;")
        self.preview_label.setVisible(preview is not None)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        # What is wrong with a value the form does not show (so OK is never greyed out unsaid)
        self.other_problems = QLabel()
        self.other_problems.setObjectName("otherProblems")
        self.other_problems.setStyleSheet("color: #a4262c;")
        self.other_problems.setWordWrap(True)
        self.other_problems.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.other_problems)
        layout.addWidget(self.buttons)

        start = dict(values or {})
        if record is not None and model is not None:
            own = {spec.name for spec in self.fields} & set(model._meta.fields)
            start = {name: getattr(record, name) for name in own} | start
        for spec in self.fields:
            self._set_value(spec, start.get(spec.name))
        self.check()

    # ---------------------------------------------------------------- widgets

    def _make_widget(self, spec: FormField) -> QWidget:
        if spec.kind is Kind.LONG_TEXT:
            widget = QPlainTextEdit()
            widget.setTabChangesFocus(True)
            widget.setFixedHeight(widget.fontMetrics().lineSpacing() * 4 + 12)
            widget.textChanged.connect(self.check)
            return widget
        if spec.kind in (Kind.CHOICE, Kind.LOOKUP):
            combo = QComboBox()
            if not spec.required:
                combo.addItem("", None)
            for label, value in spec.options() if spec.options else ():
                combo.addItem(label, value)
            if spec.kind is Kind.LOOKUP:
                combo.setEditable(True)
                combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                completer = QCompleter(combo.model(), combo)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                completer.setFilterMode(Qt.MatchFlag.MatchContains)
                completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
                combo.setCompleter(completer)
                combo.editTextChanged.connect(self.check)
            combo.currentIndexChanged.connect(self.check)
            return combo
        if spec.kind is Kind.YES_NO:
            combo = QComboBox()
            for label, value in (("", None), ("Yes", "yes"), ("No", "no")):
                combo.addItem(label, value)
            combo.currentIndexChanged.connect(self.check)
            return combo
        if spec.kind is Kind.CHECK:
            box = QCheckBox()
            box.toggled.connect(self.check)
            return box
        if spec.kind is Kind.TAGS:
            create = spec.create
            picker = TagPicker(
                spec.options or (lambda: []),
                create=None if create is None else lambda name: self._create_option(create, name),
                noun=spec.label.lower().rstrip("s"),
            )
            picker.changed.connect(self.check)
            return picker
        if spec.kind is Kind.MULTI:
            ticks = QListWidget()
            ticks.setMinimumHeight(120)
            for label, value in spec.options() if spec.options else ():
                item = QListWidgetItem(label)
                item.setData(Qt.ItemDataRole.UserRole, value)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                ticks.addItem(item)
            ticks.itemChanged.connect(self.check)
            if ticks.count():
                ticks.setCurrentRow(0)  # so the keyboard (arrows, Space) starts somewhere
            return ticks
        edit = QLineEdit()
        shapes = {Kind.DATE: "dd/mm/yyyy", Kind.MOMENT: "dd/mm/yyyy hh:mm"}
        edit.setPlaceholderText(spec.placeholder or shapes.get(spec.kind, ""))
        edit.textChanged.connect(self.check)
        return edit

    def _set_value(self, spec: FormField, value: Any) -> None:
        widget = self.widgets[spec.name]
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value or "")
        elif isinstance(widget, QComboBox) and spec.kind is Kind.YES_NO:
            widget.setCurrentIndex(
                {None: 0, True: 1, False: 2}[None if value is None else bool(value)]
            )
        elif isinstance(widget, QComboBox):
            widget.setCurrentIndex(max(widget.findData(_key(value)), 0))
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif isinstance(widget, TagPicker):
            widget.set_chosen((str(item), _key(item)) for item in value or ())
        elif isinstance(widget, QListWidget):
            chosen = {_key(item) for item in value or ()}
            for row in range(widget.count()):
                item = widget.item(row)
                ticked = item.data(Qt.ItemDataRole.UserRole) in chosen
                item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        elif spec.kind in (Kind.DATE, Kind.MOMENT):
            widget.setText("" if value is None else date_label(value))
        elif spec.kind is Kind.NUMBER:
            widget.setText("" if value is None else f"{float(value):g}")
        elif spec.kind is Kind.WHOLE:
            widget.setText("" if value is None else str(int(value)))
        else:
            widget.setText("" if value is None else str(value))

    def showEvent(self, event: Any) -> None:
        """Open ready to type: the first field has the focus, its text selected to type over."""
        super().showEvent(event)
        first = self.widgets[self.fields[0].name] if self.fields else None
        if first is not None:
            first.setFocus(Qt.FocusReason.TabFocusReason)
            if isinstance(first, QLineEdit):
                first.selectAll()

    def _create_option(
        self, create: Callable[[str], tuple[Record, Change]], name: str
    ) -> tuple[str, Any]:
        record, change = create(name)
        if self._announce is not None:
            self._announce(change)
        return str(record), _key(record)

    # ---------------------------------------------------------------- values and checks

    def read(self) -> tuple[dict[str, Any], dict[str, str]]:
        """The values typed so far, and what could not even be read (a date that is no date)."""
        values: dict[str, Any] = {}
        unreadable: dict[str, str] = {}
        for spec in self.fields:
            widget = self.widgets[spec.name]
            if isinstance(widget, QPlainTextEdit):
                values[spec.name] = widget.toPlainText().strip()
            elif isinstance(widget, QComboBox) and spec.kind is Kind.YES_NO:
                values[spec.name] = {None: None, "yes": True, "no": False}[widget.currentData()]
            elif isinstance(widget, QComboBox):
                values[spec.name] = self._combo_value(spec, widget, unreadable)
            elif isinstance(widget, QCheckBox):
                values[spec.name] = widget.isChecked()
            elif isinstance(widget, TagPicker):
                values[spec.name] = widget.keys()
            elif isinstance(widget, QListWidget):
                values[spec.name] = [
                    widget.item(row).data(Qt.ItemDataRole.UserRole)
                    for row in range(widget.count())
                    if widget.item(row).checkState() == Qt.CheckState.Checked
                ]
            elif spec.kind in (Kind.DATE, Kind.MOMENT):
                parse = parse_date if spec.kind is Kind.DATE else parse_moment
                try:
                    values[spec.name] = parse(widget.text())
                except ValueError as error:
                    unreadable[spec.name] = str(error)
                    values[spec.name] = None
            elif spec.kind is Kind.WHOLE:
                text = widget.text().strip()
                values[spec.name] = int(text) if text.lstrip("-").isdigit() else None
                if text and values[spec.name] is None:
                    unreadable[spec.name] = f"'{text}' is not a whole number."
            elif spec.kind is Kind.NUMBER:
                text = widget.text().strip()
                try:
                    values[spec.name] = number_from(text) if text else None
                except ValueError as error:
                    unreadable[spec.name] = str(error)
                    values[spec.name] = None
            else:
                values[spec.name] = widget.text().strip()
        return values, unreadable

    @staticmethod
    def _combo_value(spec: FormField, combo: QComboBox, unreadable: dict[str, str]) -> Any:
        if spec.kind is Kind.LOOKUP:
            typed = combo.currentText().strip()
            if not typed:
                return None
            found = combo.findText(typed, Qt.MatchFlag.MatchFixedString)
            if found < 0:
                unreadable[spec.name] = f"Nothing called '{typed}': pick one from the list."
                return None
            return combo.itemData(found)
        return combo.currentData()

    def values(self) -> dict[str, Any]:
        return self.read()[0]

    def check(self) -> bool:
        """Show what is wrong beside each field; OK is enabled only when nothing is."""
        if not self.errors:  # still building
            return False
        values, unreadable = self.read()
        checked = self._known | self.context | values
        problems = problems_with(self.model, checked, self.record) if self.model else {}
        for spec in self.fields:  # what the form itself insists on
            if (
                spec.required
                and values.get(spec.name) in (None, "", [])
                and spec.name not in problems
            ):
                problems[spec.name] = "Required."
        problems |= unreadable
        for name, label in self.errors.items():
            message = problems.get(name, "")
            label.setText(message)
            label.setVisible(bool(message))
        elsewhere = [
            f"{name.replace('_', ' ').capitalize()}: {message}"
            for name, message in problems.items()
            if name not in self.errors
        ]
        self.other_problems.setText("\n".join(elsewhere))
        self.other_problems.setVisible(bool(elsewhere))
        if self._preview is not None:
            self.preview_label.setText(self._preview(values) or "")
        self.ok_button.setEnabled(not problems)
        return not problems

    def accept(self) -> None:
        if not self.check():
            return
        try:
            self._save(self.context | self.values())
        except ValidationError as error:
            for name, message in error.problems.items():
                if name in self.errors:
                    self.errors[name].setText(message)
                    self.errors[name].show()
            QMessageBox.warning(self, self.windowTitle(), str(error))
            return
        except KnownError as error:
            QMessageBox.warning(self, self.windowTitle(), str(error))
            return
        super().accept()


def _key(value: Any) -> Any:
    """What a pick list holds for a value: a choice's word, a record's hex key."""
    if isinstance(value, Enum):
        return value.value
    key = getattr(value, "id", value)
    return getattr(key, "hex", key)
