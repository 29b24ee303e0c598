"""At 1280x800 the Model tab's combos show their items whole ("salt & pepper (p)" was cut to
"salt & pepper (|" while the noise level sat beside it)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox


def cut_items(combo: QComboBox) -> list[str]:
    """The items whose text is wider than the field the combo draws its text in."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    metrics = combo.fontMetrics()
    texts = [combo.itemText(i) for i in range(combo.count())]
    return [text for text in texts if metrics.horizontalAdvance(text) > field.width()]


def test_the_model_tabs_combos_fit_their_items_at_1280_by_800(qtbot, make_window):
    win = make_window(ini="s.ini", size=(1280, 800), errors=False, discard=False)
    qtbot.waitUntil(lambda: win.width() == 1280 and win.height() == 800)
    panel = win.training_panel
    bar = panel.settings_tabs.tabBar()
    index = panel.settings_tabs.indexOf(panel.model_form)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    form = panel.model_form
    assert form.isVisible()
    combos = form.findChildren(QComboBox)
    assert form.noise_combo in combos
    assert {c.itemText(i) for c in combos for i in range(c.count())} >= {"salt & pepper (p)"}
    assert {text for combo in combos for text in cut_items(combo)} == set()
    # Negative control: at the width it had beside the level box, the check sees the cut.
    form.noise_combo.setFixedWidth(115)
    qtbot.waitUntil(lambda: form.noise_combo.width() == 115)
    assert "salt & pepper (p)" in cut_items(form.noise_combo)
