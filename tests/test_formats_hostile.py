"""Hostile transcripts and subtitles (rag/read.py subtitle_text, rag/parse.py, rag/speakers.py, rag/cite.py):
garbled timing lines, loose clocks, hours past 99, a one-turn file, the same words from two speakers,
voices named once, names in other scripts, labels that are prose, "Speaker 1 (00:01:02):" and Otter's
"Name  0:03" exports, bad files as one clear message through the real CLI, speaker mentions that must
and must not resolve, and the cue time in the CSV and Markdown exports. Every quote is checked to be
exactly ``document.text[start:end]``."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import rag.embed
from rag.cite import csv_text, markdown_citation
from rag.cli import main
from rag.errors import DocumentError
from rag.parse import parse
from rag.read import read
from rag.subtitles import LONGEST_TURN, subtitle_text
from rag.records import Document, Hit
from rag.speakers import resolve

from conftest import FakeEmbedder


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)


def passages(tmp_path: Path, name: str, content: str | bytes):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    doc = read(path)
    _, ps = parse(doc)
    for p in ps:
        assert doc.text[p.start:p.end] == p.text
    return doc, ps


def test_the_same_words_from_someone_else_are_kept(tmp_path):
    """Rolling captions repeat a line, so a repeated line was dropped: Bob's "No." after Ann's went, and
    Ann's next words were then Bob's. Only a line repeated by the same speaker is a repeat."""
    _, ps = passages(tmp_path, "repeat.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>No.\n\n"
                     "00:02.000 --> 00:03.000\n<v Bob>No.\n\n00:03.000 --> 00:04.000\n<v Ann>Yes.\n\n"
                     "00:04.000 --> 00:05.000\n<v Ann>Yes.\n")
    assert [(p.speaker, p.text, p.time) for p in ps] == [("Ann", "No.", 1.0), ("Bob", "No.", 2.0),
                                                         ("Ann", "Yes.", 3.0)]


def test_a_garbled_or_loose_timing_line_keeps_its_words(tmp_path):
    """Words under a timing line that cannot be read go on with the turn before; loose clocks
    ("0:0:3,0", no milliseconds, milliseconds after a colon, no end) are read."""
    doc, ps = passages(tmp_path, "loose.srt",
                       "1\n00:00:01,000 --> 00:00:02,000\nHello there.\n\n2\ngarbled --> timing\nstill here.\n\n"
                       "3\n0:0:9,0 --> 0:0:10,0\nShort clock.\n\n4\n00:00:20 --> 00:00:21\nNo millis.\n\n"
                       "5\n00:00:30:500 --> 00:00:31:000\nColon millis.\n\n6\n00:00:40,000 -->\nNo end.\n")
    assert "still here." in doc.text
    assert [(p.text, p.time) for p in ps] == [("Hello there. still here.", 1.0), ("Short clock.", 9.0),
                                              ("No millis.", 20.0), ("Colon millis.", 30.5), ("No end.", 40.0)]


def test_a_one_turn_subtitle_file_has_its_time_and_no_stamp_in_the_quote(tmp_path):
    """One stamp was taken for prose ("one (10:30) is not a transcript's"), so a file of one turn quoted
    "[00:00:01] ..." and had no time. BOM and CRLF too."""
    doc, ps = passages(tmp_path, "one.srt", b"\xef\xbb\xbf1\r\n00:00:01,000 --> 00:00:02,000\r\nOne line.\r\n\r\n"
                       b"2\r\n00:00:02,000 --> 00:00:03,000\r\nSecond line.\r\n")
    assert doc.text == "[00:00:01] One line. Second line.\n"
    assert [(p.text, p.time) for p in ps] == [("One line. Second line.", 1.0)]


def test_hours_past_99(tmp_path):
    _, ps = passages(tmp_path, "long.srt", "1\n99:59:59,000 --> 100:00:01,000\nAlmost there.\n\n"
                     "2\n100:00:09,000 --> 100:00:12,000\nPast a hundred hours.\n")
    assert [(p.text, p.time) for p in ps] == [("Almost there.", 359999.0), ("Past a hundred hours.", 360009.0)]


def test_voices_named_once_are_speakers(tmp_path):
    """A UTF-16 VTT of two voices that speak once each: the labels read.py writes after a stamp are
    speakers, not prose (they stayed in the quote, with no speaker)."""
    _, ps = passages(tmp_path, "two.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ana>Olá mundo.\n\n"
                     "00:03.000 --> 00:04.000\n<v.loud Bob Smith><i>Hi</i> &amp; bye.</v>\n".encode("utf-16"))
    assert [(p.kind, p.speaker, p.text, p.time) for p in ps] == [("turn", "Ana", "Olá mundo.", 1.0),
                                                                ("turn", "Bob Smith", "Hi & bye.", 3.0)]


def test_names_after_the_caption_mark_said_once(tmp_path):
    _, ps = passages(tmp_path, "marks.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n- Hi there.\n- Hello.\n\n"
                     "00:03.000 --> 00:04.000\n>> JOHN: Yes.\n>>MARY: No.\n")
    assert [(p.speaker, p.text) for p in ps] == [(None, "Hi there."), (None, "Hello."), ("JOHN", "Yes."),
                                                 ("MARY", "No.")]


def test_speakers_named_in_other_scripts(tmp_path):
    _, ps = passages(tmp_path, "uni.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v José Müller>Olá.\n\n"
                     "00:02.000 --> 00:03.000\n<v 李明>你好。\n\n00:03.000 --> 00:04.000\n<v Ελένη>Γεια.\n")
    assert [(p.speaker, p.text) for p in ps] == [("José Müller", "Olá."), ("李明", "你好。"), ("Ελένη", "Γεια.")]


@pytest.mark.parametrize("content, why", [
    ("", "no subtitle cues"),
    ("WEBVTT\n\nNOTE only a note\n", "no subtitle cues"),
    ("<!DOCTYPE html><html><body><p>Not subtitles --> really</p></body></html>\n", "no subtitle cues"),
    ("1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n\n2\n00:00:03,000 --> 00:00:04,000\n   \n", "hold no words"),
    (b"\x00\x9f\xff\xfe" * 100, "not UTF-8 text"),
    ("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n".encode("utf-16-le"), "not a text file"),
])
def test_a_bad_subtitle_file_is_one_clear_message(tmp_path, capsys, content, why):
    path = tmp_path / "bad.vtt"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(DocumentError, match=why):
        read(path)
    code = main(["index", str(path), "--index", str(tmp_path / "idx"), "--quiet"])
    err = capsys.readouterr().err
    assert code != 0 and why in err and "Traceback" not in err


def test_captions_without_punctuation_are_cut_into_paragraphs(tmp_path):
    """Auto-captions with no sentence end made one paragraph of the whole file."""
    cues = "".join(f"{i}\n00:{i // 60:02d}:{i % 60:02d},000 --> 00:{i // 60:02d}:{i % 60:02d},900\nand so on {i}\n\n"
                   for i in range(600))
    doc, ps = passages(tmp_path, "auto.srt", cues)
    assert len(ps) >= 6 and max(len(p.text) for p in ps) <= LONGEST_TURN + 40
    assert [p.time for p in ps] == sorted(p.time for p in ps) and ps[0].time == 0.0


PROSE = """Re: meeting notes for Tuesday

