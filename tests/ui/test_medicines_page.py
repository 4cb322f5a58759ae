"""Genes & medicines page: cards after an import, the drug search (guidance, no guidance, a gene
the file cannot show, several possibilities), the empty state, caregivers, and lock."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from companion.ui.qt import QLabel, Qt, QTimer
from tests.conftest import PASSPHRASE, SAMPLES
from tests.ui.conftest import save_screenshot

PAGE = "Genes & medicines"
PHARMCAT_VCF = SAMPLES / "vcf" / "pharmcat_example_grch38_pgx.vcf"
# CYP2C19 *2/*2 (poor metabolizer: clopidogrel guidance), SLCO1B1 *1/*5 (statins), and CYP2B6
# *7/*8, which unphased genotypes cannot tell from *5/*13 (efavirenz "depends").
ALLELES = {"CYP2C19": ("*2", "*2"), "SLCO1B1": ("*1", "*5"), "CYP2B6": ("*7", "*8")}


def write_pgx_vcf(path: Path, alleles: dict[str, tuple[str, str]]) -> Path:
    """A GRCh38 VCF holding every nuclear position the app's PGx definitions read (as clinical
    PGx panels do), reference everywhere except the given genes' alleles."""
    from companion.services.pgx import knowledge

    k = knowledge()
    genotypes: dict[tuple[str, int], str] = {}
    for gene_name, names in alleles.items():
        gene = k.genes[gene_name]
        for position in gene.positions:
            indexes = []
            for name in names:
                allele = gene.allele(name)
                assert allele is not None, (gene_name, name)
                base = allele.bases.get(position.pos)
                indexes.append(str(position.alleles.index(base)) if base in position.alleles else "0")
            genotypes[(position.chrom, position.pos)] = "/".join(indexes)
    rows = {(p.chrom, p.pos): p for gene in k.genes.values() if gene.chromosome not in ("M", "MT")
            for p in gene.positions}
    chroms = sorted({chrom for chrom, _ in rows}, key=lambda c: (len(c), c))
    lines = ["##fileformat=VCFv4.2", *(f"##contig=<ID=chr{c},assembly=GRCh38>" for c in chroms),
             '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tSAMPLE"]
    for key in sorted(rows, key=lambda k_: (chroms.index(k_[0]), k_[1])):
        p = rows[key]
        lines.append(f"chr{p.chrom}\t{p.pos}\t{p.rsid or '.'}\t{p.ref}\t{','.join(p.alts)}\t.\tPASS\t.\tGT\t"
                     f"{genotypes.get(key, '0/0')}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def unlock(qtbot, controller, store, name="Anna"):
    session, _ = store.create(name, PASSPHRASE)
    controller._session_ready(session)
    qtbot.waitUntil(lambda: controller.main_window is not None)
    return controller.main_window


def import_through_genome_page(qtbot, window, path: Path) -> None:
    genome = window.show_page("Genome")
    genome.import_file(path)
    qtbot.waitUntil(lambda: genome._task is None, timeout=60000)
    assert "Imported" in genome.status.text(), genome.status.text()


def show_results(qtbot, window):
    page = window.show_page(PAGE)
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.results, timeout=30000)
    return page


def texts(widget) -> str:
    """Every label's text under a widget, for asserting on what a person would read (labels
    just added show at the next event-loop turn, so only explicitly hidden ones are left out)."""
    hidden = Qt.WidgetAttribute.WA_WState_ExplicitShowHide
    return "\n".join(label.text() for label in widget.findChildren(QLabel)
                     if not (label.isHidden() and label.testAttribute(hidden)))


def search(qtbot, page, name: str) -> str:
    page.search_field.clear()
    qtbot.keyClicks(page.search_field, name)
    page.completer.popup().hide()  # Enter goes to the field, as after typing a full name
    qtbot.keyClick(page.search_field, Qt.Key.Key_Return)
    assert page.answer is not None
    qtbot.waitUntil(page.answer_summary.isVisible)  # shown at the next event-loop turn
    return texts(page.answer_holder)


def test_cards_and_drug_search_after_import(qtbot, app_services, store, tmp_path):
    controller, _ = app_services
    window = unlock(qtbot, controller, store)
    page = window.show_page(PAGE)
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.empty, timeout=30000)

    import_through_genome_page(qtbot, window, write_pgx_vcf(tmp_path / "panel.vcf", ALLELES))
    page = window.show_page(PAGE)
    assert page.states.currentWidget() is page.loading and page.busy.isVisible()  # worked out in the background
    page = show_results(qtbot, window)

    cards = page.gene_cards()
    genes = [card.result.gene for card in cards]
    assert {"CYP2C19", "SLCO1B1", "CYP2B6", "CYP2C9", "CYP2D6", "HLA-B"} <= set(genes)
    tones = [card.tone for card in cards]
    assert tones == sorted(tones, key=["notable", "uncertain", "typical", "unseen"].index)  # notable first

    cyp2c19 = page.card("CYP2C19")
    assert cyp2c19.headline_label.text().startswith("Poor metabolizer: your body breaks down some medicines")
    assert cyp2c19.tag_label.text() == "Worth knowing"
    assert "Read from your file" in cyp2c19.confidence_label.text()
    assert "clopidogrel" in cyp2c19.medicines_label.text()
    assert page.summary_label.text().startswith("2 genes have results worth knowing about: CYP2C19, SLCO1B1.")
    assert "For 1 gene the result is not certain: CYP2B6." in page.summary_label.text()

    typical = page.card("CYP2C9")
    assert typical.tag_label.text() == "Usual result"
    assert "usual rate" in typical.headline_label.text()

    ambiguous = page.card("CYP2B6")
    assert ambiguous.tag_label.text() == "Not certain"
    assert "Several results are possible" in ambiguous.headline_label.text()
    assert "Several results possible" in ambiguous.confidence_label.text()

    cyp2d6 = page.card("CYP2D6")
    assert cyp2d6.tone == "unseen" and "cannot show this gene" in cyp2d6.headline_label.text()
    assert "a clinical test is needed" in cyp2d6.headline_label.text()
    assert "codeine" in cyp2d6.medicines_label.text()
    cyp2d6.details.set_expanded(True)
    assert "What your file shows (not a result" in texts(cyp2d6.details.content)  # never a confident call

    # recommendations and details are collapsed until asked for
    assert cyp2c19.recommendations is not None and not cyp2c19.recommendations.content.isVisible()
    qtbot.mouseClick(cyp2c19.recommendations.toggle, Qt.MouseButton.LeftButton)
    assert cyp2c19.recommendations.content.isVisible()
    shown = texts(cyp2c19.recommendations.content)
    assert "CPIC recommends: Avoid clopidogrel" in shown
    assert "How strong the advice is: Strong" in shown
    assert "Annotation of CPIC Guideline for clopidogrel and CYP2C19" in shown and "2024-03-25" in shown
    assert "Do not change a medicine without talking to your doctor or pharmacist." in shown

    mt = page.card("MT-RNR1")
    assert not mt.details.content.isVisible()
    mt.details.toggle.setFocus()
    qtbot.keyClick(mt.details.toggle, Qt.Key.Key_Space)  # keyboard opens it too
    assert mt.details.content.isVisible()
    assert "Positions not in your file (20)" in texts(mt.details.content)
    qtbot.waitUntil(lambda: cyp2c19.recommendations.content.findChildren(QLabel)[0].isVisible())
    cyp2c19.recommendations.set_expanded(False)
    qtbot.wait(50)  # let the layout settle before the pictures
    page.scroll.verticalScrollBar().setValue(0)
    save_screenshot(window, "medicines-cards")
    cyp2c19.recommendations.set_expanded(True)
    qtbot.wait(50)
    page.scroll.verticalScrollBar().setValue(cyp2c19.y())
    save_screenshot(window, "medicines-recommendations")
    page.scroll.verticalScrollBar().setValue(mt.y())
    save_screenshot(window, "medicines-details")

    # the drug question, typed and answered with Enter
    answer = search(qtbot, page, "clopidogrel")
    assert page.answer.status == "guidance"
    assert "CPIC guidance for clopidogrel applies to your result for CYP2C19." in answer
    assert "Avoid clopidogrel" in answer and "Annotation of CPIC Guideline for clopidogrel" in answer
    assert "talking to your doctor or pharmacist" in answer
    page.scroll.ensureWidgetVisible(page.search_box, 0, 0)
    page.scroll.verticalScrollBar().setValue(0)
    save_screenshot(window, "medicines-search-clopidogrel")

    answer = search(qtbot, page, "aspirin")
    assert page.answer.status == "no_guidance"
    assert "There is no CPIC guidance for aspirin" in answer and "not mean the medicine is safe or unsafe" in answer
    save_screenshot(window, "medicines-search-aspirin")

    answer = search(qtbot, page, "codeine")
    assert page.answer.status == "not_visible"
    assert "CYP2D6, which your file cannot show; a clinical test is needed" in answer
    save_screenshot(window, "medicines-search-codeine")

    answer = search(qtbot, page, "efavirenz")
    assert page.answer.status == "depends"
    assert "If your result is CYP2B6 Intermediate Metabolizer:" in answer
    assert "If your result is CYP2B6 Poor Metabolizer:" in answer
    save_screenshot(window, "medicines-search-efavirenz")

    # a medicine named on a card answers in the search box
    cyp2c19.medicines_label.linkActivated.emit("drug:omeprazole")
    assert page.search_field.text() == "omeprazole" and page.answer.drug == "omeprazole"

    # the smallest window still wraps every card's text instead of cutting it off
    window.resize(window.minimumSize())
    qtbot.wait(50)
    page.scroll.verticalScrollBar().setValue(page.card("MT-RNR1").y())
    assert page.scroll.horizontalScrollBar().maximum() == 0
    save_screenshot(window, "medicines-narrow")


