"""rag eval: the hit rule of score.py, the metrics on a hand-made set, calibration, the CLI."""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from rag import evaluate
from rag.cli import main
from rag.errors import QueryError
from rag.records import Document
from rag.records import Hit, Passage
from rag.retrieve import Result

SCORER = Path("/work/shared/eval/score.py")
GOLD = "Prices will stay flat next year. The council agreed on that in February."


def test_hit_rule_shared_substring():
    assert evaluate.hits("Jane Doe: " + GOLD + " More.", GOLD)                # contains it
    assert evaluate.hits("Prices   will stay\nflat next year. The council agreed", GOLD)  # 60 % after folding
    assert not evaluate.hits("Prices will stay flat next year.", GOLD)         # 32 chars < 0.6 * 73
    long_gold = "x" * 400
    assert evaluate.hits("y" + "x" * 150 + "y", long_gold)                     # capped at 150 chars
    assert not evaluate.hits("y" + "x" * 149 + "y", long_gold)


@pytest.mark.skipif(not SCORER.is_file(), reason="the shared scorer is not here")
def test_hit_rule_agrees_with_the_shared_scorer():
    spec = importlib.util.spec_from_file_location("score", SCORER)
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    cases = [(GOLD[:n] + " tail", GOLD) for n in range(30, len(GOLD), 7)] + [("a b  c " * 40, "b c a " * 30)]
    for passage, gold in cases:
        assert evaluate.hits(passage, gold) == score.hits(passage, gold)


def test_metrics_by_hand():
    # ranks of the first hit: 1, 3, none, 2 (abstained: a miss at every k); negatives: one of two abstained
    m = evaluate.metrics([1, 3, None, 2], [False, False, False, True], [True, False])
    assert m["R@1"] == 0.25 and m["R@3"] == 0.5 and m["R@5"] == 0.5 and m["R@10"] == 0.5
    assert m["MRR@10"] == pytest.approx((1 + 1 / 3) / 4)
    assert m["false_abstain"] == 0.25 and m["neg_abstain"] == 0.5
    assert evaluate.metrics([1], [False], [])["neg_abstain"] is None


class KnownRetriever:
    """Returns, for each query, passages with fixed texts and a fixed confidence."""

    def __init__(self, answers):
        self.answers = answers     # query -> (texts, confidence)
        self.threshold = 0.5

    def search(self, query, k=5, abstain=True):
        texts, conf = self.answers.get(query, ([], 0.0))
        hits = [Hit(Passage("d", 0, len(t), t, "text", "paragraph", 1), i, 1.0) for i, t in enumerate(texts[:k], 1)]
        abstained = abstain and conf < self.threshold
        return Result(query, hits, abstained=abstained, confidence=conf)


SET = [
    {"id": "a", "query": "prices", "gold": [GOLD]},
    {"id": "b", "query": "council", "gold": [GOLD]},
    {"id": "c", "query": "grant", "gold": ["a regional grant of 4 million dollars"]},
    {"id": "n", "query": "zebras", "gold": [], "kind": "negative"},
]
ANSWERS = {
    "prices": ([GOLD, "other"], 0.9),
    "council": (["other", "more", GOLD], 0.8),
    "grant": (["nothing here"], 0.6),
    "zebras": (["nothing"], 0.2),
}


def test_run_on_a_known_set():
    out = evaluate.run(KnownRetriever(ANSWERS), SET, k=10)
    assert out["R@1"] == pytest.approx(1 / 3) and out["R@3"] == pytest.approx(2 / 3)
    assert out["MRR@10"] == pytest.approx((1 + 1 / 3) / 3)
    assert out["neg_abstain"] == 1.0 and out["false_abstain"] == 0.0
    assert out["misses"] == ["c"]
    assert out["latency_ms_p50"] >= 0 and out["latency_ms_p95"] >= out["latency_ms_p50"]
    assert [q["confidence"] for q in out["queries"]] == [0.9, 0.8, 0.6, 0.2]