John 3:16 says something. John 3:16: For God so loved the world.

The ratio was 3:1 at 10:30 and later 2:1. See http://example.com: it works.

John 3:16: again quoted verse.

Note: this is prose. Note: still prose.

Chapter 3  10:30
The train left at dawn.
"""


def test_labels_that_are_not_speakers(tmp_path):
    _, ps = passages(tmp_path, "prose.txt", PROSE)
    assert {p.kind for p in ps} == {"paragraph"} and {p.speaker for p in ps} == {None}
    assert {p.time for p in ps} == {None}


def test_speaker_labels_with_a_time_in_brackets(tmp_path):
    """"Speaker 1 (00:01:02):" gave the time as the speaker's outlet (and an outlet makes an asker)."""
    _, ps = passages(tmp_path, "stamped.txt", "Speaker 1 (00:01:02): Welcome to the show.\n\n"
                     "Speaker 2 (00:01:10): Thanks. Where do we start?\n\nSpeaker 1 (1:02:03): With the budget.\n")
    assert [(p.kind, p.speaker, p.outlet, p.time, p.text) for p in ps] == [
        ("turn", "Speaker 1", None, 62.0, "Welcome to the show."),
        ("turn", "Speaker 2", None, 70.0, "Thanks. Where do we start?"),
        ("turn", "Speaker 1", None, 3723.0, "With the budget.")]


