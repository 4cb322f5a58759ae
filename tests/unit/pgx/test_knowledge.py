"""The knowledge transform: reproducible, provenance on every file, safe plain text."""
from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from companion.pgx.knowledge import DEFINITIONS, PgxKnowledge
from tests.unit.pgx.generate import BUILDER, builder, needs_shared

COMMIT = re.compile(r"[0-9a-f]{40}")


@needs_shared()
def test_committed_definitions_equal_a_fresh_build() -> None:
    files = builder().build(builder().DEFAULT_SOURCE)
    for name, text in files.items():
        assert (DEFINITIONS / name).read_text(encoding="utf-8") == text, name
    assert {p.relative_to(DEFINITIONS).as_posix() for p in DEFINITIONS.rglob("*.json")} == set(files)


def test_check_is_skipped_without_the_shared_data(tmp_path) -> None:
    done = subprocess.run([sys.executable, str(BUILDER), "--check", str(tmp_path / "absent")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "skipped" in done.stdout


def test_every_file_names_its_sources(knowledge: PgxKnowledge) -> None:
    for gene in knowledge.genes.values():
        assert gene.sources, gene.gene
        for source in gene.sources:
            assert COMMIT.fullmatch(source.commit) and source.repository.startswith("github.com/")
            assert source.path.startswith(("src/", "docs/"))
    for guideline in knowledge.guidelines:
        assert COMMIT.fullmatch(guideline.source_file.commit)
    assert (DEFINITIONS / "SOURCES.md").read_text(encoding="utf-8").count("MPL-2.0") >= 2


def test_knowledge_covers_the_issue_genes(knowledge: PgxKnowledge) -> None:
    wanted = {"CYP2B6", "CYP2C9", "CYP2C19", "CYP3A5", "CYP4F2", "DPYD", "NUDT15", "SLCO1B1", "TPMT",
              "UGT1A1", "VKORC1", "IFNL3", "ABCG2", "RYR1", "CACNA1S", "G6PD", "MT-RNR1", "CYP2D6"}
    assert wanted <= set(knowledge.genes)
    assert len(knowledge.recommendations) > 2000 and "clopidogrel" in knowledge.drugs


def test_plain_text_from_html() -> None:
    plain = builder().plain_text
    text = plain('<p>Use &lt;50% dose&nbsp;<a href="https://cpicpgx.org">CPIC</a></p><ul><li>one</li></ul>'
                 '<script>alert(1)</script><a href="javascript:x()">x</a>')
    assert text == "Use <50% dose CPIC (https://cpicpgx.org)\n\n- one\n\nx"


@given(st.text(max_size=200))
def test_plain_text_keeps_text_and_drops_scripts(html: str) -> None:
    plain = builder().plain_text
    plain(html)  # never raises
    marker = "SECRET-PAYLOAD"
    assert marker not in plain(f"<p>{html}</p><script>{marker}</script><style>{marker}</style>") or marker in html
    if not set(html) & set("<&\r"):
        expected = " ".join(html.split())
        assert " ".join(plain(f"<p>{html}</p>").split()) == expected
