"""The CLI over a tiny index, with the fake embedder; errors become one-line messages."""
import json
import sys
import re
import shlex
import shutil
import time
from pathlib import Path

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


def test_plain_output_shows_a_pdfs_page(tmp_path, capsys):
    # (a hostile review: the chat and the reference named a PDF's page, `rag search` never did)
    from pdfgen import make_pdf

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(make_pdf([["Question: Is the pipeline funded?", "Jane Doe: Yes, by a regional grant."],
                              ["Question: And the prices?", "Jane Doe: They stay flat through the year."]]))
    folder = str(tmp_path / "idx")
    assert run(capsys, "index", str(pdf), "--index", folder, "--quiet")[0] == 0
    code, out, _ = run(capsys, "search", "Will the prices stay flat?", "-k", "1", "--index", folder)
    assert code == 0 and re.search(r"\[1\] Answer to Q2 .* · p\. 2 · ", out), out


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
    bad.write_bytes(b"\x80\x81\x00garbage")
    code, _, err = run(capsys, "index", str(bad), "--index", str(tmp_path / "i"), "--quiet")
    assert code == 1 and "bad.txt" in err


@pytest.mark.parametrize("query", [
    ("Is the pipeline funded? " * 5000)[:100_000],                 # 100,000 characters
    "\x00\x07 pipeline \x1b[31m funded\r\x7f",                    # control characters
    "\u200b\u200d\u202e\u200f Is the pipe\u200bline funded?\u202c",  # zero-width and right-to-left marks
    "💧🚰 pipeline funded? 👍🏽",                                    # emoji
    "Финансируется ли трубопровод?",                               # Cyrillic
    "<script>alert(1)</script><b>pipeline</b> &amp; funded",      # HTML
    "# Is the **pipeline** _funded_? [link](http://x) `code`",    # markdown
], ids=["100k-chars", "control", "zero-width-rtl", "emoji", "cyrillic", "html", "markdown"])
def test_odd_queries_are_searched(tiny_index, capsys, query):
    """Odd text is searched as text: exit 0, quotes printed, no traceback; a long query says it was cut."""
    from rag.retrieve import MAX_QUERY_CHARS

    code, out, err = run(capsys, "search", query, "-k", "2", "--index", str(tiny_index))
    assert code == 0 and err == "" and "Traceback" not in out
    assert "[1] " in out and "briefing.txt:" in out
    cut = re.search(rf"^note: The query was cut to its first (\d+) characters \(limit {MAX_QUERY_CHARS}\)\.$",
                    out, re.M)
    assert bool(cut) == (len(query) > MAX_QUERY_CHARS)
    if cut:
        assert 0 < int(cut.group(1)) <= MAX_QUERY_CHARS