def test_otter_style_transcripts(tmp_path):
    """Otter's export names the speaker and the time on a line of their own, the words below."""
    _, ps = passages(tmp_path, "otter.txt", "Transcript of the call\n\nJane Doe  0:03\nWelcome everyone.\n\n"
                     "John Smith  0:10\nThanks Jane.\nA second line.\n\nJane Doe  1:02:03\nThe budget first.\n\n"
                     "And more from Jane.\n")
    assert [(p.kind, p.speaker, p.time, p.text) for p in ps] == [
        ("paragraph", None, None, "Transcript of the call"),
        ("turn", "Jane Doe", 3.0, "Welcome everyone."),
        ("turn", "John Smith", 10.0, "Thanks Jane.\nA second line."),
        ("turn", "Jane Doe", 3723.0, "The budget first."),
        ("turn", "Jane Doe", 3723.0, "And more from Jane.")]


SPEAKERS = ["Bill Smith", "May Jones", "Will Turner", "Grace Park", "Mark Hope", "Frank Lee", "Rose Rich",
            "José Müller", "Speaker 1", "Speaker 2", "The Chair", "Professor C"]


@pytest.mark.parametrize("query", [
    "how may the ferry run", "what will it cost", "they bill the council", "by the grace of god",
    "mark the date", "I hope so", "be frank about it", "prices rose", "rich people", "park the car",
    "chair of the meeting", "what did bill say", "a speaker 1000 times", "John 3:16", "what did the Bill say",
])
def test_ordinary_words_and_first_names_name_nobody(query):
    assert resolve(query, SPEAKERS).speakers == ()


def test_a_first_name_with_a_capital_and_a_cue_names_its_person():
    # (session 22: first names alone are read, an ordinary one only with a capital and a speaker's cue beside it)
    assert resolve("what did Bill say", SPEAKERS).speakers == ("Bill Smith",)
    assert resolve("Did Will say anything about the ferry?", SPEAKERS).speakers == ("Will Turner",)
    assert resolve("Did May say anything about the ferry?", SPEAKERS).speakers == ()      # a month's name


@pytest.mark.parametrize("query, who", [
    ("Smith's view on taxes", ("Bill Smith",)), ("what did Jones say", ("May Jones",)),
    ("Turner on boats", ("Will Turner",)), ("what did jose muller say", ("José Müller",)),
    ("MÜLLER on schools", ("José Müller",)), ("speaker 1 on the budget", ("Speaker 1",)),
    ("what did speaker 2 say", ("Speaker 2",)), ("according to the chair", ("The Chair",)),
])
def test_last_names_possessives_accents_and_numbered_roles_resolve(query, who):
    assert resolve(query, SPEAKERS).speakers == who


def test_the_cue_time_in_the_csv_and_the_markdown_citation(tmp_path):
    doc, ps = passages(tmp_path, "talk.srt", "1\n00:12:31,000 --> 00:12:33,000\n<v Ann>Two euros.\n\n"
                       "2\n00:12:40,000 --> 00:12:43,000\n<v Bob>Free for children.\n")
    index = SimpleNamespace(documents={doc.id: doc})     # what the exports read of an index
    hits = [Hit(p, i, 0.5) for i, p in enumerate(ps, 1)]
    rows = list(csv.DictReader(io.StringIO(csv_text(hits, index))))
    assert [(r["time"], r["speaker"], r["quote"]) for r in rows] == [("00:12:31", "Ann", "Two euros."),
                                                                     ("00:12:40", "Bob", "Free for children.")]
    md = markdown_citation(ps[1], doc, 2)
    assert md.startswith("> Free for children.\n") and "Turn of Bob at 00:12:40" in md


