"""Hostile inputs get the product's own one-line messages, never a traceback or a library's log line:
query files and query sets that are missing or badly encoded, bad gold lists, odd `docs=`, files
with byte-order marks, broken PDFs, dangling links, missing optional packages."""
from __future__ import annotations

import json
import logging
import os
import sys

import pytest
from conftest import INTERVIEW, FakeEmbedder
from pdfgen import make_pdf
from test_cli import run

import rag.embed
from rag import evaluate, read, store
from rag.build import build
from rag.errors import DocumentError, QueryError
from rag.retrieve import open_retriever


@pytest.fixture
def fake_model(monkeypatch):
    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)


def one_line_error(code, out, err):
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


# ---- rag search --queries FILE -----------------------------------------------------------------

GOOD = '{"id": "a", "query": "water prices"}\n'


@pytest.mark.parametrize("name, data, words", [
    ("missing.jsonl", None, ["missing.jsonl", "No such file"]),
    ("latin1.jsonl", (GOOD + '{"id": "b", "query": "café"}\n').encode("latin-1"), ["latin1.jsonl", "line 2", "not UTF-8"]),
    ("utf16.jsonl", (GOOD + GOOD).encode("utf-16-le"), ["utf16.jsonl", "line 1", "NUL"]),   # UTF-16 with no BOM
    ("odd.jsonl", (GOOD + GOOD).encode("utf-16")[:-1], ["odd.jsonl", "line 2", "not UTF-16"]),  # cut mid-character
], ids=["missing", "latin-1", "utf-16-no-bom", "utf-16-truncated"])
def test_search_queries_file_that_cannot_be_read_is_a_message(tmp_path, tiny_index, capsys, fake_model,
                                                              name, data, words):
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    code, out, err = run(capsys, "search", "--json", "--queries", str(path), "--index", str(tiny_index))
    one_line_error(code, out, err)
    for w in words:
        assert w in err


def test_search_queries_file_in_utf16_with_bom_is_read(tmp_path, tiny_index, capsys, fake_model):
    for codec in ("utf-16", "utf-16-be", "utf-8-sig"):
        path = tmp_path / f"{codec}.jsonl"
        bom = "\ufeff" if codec == "utf-16-be" else ""     # utf-16 and utf-8-sig write their own
        path.write_bytes((bom + GOOD + '{"id": "b", "query": "café pipeline"}\n').encode(codec))
        code, out, err = run(capsys, "search", "--json", "--queries", str(path), "--index", str(tiny_index))
        lines = [json.loads(x) for x in out.splitlines()]
        assert code == 0 and err == "" and [x["id"] for x in lines] == ["a", "b"], codec
        assert lines[1]["query"] == "café pipeline" and lines[0]["passages"]


# ---- rag eval: query sets ----------------------------------------------------------------------

