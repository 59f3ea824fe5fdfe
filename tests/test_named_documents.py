"""Over several documents, the ones that hold the query's names count more (SearchSettings.name_weight): a reviewer's
600 documents, where "When will the Yarjosqu wind farm open?" found other towns' wind farms first."""
from __future__ import annotations

import numpy as np

from rag.build import build
from rag.retrieve import Retriever, SearchSettings

from conftest import FakeEmbedder

TOWNS = ["Danbesdan", "Ubmaryar", "Hircorfen", "Lumqugal", "Fentinhir", "Josverid"]


def _index(tmp_path, filler_sentences=8):
    for t in TOWNS:
        (tmp_path / f"{t}.md").write_text(f"When will the {t} wind farm open? The {t} wind farm opens on March 22.\n",
                                          encoding="utf-8")
    filler = " ".join(f"Critics argued that the cost of item {i} of the harbour budget had been underestimated for "
                      f"years." for i in range(filler_sentences))
    (tmp_path / "yarjosqu.md").write_text(filler + " The Yarjosqu farm is due in June.\n", encoding="utf-8")
    return build(sorted(tmp_path.glob("*.md")), FakeEmbedder(), folder=tmp_path / "idx")


def test_the_document_holding_the_querys_name_ranks_higher(tmp_path):
    index = _index(tmp_path)
    q = "When will the Yarjosqu wind farm open?"
    without = [h.passage.doc for h in Retriever(index, FakeEmbedder(), SearchSettings(name_weight=0.0)).search(q, 7).hits]
    named = [h.passage.doc for h in Retriever(index, FakeEmbedder(), SearchSettings()).search(q, 7).hits]
    assert named.index("yarjosqu.md") < without.index("yarjosqu.md")
    assert named.index("yarjosqu.md") <= 1


def test_a_name_in_many_passages_of_one_document_still_tells_it_apart(tmp_path):
    # (a reviewer: a name in 200 passages or more, all of one long report, was skipped as telling nothing)
    for t in TOWNS:
        (tmp_path / f"{t}.md").write_text(f"The {t} harbour report.\n", encoding="utf-8")
    (tmp_path / "report.md").write_text("\n\n".join(f"Paragraph {i} of the report on Ostervik and its dike, {i}."
                                                    for i in range(260)) + "\n", encoding="utf-8")
    index = build(sorted(tmp_path.glob("*.md")), FakeEmbedder(), folder=tmp_path / "idx")
    r = Retriever(index, FakeEmbedder(), SearchSettings(depth=3))       # (fewer candidates than its passages)
    assert sum(p.doc == "report.md" for p in index.passages) >= 4 * r.settings.depth
    share = r._named_docs(["ostervik"], None, np.ones(len(r._rows.doc_ids), dtype=bool))
    assert share is not None and share[r._rows.doc_ids.index("report.md")] == 1.0 and share.sum() == 1.0
