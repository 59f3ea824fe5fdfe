"""The query adapter (rag/adapter.py): a linear map on the query's vector, learnt from questions and their gold
passages, read from a file, applied where it was trained (a conversation index, its own model) and never to
another model's vectors."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

import rag.embed
from rag import adapter
from rag.build import build
from rag.chunk import ChunkSettings
from rag.cli import main
from rag.errors import QueryError
from rag.retrieve import Retriever, SearchSettings
from rag.store import Compat, load

from conftest import FakeEmbedder

SMALL = ChunkSettings(turn_tokens=40)
# questions in words the fixture meetings never use, each with the turn that answers it
PAIRS = [("power source", "Industrial Designer: A solar cell could charge the battery, but it costs more."),
         ("shade of the shell", "Marketing: And a bright yellow colour for the casing, to stand out in the shop."),
         ("older people pressing", "Industrial Designer: I think the buttons should be big and rubber, so that "
                                   "elderly users can press them.")]


@pytest.fixture
def small(tmp_path, meetings):
    out = tmp_path / "small"
    build(sorted(meetings.glob("*.txt")), FakeEmbedder(), folder=out, settings=SMALL)
    return load(out, embedder=FakeEmbedder(), compat=Compat.of(FakeEmbedder(), SMALL))


def _set(meetings, path=None) -> list[dict]:
    design = (meetings / "design.txt").read_text(encoding="utf-8")
    rows = [{"id": f"q{i}", "query": q, "doc": "design.txt", "gold_spans": [[design.index(t), design.index(t) + len(t)]]}
            for i, (q, t) in enumerate(PAIRS)]
    if path is not None:
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return rows


def _gold_rank(retriever, q: dict) -> int:
    hits = retriever.search(q["query"], 10, docs={"design.txt"}, abstain=False).hits
    a, b = q["gold_spans"][0]
    return next(h.rank for h in hits if h.passage.start < b and a < h.passage.end)     # the window holding it


def test_an_adapter_maps_and_normalises_and_a_zero_map_changes_nothing():
    v = np.array([3.0, 4.0], dtype="float32") / 5
    assert np.allclose(adapter.Adapter(np.zeros((2, 2), "float32"), "m", {})(v), v)
    out = adapter.Adapter(np.array([[0, 1], [0, 0]], dtype="float32"), "m", {})(v)
    assert np.isclose(np.linalg.norm(out), 1.0) and out[1] > v[1]


def test_an_adapter_file_round_trips_and_a_broken_one_is_a_message(tmp_path):
    a = adapter.Adapter(np.eye(3, dtype="float32"), "fp", {"queries": 3})
    path = adapter.save(a, tmp_path / "sub" / "a.npz")
    b = adapter.load(str(path))
    assert np.array_equal(a.W, b.W) and b.fingerprint == "fp" and b.about == {"queries": 3}
    assert [p.name for p in path.parent.iterdir()] == ["a.npz"]          # no temporary file left
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(QueryError, match="Cannot read the query adapter"):
        adapter.load(str(tmp_path / "bad.npz"))
    # a text file: numpy took it for a pickle and advised loading it unsafely (a hostile review)
    (tmp_path / "victim.txt").write_text('{"id": "q1", "query": "buttons"}\n', encoding="utf-8")
    with pytest.raises(QueryError, match=r"not an \.npz archive") as e:
        adapter.load(str(tmp_path / "victim.txt"))
    assert "pickle" not in str(e.value)
    np.savez(tmp_path / "flat.npz", W=np.zeros(4, "float32"), fingerprint=np.array("fp"), about=np.array("{}"))
    with pytest.raises(QueryError, match="not a square matrix"):
        adapter.load(str(tmp_path / "flat.npz"))
    np.save(tmp_path / "bare.npy", np.eye(4))                                  # a bare array, not an archive
    with pytest.raises(QueryError, match="Cannot read the query adapter"):
        adapter.load(str(tmp_path / "bare.npy"))
    np.savez(tmp_path / "text.npz", W=np.array([["a", "b"], ["c", "d"]]), fingerprint=np.array("fp"),
             about=np.array("{}"))
    with pytest.raises(QueryError, match="not a square matrix of numbers"):
        adapter.load(str(tmp_path / "text.npz"))


def test_auto_uses_the_shipped_adapter_only_on_a_conversation_index_of_its_model(small, tiny_index, monkeypatch):
    monkeypatch.delenv(adapter.ENV, raising=False)
    shipped = adapter.load(str(adapter.SHIPPED))
    assert shipped.W.shape == (384, 384) and shipped.about["queries"] > 1000

    class Its(FakeEmbedder):         # an embedder of the model the shipped adapter was trained for
        fingerprint = weights_fingerprint = shipped.fingerprint

    assert adapter.resolve("auto", small, Its()) is shipped                     # meetings: turns
    assert adapter.resolve("auto", load(tiny_index, embedder=FakeEmbedder()), Its()) is None   # a press briefing
    assert adapter.resolve("auto", small, FakeEmbedder()) is None               # another model: not its vectors
    assert adapter.resolve("none", small, Its()) is None
    monkeypatch.setenv(adapter.ENV, "none")
    assert adapter.resolve("auto", small, Its()) is None


def test_a_named_adapter_applies_to_any_index_of_its_model_and_refuses_another(tmp_path, tiny_index, monkeypatch):
    index = load(tiny_index, embedder=FakeEmbedder())
    path = str(adapter.save(adapter.Adapter(np.zeros((64, 64), "float32"), "fake-v1", {}), tmp_path / "a.npz"))
    assert adapter.resolve(path, index, FakeEmbedder()).path == path
    monkeypatch.setenv(adapter.ENV, path)
    assert adapter.resolve("auto", index, FakeEmbedder()).path == path
    other = str(adapter.save(adapter.Adapter(np.zeros((64, 64), "float32"), "another", {}), tmp_path / "b.npz"))
    with pytest.raises(QueryError, match="trained for another model"):
        adapter.resolve(other, index, FakeEmbedder())


def test_training_moves_the_gold_turns_up_and_the_search_uses_it(small, meetings, tmp_path):
    queries = _set(meetings)
    plain = Retriever(small, FakeEmbedder(), SearchSettings(mode="dense", adapter="none"))
    before = [_gold_rank(plain, q) for q in queries]
    trained = adapter.train(small, queries, FakeEmbedder(), steps=200)
    assert trained.about["queries"] == 3 and trained.fingerprint == "fake-v1"
    path = str(adapter.save(trained, tmp_path / "meetings.npz"))
    adapted = plain.with_settings(adapter=path)
    after = [_gold_rank(adapted, q) for q in queries]
    assert after == [1, 1, 1] and before != after
    zero = str(adapter.save(adapter.Adapter(np.zeros((64, 64), "float32"), "fake-v1", {}), tmp_path / "zero.npz"))
    hybrid = Retriever(small, FakeEmbedder(), SearchSettings(adapter="none"))
    for q in queries:           # a zero map is no map: the same passages, scores and confidence (to rounding)
        a, b = hybrid.search(q["query"], 5), hybrid.with_settings(adapter=zero).search(q["query"], 5)
        assert [h.passage.id for h in a.hits] == [h.passage.id for h in b.hits]
        assert [h.score for h in a.hits] == pytest.approx([h.score for h in b.hits], rel=1e-6)
        assert a.confidence == pytest.approx(b.confidence, rel=1e-6)


def test_a_set_with_no_gold_in_the_index_is_a_message(small):
    with pytest.raises(QueryError, match="nothing to learn from"):
        adapter.train(small, [{"id": "x", "query": "q", "doc": None, "gold_spans": []}], FakeEmbedder())


@pytest.fixture
def cli_set(tmp_path, meetings, monkeypatch):
    """(an index of the fixture meetings, a graded set over it), the CLI's model the fake one."""
    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)
    index = tmp_path / "idx"
    build(sorted(meetings.glob("*.txt")), FakeEmbedder(), folder=index)
    qset = tmp_path / "set.jsonl"
    _set(meetings, qset)
    return index, qset