def write_set(tmp_path, second: dict | str) -> str:
    path = tmp_path / "set.jsonl"
    first = {"id": "ok", "query": "water prices", "gold": ["Prices will stay flat next year."]}
    second = second if isinstance(second, str) else json.dumps(second, ensure_ascii=False)
    path.write_text(json.dumps(first) + "\n" + second + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("gold", [[123], [None], "Prices will stay flat", {"a": 1}, None, [""], ["  \n"],
                                  ["Prices will stay flat next year.", ""]],
                         ids=["number", "null", "string", "object", "null-gold", "empty-string", "blank",
                              "one-empty"])
def test_eval_refuses_gold_that_is_not_a_list_of_quotes(tmp_path, gold):
    path = write_set(tmp_path, {"id": "q7", "query": "water prices", "gold": gold})
    with pytest.raises(QueryError) as e:
        evaluate.load_set(path)
    assert str(e.value).startswith(f'{path} line 2 (id "q7"): "gold" must be a list of non-empty strings')


@pytest.mark.parametrize("query", ["", "   ", "\u200b\t"])
def test_eval_refuses_an_empty_query(tmp_path, query):
    path = write_set(tmp_path, {"id": "blank", "query": query, "gold": []})
    with pytest.raises(QueryError) as e:
        evaluate.load_set(path)
    assert str(e.value).startswith(f'{path} line 2 (id "blank"): ') and "empty" in str(e.value)


def test_empty_gold_would_hit_everything():
    """Why "" is refused: by score.py's rule it is inside every passage."""
    assert evaluate.hits("anything at all", "")


@pytest.mark.parametrize("second, words", [
    ({"id": "q9", "query": "water", "gold": [None]}, ['line 2 (id "q9")', '"gold" must be']),
    ({"id": "q3", "query": " ", "gold": []}, ['line 2 (id "q3")', "empty"]),
    ({"id": "x", "query": "caf\u00e9", "gold": []}, ["line 2", "not UTF-8"]),
], ids=["null-gold", "empty-query", "latin-1"])
def test_cli_eval_bad_set_is_one_line(tmp_path, tiny_index, capsys, fake_model, second, words):
    path = write_set(tmp_path, second)
    if "not UTF-8" in words:     # the same line, saved in latin-1
        data = open(path, "rb").read()
        open(path, "wb").write(data.replace("\u00e9".encode(), b"\xe9"))
    code, out, err = run(capsys, "eval", path, "--index", str(tiny_index))
    one_line_error(code, out, err)
    assert path in err and all(w in err for w in words)


def test_cli_eval_missing_set_is_one_line(tmp_path, tiny_index, capsys, fake_model):
    code, out, err = run(capsys, "eval", str(tmp_path / "none.jsonl"), "--index", str(tiny_index))
    one_line_error(code, out, err)
    assert "none.jsonl" in err and "No such file" in err


# ---- Retriever.search(docs=...) ----------------------------------------------------------------

@pytest.mark.parametrize("docs", [{None}, {1, "briefing.txt"}, [b"briefing.txt"], 5, [["briefing.txt"]]],
                         ids=["none", "number", "bytes", "not-a-collection", "unhashable"])
def test_docs_that_are_not_ids_are_a_query_error(tiny_index, fake_embedder, docs):
    r = open_retriever(tiny_index, fake_embedder)
    with pytest.raises(QueryError, match="(?i)document ids"):
        r.search("pipeline", 3, docs=docs)


# ---- byte-order marks --------------------------------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-8"])
def test_text_with_a_bom_is_read_without_it(tmp_path, codec):
    path = tmp_path / "briefing.txt"
    path.write_bytes(("\ufeff" + INTERVIEW).encode(codec))
    doc = read.read(path)
    assert doc.text == INTERVIEW


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-le"])
def test_bom_file_indexes_with_exact_offsets(tmp_path, fake_embedder, codec):
    """Offsets point into the stored text (documents/*.txt), which is the file's text without its BOM."""
    path = tmp_path / "bom.txt"
    path.write_bytes(("\ufeff" + INTERVIEW).encode(codec))
    folder = tmp_path / "idx"
    build([path], fake_embedder, folder=folder)
    index = store.load(folder, embedder=fake_embedder)
    doc = index.documents["bom.txt"]
    assert doc.text == INTERVIEW and not doc.text.startswith("\ufeff")
    stored = [f.read_text(encoding="utf-8") for f in (folder / "documents").glob("*.txt")]
    assert stored == [INTERVIEW]
    assert index.passages and index.paragraphs
    for p in index.passages + index.paragraphs:
        assert doc.text[p.start:p.end] == p.text
    hits = open_retriever(folder, fake_embedder).search("Is the pipeline funded?", 2).hits
    assert hits and "funded by a regional grant" in hits[0].passage.text


def test_bad_bytes_name_the_line(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes("First line.\nSecond line.\nCaf\u00e9 third.\n".encode("latin-1"))
    with pytest.raises(DocumentError) as e:
        read.read(path)
    assert str(e.value).startswith(f"{path}: not UTF-8 text (line 3:")


# ---- PDFs --------------------------------------------------------------------------------------

def test_broken_pdf_is_our_message_and_pypdf_stays_quiet(tmp_path, caplog, capfd):
    data = make_pdf([["Hello there. This is a page of text."]], title="T")
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])          # "EOF marker not found", then a broken stream
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(DocumentError) as e:
            read.read(path)
    assert str(e.value) == f"{path}: cannot be read as PDF: the file is truncated or damaged"
    assert [r.getMessage() for r in caplog.records if r.name.startswith("pypdf")] == []
    assert "EOF marker" not in capfd.readouterr().err
    assert logging.getLogger("pypdf").level == logging.NOTSET       # restored after reading
    good = tmp_path / "good.pdf"
    good.write_bytes(data)
    assert "Hello there." in read.read(good).text


# ---- links and packages ------------------------------------------------------------------------

def test_dangling_links_are_reported(tmp_path):
    folder = tmp_path / "talks"
    folder.mkdir()
    (folder / "a.txt").write_text("A.", encoding="utf-8")
    (folder / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    (tmp_path / "loose.md").symlink_to(tmp_path / "nowhere.md")
    files, skipped = read.expand([folder, tmp_path / "loose.md", tmp_path / "missing.txt"])
    assert [f.name for f in files] == ["a.txt"]
    assert skipped == [(str(folder / "gone.txt"), "a link to a missing file"),
                       (str(tmp_path / "loose.md"), "a link to a missing file"),
                       (str(tmp_path / "missing.txt"), "no such file")]
    with pytest.raises(DocumentError, match="loose.md: a link to a missing file$"):
        read.read(tmp_path / "loose.md")
    # a named pipe in a folder was left out without a word (and is never opened: reading one would block)
    os.mkfifo(folder / "pipe.txt")
    files, skipped = read.expand([folder])
    assert [f.name for f in files] == ["a.txt"] and (str(folder / "pipe.txt"), "not a file") in skipped


def test_cli_index_reports_dangling_links(tmp_path, capsys, fake_model):
    folder = tmp_path / "talks"
    folder.mkdir()
    (folder / "briefing.txt").write_text(INTERVIEW, encoding="utf-8")
    (folder / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    code, out, err = run(capsys, "index", str(folder), "--index", str(tmp_path / "idx"), "--quiet")
    assert code == 1 and "Traceback" not in err
    assert f"skipped {folder / 'gone.txt'}: a link to a missing file" in err


@pytest.mark.parametrize("name, module, package", [
    ("x.pdf", "pypdf", "pypdf"), ("x.docx", "docx", "python-docx"), ("x.html", "bs4", "beautifulsoup4")])
def test_missing_optional_package_names_the_pip_command(tmp_path, monkeypatch, name, module, package):
    path = tmp_path / name
    path.write_bytes(b"<html><body><p>Some text.</p></body></html>" if name.endswith("html") else b"data")
    monkeypatch.setitem(sys.modules, module, None)        # `import module` now fails as if not installed
    with pytest.raises(DocumentError) as e:
        read.read(path)
    kind = name.rsplit(".", 1)[1].upper()
    assert str(e.value) == f"{path}: reading {kind} files needs {package}: pip install {package}"
