"""Choosing codes by typing: suggestions, creating in place, removing, and nothing lost."""

from __future__ import annotations

from PySide6.QtCore import Qt

from models.feedback import Code, Feedback, FeedbackCode, code_choices
from models.operations import create, update
from tests.views.keyboard import type_text
from views.tag_picker import TagPicker


def names(picker: TagPicker) -> list[str]:
    return [picker.chosen.item(row).text() for row in range(picker.chosen.count())]


def suggested(picker: TagPicker) -> list[str]:
    return [picker.suggestions.item(row).text() for row in range(picker.suggestions.count())]


def make_picker(qtbot) -> TagPicker:
    def new_code(name: str):
        code, _change = create(Code, name=name)
        return code.name, code.id.hex

    picker = TagPicker(code_choices, create=new_code)
    qtbot.addWidget(picker)
    picker.show()
    return picker


def test_suggestions_put_names_that_start_with_the_typing_first(db, qtbot):
    for name in ("Slow replies", "Replies are friendly", "Staff friendly", "Old code"):
        create(Code, name=name)
    update(Code.get(Code.name == "Old code"), retired=True)
    picker = make_picker(qtbot)
    type_text(picker.edit, "repl")
    assert suggested(picker) == [
        "Replies are friendly",
        "Slow replies",
        "Create the code “repl”",
    ]
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)  # Down moves the highlight; typing stays put
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert names(picker) == ["Slow replies"]
    type_text(picker.edit, "old")  # a retired code is not offered
    assert suggested(picker) == ["Create the code “old”"]
    qtbot.keyClick(picker.edit, Qt.Key.Key_Escape)  # Esc clears the box first
    assert picker.edit.text() == "" and not picker.suggestions.isVisible()
    type_text(picker.edit, "SLOW replies")
    assert suggested(picker) == ["Already chosen, or no code matches"]
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)  # nothing to take: nothing happens
    assert names(picker) == ["Slow replies"]


def test_a_new_code_is_created_in_place_or_the_reason_it_cannot_be_is_shown(db, qtbot):
    create(Code, name="Retired one")
    update(Code.get(Code.name == "Retired one"), retired=True)
    picker = make_picker(qtbot)
    type_text(picker.edit, "  Wants   a named contact ")
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert names(picker) == ["Wants a named contact"]
    assert Code.get(Code.name == "Wants a named contact")
    type_text(picker.edit, "retired one")  # the name is taken by a retired code
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert picker.problem.isVisible()
    assert "already a code called" in picker.problem.text()
    assert names(picker) == ["Wants a named contact"]
    assert picker.edit.text() == "retired one"  # the typing is kept to correct
    type_text(picker.edit, "x" * 200)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert Code.select().count() == 2


def test_removing_with_backspace_delete_or_double_click(db, qtbot):
    for name in ("Alpha", "Beta", "Gamma"):
        create(Code, name=name)
    picker = make_picker(qtbot)
    picker.set_chosen([(name, key) for name, key in code_choices()])
    assert names(picker) == ["Alpha", "Beta", "Gamma"]
    qtbot.keyClick(picker.edit, Qt.Key.Key_Backspace)  # in the empty box: the last one goes
    assert names(picker) == ["Alpha", "Beta"]
    picker.chosen.setCurrentRow(0)
    qtbot.keyClick(picker.chosen, Qt.Key.Key_Delete)
    assert names(picker) == ["Beta"]
    type_text(picker.edit, "a")
    assert "Alpha" in suggested(picker)  # offered again once removed


def test_editing_an_item_keeps_a_code_that_has_since_been_retired(demo_db, show_main_window, qtbot):
    window = show_main_window()
    entries = window.feedback.entries
    link = FeedbackCode.select().first()
    item, code = Feedback.get_by_id(link.feedback_id), Code.get_by_id(link.code_id)
    update(code, retired=True)
    form = entries.form("Edit", lambda values: values, record=item)
    picker = form.widgets["codes"]
    assert code.name in names(picker)
    assert code.id.hex in form.values()["codes"]
    form.close()
    window.close()