def test_search_box_by_keyboard_with_completion(qtbot, app_services, store, tmp_path):
    controller, _ = app_services
    window = unlock(qtbot, controller, store)
    import_through_genome_page(qtbot, window, write_pgx_vcf(tmp_path / "panel.vcf", ALLELES))
    page = show_results(qtbot, window)
    page.search_field.setFocus()
    qtbot.keyClicks(page.search_field, "clopi")
    assert page.completer.completionCount() == 1 and page.completer.currentCompletion() == "clopidogrel"
    popup = page.completer.popup()
    assert popup.isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_Down)  # choose from the list with the keyboard
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert page.answer is not None and page.answer.drug == "clopidogrel"
    assert page.search_field.accessibleName() and page.search_button.accessibleName()
    # Tab from the field reaches the Check button, Tab again the first card's controls
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    page.search_field.setFocus()
    qtbot.keyClick(page.search_field, Qt.Key.Key_Tab)
    assert page.search_button.hasFocus()
    page.search_field.setText("codeine")
    qtbot.keyClick(page.search_button, Qt.Key.Key_Return)  # Enter on the focused button checks too
    assert page.answer.drug == "codeine"
    qtbot.keyClick(page.search_button, Qt.Key.Key_Tab)
    first = page.gene_cards()[0]
    assert first.isAncestorOf(window.focusWidget())
    page.search_field.setText("Warfarin")
    qtbot.keyClick(page.search_field, Qt.Key.Key_Return)
    assert page.answer.drug == "warfarin" and page.answer.status == "no_recommendation"
    assert "flow chart" in texts(page.answer_holder)

    # another genome made primary (or one imported) while the page is open: worked out again
    window.page("Genome").genome_did_change.emit()
    assert page.loading_now and page.states.currentWidget() is page.loading
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.results, timeout=30000)
    assert page.card("CYP2C19") is not None and page.answer.drug == "warfarin"  # the question is kept