def test_hostile_files_through_the_cli_quote_exactly(tmp_path, capsys):
    """`rag index` a folder of hostile but readable files (and bad ones, skipped with their reasons),
    then `rag search --json`: every quote is the stored text between its offsets."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "two.vtt").write_bytes("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ana>Olá mundo, the ferry.\n\n"
                                     "00:03.000 --> 00:04.000\n<v Bob>The ferry is late.\n".encode("utf-16"))
    (folder / "one.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nThe ferry runs hourly.\n")
    (folder / "otter.txt").write_text("Jane Doe  0:03\nThe ferry is full.\n\nJohn Smith  0:10\nNo ferry today.\n")
    (folder / "empty.srt").write_text("")
    code = main(["index", str(folder), "--index", str(tmp_path / "idx"), "--quiet"])
    err = capsys.readouterr().err
    assert "empty.srt" in err and "Traceback" not in err
    code = main(["search", "the ferry", "--json", "-k", "5", "--index", str(tmp_path / "idx")])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and len(out["passages"]) >= 3
    texts = {name: read(folder / name).text for name in ("two.vtt", "one.srt", "otter.txt")}
    for hit in out["passages"]:
        text = texts[hit["document"]] if hit["document"] in texts else texts[Path(hit["source"]).name]
        assert text[hit["start"]:hit["end"]] == hit["text"]
        assert not hit["text"].startswith("[00")
    assert {h["time"] for h in out["passages"] if Path(h["source"]).name == "one.srt"} <= {1.0}


def test_voice_names_read_back_as_their_speakers_or_as_nobody(tmp_path):
    """A VTT voice's name is written as a label that parse.py reads back ("bob" -> "Bob", a colon in it
    gone); one it cannot read ("@user", more than six words) is written after ">>", so its words are
    nobody's, not the previous speaker's (they were Ann's)."""
    _, ps = passages(tmp_path, "voices.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>Hello all.\n\n"
                     "00:02.000 --> 00:03.000\n<v bob>hi there.\n\n00:03.000 --> 00:04.000\n<v Dr. Evil: The Sequel>Words.\n\n"
                     "00:04.000 --> 00:05.000\n<v @user>odd name.\n\n00:05.000 --> 00:06.000\n"
                     "<v A very long name of someone with eight words>Long.\n\n00:06.000 --> 00:07.000\n"
                     "<v <b>Ann</b>>Back.\n")
    assert [(p.speaker, p.text) for p in ps] == [
        ("Ann", "Hello all."), ("Bob", "hi there."), ("Dr. Evil The Sequel", "Words."), (None, "@user: odd name."),
        (None, "A Very Long Name of Someone With Eight Words: Long. Back.")]


def test_a_caption_opening_with_a_word_and_a_colon_names_nobody(tmp_path):
    """"[00:00:01] Today: we ..." among stamped captions without speakers: not a speaker's label."""
    _, ps = passages(tmp_path, "lecture.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\nToday: we discuss gears.\n\n"
                     "00:05.000 --> 00:06.000\nThe first gear.\n\n00:10.000 --> 00:11.000\nWhy: because it turns.\n\n"
                     "00:15.000 --> 00:16.000\nAnd the second.\n\n00:20.000 --> 00:21.000\nAnd the third.\n")
    assert {p.speaker for p in ps} == {None} and ps[0].text == "Today: we discuss gears." and ps[0].time == 1.0


clock = st.builds(lambda h, m, s, ms, sep: f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}", st.integers(0, 120),
                  st.integers(0, 59), st.integers(0, 59), st.integers(0, 999), st.sampled_from([",", ".", ":"]))
timing = st.one_of(st.builds(lambda a, b: f"{a} --> {b}", clock, clock), st.sampled_from(
    ["garbled --> x", "00:00:01,000 -->", "-->", "00:01.000 --> 00:02.000 align:start", "1:2:3 --> 4:5:6"]))
cue_line = st.one_of(st.text(max_size=40), st.sampled_from(
    ["<v Ann>Hello.", "<v bob>hi", "<v>x", ">> JOHN: Yes.", "- Hi.", "<i><b>x</b></i>", "&amp;&lt;", "Today: yes",
     "{\\an8}Top", "<v <b>X</b>>y", "<00:00:01.500>k", "Note: a", "[00:01:02] z", ">>", "MAYOR: now."]))