def test_calibrate_keeps_false_abstention_within_bounds_on_every_set():
    pos = [0.1 * i for i in range(1, 21)]         # 20 answered: 0.1 .. 2.0
    neg = [0.05, 0.12, 0.3, 1.5]
    cal = evaluate.calibrate([(pos, neg)], max_false=0.05)   # may lose 1 of 20
    assert 0.1 < cal["threshold"] < 0.2
    assert cal["false_abstain"] == 0.05 and cal["neg_abstain"] == 0.5
    strict = evaluate.calibrate([(pos, neg), ([0.05, 3.0], [])], max_false=0.05)  # second set may lose none
    assert strict["threshold"] < 0.05
    assert evaluate.calibrate([([], [0.3])])["threshold"] is None
    # just above the highest unanswered query below the bound, not halfway to it: it answers all it can
    pos = [0.5] + [1.0 + 0.01 * i for i in range(19)]       # may lose 1 of 20: the bound is 1.0
    near = evaluate.calibrate([(pos, [0.2, 0.6])], max_false=0.05)
    assert 0.6 < near["threshold"] < 0.7 and near["neg_abstain"] == 1.0    # halfway (0.75) gave the same on these
    assert evaluate.calibrate([(pos, [])], max_false=0.05)["threshold"] == pytest.approx(0.75)   # no negatives


def test_load_set_refuses_bad_lines(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "query": "q", "gold": []}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(QueryError, match="line 2"):
        evaluate.load_set(bad)
    with pytest.raises(QueryError):
        evaluate.load_set(tmp_path / "missing.jsonl")
    bad.write_text('{"id": "x", "query": "q", "gold": ["a"], "docs": []}\n', encoding="utf-8")
    with pytest.raises(QueryError, match='line 1.*"docs" is empty'):     # searched every document
        evaluate.load_set(bad)


def test_a_line_without_gold_is_refused_and_a_quote_no_document_holds_is_warned_of(tmp_path):
    # a reviewer's report: a line with no "gold" was counted as a question nothing answers, and a quote found in
    # no document was taken without a word (its query could only miss)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "query": "q", "gold": []}\n{"id": "y", "query": "the dike"}\n', encoding="utf-8")
    with pytest.raises(QueryError, match=r'line 2 \(id "y"\): no "gold"'):
        evaluate.load_set(bad)
    docs = {"d.txt": Document.from_text("d.txt", "The dike will be raised\nby 1.4 metres.")}
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "a", "query": "dike", "gold": ["raised by 1.4  metres"]}\n'
                    '{"id": "b", "query": "dike", "gold": ["raised by 1.5 metres"]}\n', encoding="utf-8")
    warnings = evaluate.check_index(evaluate.load_set(good), docs)
    assert len(warnings) == 1 and '(id "b")' in warnings[0] and "raised by 1.5 metres" in warnings[0]


