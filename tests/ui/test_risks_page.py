"""Risks page through the real widgets: inputs filled from the profile and the log with their
dates, a missing answer named and then given, the number equal to ``companion.risk.calculate`` on
the same inputs, an edit in place, the what-if slider, a refusal, QRISK3's disclaimer, units,
caregivers, saving answers, the keyboard, and nothing left after lock. Screenshots go to
artifacts/screenshots/risks-*.png for people to look at."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from companion import risk
from companion.lifestyle import store as obs_store
from companion.risk.inputs import CHOLESTEROL_MMOL_PER_MG_DL
from companion.risk.qrisk3 import DISCLAIMER
from companion.services import risk as risk_service
from companion.ui import risk_messages as words
from companion.ui.qt import QApplication, Qt
from companion.ui.widgets.risk_inputs import YesNoEditor
from companion.vault.secrets_input import Secret
from tests.conftest import PASSPHRASE
from tests.ui.conftest import save_screenshot

CAREGIVER_PASSPHRASE = "violet kettle mountain harbour"
NBSP = "\u00a0"
AGE = 61
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def day_words(moment: datetime) -> str:
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def make_owner(store):
    """Anna: a man of 61 (whatever today is) with a recent weight, blood pressure and lipid panel,
    and a height measured more than a year ago."""
    session, _ = store.create("Anna", PASSPHRASE)
    today = date.today()
    session.update_profile(birth_date=date(today.year - AGE, 1, 1).isoformat(), sex_at_birth="male")
    now = datetime.now().astimezone().replace(hour=8, minute=0, second=0, microsecond=0)
    at = {
        "bp": now - timedelta(days=2),
        "lipids": now - timedelta(days=40),
        "weight": now - timedelta(days=3),
        "height": now - timedelta(days=500),
    }
    obs_store.add_blood_pressure(session, 138, 86, at=at["bp"])
    obs_store.add(session, "total_cholesterol", 213, "mg/dL", at["lipids"])
    obs_store.add(session, "hdl", 50, "mg/dL", at["lipids"])
    obs_store.add(session, "weight", 84, "kg", at["weight"])
    obs_store.add(session, "height", 178, "cm", at["height"])
    return session, at


def open_risks(qtbot, controller, session):
    controller._session_ready(session)
    qtbot.waitUntil(lambda: controller.main_window is not None)
    window = controller.main_window
    window.resize(1100, 900)
    page = window.show_page("Risks")
    qtbot.waitUntil(lambda: page.forms is not None and not page.loading_now, timeout=15000)
    shown(qtbot, page)
    return window, page


def shown(qtbot, page) -> None:
    """Inputs just built are laid out and shown at the next event-loop turn."""
    qtbot.waitUntil(lambda: all(editor.isVisible() for editor in page.editors.values()), timeout=3000)


def choose(qtbot, page, name: str) -> None:
    page.choose(name)
    shown(qtbot, page)


def result_shown(page) -> bool:
    return bool(page.result_number.text()) and not page._timer.isActive()


def answer_pce_questions(qtbot, page) -> None:
    for key in ("on_bp_treatment", "current_smoker", "diabetes"):
        qtbot.mouseClick(page.editors[key].buttons[False], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: result_shown(page), timeout=3000)


def pce_expected(sbp: float) -> float:
    return float(risk.calculate("pce", {
        "sex": "male", "age_years": AGE, "total_cholesterol_mg_dl": 213, "hdl_cholesterol_mg_dl": 50,
        "systolic_bp_mm_hg": sbp, "on_bp_treatment": False, "current_smoker": False, "diabetes": False,
    }).results["ascvd_10yr_percent"])  # fmt: skip


def type_number(qtbot, spin, text: str) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)


def test_pce_filled_answered_edited_and_what_if(qtbot, app_services, store):
    controller, _ = app_services
    session, at = make_owner(store)
    window, page = open_risks(qtbot, controller, session)
    assert window.sidebar.item(2).text() == "Risks"  # after Today and Measurements
    assert [page.chooser.item(i).text() for i in range(page.chooser.count())] == [
        risk_service.TITLES[name] for name in risk.NAMES
    ]

    # the chooser works with the arrow keys
    page.chooser.setFocus()
    page.chooser.setCurrentRow(0)
    qtbot.keyClick(page.chooser, Qt.Key.Key_Down)
    assert page.name == "prevent" and page.calc_title.text() == risk_service.TITLES["prevent"]
    qtbot.keyClick(page.chooser, Qt.Key.Key_Up)
    assert page.name == "pce"

    # filled from the profile and the log, each with where and when
    editors, notes = page.editors, page.notes
    assert editors["sex"].value() == "male" and "profile" in notes["sex"].text()
    assert editors["age_years"].value() == AGE and "birth date" in notes["age_years"].text()
    assert editors["systolic_bp_mm_hg"].value() == 138
    assert notes["systolic_bp_mm_hg"].text() == f"from your log, {day_words(at['bp'])}"
    assert editors["total_cholesterol_mg_dl"].value() == 213 and day_words(at["lipids"]) in notes["total_cholesterol_mg_dl"].text()
    assert editors["hdl_cholesterol_mg_dl"].value() == 50
    assert editors["total_cholesterol_mg_dl"].spin.text() == "213" and editors["total_cholesterol_mg_dl"].unit_box.currentText() == "mg/dL"

    # the yes/no answers nobody gave yet are named in one line, and there is no number
    assert page.need_label.isVisible()
    need = page.need_label.text()
    assert need.startswith("To calculate this we need: ")
    for noun in ("whether you take blood-pressure medicine", "whether you smoke", "whether you have diabetes"):
        assert noun in need
    assert page.result_number.text() == "" and not page.arrays.isVisible()
    assert editors["diabetes"].value() is None and notes["diabetes"].text() == words.NOT_GIVEN
    save_screenshot(window, "risks-pce-missing")

    # answered with the mouse: the number is the calculator's, rounded to one decimal
    answer_pce_questions(qtbot, page)
    expected = pce_expected(138)
    assert not page.need_label.isVisible()
    assert page.evaluation.headline_percent == pytest.approx(expected, rel=1e-12)
    assert page.result_number.text() == f"{expected:.1f}{NBSP}%"
    assert page.category_label.text() == words.category_label("pce", risk.calculate("pce", {
        "sex": "male", "age_years": AGE, "total_cholesterol_mg_dl": 213, "hdl_cholesterol_mg_dl": 50,
        "systolic_bp_mm_hg": 138, "on_bp_treatment": False, "current_smoker": False, "diabetes": False,
    }).results["category"])  # fmt: skip
    assert page.arrays.isVisible() and page.you_array.filled == pytest.approx(expected)
    assert page.you_array.filled_count == int(expected) + (expected % 1 >= 0.05)  # a partly filled person counts
    assert f"{expected:.1f}{NBSP}%" in page.you_array.accessibleDescription()
    assert page.explanation.isVisible() and page.explanation.text() == page.evaluation.explanation
    assert page.explanation.font().pointSizeF() >= 11
    optimal = page.evaluation.optimal_percent
    assert optimal is not None and optimal < expected
    assert page.optimal_array.isVisible() and page.optimal_array.filled == pytest.approx(optimal)
    assert page.comparison_label.text() == words.comparison_line(optimal, page.evaluation.comparison_label)
    assert page.genetics_box.isVisible() and "never mixed into the calculation" in page.genetics_text.text()
    save_screenshot(window, "risks-pce")

    # an edit in place: the number follows
    sbp = editors["systolic_bp_mm_hg"]
    type_number(qtbot, sbp.spin, "150")
    qtbot.waitUntil(lambda: page.evaluation.headline_percent == pytest.approx(pce_expected(150)), timeout=3000)
    assert page.result_number.text() == f"{pce_expected(150):.1f}{NBSP}%"
    assert pce_expected(150) > expected
    assert notes["systolic_bp_mm_hg"].text() == words.CHANGED_BY_YOU
    current = page.evaluation.headline_percent

    # what if: the slider starts at the form's value; down to 120 lowers the risk and the picture
    control = page.what_if_controls["systolic_bp_mm_hg"]
    assert control.slider.value() == 150 and control.slider.accessibleName().startswith("What if")
    before = page.what_if_array.filled_count
    control.slider.setFocus()
    for _ in range(3):
        qtbot.keyClick(control.slider, Qt.Key.Key_PageDown)  # 10 mmHg a step
    assert control.slider.value() == 120
    what_if = page.what_if_evaluation.headline_percent
    assert what_if == pytest.approx(pce_expected(120)) and what_if < current
    assert page.what_if_array.filled_count < before
    assert page.what_if_line.text() == f"If your blood pressure were 120 mmHg: {what_if:.1f}{NBSP}%"
    # ... and never the person's numbers
    assert sbp.value() == 150 and page.evaluation.headline_percent == current
    save_screenshot(window, "risks-pce-what-if")

    qtbot.mouseClick(page.reset_button, Qt.MouseButton.LeftButton)
    assert control.slider.value() == 150
    assert page.what_if_line.text() == words.WHAT_IF_SAME.format(value=f"{current:.1f}{NBSP}%")
    assert page.what_if_array.filled == pytest.approx(current)


def test_outside_the_validated_range_is_refused_in_words(qtbot, app_services, store):
    controller, _ = app_services
    session, _ = make_owner(store)
    window, page = open_risks(qtbot, controller, session)
    answer_pce_questions(qtbot, page)
    type_number(qtbot, page.editors["age_years"].spin, "35")
    qtbot.waitUntil(lambda: page.evaluation.result is None and not page._timer.isActive(), timeout=3000)
    assert page.result_stack.currentWidget() is page.refusal_view and page.refusal_view.isVisible()
    refusal = page.refusal_label.text()
    assert "This calculator is validated for ages 40–79" in refusal and "you entered 35" in refusal
    assert page.result_number.text() == "" and not page.arrays.isVisible()
    assert page.you_array.value is None and not page.what_if_picture.isVisible()
    assert not page.need_label.isVisible()  # nothing is missing: the value is outside the range
    save_screenshot(window, "risks-pce-refused")
    type_number(qtbot, page.editors["age_years"].spin, "61")
    qtbot.waitUntil(lambda: result_shown(page), timeout=3000)
    assert page.evaluation.headline_percent == pytest.approx(pce_expected(138))


def test_qrisk3_shows_its_disclaimer_with_the_score(qtbot, app_services, store):
    controller, _ = app_services
    session, _ = make_owner(store)
    window, page = open_risks(qtbot, controller, session)
    choose(qtbot, page, "qrisk3")
    assert page.name == "qrisk3" and "how much you smoke" in page.need_label.text()
    assert not page.disclaimer.isVisible()  # no score yet
    page.editors["smoking_status"].choose("ex_smoker")
    qtbot.waitUntil(lambda: result_shown(page), timeout=3000)
    assert page.disclaimer.isVisible() and page.disclaimer.text() == DISCLAIMER
    assert page.summary.isAncestorOf(page.disclaimer) and page.summary.isAncestorOf(page.result_number)
    assert DISCLAIMER not in page.warnings_label.text()  # shown once, beside the score
    assert "townsend_score" not in page.warnings_label.text()  # input keys in words
    # a height more than a year old is flagged with a sign and words, not colour alone
    assert words.STALE in page.notes["height_cm"].text() and "⚠" in page.notes["height_cm"].text()
    assert not page.editors["bmi_kg_m2"].isEnabled()  # worked out from weight and height
    save_screenshot(window, "risks-qrisk3")


def test_cholesterol_in_mmol_per_litre(qtbot, app_services, store):
    controller, _ = app_services
    session, _ = make_owner(store)
    window, page = open_risks(qtbot, controller, session)
    answer_pce_questions(qtbot, page)
    before = page.evaluation.headline_percent
    total = page.editors["total_cholesterol_mg_dl"]
    total.unit_box.setCurrentIndex(total.unit_box.findText("mmol/L"))
    assert total.spin.text() == f"{213 * CHOLESTEROL_MMOL_PER_MG_DL:.2f}"  # 5.51
    assert total.value() == 213  # switching the unit changes nothing
    type_number(qtbot, total.spin, "6.00")
    qtbot.waitUntil(lambda: page.evaluation.headline_percent != before and not page._timer.isActive(), timeout=3000)
    assert total.value() == pytest.approx(6.0 / CHOLESTEROL_MMOL_PER_MG_DL)
    expected = risk.calculate("pce", {
        "sex": "male", "age_years": AGE, "total_cholesterol_mmol_l": 6.0, "hdl_cholesterol_mg_dl": 50,
        "systolic_bp_mm_hg": 138, "on_bp_treatment": False, "current_smoker": False, "diabetes": False,
    }).results["ascvd_10yr_percent"]  # fmt: skip
    assert page.evaluation.headline_percent == pytest.approx(expected, rel=1e-9)
    assert page.what_if_controls["total_cholesterol_mg_dl"].shown.text().endswith("mmol/L")


def test_calculators_without_a_percentage_show_value_and_category(qtbot, app_services, store):
    controller, _ = app_services
    session, _ = make_owner(store)
    window, page = open_risks(qtbot, controller, session)
    choose(qtbot, page, "bmi")
    qtbot.waitUntil(lambda: result_shown(page), timeout=3000)
    bmi = 84 / 1.78**2
    assert page.result_number.text() == f"{bmi:.1f} kg/m²"
    assert page.category_label.text() == "Overweight"
    assert not page.arrays.isVisible() and not page.what_if_array.isVisible()
    assert "More than a year old" in page.notes["height_cm"].text()
    save_screenshot(window, "risks-bmi")


def test_owner_saves_answers_once_for_every_calculator(qtbot, app_services, store):
    controller, _ = app_services
    session, _ = make_owner(store)
    window, page = open_risks(qtbot, controller, session)
    assert page.save_button.isEnabled()
    answer_pce_questions(qtbot, page)
    qtbot.mouseClick(page.editors["on_bp_treatment"].buttons[True], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.save_status.text() == words.SAVED_ANSWERS
    saved = risk_service.saved_answers(controller.session)
    assert saved == {"on_bp_treatment": True, "current_smoker": False, "diabetes": False}
    qtbot.waitUntil(lambda: not page.loading_now, timeout=15000)
    shown(qtbot, page)
    assert page.save_status.text() == words.SAVED_ANSWERS
    assert page.notes["on_bp_treatment"].text().startswith("your answer")
    assert page.editors["systolic_bp_mm_hg"].value() == 138  # measurements are not answers
    choose(qtbot, page, "prevent")  # asked once: PREVENT has them too
    assert page.editors["on_bp_treatment"].value() is True and page.editors["diabetes"].value() is False


def test_caregiver_cannot_save_answers(qtbot, app_services, store):
    controller, _ = app_services
    owner, _ = make_owner(store)
    owner.add_caregiver(PASSPHRASE, "Maria", CAREGIVER_PASSPHRASE)
    owner.close()
    session = store.unlock("Anna", Secret.passphrase(CAREGIVER_PASSPHRASE))
    window, page = open_risks(qtbot, controller, session)
    assert not page.save_button.isEnabled() and page.save_button.toolTip() == words.SAVE_READ_ONLY_TIP
    assert page.editors["systolic_bp_mm_hg"].value() == 138  # caregivers see the person's numbers
    answer_pce_questions(qtbot, page)  # ... and may try answers, which are not kept
    assert page.evaluation.headline_percent == pytest.approx(pce_expected(138))
    page.save_answers()  # even if called, nothing is written
    assert risk_service.saved_answers(controller.session) == {}
    save_screenshot(window, "risks-caregiver")


def test_keyboard_order_and_names(qtbot, app_services, store):
    controller, _ = app_services
    session, _ = make_owner(store)
    window, page = open_risks(qtbot, controller, session)
    answer_pce_questions(qtbot, page)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    page.chooser.setFocus()
    qtbot.waitUntil(page.chooser.hasFocus, timeout=3000)
    # a group of Yes/No buttons is one Tab stop (the pressed button); the arrow keys move inside it
    def stops(editor):
        if isinstance(editor, YesNoEditor):
            return [next((b for b in editor.focus_widgets() if b.isChecked()), editor.focus_widgets()[0])]
        return editor.focus_widgets()

    expected = [w for editor in page.editors.values() for w in stops(editor)]
    expected += [page.save_button, page.result_number, page.explanation]
    expected += [c.focus_widget() for c in page.what_if_controls.values()] + [page.reset_button]
    reached = []
    for _ in expected:  # Tab walks the inputs in order, then the result, then the what-if panel
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    names = lambda ws: [w.accessibleName() or type(w).__name__ for w in ws]  # noqa: E731
    assert names(reached) == names(expected)
    smoker = page.editors["current_smoker"]
    smoker.buttons[True].setFocus()
    qtbot.keyClick(smoker.buttons[True], Qt.Key.Key_Right)
    assert smoker.buttons[False].hasFocus() and smoker.value() is False
    for editor in page.editors.values():
        for widget in editor.focus_widgets():
            assert widget.accessibleName(), editor.key
    assert page.chooser.accessibleName() == words.CHOOSER_NAME


def test_lock_leaves_no_values_in_the_page(qtbot, app_services, store):
    controller, _ = app_services
    session, _ = make_owner(store)
    window, page = open_risks(qtbot, controller, session)
    answer_pce_questions(qtbot, page)
    controller.lock("user")
    assert controller.session is None
    assert page.forms is None and page.editors == {} and page.edits == {}
    assert page.result_number.text() == "" and page.explanation.text() == "" and page.what_if_line.text() == ""
    assert page.you_array.value is None and page.what_if_array.value is None
    assert page.states.currentWidget() is page.blank


def test_icon_array_shows_part_of_a_person_and_says_the_rounding(qtbot):
    from companion.ui.widgets.icon_array import IconArray

    array = IconArray()
    qtbot.addWidget(array)
    array.set_value(7.4, "have a heart attack or stroke in the next 10 years")
    assert array.filled == pytest.approx(7.4) and array.filled_count == 8  # seven and part of the eighth
    description = array.accessibleDescription()
    assert "about 7" in description and f"7.4{NBSP}%" in description and "heart attack" in description
    assert not array.pixmap().isNull()
    array.set_value(0.02, "develop breast cancer in the next 5 years")
    assert array.filled_count == 0 and "fewer than 1" in array.accessibleDescription()
    array.set_value(None)
    assert array.filled == 0 and array.accessibleDescription() == ""


def test_messages_name_inputs_in_words():
    from companion.ui.pages.risks_page import plain

    assert plain("not given, taken as no: atrial_fibrillation, sle.") == (
        "Not given, taken as no: atrial fibrillation, systemic lupus erythematosus."
    )
    assert plain("townsend_score (deprivation of a UK postcode) not given") == "Deprivation of a UK postcode not given"
    assert plain("type 2 diabetes") == "Type 2 diabetes"  # a word, not the key "diabetes"
    assert words.percent(7.44) == f"7.4{NBSP}%" and words.percent(0.01) == f"less than 0.1{NBSP}%"