def test_empty_state_button_goes_to_genome_page(qtbot, app_services, store):
    controller, _ = app_services
    window = unlock(qtbot, controller, store)
    page = window.show_page(PAGE)
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.empty, timeout=30000)
    assert "Import your genome on the Genome page first" in page.empty_label.text()
    assert page.gene_cards() == []
    save_screenshot(window, "medicines-empty")
    qtbot.mouseClick(page.go_to_genome, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.page("Genome")
    assert window.sidebar.currentItem().text() == "Genome"
    window.show_page(PAGE)
    page.go_to_genome.setFocus()
    qtbot.keyClick(page.go_to_genome, Qt.Key.Key_Return)  # and by keyboard
    assert window.stack.currentWidget() is window.page("Genome")


def test_work_runs_off_the_ui_thread(qtbot, app_services, store, tmp_path, monkeypatch):
    import companion.ui.pages.medicines_page as page_module

    controller, _ = app_services
    window = unlock(qtbot, controller, store)
    import_through_genome_page(qtbot, window, write_pgx_vcf(tmp_path / "panel.vcf", ALLELES))
    seen = {}
    ui_ticked = threading.Event()
    real = page_module.medicines_for_genome

    def observed(session, *args, **kwargs):
        seen["thread"] = threading.get_ident()
        assert ui_ticked.wait(10), "the UI thread did not run while the results were worked out"
        return real(session, *args, **kwargs)

    monkeypatch.setattr(page_module, "medicines_for_genome", observed)
    page = window.show_page(PAGE)
    assert page.loading_now and page.busy.isVisible()
    save_screenshot(window, "medicines-loading")
    QTimer.singleShot(20, ui_ticked.set)
    qtbot.waitUntil(lambda: page.states.currentWidget() is page.results, timeout=30000)
    assert seen["thread"] != threading.get_ident()


def test_lock_leaves_no_results(qtbot, app_services, store, tmp_path):
    controller, _ = app_services
    window = unlock(qtbot, controller, store)
    import_through_genome_page(qtbot, window, write_pgx_vcf(tmp_path / "panel.vcf", ALLELES))
    page = show_results(qtbot, window)
    search(qtbot, page, "clopidogrel")
    page.card("CYP2C19").details.set_expanded(True)
    controller.lock("user")
    assert controller.session is None and controller.unlock_window is not None
    assert page.medicines is None and page.answer is None
    assert page.gene_cards() == []
    assert page.cards.count() == 0 and page.answer_layout.count() == 0
    assert page.search_field.text() == "" and page.drug_list.stringList() == []
    assert page.summary_label.text() == "" and page.source_label.text() == ""
    assert page.states.currentWidget() is page.blank


def test_lock_while_working_drops_the_result(qtbot, app_services, store, tmp_path, monkeypatch):
    import companion.ui.pages.medicines_page as page_module

    controller, _ = app_services
    window = unlock(qtbot, controller, store)
    import_through_genome_page(qtbot, window, write_pgx_vcf(tmp_path / "panel.vcf", ALLELES))
    started, release = threading.Event(), threading.Event()
    real = page_module.medicines_for_genome

    def held(session, *args, **kwargs):
        started.set()
        release.wait(10)
        return real(session, *args, **kwargs)

    monkeypatch.setattr(page_module, "medicines_for_genome", held)
    real_cancel_all = controller.tasks.cancel_all

    def cancel_all_then_release():
        real_cancel_all()
        release.set()  # the work finishes while the lock waits for it

    monkeypatch.setattr(controller.tasks, "cancel_all", cancel_all_then_release)
    page = window.show_page(PAGE)
    assert started.wait(10)
    controller.lock("idle")
    assert page.gene_cards() == [] and page.medicines is None
    assert page.states.currentWidget() is page.blank
    qtbot.wait(50)  # the finished work's report arrives now and must reach nobody
    assert controller.session is None


def test_caregiver_can_view(qtbot, app_services, store, tmp_path):
    from companion.genome.service import import_genome
    from companion.vault.secrets_input import Secret

    controller, _ = app_services
    owner, _ = store.create("Anna", PASSPHRASE)
    import_genome(owner, write_pgx_vcf(tmp_path / "panel.vcf", ALLELES))
    owner.add_caregiver(PASSPHRASE, "Maria", "violet kettle mountain harbour")
    owner.close()
    session = store.unlock("Anna", Secret.passphrase("violet kettle mountain harbour"))
    controller._session_ready(session)
    qtbot.waitUntil(lambda: controller.main_window is not None)
    page = show_results(qtbot, controller.main_window)
    assert page.card("CYP2C19") is not None
    assert "CYP2C19" in search(qtbot, page, "clopidogrel")


def test_array_file_shows_what_it_cannot_read(qtbot, app_services, store, tmp_path):
    generate = pytest.importorskip("tests.unit.genome.generate")
    controller, _ = app_services
    window = unlock(qtbot, controller, store)
    path = tmp_path / "genome_Test_v5_Full_20200106101112.txt"
    generate.write_23andme(path, 20_000, seed=7, sex="female")
    with path.open("a") as handle:
        handle.write("rs4244285\t10\t96541616\tAG\n")  # CYP2C19*2, one copy; the other positions are absent
    import_through_genome_page(qtbot, window, path)
    page = show_results(qtbot, window)
    assert page.card("CYP2C19").tone == "uncertain"
    assert "intermediate metabolizer or poor metabolizer" in page.card("CYP2C19").headline_label.text()
    assert page.card("TPMT").tag_label.text() == "Not readable from your file"
    assert "cannot be read from your file" in page.summary_label.text()
    assert "worth knowing" not in page.summary_label.text()
    qtbot.wait(50)
    save_screenshot(window, "medicines-array-file")


@pytest.mark.skipif(not PHARMCAT_VCF.exists(), reason="shared sample VCFs are not available")
def test_pharmcat_example_vcf(qtbot, app_services, store):
    controller, _ = app_services
    window = unlock(qtbot, controller, store)
    import_through_genome_page(qtbot, window, PHARMCAT_VCF)
    page = show_results(qtbot, window)
    assert len(page.gene_cards()) == len(page.medicines.results)
    assert page.card("CYP2C19").headline_label.text().startswith("Normal metabolizer")
    assert "worth knowing" not in page.card("CYP2C9").headline_label.text().lower()
    assert "clinical test" in search(qtbot, page, "abacavir")
    qtbot.wait(50)
    save_screenshot(window, "medicines-pharmcat-example")


def test_summary_words():
    from companion.ui.medicines_messages import summary

    assert summary({"unseen": ["CYP2D6", "HLA-B"], "uncertain": ["CYP2C19"]}) == (
        "For 1 gene the result is not certain: CYP2C19. 2 genes cannot be read from your file."
    )
    assert summary({"typical": ["CYP2C9"]}) == (
        "None of the results that could be read is unusual. 1 gene shows the usual result."
    )
    assert summary({"notable": ["TPMT"], "typical": ["CYP2C9", "DPYD"]}) == (
        "1 gene has a result worth knowing about: TPMT. 2 genes show the usual result."
    )