def test_rag_adapt_writes_a_file_that_search_and_eval_take(tmp_path, cli_set, capsys):
    index, qset = cli_set
    out = tmp_path / "mine.npz"
    assert main(["adapt", str(qset), "--index", str(index), "--out", str(out), "--steps", "20"]) == 0
    assert "Trained on 3 answered queries" in capsys.readouterr().out and out.is_file()
    assert main(["search", "power source", "--json", "--adapter", str(out), "--index", str(index)]) == 0
    assert json.loads(capsys.readouterr().out)["passages"]
    assert main(["eval", str(qset), "--json", "--adapter", str(out), "--index", str(index)]) == 0
    assert json.loads(capsys.readouterr().out)["sets"][str(qset)]["positives"] == 3
    assert main(["search", "power source", "--adapter", str(tmp_path / "missing.npz"), "--index", str(index)]) == 1
    assert "Cannot read the query adapter" in capsys.readouterr().err
    assert not Path(tmp_path / "missing.npz").exists()


def test_rag_adapt_never_overwrites_a_file_that_is_not_an_adapter(tmp_path):
    a = adapter.Adapter(np.zeros((4, 4), "float32"), "fp", {})
    mine = tmp_path / "notes.npz"
    mine.write_bytes(b"my own notes")
    with pytest.raises(QueryError, match="is not a query adapter: it was left as it is"):
        adapter.save(a, mine)
    assert mine.read_bytes() == b"my own notes"
    with pytest.raises(QueryError, match="not a query adapter"):
        adapter.save(a, tmp_path)                                    # a folder
    first = adapter.save(a, tmp_path / "a.npz")
    adapter.save(adapter.Adapter(np.eye(4, dtype="float32"), "fp", {"v": 2}), first)     # an adapter: replaced
    assert adapter.load(str(first)).about == {"v": 2}                 # and read again, not the old one cached


