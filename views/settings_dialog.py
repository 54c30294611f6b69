"""Edit ▸ Settings…: the organisation, its working calendar and its complaints procedure."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.session import choose_you
from models import clock
from models.choices import Unit
from models.errors import KnownError
from models.operations import ValidationError, fetch
from models.organisation import (
    TIMESCALE,
    YEARS_AHEAD,
    add_closure,
    closures_from,
    earliest_years,
    get_settings,
    holiday_countries,
    holiday_subdivisions,
    remove_closure,
    update_settings,
)
from models.people import member_at_keyboard
from models.team import Member, member_choices
from views.data_bus import DataBus
from views.format import date_label

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
AFFECTED = frozenset({"settings", "closure", "service_request", "complaint"})


def _hex(key: Any) -> str | None:
    return None if key is None else key.hex


class SettingsDialog(QDialog):
    def __init__(
        self, bus: DataBus, data_dir: Path | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.bus = bus
        self.data_dir = data_dir  # where "who you are" is remembered; None: not asked
        settings = get_settings()

        self.you = QComboBox()
        self.you.setAccessibleName("You are")
        self.you.setToolTip("The team member your changes are recorded under, on this computer")
        for name, key in member_choices():
            self.you.addItem(name, key)
        at_keyboard = member_at_keyboard()
        self.you.setCurrentIndex(self.you.findData(_hex(at_keyboard)))  # none: nobody chosen

        self.organisation = QLineEdit(settings.organisation_name)
        self.organisation.setAccessibleName("Organisation name")
        self.opens = QTimeEdit(QTime(settings.office_start.hour, settings.office_start.minute))
        self.closes = QTimeEdit(QTime(settings.office_end.hour, settings.office_end.minute))
        for edit, name in ((self.opens, "Office opens"), (self.closes, "Office closes")):
            edit.setDisplayFormat("HH:mm")
            edit.setAccessibleName(name)
        hours = QHBoxLayout()
        hours.addWidget(self.opens)
        hours.addWidget(QLabel("to"))
        hours.addWidget(self.closes)
        hours.addStretch(1)
        self.days = [QCheckBox(name) for name in WEEKDAYS]
        days = QHBoxLayout()
        for number, box in enumerate(self.days):
            box.setChecked(number in settings.weekdays)
            days.addWidget(box)
        self.country = QComboBox()
        self.country.setAccessibleName("Public holidays of")
        for name, code in holiday_countries():
            self.country.addItem(name, code)
        self.country.setCurrentIndex(max(self.country.findData(settings.holiday_country), 0))
        self.region = QComboBox()
        self.region.setAccessibleName("Region")
        self.country.currentIndexChanged.connect(lambda _: self._fill_regions(""))
        self._fill_regions(settings.holiday_subdivision)

        self.earliest_year = QSpinBox()
        self.earliest_year.setRange(*earliest_years())
        self.earliest_year.setValue(settings.earliest_year)
        self.earliest_year.setAccessibleName("Earliest year a date may fall in")
        self.years_ahead = QSpinBox()
        self.years_ahead.setRange(*YEARS_AHEAD)
        self.years_ahead.setSuffix(" years ahead")
        self.years_ahead.setValue(settings.years_ahead)
        self.years_ahead.setAccessibleName("Latest year a date may fall in, in years from now")
        accepted = QHBoxLayout()
        accepted.addWidget(QLabel("from 1 January"))
        accepted.addWidget(self.earliest_year)
        accepted.addWidget(QLabel("to the end of the year"))
        accepted.addWidget(self.years_ahead)
        accepted.addStretch(1)

        self.acknowledge = self._timescale(settings.acknowledge_within, settings.acknowledge_unit)
        self.resolve = self._timescale(settings.resolve_within, settings.resolve_unit)

        general = QGroupBox("Organisation and working calendar")
        form = QFormLayout(general)
        form.addRow("Organisation &name:", self.organisation)
        form.addRow("Office hours:", hours)
        form.addRow("Working days:", days)
        form.addRow("Public holidays of:", self.country)
        form.addRow("Region:", self.region)
        form.addRow("Dates accepted:", accepted)
        procedure = QGroupBox("Complaints procedure")
        steps = QFormLayout(procedure)
        steps.addRow("Acknowledge within:", self.acknowledge[2])
        steps.addRow("Resolve within:", self.resolve[2])

        self.closures = QTableWidget(0, 3)
        self.closures.setHorizontalHeaderLabels(["Date", "Closed for", "Kind"])
        self.closures.setAccessibleName("Closure days")
        self.closures.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.closures.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.closures.horizontalHeader().setStretchLastSection(True)
        self.closures.verticalHeader().setVisible(False)
        self.new_day = QDateEdit(QDate.currentDate())
        self.new_day.setDisplayFormat("dd/MM/yyyy")
        self.new_day.setCalendarPopup(True)
        self.new_day.setAccessibleName("Date of the new closure")
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("e.g. Christmas closure")
        self.new_name.setAccessibleName("Reason for the new closure")
        self.add_button = QPushButton("&Add closure")
        self.add_button.clicked.connect(self.add_closure)
        self.remove_button = QPushButton("&Remove selected")
        self.remove_button.clicked.connect(self.remove_closure)
        adding = QHBoxLayout()
        adding.addWidget(self.new_day)
        adding.addWidget(self.new_name, 1)
        adding.addWidget(self.add_button)
        adding.addWidget(self.remove_button)
        closed = QGroupBox("Closure days (bank holidays and your own; saved as you change them)")
        closed_layout = QVBoxLayout(closed)
        closed_layout.addWidget(self.closures)
        closed_layout.addLayout(adding)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if data_dir is not None and self.you.count():  # per computer: not the organisation's
            yours = QGroupBox("On this computer")
            QFormLayout(yours).addRow("&You are:", self.you)
            layout.addWidget(yours)
        layout.addWidget(general)
        layout.addWidget(procedure)
        layout.addWidget(closed, 1)
        layout.addWidget(buttons)
        self.resize(640, 720)
        self.show_closures()

    def _timescale(self, amount: int, unit: Unit) -> tuple[QSpinBox, QComboBox, QWidget]:
        spin = QSpinBox()
        spin.setRange(*TIMESCALE)
        spin.setValue(amount)
        units = QComboBox()
        for member in (Unit.WORKING_HOURS, Unit.WORKING_DAYS, Unit.CALENDAR_DAYS):
            units.addItem(member.label, member.value)
        units.setCurrentIndex(max(units.findData(Unit(unit).value), 0))
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(spin)
        line.addWidget(units)
        line.addStretch(1)
        return spin, units, row

    def _fill_regions(self, chosen: str) -> None:
        self.region.clear()
        self.region.addItem("The whole country", "")
        for name, code in holiday_subdivisions(self.country.currentData()):
            self.region.addItem(name, code)
        self.region.setCurrentIndex(max(self.region.findData(chosen), 0))

    def values(self) -> dict[str, Any]:
        opens, closes = self.opens.time(), self.closes.time()
        return {
            "organisation_name": " ".join(self.organisation.text().split()),
            "office_start": opens.toPython(),
            "office_end": closes.toPython(),
            "working_weekdays": ",".join(
                str(n) for n, box in enumerate(self.days) if box.isChecked()
            ),
            "holiday_country": self.country.currentData(),
            "holiday_subdivision": self.region.currentData() or "",
            "acknowledge_within": self.acknowledge[0].value(),
            "acknowledge_unit": self.acknowledge[1].currentData(),
            "resolve_within": self.resolve[0].value(),
            "resolve_unit": self.resolve[1].currentData(),
            "earliest_year": self.earliest_year.value(),
            "years_ahead": self.years_ahead.value(),
        }

    # ---------------------------------------------------------------- closures

    def show_closures(self) -> None:
        shown = closures_from(date(clock.today().year - 1, 1, 1))
        self.closures.setRowCount(len(shown))
        self.shown = shown
        for row, closure in enumerate(shown):
            for column, text in enumerate(
                (date_label(closure.day), closure.name, closure.kind.label)
            ):
                self.closures.setItem(row, column, QTableWidgetItem(text))
        self.closures.resizeColumnsToContents()

    def add_closure(self) -> None:
        try:
            add_closure(self.new_day.date().toPython(), self.new_name.text())
        except KnownError as error:
            QMessageBox.warning(self, "Add closure", str(error))
            return
        self.new_name.clear()
        self.bus.announce(AFFECTED)
        self.show_closures()

    def remove_closure(self) -> None:
        rows = sorted({index.row() for index in self.closures.selectedIndexes()})
        if not rows:
            return
        chosen = [self.shown[row] for row in rows]
        names = ", ".join(f"{date_label(c.day)} ({c.name})" for c in chosen)
        answer = QMessageBox.question(
            self,
            "Remove closure",
            f"Open the office on {names}? Due dates of open items will be worked out again.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        for closure in chosen:
            remove_closure(closure)
        self.bus.announce(AFFECTED)
        self.show_closures()

    # ---------------------------------------------------------------- saving

    def accept(self) -> None:
        try:
            update_settings(**self.values())
            chosen = self.you.currentData()  # changed only by the user: a retired "you" stays
            if self.data_dir is not None and chosen and chosen != _hex(member_at_keyboard()):
                choose_you(self.data_dir, fetch(Member, chosen))
        except ValidationError as error:
            QMessageBox.warning(
                self, "Settings", "Please put right:\n" + "\n".join(error.problems.values())
            )
            return
        except KnownError as error:
            QMessageBox.warning(self, "Settings", str(error))
            return
        self.bus.announce(AFFECTED)
        super().accept()