def damage_index(folder, how: str) -> None:
    """Break a copy of an index in one of the ways a disk, a crash or a hand can."""
    if how == "index.faiss truncated":
        data = (folder / "index.faiss").read_bytes()
        (folder / "index.faiss").write_bytes(data[: len(data) // 2])
    elif how == "passages.jsonl reversed":
        path = folder / "passages.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        assert len(set(lines)) > 1                     # else reversing changes nothing
        path.write_text("".join(reversed(lines)), encoding="utf-8")
    elif how == "manifest.json cut":
        data = (folder / "manifest.json").read_bytes()
        (folder / "manifest.json").write_bytes(data[: len(data) // 2])
    elif how == "document text edited":
        doc = next((folder / "documents").glob("*.txt"))
        doc.write_text(doc.read_text(encoding="utf-8").replace("4 million", "9 million"), encoding="utf-8")


DAMAGES = ["index.faiss truncated", "passages.jsonl reversed", "manifest.json cut", "document text edited"]


@pytest.mark.parametrize("how", DAMAGES)
def test_damaged_index_names_the_command(tiny_index, tmp_path, capsys, how):
    """A damaged index (not only a missing one) is a one-line message with the rebuild command, exit 1."""
    folder = tmp_path / "damaged"
    shutil.copytree(tiny_index, folder)
    damage_index(folder, how)
    code, out, err = run(capsys, "search", "Is the pipeline funded?", "--index", str(folder))
    assert code == 1 and out == "" and "Traceback" not in err
    assert err.startswith("error: ") and "rag index" in err and len(err.strip().splitlines()) == 1


def test_bad_lines_of_a_queries_file_are_error_results(tmp_path, tiny_index, capsys):
    """A line with "docs" as a string, without a "query", or not JSON stopped the run (exit 1, after the earlier
    results) while a bad speaker was an error result and the run went on: now every bad line is one."""
    queries = tmp_path / "q.jsonl"
    rows = [{"id": "a", "query": "water prices"}, {"id": "b", "query": "water", "docs": "c1.srt"},
            {"id": "c"}, "not json", {"id": "e", "query": "water", "speaker": 5}, {"query": "reservoir"},
            {"id": "g", "query": "water", "speaker": ""}]       # a hostile review's: "" searched every speaker
    queries.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    code, out, err = run(capsys, "search", "--json", "--queries", str(queries), "--index", str(tiny_index))
    lines = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and err == "" and [x["id"] for x in lines] == ["a", "b", "c", "line-4", "e", "line-6", "g"]
    assert lines[6]["error"].startswith(f'{queries} line 7: "speaker" must be a name') and not lines[6]["passages"]
    assert lines[0]["passages"] and lines[5]["passages"] and "error" not in lines[5]
    assert lines[1]["error"].startswith(f'{queries} line 2: "docs" must be a list of document ids')
    assert f"{queries} line 3: expected a JSON object" in lines[2]["error"]
    assert f"{queries} line 4: expected a JSON object" in lines[3]["error"]
    assert "speaker" in lines[4]["error"] and lines[4]["error"].startswith(f"{queries} line 5: ")   # its line too
    assert all(x["abstained"] and x["passages"] == [] for x in lines[1:5])


def test_a_repeated_id_and_an_empty_docs_list_are_error_results(tmp_path, tiny_index, capsys):
    """A hostile review: two lines of one id gave two results labelled alike, and "docs": [] silently searched
    every document (while --doc "" is refused)."""
    queries = tmp_path / "q.jsonl"
    rows = [{"id": "q1", "query": "water prices"}, {"id": "q1", "query": "reservoir"},
            {"id": "q3", "query": "water", "docs": []}, {"id": 1, "query": "water"}, {"id": "1", "query": "water"}]
    queries.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    code, out, err = run(capsys, "search", "--json", "--queries", str(queries), "--index", str(tiny_index))
    lines = [json.loads(x) for x in out.splitlines()]
    assert code == 0 and [x["id"] for x in lines] == ["q1", "q1", "q3", 1, "1"]
    assert lines[0]["passages"] and "error" not in lines[0]
    assert lines[1]["error"] == f"{queries} line 2: the id \"q1\" is line 1's too: give each query its own"
    assert lines[2]["error"].startswith(f'{queries} line 3: "docs" is empty') and not lines[2]["passages"]
    assert lines[3]["passages"] and lines[4]["passages"]        # 1 and "1" are two ids


def test_a_closed_pipe_ends_the_output_quietly(tiny_index):
    # a new user's `rag docs | head -1` printed a BrokenPipeError traceback
    import subprocess
    import sys

    cmd = f'"{sys.executable}" -m rag docs --index "{tiny_index}" | true; exit ${{PIPESTATUS[0]}}'
    for _ in range(2):      # the pipe may close before or after the first write
        run = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120,
                             env={**__import__("os").environ, "HF_HUB_OFFLINE": "1"})
        assert "Traceback" not in run.stderr and "BrokenPipe" not in run.stderr, run.stderr


def test_a_rebuild_waits_for_an_upload_and_then_keeps_it(tmp_path, interview_file, capsys):
    """A hostile review: `rag index --rebuild` started while the chat was adding an upload read the index's files
    before the upload was in, waited for the lock, then rebuilt without it: the chat had said "1 added", and the
    upload was gone. The files are read under the lock."""
    import threading

    from rag import store
    from rag.build import add_documents
    from rag.store import load

    folder = tmp_path / "idx"
    (tmp_path / "a.txt").write_text("Question: Is the ferry late?\n\nJane Doe: It is on time.\n", encoding="utf-8")
    add_documents([tmp_path / "a.txt"], FakeEmbedder(), folder)
    locked, done = threading.Event(), []

    def upload():
        with store.build_lock(folder):
            locked.set()
            time.sleep(1.0)
            add_documents([interview_file], FakeEmbedder(), folder, uploaded=True)
        done.append(True)

    t = threading.Thread(target=upload)
    t.start()
    locked.wait(10)
    code, _, err = run(capsys, "index", "--rebuild", "--index", str(folder), "--quiet")
    t.join(30)
    assert done and code == 1 and "briefing.txt" in err and "nothing was changed" in err
    assert sorted(load(folder, embedder=FakeEmbedder()).documents) == ["a.txt", "briefing.txt"]


def test_index_without_paths_never_drops_an_upload_nor_adds_the_default_transcript(tmp_path, interview_file, capsys):
    """`rag index --rebuild` with no paths rebuilt from the files left, so an uploaded document (whose text only the
    index holds) vanished and the shipped transcript took its place; `rag index` added the transcript to it."""
    from rag.build import add_documents
    from rag.store import load

    folder = tmp_path / "idx"
    add_documents([interview_file], FakeEmbedder(), folder, uploaded=True)
    code, _, err = run(capsys, "index", "--index", str(folder), "--quiet")
    assert code == 0 and "briefing.txt: no file to read again" in err
    assert list(load(folder, embedder=FakeEmbedder()).documents) == ["briefing.txt"]     # no transcript added
    code, _, err = run(capsys, "index", "--rebuild", "--index", str(folder), "--quiet")
    assert code == 1 and "1 document(s)" in err and "briefing.txt" in err and "nothing was changed" in err
    assert list(load(folder, embedder=FakeEmbedder()).documents) == ["briefing.txt"]
    # another document's stored text damaged: the upload's is intact, so still refused (it was rebuilt without it)
    (tmp_path / "kept.txt").write_text("Question: Is it kept?\n\nJane Doe: It is kept.\n", encoding="utf-8")
    run(capsys, "index", str(tmp_path / "kept.txt"), "--index", str(folder), "--quiet")
    kept = next(d["file"] for d in json.loads((folder / "manifest.json").read_text())["documents"]
                if d["id"] == "kept.txt")
    with open(folder / kept, "a", encoding="utf-8") as f:
        f.write("damage")
    code, _, err = run(capsys, "index", "--rebuild", "--index", str(folder), "--quiet")
    assert code == 1 and "briefing.txt" in err and "nothing was changed" in err
    (tmp_path / "kept.txt").unlink()
    shutil.rmtree(folder)
    add_documents([interview_file], FakeEmbedder(), folder, uploaded=True)
    # a file moved away: the same; named explicitly, a rebuild does as told
    other = tmp_path / "other.txt"
    other.write_text("Question: Is it late?\n\nJane Doe: It is on time.\n", encoding="utf-8")
    code, _, _ = run(capsys, "index", str(other), "--index", str(folder), "--quiet")
    other.rename(tmp_path / "moved.txt")
    code, _, err = run(capsys, "index", "--rebuild", "--index", str(folder), "--quiet")
    assert code == 1 and "2 document(s)" in err
    code, _, _ = run(capsys, "index", str(tmp_path / "moved.txt"), "--rebuild", "--index", str(folder), "--quiet")
    assert code == 0 and list(load(folder, embedder=FakeEmbedder()).documents) == ["moved.txt"]
    # a new index: the default transcript
    code, out, _ = run(capsys, "index", "--index", str(tmp_path / "new"), "--quiet")
    assert code == 0 and "1 added" in out


def test_calibrating_without_index_never_writes_into_the_project_from_elsewhere(tmp_path, interview_file, capsys,
                                                                                  monkeypatch):
    """`rag eval --calibrate` run from another folder wrote the project's calibration.json, which every index of
    the same model borrows: a write uses ./embeddings, as `rag index` does."""
    import rag.paths

    project = tmp_path / "project" / "embeddings"
    run(capsys, "index", str(interview_file), "--index", str(project), "--quiet")
    before = {p.name: p.read_bytes() for p in project.iterdir() if p.is_file()}
    monkeypatch.setattr(rag.paths, "PROJECT_INDEX", project)
    monkeypatch.delenv("RAG_INDEX", raising=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    (elsewhere / "set.jsonl").write_text('{"id": "a", "query": "Is the pipeline funded?", "gold": ["funded"]}\n'
                                         '{"id": "b", "query": "bananas", "gold": []}\n', encoding="utf-8")
    assert run(capsys, "search", "pipeline", "--json")[0] == 0        # a read still finds the project's index
    code, _, err = run(capsys, "eval", "--calibrate", "set.jsonl")
    assert code == 1 and "embeddings" in err
    assert {p.name: p.read_bytes() for p in project.iterdir() if p.is_file()} == before
    assert not (elsewhere / "embeddings").exists()


def test_a_port_out_of_range_is_a_usage_error_not_a_traceback(capsys, monkeypatch):
    with pytest.raises(SystemExit) as exit:
        main(["serve", "--port", "99999"])
    assert exit.value.code == 2 and "a port is a number from 1 to 65535" in capsys.readouterr().err
    for bad in ("99999", "abc"):        # the variable the README names as the default (Gradio read it on import)
        monkeypatch.setenv("GRADIO_SERVER_PORT", bad)
        code, _, err = run(capsys, "serve", "--index", "nowhere")
        assert code == 1 and "GRADIO_SERVER_PORT: a port is a number from 1 to 65535" in err


@pytest.mark.slow      # Gradio's import (~8 s)
def test_a_taken_port_is_one_message(tiny_index, capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run(capsys, "serve", "--port", str(port), "--index", str(tiny_index))
    assert code == 1 and f"Port {port} is taken" in err and "Traceback" not in err


def test_adapt_refuses_a_number_of_steps_that_trains_nothing(capsys):
    """--steps 0 or -5 trained nothing yet printed "Trained…" and wrote a do-nothing adapter."""
    for steps in ("0", "-5"):
        with pytest.raises(SystemExit) as exit:
            main(["adapt", "set.jsonl", "--out", "x.npz", "--steps", steps])
        assert exit.value.code == 2 and "a number of 1 or more" in capsys.readouterr().err


def test_calibrate_refuses_a_share_of_false_abstentions_outside_0_to_1(tiny_index, capsys):
    """--max-false 1, 2, inf, nan ended in a traceback (IndexError, OverflowError, ValueError); -1 and -0.5 were
    taken and stored in the index's calibration.json."""
    from rag.cli import parser

    for bad in ("1", "2", "inf", "-inf", "nan", "-1", "-0.5", "five"):
        with pytest.raises(SystemExit) as exit:
            main(["eval", "set.jsonl", "--index", str(tiny_index), "--calibrate", f"--max-false={bad}"])
        err = capsys.readouterr().err
        assert exit.value.code == 2 and f"a share from 0 to below 1 (0.05 is 5 %), not '{bad}'" in err
        assert "Traceback" not in err and len(err.strip().splitlines()[-1]) < 200
    assert not (tiny_index / "calibration.json").exists()
    for good in ("0", "0.05", "0.999"):
        assert parser().parse_args(["eval", "set.jsonl", "--max-false", good]).max_false == float(good)


def test_the_chat_from_elsewhere_serves_the_projects_index_read_only(tmp_path, interview_file, capsys, monkeypatch):
    """`rag serve` from another folder served the project's shipped index with uploads on: a visitor's upload wrote
    into the project."""
    import rag.cli
    import rag.paths

    project = tmp_path / "project" / "embeddings"
    run(capsys, "index", str(interview_file), "--index", str(project), "--quiet")
    monkeypatch.setattr(rag.paths, "PROJECT_INDEX", project)
    monkeypatch.delenv("RAG_INDEX", raising=False)
    served = {}         # what `rag serve` would start the chat with (the real one starts Gradio)
    monkeypatch.setattr(rag.cli, "cmd_serve", lambda args: served.update(vars(args)) or 0)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, _, err = run(capsys, "serve")
    assert code == 0 and served["index"] == str(project) and served["read_only"] is True
    assert "read-only" in err
    code, _, _ = run(capsys, "serve", "--index", str(project))           # named: as asked
    assert code == 0 and not served["read_only"]


def test_index_draws_its_progress_bars_only_on_a_terminal(tmp_path, interview_file, capsys, monkeypatch):
    """A new user's `rag index … 2>log` filled the log with tqdm's redrawn frames ("\\rEmbedding: 0%|…"): the bars
    are drawn only where stderr is a terminal; the report line is printed either way."""
    code, out, err = run(capsys, "index", str(interview_file), "--index", str(tmp_path / "a"))
    assert code == 0 and "passages" in out and "Embedding" not in err and "\r" not in err
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = run(capsys, "index", str(interview_file), "--index", str(tmp_path / "b"))
    assert code == 0 and "Embedding" in err


def test_remove_from_another_folder_says_there_is_no_index_there(tmp_path, capsys, monkeypatch, interview_file):
    """A new user in another folder: `rag docs` listed the project's index, `rag remove ID` of one of its documents
    then said "no such document in the index" and "no index was written (there is no document to hold)". It says
    that ./embeddings holds no index and which one `rag docs` read, and writes nothing."""
    import rag.paths

    project = tmp_path / "project" / "embeddings"
    run(capsys, "index", str(interview_file), "--index", str(project), "--quiet")
    monkeypatch.setattr(rag.paths, "PROJECT_INDEX", project)
    monkeypatch.delenv("RAG_INDEX", raising=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    doc = interview_file.name
    assert doc in run(capsys, "docs")[1]
    code, _, err = run(capsys, "remove", doc)
    assert code == 1 and f"there is no index in ./embeddings/ to remove documents from; `rag docs` here lists the " \
                         f"project's index, which `rag remove` changes only from the project's folder or with " \
                         f"--index {project}." in err
    assert not (elsewhere / "embeddings").exists() and doc in run(capsys, "docs")[1]


def test_a_documents_control_characters_are_shown_not_sent_to_the_terminal(tmp_path, capsys):
    # (a hostile review: a quote's ESC[2K / OSC 52, a Markdown title's OSC 0 and a file name's ESC[31m reached the
    # terminal raw from `rag search` and `rag docs`; the summary's words were already stripped of them)
    folder = tmp_path / "esc"
    folder.mkdir()
    (folder / "two.txt").write_text("Harbour minutes.\n\nThe ferry timetable changes in June.\x1b[2K\x1b[1A Nothing "
                                    "to see here.\t\x1b]52;c;cm0gLXJmIH4K\x07\n", encoding="utf-8")
    (folder / "notes.md").write_text('---\ntitle: "Minutes\x1b]0;owned\x07"\n---\n# Minutes\n\nThe tugboat was '
                                     'sold in March.\n', encoding="utf-8")
    (folder / "x\x1b[31mred.txt").write_text("The pier was repainted.\n", encoding="utf-8")
    index = str(tmp_path / "idx")
    code, out, err = run(capsys, "index", str(folder), "--index", index, "--quiet")
    assert code == 0 and "\x1b" not in out + err
    code, out, err = run(capsys, "search", "ferry timetable June pier tugboat", "-k", "3", "--index", index)
    assert code == 0 and not any(c in out + err for c in "\x1b\x07")
    assert "June.\\x1b[2K\\x1b[1A Nothing to see here.\t\\x1b]52;c;cm0gLXJmIH4K\\x07" in out  # (its tab kept)
    assert "Harbour minutes.\n    \n    The ferry" in out       # a quote's lines as they are
    assert "esc/x\\x1b[31mred.txt:0-23" in out
    code, out, err = run(capsys, "docs", "--index", index)
    assert code == 0 and not any(c in out + err for c in "\x1b\x07")
    assert "Minutes\\x1b]0;owned\\x07" in out and "x\\x1b[31mred.txt\t1 passage" in out
    code, out, _ = run(capsys, "docs", "--index", index, "--json")       # JSON stays exact
    assert {"Minutes\x1b]0;owned\x07", "x\x1b[31mred.txt"} <= {d["title"] for d in json.loads(out)}
    code, out, _ = run(capsys, "search", "ferry timetable June", "-k", "1", "--json", "--index", index)
    assert "\x1b]52;c;cm0gLXJmIH4K\x07" in json.loads(out)["passages"][0]["text"]
    # a name in Arabic keeps its marks of direction (RLM), which turn nothing around; an override is shown escaped
    from rag.cli import _visible
    assert _visible("(\u200fليلى حداد\u200f) said", lines=True) == "(\u200fليلى حداد\u200f) said"
    assert _visible("normal \u202egpj.exe") == "normal \\u202egpj.exe"


def test_a_rebuild_from_the_index_files_never_drops_one_it_cannot_read(tmp_path, capsys):
    """Session 33's hostile tester: `rag index --rebuild` (no paths) said of a file that had become a link out of its
    folder "kept as indexed", then wrote the index without it (exit 0); a file that could no longer be read (chmod 000)
    was dropped the same way, the index holding its only text. Both are refused now, nothing changed; without
    --rebuild both documents stay as indexed."""
    from rag.store import load

    docs, elsewhere, folder = tmp_path / "d", tmp_path / "elsewhere", tmp_path / "idx"
    docs.mkdir()
    elsewhere.mkdir()
    (docs / "a.txt").write_text("The harbour ferry timetable changes in June.\n", encoding="utf-8")
    (docs / "memo.txt").write_text("The ferry subsidy ends in May, the memo says.\n", encoding="utf-8")
    (docs / "notes.txt").write_text("The night buses stop at midnight.\n", encoding="utf-8")
    assert run(capsys, "index", str(docs), "--index", str(folder), "--quiet")[0] == 0
    (docs / "memo.txt").rename(elsewhere / "memo.txt")
    (docs / "memo.txt").symlink_to(elsewhere / "memo.txt")
    manifest = (folder / "manifest.json").read_bytes()
    code, _, err = run(capsys, "index", "--rebuild", "--index", str(folder), "--quiet")
    assert code == 1 and "nothing was changed" in err, err
    assert "memo.txt" in err and "now a link to a file outside its folder" in err
    assert (folder / "manifest.json").read_bytes() == manifest
    code, _, err = run(capsys, "index", "--index", str(folder), "--quiet")
    assert code == 0 and sorted(load(folder, embedder=FakeEmbedder()).documents) == ["a.txt", "memo.txt", "notes.txt"]
    # a file there that cannot be read (root reads any file: the capabilities that let it are dropped, as the tester
    # did, and the fake embedder is the model of a process started here: the fast test's own)
    (docs / "memo.txt").unlink()
    (elsewhere / "memo.txt").rename(docs / "memo.txt")
    (docs / "notes.txt").chmod(0)
    manifest = (folder / "manifest.json").read_bytes()
    try:
        done = unprivileged("index", "--rebuild", "--index", str(folder), "--quiet")
        assert done.returncode == 1 and "notes.txt" in done.stderr and "not readable" in done.stderr, done.stderr
        # and its advice is no way to lose it (the day's review: "Name the files to index (rag index FILE...
        # --rebuild)", followed with the folder, left the unreadable file out and dropped its document): a rebuild
        # naming the folder is refused too
        assert "Make the unreadable ones readable again" in done.stderr and "rag index FILE" not in done.stderr
        done = unprivileged("index", str(docs), "--rebuild", "--index", str(folder), "--quiet")
        assert done.returncode == 1 and "could not be read" in done.stderr and "nothing was changed" in done.stderr
        assert (folder / "manifest.json").read_bytes() == manifest
        assert (folder / "manifest.json").read_bytes() == manifest
        # and `rag docs` lists the others, that one marked (one such file failed the whole listing: "[Errno 13]")
        done = unprivileged("docs", "--index", str(folder))
        assert done.returncode == 0 and "3 document(s)" in done.stdout, done.stderr
        assert "notes.txt" in done.stdout and "[file cannot be read: the index keeps its text]" in done.stdout
    finally:
        (docs / "notes.txt").chmod(0o644)


def unprivileged(*args: str):
    """`rag ARGS` in a process of its own that permission bits bind (as root, the capabilities that let root read any
    file dropped, as session 33's tester did), the fast tests' fake embedder its model."""
    import os
    import subprocess

    script = (f"import sys; sys.path[:0] = {[str(Path(__file__).parent)]!r}; import rag.embed, conftest; "
              "rag.embed.default_embedder = conftest.FakeEmbedder; from rag.cli import main; "
              f"sys.exit(main({list(args)!r}))")
    command = [sys.executable, "-c", script]
    if os.geteuid() == 0:
        if shutil.which("capsh") is None:
            pytest.skip("as root, needs capsh to make a file unreadable")
        command = ["capsh", "--drop=cap_dac_override,cap_dac_read_search,cap_fowner", "--", "-c",
                   " ".join(map(shlex.quote, command))]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env={**os.environ, "HF_HUB_OFFLINE": "1"})


def test_a_grown_source_file_is_hashed_a_block_at_a_time(tmp_path):
    """Session 33's tester: every search and `rag docs` read each indexed file whole to hash it (a log grown to 3 GB:
    3.2 GB of memory; 20 GB: a MemoryError traceback)."""
    import tracemalloc

    from rag import store
    from rag.build import add_documents, list_documents

    log = tmp_path / "log.txt"
    log.write_text("The pump failed at dawn.\n", encoding="utf-8")
    folder = tmp_path / "idx"
    add_documents([log], FakeEmbedder(), folder)
    with open(log, "r+b") as f:
        f.truncate(64 << 20)                # grown to 64 MB (sparse: no disk)
    manifest = store.read_manifest(folder / "manifest.json")
    tracemalloc.start()
    try:
        changed = store.changed_sources(folder, manifest)
        listed = list_documents(folder)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert changed == [manifest["documents"][0]["path"]] and listed[0]["source"] == "changed"
    assert peak < 16 << 20, peak


def test_an_index_refused_inside_the_folder_it_indexes_leaves_nothing_there(tmp_path, capsys):
    """Session 33's hostile tester: `rag index NOTES --index NOTES/idx` said "nothing was written" and left the build's
    lock file NOTES/.idx.lock in the user's folder."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "ferry.txt").write_text("My own notes about the ferry.\n", encoding="utf-8")
    code, _, err = run(capsys, "index", str(notes), "--index", str(notes / "idx"))
    assert code == 1 and "nothing was written" in err
    assert sorted(p.name for p in notes.iterdir()) == ["ferry.txt"]