def test_an_adapter_of_another_size_is_a_message_not_a_traceback(tmp_path, tiny_index):
    index = load(tiny_index, embedder=FakeEmbedder())
    path = str(adapter.save(adapter.Adapter(np.zeros((8, 8), "float32"), "fake-v1", {}), tmp_path / "a.npz"))
    r = Retriever(index, FakeEmbedder(), SearchSettings(adapter=path))
    with pytest.raises(QueryError, match="maps 8-dimensional vectors; this model's have 64"):
        r.search("Is the pipeline funded?", 3)


def test_the_confidence_reads_the_models_own_vector_so_a_threshold_means_the_same_with_an_adapter(tmp_path,
                                                                                                   tiny_index):
    # calibration.json keeps a threshold per mode, not per adapter: the adapter may rank, never move the confidence
    index = load(tiny_index, embedder=FakeEmbedder())
    W = np.random.default_rng(0).normal(0, 0.5, (64, 64)).astype("float32")
    path = str(adapter.save(adapter.Adapter(W, "fake-v1", {}), tmp_path / "a.npz"))
    plain = Retriever(index, FakeEmbedder(), SearchSettings(adapter="none"))
    adapted = plain.with_settings(adapter=path)
    moved = 0
    for q in ["Is the pipeline funded?", "water prices next year", "reservoir spring rains", "zebra migration"]:
        a, b = plain.search(q, 3), adapted.search(q, 3)
        assert a.confidence == pytest.approx(b.confidence)      # every passage is a candidate in this small index
        moved += [h.passage.id for h in a.hits] != [h.passage.id for h in b.hits] or \
            [h.score for h in a.hits] != pytest.approx([h.score for h in b.hits])
    assert moved        # and the adapter did change the ranking