cue = st.builds(lambda n, t, ls: "\n".join([n, t, *ls]), st.sampled_from(["", "1", "NOTE", "WEBVTT"]), timing,
                st.lists(cue_line, max_size=3))
subtitles = st.lists(cue, max_size=12).map("\n\n".join)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])     # 30 examples, 200 in the full suite
@given(subtitles)
def test_any_subtitle_file_reads_as_exact_passages_or_one_clear_refusal(text):
    try:
        stored = subtitle_text(text)
    except DocumentError:
        return
    _, ps = parse(Document.from_text("t.vtt", stored))
    starts = {0} | {m.end() for m in re.finditer("\n\n", stored)}
    last_end = -1
    for p in ps:
        assert stored[p.start:p.end] == p.text and p.start >= last_end
        last_end = p.end
        assert p.start not in starts        # every paragraph opens with its stamp: never in a quote
        if p.speaker:
            assert not p.text.startswith(p.speaker + ":")


def test_cues_without_a_blank_line_between_them(tmp_path):
    """A writer that leaves out the blank lines: the next cue's number and timing line were words."""
    doc, ps = passages(tmp_path, "noblank.srt", "1\n00:00:01,000 --> 00:00:02,000\nHello there.\n2\n"
                       "00:00:03,000 --> 00:00:04,000\nWorld here.\n3\n00:00:09,000 --> 00:00:10,000 align:start\n"
                       "42\nThe answer.\n")
    assert "-->" not in doc.text
    assert [(p.text, p.time) for p in ps] == [("Hello there. World here.", 1.0), ("42 The answer.", 9.0)]


def test_three_hundred_voices_each_once(tmp_path):
    cues = "".join(f"00:{i // 60:02d}:{i % 60:02d}.000 --> 00:{i // 60:02d}:{i % 60:02d}.900\n<v Person {i} Müller>Words {i}.\n\n"
                   for i in range(300))
    _, ps = passages(tmp_path, "many.vtt", "WEBVTT\n\n" + cues)
    assert [(p.speaker, p.text, p.time) for p in ps] == [(f"Person {i} Müller", f"Words {i}.", float(i))
                                                        for i in range(300)]


def test_an_agenda_of_names_and_times_is_no_otter_transcript(tmp_path):
    """Otter's headers are a transcript's when a speaker recurs; an agenda's items each come once."""
    _, ps = passages(tmp_path, "agenda.txt", "Opening Remarks  9:30\nThe chair opens the day.\n\n"
                     "Coffee Break  10:15\nIn the hall.\n\nHarbour Wall  10:45\nThe engineers report.\n")
    assert {p.speaker for p in ps} == {None} and {p.time for p in ps} == {None}
    assert ps[0].text == "Opening Remarks  9:30\nThe chair opens the day."


def test_a_label_alone_then_the_same_label_again(tmp_path):
    """"Grad A:" alone on a line, then "Grad A: ..." on the next: the words are the turn, not the label."""
    _, ps = passages(tmp_path, "twice.txt", "[00:00:04] Grad A:\nGrad A: Yes, the buttons.\n\n[00:00:05] Grad B: hi\n")
    assert [(p.speaker, p.text) for p in ps] == [("Grad A", "Yes, the buttons."), ("Grad B", "hi")]
    _, ps = passages(tmp_path, "empty.txt", "[00:00:04] >> Grad A: \nGrad A: ")
    assert all(not p.text.startswith("Grad A:") for p in ps)


def test_old_mac_line_ends(tmp_path):
    """A lone CR ends a line (Python's splitlines, so the paragraphs, say so); a label before one is a
    label alone, its words on the next line, not a quote opening with the label."""
    _, ps = passages(tmp_path, "mac.txt", "Grad A: \r\rGrad A: \r0\r\rPhD B: Yes.\r\rGrad A: No.\r")
    assert all(not p.text.startswith(("Grad A:", "PhD B:")) for p in ps)
    assert [(p.speaker, p.text) for p in ps] == [("Grad A", "0"), ("PhD B", "Yes."), ("Grad A", "No.")]
