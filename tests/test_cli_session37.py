"""The README's claims against the command line (session 37's audit by a new user): an index inside a folder being
indexed was read in as documents; a mistyped --host was "Port N is taken"; a folder of documents given as --index
was told to build an index there, which rag index refuses; "too large (50 MB; the limit is 50 MB)"; a link out of the
folder counted "1 skipped" with exit 0; options that mean nothing beside others were dropped without a word; a
calibration from one answered question said nothing of it; `rag docs` did not mark a file that is gone."""
from __future__ import annotations

import json

import pytest

import rag.embed
from rag import read
from rag.cli import main
from rag.errors import DocumentError

from conftest import FakeEmbedder


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)


def test_an_index_inside_a_folder_being_indexed_is_left_out(tmp_path, monkeypatch, capsys, fake):
    project = tmp_path / "proj"
    project.mkdir()
    (project / "report.txt").write_text("Annual water report.\n\nThe reservoir is full after the spring rains.\n",
                                        encoding="utf-8")
    monkeypatch.chdir(project)
    assert main(["index", "report.txt", "--quiet"]) == 0          # ./embeddings, inside the folder
    capsys.readouterr()
    monkeypatch.chdir(tmp_path)
    assert main(["index", "proj", "--index", "other", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "1 added, 1 left out" in captured.out and "skipped" not in captured.out + captured.err
    assert f"note: proj/embeddings: {read.AN_INDEX}" in captured.err
    assert main(["docs", "--index", "other", "--json"]) == 0
    assert [d["id"] for d in json.loads(capsys.readouterr().out)] == ["report.txt"]


def test_a_link_out_of_the_folder_is_left_out_not_skipped(tmp_path, monkeypatch, capsys, fake):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.md").write_text("# Notes\n\nThe ferry runs at nine.\n", encoding="utf-8")
    (tmp_path / "private.txt").write_text("secret words\n", encoding="utf-8")
    (docs / "outside.txt").symlink_to(tmp_path / "private.txt")
    monkeypatch.chdir(tmp_path)
    assert main(["index", "docs", "--index", "idx", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "1 added, 1 left out" in captured.out and "skipped" not in captured.out
    assert f"note: docs/outside.txt: {read.LINKED_OUTSIDE}" in captured.err


@pytest.mark.parametrize("host, said", [("localhots", "--host localhots: no such address"),
                                        ("10.255.255.1", "--host 10.255.255.1: the chat cannot listen there"),
                                        ("", "--host is empty")])
def test_a_host_the_chat_cannot_listen_on_is_said_as_such(host, said, tmp_path, capsys, monkeypatch):
    def served(**_):        # (the empty host served on 127.0.0.1: a test without the check would never end)
        raise AssertionError("the chat was started")
    monkeypatch.setattr("rag.ui.serve", served)
    assert main(["serve", "--host", host, "--port", "7938", "--index", str(tmp_path / "idx")]) == 1
    err = capsys.readouterr().err
    assert said in err and "taken" not in err and err.count("\n") == 1


def test_a_folder_of_documents_given_as_index_is_said_to_be_one(tmp_path, capsys, fake):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "ferry.txt").write_text("The ferry runs at nine.\n", encoding="utf-8")
    assert main(["search", "ferry", "--index", str(tmp_path / "docs")]) == 1
    err = capsys.readouterr().err
    assert "holds files of its own (ferry.txt), not an index" in err and "--index NEW_FOLDER" in err
    assert main(["search", "ferry", "--index", str(tmp_path / "none")]) == 1
    assert "Build it with: rag index PATH... --index" in capsys.readouterr().err


def test_a_file_over_the_limit_says_by_how_much(tmp_path, monkeypatch):
    monkeypatch.setattr(read, "MAX_BYTES", 2**20)
    big = tmp_path / "big.txt"
    big.write_text("a" * (2**20 + 1), encoding="utf-8")
    with pytest.raises(DocumentError, match=r"too large \(1\.1 MB; the limit is 1 MB\)"):
        read.read(big)


@pytest.mark.parametrize("argv, said", [
    (["search", "x", "--queries", "q.jsonl"], "give a query or --queries FILE, not both"),
    (["ask", "x", "--extractive"], "--extractive picks the kind of summary: add --summary"),
    (["ask", "x", "--summary", "--extractive", "--free"], "--extractive uses no model"),
    (["eval", "q.jsonl", "--max-false", "0.2"], "--max-false is --calibrate's"),
    (["models", "--check", "--wheel", "x.whl"], "--check only reports what the cache holds"),
])
def test_options_that_mean_nothing_together_are_refused(argv, said, capsys):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2 and said in capsys.readouterr().err


def test_a_calibration_from_few_answered_questions_says_so(tiny_index, tmp_path, capsys, monkeypatch, fake_embedder):
    monkeypatch.setattr(rag.embed, "default_embedder", lambda: fake_embedder)
    path = tmp_path / "mine.jsonl"
    path.write_text('{"id": "q1", "query": "Is the pipeline funded?", "gold": ["regional grant"]}\n'
                    '{"id": "q2", "query": "zebra migration in Kenya", "gold": []}\n', encoding="utf-8")
    assert main(["eval", str(path), "--index", str(tiny_index), "--calibrate"]) == 0
    assert "warning: learnt from 1 answered query: a threshold wants 5 or more" in capsys.readouterr().out


def test_rag_docs_marks_a_file_that_is_gone(tmp_path, monkeypatch, capsys, fake):
    (tmp_path / "ferry.txt").write_text("The ferry runs at nine.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["index", "ferry.txt", "--index", "idx", "--quiet"]) == 0
    (tmp_path / "ferry.txt").unlink()
    capsys.readouterr()
    assert main(["docs", "--index", "idx"]) == 0
    assert "[file gone: the index keeps its text]" in capsys.readouterr().out


def test_a_summary_with_no_sentence_is_null_in_the_json():
    from rag.cli import _summary_json
    from rag.summarise import Summary

    out = _summary_json(Summary([], "tiny-model", "the summary server did not answer"))
    assert out["summary"] is None and out["summary_reason"] == "the summary server did not answer"


def test_each_passage_names_its_document_s_id_which_doc_takes(tiny_index, capsys, monkeypatch, fake_embedder):
    monkeypatch.setattr(rag.embed, "default_embedder", lambda: fake_embedder)
    assert main(["search", "Is the pipeline funded?", "--index", str(tiny_index), "--json", "-k", "1"]) == 0
    passage = json.loads(capsys.readouterr().out)["passages"][0]
    assert passage["doc_id"] == "briefing.txt" and passage["document"] != "briefing.txt"      # (its title)
    assert main(["search", "pipeline", "--index", str(tiny_index), "--json", "--doc", passage["doc_id"]]) == 0
    assert json.loads(capsys.readouterr().out)["passages"]


def test_a_folder_with_files_named_like_an_index_s_is_indexed(tmp_path, monkeypatch, capsys, fake):
    """(The review of the fix: a dataset's own manifest.json and passages.jsonl made its folder "an index", left out.)"""
    data = tmp_path / "dataset"
    (data / "sub").mkdir(parents=True)
    (data / "manifest.json").write_text('{"name": "my dataset", "version": 2}\n', encoding="utf-8")
    (data / "passages.jsonl").write_text('{"text": "x"}\n', encoding="utf-8")
    (data / "interview.txt").write_text("The ferry runs at nine.\n", encoding="utf-8")
    (data / "sub" / "notes.md").write_text("# Notes\n\nThe bridge closes in May.\n", encoding="utf-8")
    files, skipped = read.expand([data])
    assert {f.name for f in files} == {"interview.txt", "notes.md"} and read.AN_INDEX not in {w for _, w in skipped}


@pytest.mark.parametrize("host, given", [("[::1]", "::1"), ("::1", "::1"), ("localhost", "localhost"),
                                         ("0.0.0.0", "0.0.0.0"), (" 127.0.0.1 ", "127.0.0.1")])
def test_hosts_the_chat_can_listen_on_pass_as_the_server_takes_them(host, given, tmp_path, monkeypatch):
    # (" 127.0.0.1" passed the check and the server, given the spaces, said "Port N is taken"; "[::1]" was warned of
    # as an address others can reach)
    started = []
    monkeypatch.setattr("rag.ui.serve", lambda **kw: started.append(kw["host"]))
    assert main(["serve", "--host", host, "--port", "7938", "--index", str(tmp_path / "idx")]) == 0
    assert started == [given]


@pytest.mark.parametrize("host, said", [("my..host", "no such address (not a host name)"),
                                        ("x" * 70 + ".org", "no such address"),
                                        ("localhost\nevil", "--host localhost\\nevil")])
def test_a_malformed_host_is_one_line_never_a_traceback(host, said, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("rag.ui.serve", lambda **kw: pytest.fail("served"))
    assert main(["serve", "--host", host, "--port", "7938", "--index", str(tmp_path / "idx")]) == 1
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1


def test_a_manifest_json_that_is_a_pipe_or_a_link_is_never_opened(tmp_path):
    """(The re-review: a named pipe called manifest.json hung `rag index` for good; a link to /dev/zero read without
    end, then a MemoryError traceback.)"""
    import os

    data = tmp_path / "data"
    (data / "a").mkdir(parents=True)
    (data / "b").mkdir()
    os.mkfifo(data / "a" / "manifest.json")
    (data / "b" / "manifest.json").symlink_to("/dev/zero")
    (data / "notes.txt").write_text("The ferry runs at nine.\n", encoding="utf-8")
    assert not read.our_manifest(data / "a" / "manifest.json") and not read.our_manifest(data / "b" / "manifest.json")
    files, skipped = read.expand([data])
    assert [f.name for f in files] == ["notes.txt"]
    assert read.AN_INDEX not in {why for _, why in skipped}


def test_a_zero_width_space_in_a_query_breaks_its_words():
    from rag.query import visible

    assert visible("ferry\u200bschedule") == "ferry schedule" and visible("\u200b") == ""