def test_a_bad_out_or_adapter_is_a_message_before_any_work(tmp_path, cli_set, monkeypatch, capsys):
    index, qset = cli_set
    calls = []
    monkeypatch.setattr(adapter, "train", lambda *a, **k: calls.append(1))
    mine = tmp_path / "mine.txt"
    mine.write_text("keep me", encoding="utf-8")
    for out in (mine, mine / "x.npz"):
        assert main(["adapt", str(qset), "--index", str(index), "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("error: ") and "Traceback" not in err
    assert calls == [] and mine.read_text(encoding="utf-8") == "keep me"
    from rag.retrieve import open_retriever
    with pytest.raises(QueryError, match="Cannot read the query adapter"):
        open_retriever(index, FakeEmbedder(), adapter=str(tmp_path / "missing.npz"))
    assert open_retriever(index, FakeEmbedder(), adapter=str(tmp_path / "missing.npz"), mode="lexical")


def test_a_dense_search_whose_own_encode_differs_is_not_bypassed(tiny_index):
    from rag.dense import DenseSearch

    class Later(FakeEmbedder):
        def encode_query_later(self, text):
            raise AssertionError("the subclass's encode must be used")

    class Own(DenseSearch):
        def encode(self, text):
            return super().encode(text.upper())

    index = load(tiny_index, embedder=FakeEmbedder())
    assert np.allclose(Own(index, Later()).encode_later("pipeline")(), FakeEmbedder().encode_query("PIPELINE"))


def test_an_adapter_on_a_read_only_disk_is_one_message(tmp_path, monkeypatch):
    """A read-only disk refuses the write and then the clean-up's unlink too (EROFS even for a file never made):
    the unlink's raw OSError replaced the message (a hostile reviewer, on a read-only mount)."""
    import errno

    def refused(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")
    import rag.store
    monkeypatch.setattr(rag.store.tempfile, "mkstemp", refused)        # the temporary file beside it (write_atomic)
    monkeypatch.setattr(Path, "unlink", refused)
    monkeypatch.setattr(rag.store.os, "unlink", refused)
    with pytest.raises(QueryError, match="Cannot write the query adapter to .*: Read-only file system"):
        adapter.save(adapter.Adapter(np.eye(3, dtype="float32"), "fp", {}), tmp_path / "a.npz")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_as_out_or_adapter_is_refused_at_once(tmp_path, cli_set, monkeypatch, capsys):
    """`rag adapt --out pipe.npz`, `rag search --adapter pipe.npz` and RAG_QUERY_ADAPTER=pipe.npz opened the pipe and
    waited for a writer for ever (a hostile reviewer); `rag eval` refused it at once ("not a regular file")."""
    import threading

    index, qset = cli_set
    monkeypatch.setattr(adapter, "train", lambda *a, **k: pytest.fail("trained before refusing --out"))
    pipe = tmp_path / "pipe.npz"
    os.mkfifo(pipe)
    runs = [["adapt", str(qset), "--index", str(index), "--out", str(pipe)],
            ["search", "power source", "--adapter", str(pipe), "--index", str(index)],
            ["search", "power source", "--index", str(index)]]
    monkeypatch.setenv("RAG_QUERY_ADAPTER", str(pipe))
    for argv in runs:
        codes = []
        t = threading.Thread(target=lambda: codes.append(main(argv)), daemon=True)
        t.start()
        t.join(30)
        if t.is_alive():        # still waiting on the pipe: a writer that closes at once lets it go
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
            t.join(30)
            pytest.fail(f"rag {argv[0]} waited on the named pipe")
        err = capsys.readouterr().err
        assert codes == [1] and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        assert ("is not a query adapter: it was left as it is" if argv[0] == "adapt"
                else "Cannot read the query adapter " + str(pipe) + ": not a regular file") in err


def test_an_out_inside_an_index_folder_is_refused_and_the_index_still_builds(tmp_path, cli_set, monkeypatch, capsys):
    """A hostile review: `rag adapt … --out IDX/adapter.npz --index IDX` wrote into the index folder, and every later
    `rag index`, upload and removal into IDX was refused ("holds files that are not part of the index")."""
    index, qset = cli_set
    calls = []
    monkeypatch.setattr(adapter, "train", lambda *a, **k: calls.append(1))
    # (deeper too, and through a link: a second hostile review's documents/new/adapter.npz was made and then blocked)
    (tmp_path / "link").symlink_to(index)
    for out in (index / "adapter.npz", index / "documents" / "a.npz", index / "lexical" / "a.npz",
                index / "documents" / "new" / "adapter.npz", index / "lexical" / "a" / "b" / "adapter.npz",
                tmp_path / "link" / "adapter.npz"):
        assert main(["adapt", str(qset), "--index", str(index), "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert "inside the index folder" in err and "Traceback" not in err and not out.exists()
    assert calls == []
    from rag.store import index_holding
    assert index_holding(index / "adapter.npz") == index.resolve() and index_holding(tmp_path / "a.npz") is None
    assert not (index / "documents" / "new").exists() and not (index / "lexical" / "a").exists()
