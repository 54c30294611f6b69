"""Typing in a stack of paper sheets with the keyboard only, and the analysis of a period."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from models.feedback import Code, Feedback, code_choices
from tests.views.keyboard import type_text
from views.forms import RecordForm

SHEETS = [  # (likely to recommend, easy, satisfied, comment, type's first letter, theme)
    ("9", "6", "5", "Booked within the hour", "g", "Speed"),
    ("10", "7", "5", "Always helpful", "g", "Staff"),
    ("7", "5", "4", "Fine", "g", "Speed"),
    ("3", "2", "2", "Minutes a week late", "g", "Minutes"),
    ("8", "", "4", "", "g", ""),
    ("", "4", "3", "Form is confusing", "u", "Forms"),
    ("6", "3", "2", "Nobody called back", "g", "Contact"),
    ("10", "6", "5", "Brilliant", "g", "Staff"),
    ("9", "7", "", "Quick", "g", "Speed"),
    ("0", "1", "1", "Lost my order twice", "g", "Orders"),
]


CODING = [  # per sheet: (what is typed, the suggestion Enter takes)
    [("quick", "Quick response appreciated")],
    [("friendly", "Friendly and helpful staff")],
    [("quick", "Quick response appreciated")],
    [("minutes", "Minutes too slow to arrive"), ("not told", "Not told when request completed")],
    [],
    [("booking sys", "Booking system hard to use")],
    [("Wants a call back", "Create the code “Wants a call back”")],  # a new code, made in place
    [("helpful", "Friendly and helpful staff")],  # matches inside a name too
    [("QUICK resp", "Quick response appreciated")],
    [("call back", "Wants a call back")],  # the code made two sheets ago
]


def focused(window) -> object:
    """Where the window's keyboard focus is: where a person's typing would go."""
    return window.focusWidget() or window


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(window), key, modifier)


def tab(qtbot, window, times: int = 1) -> None:
    for _ in range(times):
        press(qtbot, window, Qt.Key.Key_Tab)


@pytest.fixture
def entries(demo_db, show_main_window, qtbot):
    window = show_main_window()
    window.tabs.setCurrentWidget(window.feedback)
    with qtbot.waitActive(window):  # keyboard shortcuts go to the active window
        window.activateWindow()
    yield window.feedback.entries
    window.close()


def test_ten_paper_sheets_with_the_keyboard_only(entries, dialogs, qtbot):
    before = Feedback.select().count()
    typed: list[str] = []
    ticked: list[list[str]] = []

    def sheet(number: int):
        def fill(form: QDialog) -> None:
            assert isinstance(form, RecordForm)
            assert focused(form) is form.widgets["received_on"]  # a form opens ready to type
            if number == 0:  # the first sheet sets the stack's date and channel
                type_text(focused(form), "20/11/2026")
                tab(qtbot, form)
                type_text(focused(form), "Fe")  # Feedback or evaluation sheet
                tab(qtbot, form, 5)
            else:
                assert form.widgets["received_on"].text() == "20/11/2026"  # kept
                assert form.windowTitle() == f"New feedback item ({number + 1})"
                tab(qtbot, form, 6)
            nps, ces, csat, comment, kind, theme = SHEETS[number]
            for score in (nps, ces, csat):  # likely to recommend, easy, satisfied
                type_text(focused(form), score)
                tab(qtbot, form)
            type_text(focused(form), comment)
            tab(qtbot, form)
            type_text(focused(form), kind)  # jumps to the first type with that letter
            tab(qtbot, form)
            type_text(focused(form), theme)
            tab(qtbot, form)  # into the codes: type part of one, Enter adds it
            picker = form.widgets["codes"]
            assert focused(form) is picker.edit
            for words, code in CODING[number]:
                type_text(picker.edit, words)
                assert picker.suggestions.currentItem().text() == code
                press(qtbot, form, Qt.Key.Key_Return)
                assert picker.edit.text() == ""  # ready for the next code
            ticked.append(
                sorted(picker.chosen.item(r).text() for r in range(picker.chosen.count()))
            )
            typed.append(comment)
            press(qtbot, form, Qt.Key.Key_Return)  # Enter saves, and the next sheet's form opens

        return fill

    for number in range(len(SHEETS)):
        dialogs.expect(sheet(number))
    dialogs.expect(lambda form: press(qtbot, form, Qt.Key.Key_Escape))  # the stack is done
    entries.table.view.setFocus()
    qtbot.keyClick(entries.table.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)

    new = list(Feedback.select().order_by(Feedback.created_at).offset(before))
    assert len(new) == 10
    rows = sorted(
        ((f.nps, f.ces, f.csat, f.comment, f.channel.value, str(f.received_on)) for f in new),
        key=lambda row: row[3],
    )
    expected = sorted(
        (
            (
                int(n) if n else None,
                int(c) if c else None,
                int(s) if s else None,
                comment,
                "feedback sheet",
                "2026-11-20",
            )
            for n, c, s, comment, _, _ in SHEETS
        ),
        key=lambda row: row[3],
    )
    assert rows == expected
    assert {f.type.value for f in new} == {"generic positive", "usability issue"}
    new_code = "Wants a call back"
    assert ticked == [
        sorted(new_code if code.startswith("Create") else code for _words, code in coding)
        for coding in CODING
    ]
    assert Code.get(Code.name == new_code).retired is False  # created in place, from the form
    by_comment = {f.comment: sorted(link.code.name for link in f.code_links) for f in new}
    assert [by_comment[comment] for comment in typed] == ticked


def test_a_score_off_its_scale_is_refused_at_the_field(entries, dialogs):
    def off_scale(form: QDialog) -> None:
        form.widgets["ces"].setText("0")
        assert form.errors["ces"].text() == "CES is a whole number from 1 to 7."
        assert not form.ok_button.isEnabled()
        form.widgets["ces"].setText("8")
        assert not form.ok_button.isEnabled()
        form.widgets["nps"].setText("11")
        assert "from 0 to 10" in form.errors["nps"].text()
        form.widgets["ces"].setText("7")
        form.widgets["nps"].setText("10")
        assert form.ok_button.isEnabled()
        form.reject()

    dialogs.expect(off_scale)  # cancelling the first form ends the stack
    entries.new_action.trigger()


def test_the_analysis_shows_a_periods_scores_and_codes(demo_db, show_main_window, qtbot):
    window = show_main_window()
    window.tabs.setCurrentWidget(window.feedback)
    window.feedback.pages.setCurrentWidget(window.feedback.analysis)
    analysis = window.feedback.analysis
    analysis.period.setCurrentText("Last 12 months")
    assert analysis.working.text() == "Working out the figures…"  # in the background
    qtbot.waitUntil(lambda: analysis.refresher.task is None, timeout=30_000)
    assert analysis.working.text() == ""
    assert "(n = " in analysis.values["nps"].text()
    assert analysis.codes.rowCount() > 5
    counts = [
        int(analysis.codes.item(row, 1).text().replace(",", ""))
        for row in range(analysis.codes.rowCount())
    ]
    assert counts == sorted(counts, reverse=True)  # most popular first
    service_width = analysis.service.width()
    analysis.refresh()  # a second refresh keeps the stretch the first one had
    analysis.layout().activate()
    assert analysis.working.text() and analysis.service.width() == service_width  # no jump
    qtbot.waitUntil(lambda: analysis.refresher.task is None, timeout=30_000)
    code_column = analysis.codes.columnWidth(0)
    assert code_column > analysis.codes.viewport().width() / 2  # the code's name stretches
    window.close()


def test_the_code_frame_is_managed_in_the_window(demo_db, show_main_window, dialogs, message_boxes):
    from models.feedback import Code, FeedbackCode

    window = show_main_window()
    window.tabs.setCurrentWidget(window.feedback)
    window.feedback.pages.setCurrentWidget(window.feedback.codes)
    page = window.feedback.codes
    merged = Code.get(Code.name == "Inconsistent advice")
    kept = Code.get(Code.name == "Unclear how to request a service")
    items = {
        link.feedback_id
        for link in FeedbackCode.select().where(FeedbackCode.code.in_([merged.id, kept.id]))
    }

    def describe(form: QDialog) -> None:
        form.widgets["description"].setPlainText("Staff answered the same question differently.")
        form.ok_button.click()

    assert page.table.select(merged.id)
    dialogs.expect(describe)
    page.edit_action.trigger()
    assert Code.get_by_id(merged.id).description == "Staff answered the same question differently."

    dialogs.choose_item("Unclear how to request a service")
    window.feedback.merger.action.trigger()
    assert "Code every item coded 'Inconsistent advice'" in message_boxes.shown[-1][2]
    after = {link.feedback_id for link in FeedbackCode.select().where(FeedbackCode.code == kept.id)}
    assert after == items  # every item keeps its coding, under the kept code
    assert Code.get_by_id(merged.id).deleted_at is not None
    assert page.table.current_id() == kept.id

    def retire(form: QDialog) -> None:
        form.widgets["retired"].setChecked(True)
        form.ok_button.click()

    dialogs.expect(retire)
    page.edit_action.trigger()
    assert "Unclear how to request a service" not in [name for name, _ in code_choices()]
    window.close()


def test_working_through_the_uncoded_items(demo_db, show_main_window, dialogs, qtbot):
    from models.feedback import Code, FeedbackCode
    from views.coding_dialog import CodingDialog

    window = show_main_window()
    window.tabs.setCurrentWidget(window.feedback)
    uncoded_before = (
        Feedback.select()
        .where(~Feedback.id.in_(FeedbackCode.select(FeedbackCode.feedback)))
        .count()
    )
    assert uncoded_before > 3
    seen: list[str] = []

    def code_three(dialog: QDialog) -> None:
        assert isinstance(dialog, CodingDialog)
        assert dialog.progress.text() == f"1 of {uncoded_before}"
        # First item: type part of a code, Enter adds it, Enter again saves and moves on.
        seen.append(dialog.comment.text())
        picker = dialog.codes
        type_text(picker.edit, "quick")
        qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
        assert picker.keys() == [Code.get(Code.name == "Quick response appreciated").id.hex]
        qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
        assert dialog.progress.text() == f"2 of {uncoded_before}"
        assert picker.keys() == []  # the next item starts uncoded
        # Second item: a new code, created in place and chosen.
        type_text(picker.edit, "Wants a named contact")
        qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
        assert [picker.chosen.item(r).text() for r in range(picker.chosen.count())] == [
            "Wants a named contact"
        ]
        dialog.next_button.click()
        # Third: skipped.
        dialog.skip_button.click()
        assert dialog.progress.text() == f"4 of {uncoded_before}"
        dialog.reject()

    dialogs.expect(code_three)
    window.feedback.code_action.trigger()  # "Code uncoded items..." on the Entries toolbar
    dialog = dialogs.seen[-1]
    assert dialog.coded == 2
    uncoded_after = (
        Feedback.select()
        .where(~Feedback.id.in_(FeedbackCode.select(FeedbackCode.feedback)))
        .count()
    )
    assert uncoded_after == uncoded_before - 2
    new_code = Code.get(Code.name == "Wants a named contact")
    assert FeedbackCode.select().where(FeedbackCode.code == new_code.id).count() == 1


def test_a_questionnaire_imports_through_the_mapping_step_and_is_remembered(
    entries, dialogs, qtbot, tmp_path
):
    from desktop.tabular import write_table
    from tests.desktop.test_questionnaire import CES, HEADERS, NPS, ROWS
    from views.mapping_panel import NOT_IN_FILE

    window = entries.window()
    before = {item.id for item in Feedback.select(Feedback.id)}
    october, november = tmp_path / "october.xlsx", tmp_path / "november.csv"
    write_table(october, HEADERS, ROWS)
    write_table(november, HEADERS, ROWS[:1])

    def wait_for_check(dialog: QDialog) -> None:
        qtbot.waitUntil(
            lambda: dialog.plan is not None and dialog.strip.task is None, timeout=10_000
        )

    def map_october(dialog: QDialog) -> None:
        assert dialog.kind.currentText() == "Questionnaire responses"
        dialog.set_file(october)
        wait_for_check(dialog)
        panel = dialog.mapping
        assert panel.isVisible()
        assert "guesses" in panel.note.text()
        assert panel.boxes["nps"].currentText() == NPS
        assert panel.boxes["customer"].currentText() == "Email"  # "anonymous" in every row
        assert dialog.import_button.isEnabled()
        panel.boxes["ces"].setCurrentIndex(panel.boxes["ces"].findText(NOT_IN_FILE))
        wait_for_check(dialog)  # checked again with the user's choice
        assert dialog.plan.matched.get(CES) is None
        dialog.import_button.click()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)

    dialogs.expect(map_october)
    window.import_file("questionnaire")
    imported = [item for item in Feedback.select() if item.id not in before]
    assert len(imported) == 3
    assert {item.ces for item in imported} == {None}  # the ease question was left out
    assert sorted(item.nps for item in imported) == [6, 9, 10]

    def remembered(dialog: QDialog) -> None:
        dialog.set_file(november)
        wait_for_check(dialog)
        assert "Remembered" in dialog.mapping.note.text()
        assert dialog.mapping.boxes["ces"].currentText() == NOT_IN_FILE
        assert dialog.plan.ok
        dialog.import_button.click()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)

    dialogs.expect(remembered)
    window.import_file("questionnaire")
    assert Feedback.select().count() == len(before) + 4
