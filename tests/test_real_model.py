"""A few tests with the real embedding model and the shipped index."""
import json

import pytest

from rag import store
from rag.cli import main
from rag.embed import SentenceTransformerEmbedder

from conftest import CORPUS, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedder():
    return SentenceTransformerEmbedder()


def test_shipped_index_matches_model_and_corpus(embedder):
    index = store.load(ROOT / "embeddings", embedder=embedder)   # raises if stale in any way
    assert index.manifest["model"]["dim"] == embedder.dim == 384
    assert len(index.documents) == 1
    doc = next(iter(index.documents.values()))
    assert doc.text == CORPUS.read_text(encoding="utf-8") and doc.date == "2022-01-14"


def test_real_token_counts_fit_the_window(embedder):
    index = store.load(ROOT / "embeddings", embedder=embedder)
    window = embedder.model.max_seq_length - 2
    sizes = embedder.count_tokens([p.text for p in index.passages])
    assert max(sizes) <= window


def test_new_start_extension_in_top_3(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["search", "New START extension", "-k", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    text = CORPUS.read_text(encoding="utf-8")
    assert any("New START Treaty was extended for five years" in p["text"] for p in result["passages"][:3])
    for p in result["passages"]:
        assert text[p["start"]:p["end"]] == p["text"]