def _write_set(tmp_path):
    path = tmp_path / "set.jsonl"
    rows = [{"id": "p1", "query": "Is the pipeline funded?", "gold": ["funded by a regional grant of 4 million dollars"]},
            {"id": "p2", "query": "water prices next year", "gold": ["Prices will stay flat next year."]},
            {"id": "n1", "query": "zebra migration in Kenya", "gold": [], "kind": "negative"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_cli_eval_json_and_calibrate(tiny_index, tmp_path, capsys, monkeypatch, fake_embedder):
    monkeypatch.setattr("rag.embed.default_embedder", lambda: fake_embedder)
    path = _write_set(tmp_path)
    assert main(["eval", str(path), "--index", str(tiny_index), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    figures = report["sets"][str(path)]
    assert figures["R@1"] == 1.0 and figures["positives"] == 2 and figures["negatives"] == 1
    # no threshold: the confidence abstains on nothing, but "Kenya", which no document mentions, decides
    assert report["threshold"] is None and figures["neg_abstain"] == 1.0 and figures["false_abstain"] == 0.0
    assert main(["eval", str(path), "--index", str(tiny_index), "--calibrate"]) == 0
    text = capsys.readouterr().out
    assert "R@1" in text and "calibration" in text and "latency p50" in text
    stored = json.loads((tiny_index / "calibration.json").read_text())
    assert stored["modes"]["hybrid"]["threshold"] is not None
    assert main(["eval", str(path), "--index", str(tiny_index), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["threshold"] == stored["modes"]["hybrid"]["threshold"]
    assert report["sets"][str(path)]["neg_abstain"] == 1.0 and report["sets"][str(path)]["false_abstain"] == 0.0


def test_cli_eval_bad_file_is_a_message(tiny_index, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    assert main(["eval", str(bad), "--index", str(tiny_index)]) == 1
    assert "line 1" in capsys.readouterr().err


def test_calibration_is_written_under_the_build_lock(tiny_index, fake_embedder):
    """A build holds the lock while it copies calibration.json into the index it writes: a
    calibration saved meanwhile would be lost; it waits for the build instead."""
    import threading
    import time

    from rag import calibration, store

    index = store.load(tiny_index, embedder=fake_embedder)
    holding, release, saved = threading.Event(), threading.Event(), threading.Event()

    def build_running():
        with store.build_lock(tiny_index):
            holding.set()
            release.wait(10)

    def calibrate():
        calibration.save(index, "hybrid", {"threshold": 0.4}, ["set.jsonl"])
        saved.set()

    builder = threading.Thread(target=build_running)
    builder.start()
    assert holding.wait(5)
    saver = threading.Thread(target=calibrate)
    saver.start()
    try:
        time.sleep(0.3)
        assert not saved.is_set() and not (tiny_index / "calibration.json").exists()
    finally:
        release.set()
        builder.join()
        saver.join(10)
    assert saved.is_set()
    data = json.loads((tiny_index / "calibration.json").read_text())
    assert data["modes"]["hybrid"]["threshold"] == 0.4 and data == calibration.load(tiny_index)
    assert data["model"] == index.manifest["model"]["fingerprint"]
    assert sorted(p.name for p in tiny_index.iterdir() if p.name.startswith(".")) == []   # no temporary left
    assert calibration.calibrated_threshold(store.load(tiny_index, embedder=fake_embedder)) == 0.4


def test_calibration_of_an_index_rebuilt_meanwhile_is_refused(tiny_index, fake_embedder):
    from rag import calibration, store
    from rag.errors import IndexProblem

    index = store.load(tiny_index, embedder=fake_embedder)
    manifest = json.loads((tiny_index / "manifest.json").read_text())
    manifest["model"]["fingerprint"] = "other-weights"
    (tiny_index / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexProblem, match="changed while"):
        calibration.save(index, "hybrid", {"threshold": 0.4}, ["set.jsonl"])
    assert not (tiny_index / "calibration.json").exists()


# ---- lines that rag eval refused with a traceback, or scored without a word -----------------------

def _lines(tmp_path, *rows) -> str:
    path = tmp_path / "set.jsonl"
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return str(path)


SPAN = {"id": "x", "query": "battery", "doc": "briefing.txt", "gold_spans": [[0, 10]]}
SUBSTRING = {"id": "y", "query": "water policy", "gold": ["water policy"]}


@pytest.mark.parametrize("field, value", [("domain", ["a"]), ("domain", {"a": 1}), ("kind", 3), ("id", ["z"])])
def test_a_label_that_is_not_text_is_one_line(tmp_path, tiny_index, capsys, fake_embedder, monkeypatch, field, value):
    """"domain": ["a"] raised TypeError (unhashable) while the report was counted per domain."""
    monkeypatch.setattr("rag.embed.default_embedder", lambda: fake_embedder)
    path = _lines(tmp_path, dict(SPAN, id="ok"), {**SPAN, field: value})
    assert main(["eval", path, "--index", str(tiny_index)]) == 1
    err = capsys.readouterr().err
    assert f"{path} line 2" in err and f'"{field}" must be' in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("rows, second", [((SPAN, SUBSTRING), "a substring line"),
                                          ((SUBSTRING, SPAN), "a span-graded line")], ids=["span-first", "gold-first"])
def test_a_set_mixing_span_graded_and_substring_lines_is_refused(tmp_path, rows, second):
    """Mixed in one file, the substring lines raised KeyError 'gold' (or the span lines were graded as substrings)."""
    path = _lines(tmp_path, *rows)
    with pytest.raises(QueryError) as e:
        evaluate.load_set(path)
    message = str(e.value)
    assert message.startswith(f"{path} line 2 (id ") and second in message
    assert "mixes span-graded and substring lines" in message and "line 1" in message


@pytest.mark.parametrize("key, meant", [("gold_span", "gold_spans"), ("golds", "gold"), ("Query", "query"),
                                        ("speakr", "speaker")])
def test_a_mistyped_field_is_named(tmp_path, key, meant):
    """"gold_span" was not a field, so the line was read without its gold: a negative, silently."""
    row = {"id": "t", "query": "battery", "gold": [], key: [[0, 10]]}
    if key == "Query":
        row = {"id": "t", "Query": "battery", "query": "battery", "gold": []}
    with pytest.raises(QueryError, match=re.escape(f'line 1 (id "t"): unknown field "{key}": did you mean "{meant}"?')):
        evaluate.load_set(_lines(tmp_path, row))
    assert evaluate.load_set(_lines(tmp_path, {"id": "t", "query": "q", "gold": [], "note": "kept"}))[0]["note"] == "kept"


def test_a_set_that_does_not_fit_the_index(tmp_path, tiny_index, capsys, fake_embedder, monkeypatch):
    """A gold span past its document's end, "docs" or a speaker the index lacks: one line naming the set's line
    and id (the speaker's message had neither); a "doc" the index lacks: a warning, the run goes on."""
    monkeypatch.setattr("rag.embed.default_embedder", lambda: fake_embedder)
    for row, words in [({**SPAN, "gold_spans": [[0, 10], [5, 10 ** 6]]}, "past the end of briefing.txt"),
                       ({**SUBSTRING, "docs": ["nope.txt"]}, '"docs" names no document of the index: nope.txt'),
                       ({**SUBSTRING, "speaker": "Nobody"}, "No passage is spoken by 'Nobody'")]:
        path = _lines(tmp_path, {**(SPAN if "gold_spans" in row else SUBSTRING), "id": "ok"}, row)
        assert main(["eval", path, "--index", str(tiny_index)]) == 1, words
        out = capsys.readouterr()
        assert out.err.startswith(f'error: {path} line 2 (id "{row["id"]}"): ') and words in out.err
        assert "Traceback" not in out.err and len(out.err.strip().splitlines()) == 1
    path = _lines(tmp_path, SPAN, {**SPAN, "id": "gone", "doc": "m9.txt"})
    assert main(["eval", path, "--index", str(tiny_index)]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f'warning: {path} line 2 (id "gone"): "doc" "m9.txt" is not in the index')


def test_a_broken_json_line_and_a_repeated_id_are_named(tmp_path):
    # a new user's: a missing comma was reported as a missing field, and a repeated id was taken in silence
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "query": "walk", "gold": []}\n{"id":"x","query":"walk" "gold":["a"]}\n',
                      encoding="utf-8")
    with pytest.raises(QueryError, match=r"broken.jsonl line 2: not valid JSON \(Expecting ',' delimiter"):
        evaluate.load_set(broken)
    twice = tmp_path / "twice.jsonl"
    twice.write_text('{"id": "g1", "query": "walk", "gold": []}\n{"id": "g1", "query": "run", "gold": []}\n',
                     encoding="utf-8")
    with pytest.raises(QueryError, match=r'twice.jsonl line 2 \(id "g1"\): the id is line 1\'s too'):
        evaluate.load_set(twice)
    # a hostile reviewer's: "[[[[…" nested past Python's limit was a RecursionError traceback
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"id": "a", "query": "walk", "gold": []}\n' + "[" * 100000 + "\n", encoding="utf-8")
    with pytest.raises(QueryError, match=r"deep.jsonl line 2: nested too deeply"):
        evaluate.load_set(deep)
    from rag.cli import _queries_line
    assert "error" in _queries_line(deep, 2, "[" * 100000)


def test_a_line_without_an_id_and_ids_of_two_types(tmp_path):
    # a reviewer's: a line without an id was blamed for an id its author never wrote; True was taken for 1
    clash = tmp_path / "clash.jsonl"
    clash.write_text('{"id": "line-2", "query": "walk", "gold": []}\n{"query": "run", "gold": []}\n', encoding="utf-8")
    with pytest.raises(QueryError, match="the id given to a line without one is line 1's"):
        evaluate.load_set(clash)
    typed = tmp_path / "typed.jsonl"
    typed.write_text('{"id": 1, "query": "walk", "gold": []}\n{"id": "1", "query": "run", "gold": []}\n',
                     encoding="utf-8")
    assert [q["id"] for q in evaluate.load_set(typed)] == [1, "1"]      # two ids, as the scorer keeps them
    boolean = tmp_path / "bool.jsonl"
    boolean.write_text('{"id": 1, "query": "walk", "gold": []}\n{"id": true, "query": "run", "gold": []}\n',
                       encoding="utf-8")
    with pytest.raises(QueryError, match="line 2") as e:
        evaluate.load_set(boolean)
    assert "too" not in str(e.value)            # the id's type is the fault, not a repeat


def test_the_report_tells_a_miss_from_an_abstention_and_has_no_recall_without_answers():
    """A hostile review: a span-graded query found at rank 1 but abstained on was listed under "misses (no hit in
    the top 5)" beside R@5 1.00; a set of unanswered queries only printed R@1 0.00 as if it had failed them all."""
    report = {"mode": "hybrid", "threshold": 0.5, "sets": {}}
    found = {"R@1": 1.0, "R@5": 1.0, "R@10": 1.0, "MRR@10": 1.0, "nDCG@10": 0.8, "graded": "spans", "positives": 2,
             "negatives": 0, "neg_abstain": None, "false_abstain": 0.5, "latency_ms_p50": 1.0, "latency_ms_p95": 2.0,
             "misses": [], "wrongly_abstained": ["e3"]}
    none = {**found, "R@1": 0.0, "R@5": 0.0, "R@10": 0.0, "MRR@10": 0.0, "nDCG@10": 0.0, "positives": 0,
            "negatives": 2, "neg_abstain": 1.0, "false_abstain": 0.0, "wrongly_abstained": []}
    report["sets"] = {"found.jsonl": found, "none.jsonl": none}
    text = evaluate.format_report(report)
    block, empty = text.split("none.jsonl")
    assert "misses (no hit in the top 5): none" in block
    assert ("answered but abstained on (the figures above count their passages; --json's strict R@5 does not): "
            "e3") in block
    assert "R@1" not in empty and "recall: n/a (no answered queries)" in empty
    assert "wrongly abstained on answered: n/a" in empty


def test_run_lists_abstained_answers_apart_from_misses():
    retriever = KnownRetriever(ANSWERS)
    retriever.threshold = 0.85          # "council" (0.8) is found at rank 3 and abstained on
    out = evaluate.run(retriever, SET, k=10)
    assert out["misses"] == ["c"] and out["wrongly_abstained"] == ["b", "c"]


def test_calibrating_on_sets_written_for_another_index_is_refused(tiny_index, tmp_path, capsys, fake_embedder,
                                                                   monkeypatch):
    """`rag eval --calibrate` with a set none of whose answers the index holds stored a threshold (-0.556 in the
    review) learnt from misses; it is refused, and the stored calibration stays as it was."""
    monkeypatch.setattr("rag.embed.default_embedder", lambda: fake_embedder)
    assert main(["eval", str(_write_set(tmp_path)), "--index", str(tiny_index), "--calibrate"]) == 0
    before = (tiny_index / "calibration.json").read_bytes()
    capsys.readouterr()
    path = _lines(tmp_path, *({"id": f"w{i}", "query": q, "gold": ["the treaty was extended for five years"]}
                              for i, q in enumerate(["New START treaty", "arms control", "extension"])))
    assert main(["eval", path, "--index", str(tiny_index), "--calibrate"]) == 1
    err = capsys.readouterr().err
    assert "Only 0 of the 3 answered queries" in err and "Nothing was written" in err
    assert (tiny_index / "calibration.json").read_bytes() == before


def test_calibrating_on_unanswered_queries_alone_is_refused(tiny_index, tmp_path, capsys, fake_embedder, monkeypatch):
    """(a hostile review: a set of unanswered queries alone stored a threshold of null over a good one, printed a
    traceback, and every later `rag eval` of the index crashed on it)"""
    monkeypatch.setattr("rag.embed.default_embedder", lambda: fake_embedder)
    assert main(["eval", str(_write_set(tmp_path)), "--index", str(tiny_index), "--calibrate"]) == 0
    before = (tiny_index / "calibration.json").read_bytes()
    capsys.readouterr()
    path = _lines(tmp_path, {"id": "n1", "query": "price of bitcoin", "gold": []},
                  {"id": "n2", "query": "who won the world cup", "gold": []})
    assert main(["eval", path, "--index", str(tiny_index), "--calibrate"]) == 1
    err = capsys.readouterr().err
    assert "no answered query" in err and "Nothing was written" in err and "Traceback" not in err
    assert (tiny_index / "calibration.json").read_bytes() == before
    # an index that an earlier version left so is reported, not a traceback
    data = json.loads(before)
    data["modes"]["hybrid"] = {"threshold": None, "max_false": 0.05}
    (tiny_index / "calibration.json").write_text(json.dumps(data), encoding="utf-8")
    assert main(["eval", str(_write_set(tmp_path)), "--index", str(tiny_index)]) == 0


def test_a_query_file_that_is_no_file_a_huge_number_or_an_infinite_id_is_one_line(tmp_path, tiny_index, capsys,
                                                                                    fake_embedder, monkeypatch):
    """A hostile review: `rag eval /dev/zero` (and `search --queries`) read without end (12.7 GB in 12 s); an id of
    5,000 digits gave an AttributeError traceback; an id of 1e400 was printed by --json as Infinity, which is no
    JSON."""
    import rag.embed

    monkeypatch.setattr(rag.embed, "default_embedder", lambda: fake_embedder)
    for argv in (["eval", "/dev/zero"], ["search", "--queries", "/dev/zero"]):
        assert main([*argv, "--index", str(tiny_index)]) == 1
        assert "not a regular file" in capsys.readouterr().err
    digits = tmp_path / "digits.jsonl"
    digits.write_text('{"id": ' + "9" * 5000 + ', "query": "NATO", "gold": []}\n', encoding="utf-8")
    assert main(["eval", str(digits), "--index", str(tiny_index)]) == 1
    err = capsys.readouterr().err
    assert "line 1: not readable JSON" in err and "Traceback" not in err
    infinite = tmp_path / "inf.jsonl"
    infinite.write_text('{"id": 1e400, "query": "pipeline", "gold": []}\n', encoding="utf-8")
    assert main(["eval", str(infinite), "--index", str(tiny_index)]) == 1
    assert '"id" must be text or a number, not Infinity' in capsys.readouterr().err
    assert main(["search", "--json", "--queries", str(infinite), "--index", str(tiny_index)]) == 0
    out = capsys.readouterr().out
    row = json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} is no JSON"))
    assert row["id"] == "line-1" and '"id" must be text or a number, not Infinity' in row["error"]
    # (a code review: every number with a fraction was refused, 1.5 among them)
    plain = tmp_path / "plain.jsonl"
    plain.write_text('{"id": 1.5, "query": "pipeline"}\n', encoding="utf-8")
    assert main(["search", "--json", "--queries", str(plain), "--index", str(tiny_index)]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["id"] == 1.5 and "error" not in row


def test_cli_eval_says_a_borrowed_threshold_is_borrowed_and_details_each_query(tiny_index, tmp_path, capsys,
                                                                              monkeypatch, fake_embedder):
    """A new user's index abstained on the default transcript's threshold while `rag eval` printed only
    "abstention threshold: 0.979"; and `--details` without `--json` printed nothing more. The borrowed threshold is
    said, with how to learn the index's own; `--details` lists each query in the text report too."""
    from rag import calibration

    monkeypatch.setattr("rag.embed.default_embedder", lambda: fake_embedder)
    manifest = json.loads((tiny_index / "manifest.json").read_text())
    shipped = tmp_path / "shipped" / "calibration.json"
    shipped.parent.mkdir()
    monkeypatch.setattr(calibration, "SHIPPED", shipped)
    shipped.write_text(json.dumps({**calibration.made_for(manifest), "modes": {"hybrid": {"threshold": 0.3}}}))
    path = _write_set(tmp_path)
    assert main(["eval", str(path), "--index", str(tiny_index), "--details"]) == 0
    text = capsys.readouterr().out
    assert "abstention threshold: 0.300 (the shipped index's" in text and "rag eval --calibrate" in text
    assert re.search(r"\n    p1: first hit at 1, confidence \d\.\d{3}", text)
    assert re.search(r"\n    n1: unanswered, confidence -?\d\.\d{3}, abstained", text)
    assert main(["eval", str(path), "--index", str(tiny_index), "--calibrate"]) == 0
    capsys.readouterr()
    assert main(["eval", str(path), "--index", str(tiny_index)]) == 0
    text = capsys.readouterr().out
    assert "shipped" not in text.splitlines()[0] and "\n    p1:" not in text      # its own now; no details asked


def test_cli_eval_without_a_threshold_says_what_abstains(tiny_index, tmp_path, capsys, monkeypatch, fake_embedder):
    """`rag eval --mode dense` said "abstains only on query words no document uses, over a rich vocabulary" of an
    index whose vocabulary is too poor for that rule to run at all (a new user's audit: the shipped index's covers
    0.52 of everyday English, the rule needs 0.80); its abstentions came from the names rule. It says which rules
    decide on this index."""
    monkeypatch.setattr("rag.embed.default_embedder", lambda: fake_embedder)
    path = _write_set(tmp_path)
    assert main(["eval", str(path), "--index", str(tiny_index), "--mode", "dense"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == ("mode: dense   abstention threshold: none (abstains only on names no document mentions; words "
                     "none uses decide nothing here: too few of everyday English's)")
