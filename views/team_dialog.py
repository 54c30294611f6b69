"""Edit ▸ Team…: the people of the team, added, corrected and retired."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from models.assignment import open_work
from models.choices import MemberRole
from models.team import MEMBER_LISTING, Member
from views.data_bus import DataBus
from views.format import choice_label
from views.forms import FormField, Kind, choice_options
from views.record_page import PageSpec, RecordPage
from views.table_model import ViewColumn

MEMBER_PAGE = PageSpec(
    name="team",
    model=Member,
    listing=MEMBER_LISTING,
    columns=(
        ViewColumn("name", "Name", width=220),
        ViewColumn("role", "Role", format=choice_label(MemberRole), width=130),
        ViewColumn("email", "Email", width=240),
    ),
    fields=(
        FormField("name", "Name", required=True),
        FormField("role", "Role", Kind.CHOICE, required=True, options=choice_options(MemberRole)),
        FormField("email", "Email", placeholder="name@example.org"),
    ),
    noun=("team member", "team members"),
    removal=("Retire", "retired"),
    removal_note=lambda member: _unfinished(member),
)


def _unfinished(member: Member) -> str:
    """What a leaver still owns, to hand on first (their work stays theirs until assigned)."""
    work = open_work(member)
    if not work:
        return ""
    return (
        f"{member.name} still has {_listed(work)}. Hand them on first: in each list choose "
        f"'{member.name}' under whose work it is, select the rows and press Assign… "
        "(Ctrl+Shift+A)."
    )


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


class TeamDialog(QDialog):
    """The team's members, on a page like every other list (New, Edit, Retire, History)."""

    def __init__(self, bus: DataBus, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Team")
        self.page = RecordPage(MEMBER_PAGE, bus, settings, self)
        explanation = QLabel(
            "The people who do the team's work. Someone who leaves is retired, not deleted: "
            "the work and history that name them keep their name."
        )
        explanation.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.page, 1)
        layout.addWidget(buttons)
        self.resize(720, 480)
