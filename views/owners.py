"""Owners in the window: the owner field of a form, the "whose work" filter of a list, and
the Assign… dialog that hands selected records to a colleague."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from models.people import MINE, NOBODY, member_at_keyboard, owner_choices, you_in_the_team
from models.team import member_choices
from views.forms import FormField, Kind
from views.record_table import QuickFilter


def owner_field(label: str = "Owner", name: str = "owner") -> FormField:
    """Who owns a record (or looks after it): one of the team, picked by typing their name."""
    return FormField(name, label, Kind.LOOKUP, options=owner_choices)


def whose_options() -> list[tuple[str, str]]:
    """Mine, no one's yet, or one colleague's (those who have left last, to find what they
    still own): what a list's owner filter offers."""
    you = member_at_keyboard()
    others = [(name, key) for name, key in owner_choices() if you is None or key != you.hex]
    return [("Mine", MINE), ("No one yet", NOBODY), *others]


def owner_filter(all_label: str) -> QuickFilter:
    """Everyone's work or one person's; remembered per list, so "Mine" stays chosen."""
    return QuickFilter("owner", "Whose work", whose_options, all_label, remembered=True)


OWNER_FILTER = owner_filter("Everyone's work")
REVIEWER_FILTER = owner_filter("Anyone's reviews")  # standards and agreements


def your_key() -> dict[str, str]:
    """A new record's owner: the member at the keyboard, where there is one."""
    you = you_in_the_team()
    return {} if you is None else {"owner": you.hex}


class AssignDialog(QDialog):
    """To whom the selected records go, and (for complaints) a note for their timelines."""

    def __init__(
        self,
        count: int,
        noun: tuple[str, str],
        *,
        noted: bool,
        now_with: str = "",
        unread: int = 0,  # rows of the list not read yet, so not selected by Ctrl+A
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Assign")
        self.member = QComboBox()
        self.member.setAccessibleName("Assign to")
        for name, key in member_choices():
            self.member.addItem(name, key)
        you = member_at_keyboard()
        if you is not None:
            self.member.setCurrentIndex(max(self.member.findData(you.hex), 0))
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Note for the timeline")
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("Why, or what they need to know (optional)")
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 4 + 12)
        what = noun[0] if count == 1 else f"{count:,} {noun[1]}"
        heading = QLabel(
            f"Give the selected {what} to a member of the team."
            + (f"\nNow with: {now_with}." if now_with else "")
            + (
                f"\n{unread:,} more further down the list are not selected: scroll down to "
                "select them too, or narrow the list with its filters."
                if unread
                else ""
            )
        )
        heading.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&To:", self.member)
        if noted:
            form.addRow("&Note for the timeline:", self.note)
        else:
            self.note.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Assign")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.member.count() > 0)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def chosen(self) -> tuple[str, str]:
        """The chosen member's key, and the note."""
        return self.member.currentData(), self.note.toPlainText().strip()
