"""The lazy table and its filter bar, as every tab uses them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt

from models.choices import CustomerKind
from models.listing import ListRequest
from models.operations import soft_delete
from models.register import CUSTOMER_LISTING, Customer, Department
from views.format import choice_label
from views.record_table import QuickFilter, RecordTable
from views.table_model import LEFT, LazyTableModel, Tone, ViewColumn

COLUMNS = (
    ViewColumn("name", "Name", width=200),
    ViewColumn("kind", "Kind", format=choice_label(CustomerKind)),
    ViewColumn("department", "Department"),
    ViewColumn("email", "Email"),
)


@pytest.fixture
def settings(data_dir):
    return QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)


def make_table(qtbot, settings, **options):
    table = RecordTable(
        "customers",
        CUSTOMER_LISTING,
        COLUMNS,
        settings,
        quick_filters=(
            QuickFilter(
                "kind", "Kind", lambda: [(k.label, k.value) for k in CustomerKind], "All kinds"
            ),
            QuickFilter(
                "department",
                "Department",
                lambda: [(d.name, d.id) for d in Department.live().order_by(Department.name)],
                "All departments",
            ),
        ),
        noun=("customer", "customers"),
        **options,
    )
    qtbot.addWidget(table)
    table.show()  # rows are read when a table is first shown
    return table


def show_active(qtbot, widget) -> None:
    """Show `widget` as the active window, as the user's window would be."""
    with qtbot.waitActive(widget):
        widget.show()
        widget.activateWindow()


def test_the_lazy_model_passes_qts_model_checks(demo_db, qtmodeltester):
    model = LazyTableModel(CUSTOMER_LISTING, COLUMNS)
    qtmodeltester.check(model, force_py=True)


def test_rows_arrive_a_page_at_a_time(demo_db):
    model = LazyTableModel(CUSTOMER_LISTING, COLUMNS)
    assert model.total == 300
    assert model.rowCount() == LazyTableModel.PAGE
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 300
    assert not model.canFetchMore(QModelIndex())


def test_values_are_formatted_in_one_place(demo_db):
    model = LazyTableModel(CUSTOMER_LISTING, COLUMNS)
    model.set_request(ListRequest(search="northgate-payroll"))
    assert model.data(model.index(0, 0)) == "Northgate Payroll Services"
    assert model.data(model.index(0, 1)) == "Shared service"
    assert model.data(model.index(0, 2)) == "Payroll Shared Service"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.TextAlignmentRole) == int(LEFT)
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Kind"


def test_a_tone_colours_the_rows_it_picks(demo_db):
    model = LazyTableModel(
        CUSTOMER_LISTING,
        COLUMNS,
        tone=lambda row: Tone.MUTED if row["kind"] == CustomerKind.SUPPLIER else None,
    )
    model.set_request(ListRequest(search="Office Supplies"))
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole).color().name() == "#f0f0f0"


def test_typing_a_search_filters_after_a_pause_and_counts(demo_db, qtbot, settings):
    table = make_table(qtbot, settings)
    assert table.count.text() == "300 customers"
    qtbot.keyClicks(table.search, "northgate-payroll")
    assert table.model.total == 300  # not yet: the search waits for a pause in typing
    qtbot.waitUntil(lambda: table.model.total == 1, timeout=2000)
    assert table.count.text() == "1 customer"
    table.clear_button.click()
    assert table.model.total == 300
    assert table.search.text() == ""


def test_quick_filters_narrow_the_rows(demo_db, qtbot, settings):
    table = make_table(qtbot, settings)
    combo = table.combos["kind"]
    combo.setCurrentIndex(combo.findData(CustomerKind.SUPPLIER.value))
    assert table.model.total == 1
    department = table.combos["department"]
    assert department.count() == 25  # "All" and 24 departments
    combo.setCurrentIndex(0)
    department.setCurrentIndex(1)
    first = department.currentData()
    assert table.model.total == Customer.live().where(Customer.department == first).count()


def test_show_deleted_lists_only_deleted_rows(demo_db, qtbot, settings):
    gone = Customer.get(Customer.name == "Office Supplies Direct Ltd")
    soft_delete(gone)
    table = make_table(qtbot, settings)
    assert table.model.total == 299
    table.show_deleted.setChecked(True)
    assert table.model.total == 1
    assert table.model.row_id(0) == gone.id


def test_clicking_a_header_sorts_in_sql_and_the_layout_is_remembered(demo_db, qtbot, settings):
    table = make_table(qtbot, settings)
    header = table.view.horizontalHeader()
    header.setSortIndicator(3, Qt.SortOrder.DescendingOrder)  # what a click on Email does
    emails = [table.model.data(table.model.index(row, 3)) for row in range(5)]
    everyone = sorted((c.email for c in Customer.select() if c.email), reverse=True)
    assert emails == everyone[:5]
    header.resizeSection(0, 333)
    header.moveSection(2, 0)
    again = make_table(qtbot, settings)
    again_header = again.view.horizontalHeader()
    assert again_header.sectionSize(0) == 333
    assert again_header.logicalIndex(0) == 2
    assert (again.model.request.sort_key, again.model.request.descending) == ("email", True)


def test_selection_is_reported_and_kept_across_a_reload(demo_db, qtbot, settings):
    table = make_table(qtbot, settings)
    target = Customer.get(Customer.name == "Office Supplies Direct Ltd").id
    with qtbot.waitSignal(table.current_changed) as changed:
        assert table.select(target)
    assert changed.args == [target]
    table.reload()
    assert table.current_id() == target


def test_a_reload_or_a_jump_announces_the_selection_once(demo_db, qtbot, settings):
    """A detail pane redraws once: not for 'nothing selected' and then the same row again."""
    table = make_table(qtbot, settings)
    target = Customer.get(Customer.name == "Office Supplies Direct Ltd").id
    table.select(target)
    said = []
    table.current_changed.connect(said.append)
    table.reload()
    assert said == [target]
    table.search.setText("no customer is called this")
    table.apply_filters()
    assert said == [target, None]  # filtered out: nothing selected, said once
    other = Customer.get(Customer.name != "Office Supplies Direct Ltd").id
    table.show_record(other)
    assert said == [target, None, other]


def test_enter_or_double_click_activates_the_current_row(demo_db, qtbot, settings):
    table = make_table(qtbot, settings)
    show_active(qtbot, table)
    table.select(table.model.row_id(3))
    table.view.setFocus()
    with qtbot.waitSignal(table.activated) as activated:
        qtbot.keyClick(table.view, Qt.Key.Key_Return)
    assert activated.args == [table.model.row_id(3)]


def test_ctrl_f_goes_to_the_search_box(demo_db, qtbot, settings):
    table = make_table(qtbot, settings)
    show_active(qtbot, table)
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert table.search.hasFocus()
