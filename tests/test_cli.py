"""The CLI over a tiny index, with the fake embedder; errors become one-line messages."""
import json

import pytest

import rag.embed
from rag.cli import main

from conftest import FakeEmbedder


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_index_then_search_json(tmp_path, interview_file, capsys):
    folder = str(tmp_path / "idx")
    code, out, _ = run(capsys, "index", str(interview_file), "--index", folder, "--quiet")
    assert code == 0 and "passages" in out
    code, out, _ = run(capsys, "search", "Is the pipeline funded?", "-k", "2", "--json", "--index", folder)
    assert code == 0
    result = json.loads(out)
    assert result["query"] == "Is the pipeline funded?" and result["abstained"] is False
    text = interview_file.read_text(encoding="utf-8")
    for key in ("rank", "text", "score", "source", "start", "end", "section", "question", "speaker", "paragraph"):
        assert key in result["passages"][0]
    for p in result["passages"]:
        assert text[p["start"]:p["end"]] == p["text"]
        assert p["source"].endswith("briefing.txt")
    top = result["passages"][0]
    assert top["section"] == "Q2" and top["question"] == "Is the pipeline funded?" and top["speaker"] == "Jane Doe"


def test_queries_file(tmp_path, tiny_index, capsys):
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "a", "query": "water prices"}\n\n{"id": "b", "query": "   "}\n')
    code, out, _ = run(capsys, "search", "--json", "--queries", str(queries), "--index", str(tiny_index))
    lines = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and [x["id"] for x in lines] == ["a", "b"]
    assert lines[0]["passages"] and "empty" in lines[1]["error"]


def test_plain_output_shows_citation(tiny_index, capsys):
    code, out, _ = run(capsys, "search", "water prices next year", "--index", str(tiny_index))
    assert code == 0 and "[1] Answer to Q1" in out and "Prices will stay flat" in out


@pytest.mark.parametrize("argv, words", [
    (["search", "   "], "empty"),
    (["search", "x", "-k", "0"], "between 1 and"),
    (["search", "x", "-k", "-3"], "between 1 and"),
    (["search", "x", "-k", "100000"], "between 1 and"),
])
def test_bad_queries_get_a_message(tiny_index, capsys, argv, words):
    code, out, err = run(capsys, *argv, "--index", str(tiny_index))
    assert code == 1 and words in err and "Traceback" not in err


def test_missing_index_names_the_command(tmp_path, capsys):
    code, _, err = run(capsys, "search", "x", "--index", str(tmp_path / "none"))
    assert code == 1 and "rag index" in err


def test_unreadable_document_is_a_message(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    code, _, err = run(capsys, "index", str(bad), "--index", str(tmp_path / "i"), "--quiet")
    assert code == 1 and "bad.txt" in err
