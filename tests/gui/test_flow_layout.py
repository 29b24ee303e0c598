"""FlowLayout: a row of controls that wraps instead of widening its tab."""

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from gui.widgets.flow_layout import FlowLayout


def buttons(n: int) -> list[QPushButton]:
    return [QPushButton(f"Button number {i}") for i in range(n)]


def test_a_narrow_row_wraps_onto_more_lines_and_a_wide_one_does_not(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    flow = FlowLayout(parent=host)
    row = buttons(6)
    for button in row:
        flow.addWidget(button)
    widest = max(b.sizeHint().width() for b in row)
    one_line = flow.sizeHint().width()
    host.resize(one_line + 10, 200)
    host.show()
    qtbot.waitExposed(host)
    assert len({b.y() for b in row}) == 1  # room for all: one line
    host.resize(widest * 2 + 20, 200)
    qtbot.waitUntil(lambda: len({b.y() for b in row}) == 3)  # two a line
    assert all(b.geometry().right() <= host.width() for b in row)  # nothing cut
    assert flow.heightForWidth(widest * 2 + 20) >= 3 * row[0].sizeHint().height()


def test_it_asks_only_for_its_widest_item_where_a_box_asks_for_all(qtbot):
    hosts = QWidget(), QWidget()
    flow, box = FlowLayout(parent=hosts[0]), QHBoxLayout(hosts[1])
    row = buttons(6)
    for button in row:
        flow.addWidget(button)
    for button in buttons(6):
        box.addWidget(button)
    widest = max(b.minimumSizeHint().width() for b in row)
    assert flow.minimumSize().width() == widest
    assert box.minimumSize().width() > 5 * widest  # the negative control: a box cannot wrap
