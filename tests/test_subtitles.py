"""Subtitles (.srt, .vtt) index as transcripts (rag/read.py subtitle_text, rag/parse.py stamps): cues merged
into turns at speaker changes (>>, NAME:, <v Name>), cue numbers, timing lines, the VTT header, NOTE and
STYLE blocks and inline tags left out, each turn's first cue time kept as the passage's `time`, and the
time in the citation ("at 00:12:31") and in the JSON ("time": seconds), through the real CLI."""
from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest

import rag.embed
from rag.cite import clock, where
from rag.cli import main
from rag.errors import DocumentError
from rag.parse import parse
from rag.read import expand, read, supported
from rag.subtitles import subtitle_text
from rag.records import Document

from conftest import FakeEmbedder

DATA = Path(__file__).parent / "data" / "formats"


@pytest.fixture(autouse=True)
def fake_model(monkeypatch):
    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)


def test_srt_cues_merge_into_turns():
    doc = read(DATA / "talk.srt")
    assert doc.text == (
        "[00:00:01] >> Good evening and welcome to the town hall on the harbour. Tonight we talk about the ferry.\n\n"
        "[00:00:07] MAYOR LINDQVIST: Thank you. The ferry will run every hour from the first of June.\n\n"
        "[00:12:31] >> What will a ticket cost?\n\n"
        "[00:12:34.500] MAYOR LINDQVIST: Two euros for residents & children ride free.\n")
    _, ps = parse(doc)
    assert [(p.speaker, p.time) for p in ps] == [(None, 1.0), ("MAYOR LINDQVIST", 7.0), (None, 751.0),
                                                 ("MAYOR LINDQVIST", 754.5)]
    assert {p.kind for p in ps} == {"turn"}
    for p in ps:        # offsets exact into the stored text; no stamp, label, ">>" or tag in a quote
        assert doc.text[p.start:p.end] == p.text
        assert not any(x in p.text for x in ("[00", ">>", "<i>", "MAYOR", "-->"))


def test_vtt_voices_header_notes_and_tags():
    doc = read(DATA / "lecture.vtt")
    for gone in ("WEBVTT", "NOTE", "made by hand", "::cue", "align:start", "<b>", "<c.highlight>", "intro"):
        assert gone not in doc.text
    _, ps = parse(doc)
    assert [(p.speaker, p.time) for p in ps] == [("Dr. Ada Byron", 0.5), ("Tom Reed", 8.5), ("Dr. Ada Byron", 62.25)]
    # the same voice over two cues is one turn; "Today:" inside it is no speaker
    assert ps[0].text == "Welcome to the second lecture on engines. Today: the difference engine and its gears."
    assert ps[2].text == "Yes, the gear ratios will be on the exam."


def test_rolling_captions_and_long_speech(tmp_path):
    cues = []
    t = 0
    for i in range(40):     # one speaker, no changes: cut into paragraphs at sentence ends
        cues.append(f"{i + 1}\n00:00:{t // 1 % 60:02d},000 --> 00:00:{(t + 1) % 60:02d},000\n"
                    f"This is sentence number {i} of a long talk.\n")
        t += 1
    text = subtitle_text("\n".join(cues))
    paragraphs = text.strip().split("\n\n")
    assert len(paragraphs) > 1 and all(p.startswith("[00:00:") for p in paragraphs)
    assert all(len(p) < 600 for p in paragraphs)
    # a line repeated by the next cue (YouTube's rolling captions) is kept once
    rolling = ("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nthe ferry leaves\nfrom the north pier\n\n"
               "00:00:03.000 --> 00:00:05.000\nfrom the north pier\nat nine\n")
    assert subtitle_text(rolling) == "[00:00:01] the ferry leaves from the north pier at nine\n"


def test_subtitles_are_supported_files(tmp_path):
    assert supported(Path("a.srt")) and supported(Path("b.VTT"))
    shutil.copy(DATA / "talk.srt", tmp_path)
    shutil.copy(DATA / "lecture.vtt", tmp_path)
    files, skipped = expand([tmp_path])
    assert {f.name for f in files} == {"talk.srt", "lecture.vtt"} and not skipped


def test_a_subtitle_file_without_cues_is_refused(tmp_path):
    path = tmp_path / "empty.srt"
    path.write_text("just some words\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="no subtitle cues"):
        read(path)


def test_clock():
    assert clock(751.9) == "00:12:31" and clock(0) == "00:00:00" and clock(3723.0) == "01:02:03"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("name, query", [
    ("talk.srt", "What will a ticket cost?"),
    ("talk.srt", "two euros for residents children ride free"),
    ("lecture.vtt", "gear ratios on the exam"),
])
def test_time_in_the_citation_and_the_json(tmp_path, capsys, name, query):
    """Whatever excerpt the search quotes (one turn or a window over several), its time is its first
    turn's cue time, in the JSON as seconds and in the citation line as "at hh:mm:ss"; a window of several turns
    also its last turn's ("time_end", "at 00:00:01–00:12:34": a new user read the first turn's time for when the
    words were said)."""
    folder = str(tmp_path / "idx")
    code, out, err = run(capsys, "index", str(DATA / name), "--index", folder, "--quiet")
    assert code == 0, err
    code, out, _ = run(capsys, "search", query, "-k", "1", "--json", "--index", folder)
    assert code == 0
    top = json.loads(out)["passages"][0]
    doc = read(DATA / name)
    assert top["text"] == doc.text[top["start"]:top["end"]]
    first = next(p for p in parse(doc)[1] if top["start"] < p.end)      # (a window opens with its first label)
    assert first.time is not None and top["time"] == first.time and top["speaker"] == first.speaker
    inside = [p for p in parse(doc)[1] if top["start"] <= p.start and p.end <= top["end"] and p.kind == "turn"]
    last = inside[-1].time if len(inside) > 1 else None
    assert top.get("time_end") == (last if last is not None and clock(last) != clock(first.time) else None)
    code, out, _ = run(capsys, "search", query, "-k", "1", "--index", folder)
    cite = next(line for line in out.splitlines() if line.startswith("[1] "))
    shown = f" at {clock(first.time)}" + (f"–{clock(top['time_end'])}" if top.get("time_end") else "")
    assert code == 0 and f"{shown} ·" in cite


def test_where_says_who_and_when():
    from rag.records import Passage
    turn = Passage("d", 0, 5, "Hello", "text", "turn", 4, speaker="Grad A", time=751.0)
    assert where(turn) == "Turn of Grad A at 00:12:31"
    assert where(turn, until=815.0) == "Turns of Grad A at 00:12:31–00:13:35"       # a window's first and last turn
    assert where(turn, until=751.4) == "Turn of Grad A at 00:12:31"
    assert where(Passage("d", 0, 5, "Hello", "text", "turn", 4, speaker="Grad A")) == "Turn of Grad A, paragraph 4"
    window = Passage("d", 0, 5, "Hello", "text", "turn", 4, speaker="Grad A", speakers=("Grad A", "Grad B", "PhD C"))
    assert where(window) == "Turns of Grad A, Grad B and PhD C, paragraph 4"
    assert where(Passage("d", 0, 5, "Hello", "text", "paragraph", 4, time=62.0)) == "Paragraph 4 at 00:01:02"
    answer = Passage("d", 0, 5, "Hello", "Q2", "answer", 4, speaker="Jane", question="Why?", time=62.0)
    assert where(answer) == "Answer to Q2 — Why? at 00:01:02"


def test_a_town_hall_of_nineteen_captions():
    """The README's example: 19 cues, wrapped at 42 characters, become 9 turns of two speakers' kinds
    (the mayor named, the audience unnamed after ">>"), each with the time of its first cue."""
    doc = read(DATA / "townhall.srt")
    _, ps = parse(doc)
    assert [p.time for p in ps] == [1.0, 9.0, 95.0, 99.5, 180.0, 185.0, 751.0, 755.5, 900.0]
    assert [p.speaker for p in ps] == [None, "MAYOR LINDQVIST"] * 4 + [None]
    assert ps[6].text == "Will bicycles still be allowed on the morning boats?"
    assert all(doc.text[p.start:p.end] == p.text for p in ps)


def test_looser_arrows_are_timing_lines(tmp_path):
    """A hostile tester's d2.srt: cues timed with "->" and "—>" were dropped with their words. An arrow
    of one to three dashes (any dash) or "=" is a timing line when both sides are times."""
    path = tmp_path / "d2.srt"
    path.write_text("1\n00:00:01,000 -> 00:00:03,000\nThe first cue has a single-dash arrow.\n\n"
                    "2\n00:00:04,000 --> 00:00:06,000\nThe second cue is fine.\n\n"
                    "3\n00:00:07,000 —> 00:00:09,000\nThe third cue has an em-dash arrow.\n\n"
                    "4\n00:00:10,000 --> 00:00:12,000\nThe fourth cue is fine too.\n", encoding="utf-8")
    doc = read(path)
    for words in ("single-dash arrow.", "second cue", "em-dash arrow.", "fourth cue"):
        assert words in doc.text
    assert "->" not in doc.text and "00:00:03" not in doc.text
    spaced = "".join(f"{i + 1}\n00:00:{10 * i + 1:02d},000 {arrow} 00:00:{10 * i + 2:02d},000\nCue {i}.\n\n"
                     for i, arrow in enumerate(["->", "—>", "–>", "==>", "-- >"]))
    _, ps = parse(Document.from_text("s.srt", subtitle_text(spaced)))
    assert [(p.text, p.time) for p in ps] == [(f"Cue {i}.", 10.0 * i + 1) for i in range(5)]


def test_a_block_without_a_readable_timing_line_keeps_its_words():
    """A cue whose timing line is lost or has no arrow, and words after a blank line inside a cue, were
    left out as if they were a VTT header; they go on with the turn before. The VTT header, its
    metadata lines and NOTE blocks still say nothing."""
    text = subtitle_text("1\n00:00:01,000 --> 00:00:02,000\nHello there.\n\nAfter a blank line.\n\n"
                         "2\n00:00:03,000 00:00:04,000\nNo arrow at all.\n\n3\nNo timing line.\n\n4\n\n"
                         "5\n00:00:04,000 --> 00:00:06,000\nThe end.\n")
    assert text == ("[00:00:01] Hello there. After a blank line. No arrow at all. No timing line. The end.\n")
    vtt = subtitle_text("WEBVTT\n\nKind: captions\nLanguage: en\n\nNOTE a note\n\n00:01.000 --> 00:02.000\nHi.\n")
    assert vtt == "[00:00:01] Hi.\n"


def test_youtube_captions_keep_each_cue_s_time_and_a_long_silence_starts_a_paragraph():
    # (a hostile review: YouTube's auto-captions open each cue with a line of one space, which ended the cue, so its
    # words went on the turn before at that turn's time: "the lighthouse fund" said at 00:05:00 was cited at 00:00:02;
    # and without punctuation no pause cut the turn)
    text = subtitle_text(
        "WEBVTT\nKind: captions\nLanguage: en\n\n00:00:00.160 --> 00:00:02.750 align:start position:0%\n \n"
        "welcome<00:00:00.480><c> to</c><00:00:00.800><c> the</c><00:00:01.100><c> podcast</c>\n\n"
        "00:00:02.750 --> 00:00:05.000 align:start position:0%\nwelcome to the podcast\n"
        "today<00:00:03.100><c> the</c><00:00:03.400><c> ferry</c>\n\n"
        "00:05:00.000 --> 00:05:03.000 align:start position:0%\n \n"
        "the<00:05:00.400><c> lighthouse</c><00:05:00.900><c> fund</c>\n\n"
        "00:05:03.000 --> 00:05:06.000 align:start position:0%\nthe lighthouse fund\nopens in may\n")
    assert text == ("[00:00:00.160] welcome to the podcast today the ferry\n\n"
                    "[00:05:00] the lighthouse fund opens in may\n")


def test_a_meeting_app_s_display_names_each_open_their_turn():
    # (a hostile review: Zoom's captions open every cue with the display name, and names outside a label's grammar,
    # "John Smith (he/him)", "jsmith2", "Amara Okafor - Coastal Lab", were glued onto the turn before: John's words were
    # quoted as Mary's, at her time)
    cues = [("John Smith (he/him)", "Hi everyone, thanks for joining."), ("Mary Jones", "Can you share the numbers?"),
            ("John Smith (he/him)", "The dredging came in at four hundred thousand."), ("jsmith2", "That is a lot."),
            ("Amara Okafor - Coastal Lab", "The silt is contaminated.")]
    vtt = "WEBVTT\n\n" + "".join(f"{i}\n00:00:{2 * i:02d}.000 --> 00:00:{2 * i + 1:02d}.000\n{who}: {said}\n\n"
                                  for i, (who, said) in enumerate(cues, 1))
    text = subtitle_text(vtt)
    assert text.split("\n\n")[1:] == ["[00:00:04] Mary Jones: Can you share the numbers?",
                                       "[00:00:06] John Smith (he/him): The dredging came in at four hundred thousand.",
                                       "[00:00:08] >> jsmith2: That is a lot.",
                                       "[00:00:10] >> Amara Okafor - Coastal Lab: The silt is contaminated.\n"]
    _, ps = parse(Document.from_text("z.vtt", text))
    assert [p.speaker for p in ps][:3] == ["John Smith", "Mary Jones", "John Smith"]
    assert [p.time for p in ps] == [2.0, 4.0, 6.0, 8.0, 10.0]
    # captions whose lines only sometimes open with "Word:" keep them in the words
    prose = subtitle_text("1\n00:00:01,000 --> 00:00:02,000\nRemember: the ferry is late.\n\n2\n00:00:03,000 --> "
                          "00:00:04,000\nIt always is.\n\n3\n00:00:05,000 --> 00:00:06,000\nSo we wait.\n")
    assert prose == "[00:00:01] Remember: the ferry is late. It always is. So we wait.\n"


def test_a_display_name_with_a_word_in_lower_case_is_a_speaker():
    # (a reviewer's Zoom file, session 28: "iPhone de Lucía:" is no label, so her words were an unnamed speaker's, her
    # name in the quote, and "What did Lucía say" named nobody)
    cues = [("Dana Whitfield", "Where are we with the draft?"), ("iPhone de Lucía", "The methods section is done."),
            ("Tom Becker", "I can send the curves by Friday."), ("jsmith2", "That is a lot.")]
    vtt = "WEBVTT\n\n" + "".join(f"{i}\n00:00:{2 * i:02d}.000 --> 00:00:{2 * i + 1:02d}.000\n{who}: {said}\n\n"
                                  for i, (who, said) in enumerate(cues, 1))
    text = subtitle_text(vtt)
    assert "[00:00:04] IPhone de Lucía: The methods section is done." in text
    assert "[00:00:08] >> jsmith2: That is a lot." in text      # a handle in lower case stays in the words
    _, ps = parse(Document.from_text("z.vtt", text))
    assert [p.speaker for p in ps][:3] == ["Dana Whitfield", "IPhone de Lucía", "Tom Becker"]
    assert ps[1].text == "The methods section is done."


def test_a_speakers_consecutive_zoom_cues_are_one_turn():
    # (a reviewer's Zoom file, session 28: a sentence cut over two cues 0.3 s apart, each opening with the display
    # name, was two paragraphs, the second "[00:00:17.287] Dana Whitfield: failures at the north plot, …")
    vtt = ("WEBVTT\n\n1\n00:00:10.120 --> 00:00:16.987\nDana Whitfield: We have three things today: the sensor\n\n"
           "2\n00:00:17.287 --> 00:00:23.820\nDana Whitfield: failures at the north plot, and the grant renewal.\n\n"
           "3\n00:00:24.500 --> 00:00:27.000\nMarcus Oyelaran: I can start with the sensors.\n\n"
           "4\n00:00:31.000 --> 00:00:33.000\nMarcus Oyelaran: We lost four probes.\n\n"
           "5\n00:00:37.000 --> 00:00:39.000\nMarcus Oyelaran: The spares come in May.\n\n"
           "6\n00:00:39.300 --> 00:00:41.000\nDana Whitfield: Good.\n")
    assert subtitle_text(vtt).split("\n\n") == [
        "[00:00:10.120] Dana Whitfield: We have three things today: the sensor failures at the north plot, and the "
        "grant renewal.",
        "[00:00:24.500] Marcus Oyelaran: I can start with the sensors.",   # (a sentence's end, then a pause of 4 s)
        "[00:00:31] Marcus Oyelaran: We lost four probes.",
        "[00:00:37] Marcus Oyelaran: The spares come in May.",
        "[00:00:39.300] Dana Whitfield: Good.\n"]
    # a sentence's end within 3 s goes on in the turn
    quick = vtt.replace("00:00:31.000 --> 00:00:33.000", "00:00:27.500 --> 00:00:29.000")
    assert "[00:00:24.500] Marcus Oyelaran: I can start with the sensors. We lost four probes." in subtitle_text(quick)
    # a caption's "NAME:" (not a meeting app's display name on every cue) still opens its own paragraph each time
    captions = ("1\n00:00:01,000 --> 00:00:02,000\nJONAS: We should go\n\n2\n00:00:02,100 --> 00:00:03,000\n"
                "JONAS: now, before the tide.\n\n3\n00:00:03,100 --> 00:00:04,000\nIt is late.\n")
    assert subtitle_text(captions).count("JONAS:") == 2


def test_a_label_inside_a_tag_and_a_dash_without_a_space_mark_the_speaker():
    # (a hostile review: "<font …>JONAS:</font>" said once was no speaker, so his words went on Marta's turn; Netflix's
    # "-Under the mat." kept its dash and no one else spoke)
    tags = subtitle_text("1\n00:00:01,000 --> 00:00:02,000\n<i>MARTA:</i> Where is the key?\n\n2\n00:00:03,000 --> "
                         "00:00:04,000\n<font color=\"#ffff00\">JONAS:</font> Under the mat.\n")
    assert tags == "[00:00:01] MARTA: Where is the key?\n\n[00:00:03] JONAS: Under the mat.\n"
    dashes = subtitle_text("1\n00:00:01,000 --> 00:00:02,000\nWhere is the key?\n\n2\n00:00:03,000 --> 00:00:04,000\n"
                           "-Under the mat.\n-Of course it is.\n\n3\n00:00:05,000 --> 00:00:06,000\n-5 degrees tonight.\n")
    assert dashes == ("[00:00:01] Where is the key?\n\n[00:00:03] >> Under the mat.\n\n"
                      "[00:00:03] >> Of course it is. -5 degrees tonight.\n")
    # an em dash before a word in lower case goes on with the sentence (a third review: it was a new speaker)
    going_on = subtitle_text("1\n00:00:01,000 --> 00:00:02,000\nI told you so\n—but you never listen.\n")
    assert going_on == "[00:00:01] I told you so —but you never listen.\n"


def test_a_clock_no_time_can_show_is_a_garbled_timing_line():
    # a hostile review: "99:99:99,999" was read as 100:40:39.999
    text = subtitle_text("1\n00:00:01,000 --> 00:00:02,000\nHello there.\n\n"
                         "2\n99:99:99,999 --> 99:99:99,999\nStill here.\n\n3\n00:00:04,000 --> 00:00:05,000\nThe end.\n")
    assert text == "[00:00:01] Hello there. Still here. The end.\n"
    assert subtitle_text("1\n75:10.000 --> 75:12.000\nLate.\n") == "[01:15:10] Late.\n"     # 75 minutes can be


def _srt(*cues: str, gap: int = 3) -> str:
    """An .srt of one line per cue, cue i from second 1 + gap*i, 2 s long."""
    return "".join(f"{i + 1}\n00:00:{1 + gap * i:02d},000 --> 00:00:{3 + gap * i:02d},000\n{words}\n\n"
                   for i, words in enumerate(cues))


def test_a_prose_label_said_twice_stays_in_the_words():
    """The second "Note:" was deleted from the stored text: a recurring label was taken for a speaker and the
    same speaker's next cue joined the turn without it. Prose labels (parse.py's) are no speakers here
    either, and any label taken for a speaker opens its own paragraph, so it is written every time."""
    text = subtitle_text(_srt("WARNING: the ferry is cancelled today.", "Note: buses replace it.",
                              "Note: the buses leave from the station.", "Thank you for your patience."))
    assert text == ("[00:00:01] WARNING: the ferry is cancelled today. Note: buses replace it. "
                    "Note: the buses leave from the station. Thank you for your patience.\n")
    _, ps = parse(Document.from_text("n.srt", text))
    assert {p.speaker for p in ps} == {None}
    other = subtitle_text(_srt("Reminder: buses replace it.", "Reminder: they leave at nine."))
    assert other.count("Reminder:") == 2 and "they leave at nine." in other


@pytest.mark.parametrize("labels", [("Speaker 1", "Speaker 2", "Speaker 1"), ("SPEAKER 1", "SPEAKER 2", "SPEAKER 1"),
                                    ("ÉLODIE DURAND", "ÖMER", "ÉLODIE DURAND")])
def test_numbered_and_accented_caption_labels_are_speakers(labels):
    """"Speaker 1:", "ÉLODIE DURAND:" were no speakers in captions (one paragraph, no speaker, one time), though
    they are in a .txt: one turn per label, each at its cue's time, as the .txt reading of the same labels."""
    words = ["The ferry leaves at nine.", "And it returns at five.", "Only on weekdays."]
    text = subtitle_text(_srt(*(f"{who}: {w}" for who, w in zip(labels, words))))
    _, ps = parse(Document.from_text("s.srt", text))
    assert [(p.speaker, p.text, p.time) for p in ps] == list(zip(labels, words, [1.0, 4.0, 7.0]))
    _, plain = parse(Document.from_text("s.txt", "".join(f"{who}: {w}\n\n" for who, w in zip(labels, words))))
    assert [(p.speaker, p.text) for p in plain] == [(p.speaker, p.text) for p in ps]


LONE_VOICE = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Dr. Ada Byron>Welcome to the lecture on engines.\n\n"
              "00:00:05.000 --> 00:00:08.000\n<v Dr. Ada Byron>Today we study the difference engine.\n\n"
              "00:00:09.000 --> 00:00:12.000\n<v Dr. Ada Byron>Its gears were made of brass.\n")


def test_a_lone_voice_or_marked_name_is_a_speaker(tmp_path, capsys):
    """One speaker's captions lost their speaker: parse.py reads a lone label as prose, so the label stayed in
    the quote and `--speaker "Dr. Ada Byron"` said the index names no speakers. A voice tag or ">> NAME:" is
    unambiguous: read.py writes that lone speaker after the captions' mark, which parse.py reads."""
    _, ps = parse(Document.from_text("l.vtt", subtitle_text(LONE_VOICE)))
    assert [(p.kind, p.speaker, p.time) for p in ps] == [("turn", "Dr. Ada Byron", 1.0)]
    assert ps[0].text.startswith("Welcome") and ps[0].text.endswith("made of brass.")
    marked = subtitle_text(_srt(">> PROFESSOR BYRON: Welcome to the lecture.", "Today we study engines.",
                                "Its gears were made of brass."))
    _, ps = parse(Document.from_text("m.srt", marked))
    assert {p.speaker for p in ps} == {"PROFESSOR BYRON"} and ps[0].text.startswith("Welcome")
    (tmp_path / "lecture.vtt").write_text(LONE_VOICE, encoding="utf-8")
    folder = str(tmp_path / "idx")
    assert run(capsys, "index", str(tmp_path / "lecture.vtt"), "--index", folder, "--quiet")[0] == 0
    code, out, err = run(capsys, "search", "gears", "--speaker", "Dr. Ada Byron", "--json", "--index", folder)
    assert code == 0, err
    assert {p["speaker"] for p in json.loads(out)["passages"]} == {"Dr. Ada Byron"}


def test_two_voices_on_one_cue_line():
    """"<v Ann>Hi, Bob.</v> <v Bob>Hello, Ann.</v>" gave Bob's words to Ann: each voice tag starts its turn."""
    text = subtitle_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ann>Hi, Bob.</v> <v Bob>Hello, Ann.</v>\n")
    _, ps = parse(Document.from_text("t.vtt", text))
    assert [(p.speaker, p.text, p.time) for p in ps] == [("Ann", "Hi, Bob.", 1.0), ("Bob", "Hello, Ann.", 1.0)]


def test_a_line_said_again_later_is_no_rolling_repeat():
    """Tom's "Yes, it did." at 01:30, said again long after the same words at 00:04, was dropped as a rolling
    caption's repeat; a repeat is a line the same speaker repeats in a cue starting within ROLLING_GAP of the
    end of the cue it was in. Two equal lines of one cue ("No. No.") are said twice too."""
    text = subtitle_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ann>Did the council approve it?\n\n"
                         "00:00:04.000 --> 00:00:06.000\n<v Tom>Yes, it did.\n\n"
                         "00:01:30.000 --> 00:01:33.000\n<v Tom>Yes, it did.\n\n"
                         "00:01:34.000 --> 00:01:36.000\n<v Ann>Twice?\n")
    _, ps = parse(Document.from_text("r.vtt", text))
    assert [(p.speaker, p.text, p.time) for p in ps] == [
        ("Ann", "Did the council approve it?", 1.0), ("Tom", "Yes, it did.", 4.0), ("Tom", "Yes, it did.", 90.0),
        ("Ann", "Twice?", 94.0)]
    assert subtitle_text("1\n00:00:01,000 --> 00:00:02,000\nNo.\nNo.\n") == "[00:00:01] No. No.\n"


def test_every_export_of_a_window_cites_the_times_it_runs_over(tmp_path, fake_embedder):
    """The CLI, the chat's header and the JSON said "at 00:03:05–00:15:00", but Copy citation, Markdown, CSV and
    the presenter slide still said "at 00:03:05" (a reviewer)."""
    from rag import cite, render
    from rag.build import build
    from rag.records import Hit
    from rag.store import load

    build([DATA / "townhall.srt"], fake_embedder, tmp_path / "idx")
    index = load(tmp_path / "idx", embedder=fake_embedder)
    p = next(p for p in index.passages if cite.last_time(p, index) is not None)
    span = f"at {clock(p.time)}–{clock(cite.last_time(p, index))}"
    hit = Hit(passage=p, rank=1, score=1.0)
    assert span in cite.where(p, cite.last_time(p, index))
    assert span in cite.markdown([hit], index) and span in render.quote_citation(hit, index)
    import csv
    import io
    row = list(csv.DictReader(io.StringIO(cite.csv_text([hit], index))))[0]
    assert row["time"] == clock(p.time) and row["time_end"] == clock(cite.last_time(p, index))
    from rag.chat import Turn
    from rag.retrieve import Result
    slide = render.presenter_html(Turn("q", "q", result=Result("q", [hit]), index=index))
    assert html.unescape(span) in html.unescape(slide)


def test_cues_out_of_order_are_read_in_the_order_they_are_said():
    """A hostile test's edited court captions: cue 3 (00:00:20) stood before cue 2 (00:00:10) in the file, and the
    stored turns put the objection's reply before the objection. A player shows cues by their start times; so are
    they read (cues that start together keep the file's order, words whose timing line was lost stay after theirs)."""
    srt = ("1\n00:00:05,000 --> 00:00:09,000\nJUDGE MARLOWE: Be seated.\n\n"
           "3\n00:00:20,000 --> 00:00:25,000\nMR. OYELARAN: The lease was extended without a tender.\n\n"
           "99:99:99,999 --> 99:99:99,999\nMR. OYELARAN: Ten years, not five.\n\n"
           "2\n00:00:10,000 --> 00:00:19,500\nMS. VANCE: My client objects to exhibit four.\n\n"
           "4\n00:00:26,000 --> 00:00:30,000\nJUDGE MARLOWE: Overruled.\n\n"
           "6\n00:00:40,000 --> 00:00:41,000\nMS. VANCE: Objection.\n\n"
           "5\n00:00:40,000 --> 00:00:41,000\nMR. OYELARAN: Withdrawn.\n")     # (they start together: file order)
    text = subtitle_text(srt)
    said = text.strip().split("\n\n")
    assert said == ["[00:00:05] JUDGE MARLOWE: Be seated.",
                    "[00:00:10] MS. VANCE: My client objects to exhibit four.",
                    "[00:00:20] MR. OYELARAN: The lease was extended without a tender.",
                    "[00:00:25] MR. OYELARAN: Ten years, not five.",      # (its label opens a paragraph)
                    "[00:00:26] JUDGE MARLOWE: Overruled.",
                    "[00:00:40] MS. VANCE: Objection.",
                    "[00:00:40] MR. OYELARAN: Withdrawn."]


def test_a_file_of_two_recordings_is_read_in_its_own_order():
    """A review's: two recordings in one file, each timed from 00:00:01, were merged cue by cue once cues were read
    by their times. Times that go back more than subtitles.REORDER are a new part (or a mistyped hour): the file's
    own order holds."""
    srt = ("1\n00:00:01,000 --> 00:00:04,000\nPART ONE: The budget is approved.\n\n"
           "2\n00:02:00,000 --> 00:02:04,000\nPART ONE: The ferry contract is rejected.\n\n"
           "1\n00:00:01,000 --> 00:00:04,000\nPART TWO: The harbour is dredged.\n\n"
           "2\n00:01:00,000 --> 00:01:04,000\nPART TWO: The pier is painted.\n")
    said = subtitle_text(srt).strip().split("\n\n")
    assert [line.split(": ", 1)[1] for line in said] == ["The budget is approved.", "The ferry contract is rejected.",
                                                          "The harbour is dredged.", "The pier is painted."]


def test_a_teams_voice_written_last_name_first_is_a_speaker_and_times_keep_their_milliseconds():
    """Teams writes its voices "Natarajan, Priya": no label's grammar has a comma, so the chair's turns were words
    glued onto the turn before ("Turns of Tom Becker" over Priya's and Chidi's), and `--speaker Priya` found nobody.
    The voice is written in reading order; a suffix ("Smith, Jr.") is no first name. A cue at 00:01:16.710 is 76.71
    seconds, not 76.71000000000001."""
    vtt = ("WEBVTT\n\n00:00:04.210 --> 00:00:08.460\n<v Natarajan, Priya>We have spent 71 percent of the budget.</v>\n\n"
           "00:00:09.000 --> 00:00:13.000\n<v Okonkwo, Chidi (External)>Most of that is fuel.</v>\n\n"
           "00:01:16.710 --> 00:01:20.000\n<v Tom Becker (Guest)>Battery life is eleven hours.</v>\n\n"
           "00:01:21.000 --> 00:01:22.000\n<v van der Berg, Anna>Good.</v>\n\n"
           "00:01:23.000 --> 00:01:24.000\n<v Natarajan, Priya>I will raise it on Thursday.</v>\n")
    doc = Document.from_text("teams.vtt", subtitle_text(vtt))
    _, ps = parse(doc)
    assert [(p.speaker, p.outlet, p.time) for p in ps] == [
        ("Priya Natarajan", None, 4.21), ("Chidi Okonkwo", "External", 9.0), ("Tom Becker", "Guest", 76.71),
        ("Anna van der Berg", None, 81.0), ("Priya Natarajan", None, 83.0)]
    assert ps[0].text == "We have spent 71 percent of the budget." and doc.text[ps[0].start:ps[0].end] == ps[0].text
    assert "Smith, Jr.:" in subtitle_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Smith, Jr.>Hello.</v>\n")


@pytest.mark.parametrize("voice", ["Bob, Alice", "Host, Jane", "Jones, MP", "Audience, Crowd", "Davis, John"])
def test_a_voice_with_a_comma_that_may_not_be_last_name_first_is_left_as_written(voice):
    """(A hostile review: "<v Bob, Alice>" was stored as "Alice Bob", "Host, Jane" as "Jane Host", "Jones, MP" as
    "MP Jones". Two people, a role, a title after a name, or a first part that is a given name stay as written.)"""
    text = subtitle_text(f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v {voice}>Hello.</v>\n")
    assert f"{voice}:" in text or f">> {voice}:" in text


def test_captions_without_punctuation_are_cut_every_half_minute_so_a_quotes_time_is_near_its_words(tmp_path):
    # a reviewer's YouTube lecture: automatic captions, no punctuation, merged into paragraphs of 1,200 characters,
    # each at its first cue's time: "hurricane harvey", said at 0:50, was cited "at 00:00:00.160"
    from rag.subtitles import LONGEST_SPAN

    def stamp(t):
        return f"00:{int(t) // 60:02d}:{t % 60:06.3f}"
    cues = [f"{stamp(2 * i)} --> {stamp(2 * i + 2)}\nwe talk about topic{i} and more words" for i in range(60)]
    path = tmp_path / "lecture.vtt"
    path.write_text("WEBVTT\n\n" + "\n\n".join(cues) + "\n", encoding="utf-8")
    _, passages = parse(read(path))
    for i in (10, 25, 40, 55):
        p = next(p for p in passages if f"topic{i} " in p.text)
        assert 2 * i - LONGEST_SPAN - 2 <= p.time <= 2 * i, (i, p.time)
    # captions with sentences are cut at a sentence's end as before, not every half minute
    said = [f"{stamp(2 * i)} --> {stamp(2 * i + 2)}\nwe talk about topic{i} and more words" + ("." if i % 10 == 9 else "")
            for i in range(60)]
    path.write_text("WEBVTT\n\n" + "\n\n".join(said) + "\n", encoding="utf-8")
    _, passages = parse(read(path))
    assert all(p.text.endswith(".") for p in passages) and max(b.time - a.time for a, b in zip(passages, passages[1:])) > LONGEST_SPAN
    # one sentence at the start (a title said) leaves the rest of the lecture cut every half minute (a hostile review)
    mixed = [f"{stamp(2 * i)} --> {stamp(2 * i + 2)}\nwe talk about topic{i} and more words" + ("." if i == 0 else "")
             for i in range(60)]
    path.write_text("WEBVTT\n\n" + "\n\n".join(mixed) + "\n", encoding="utf-8")
    _, passages = parse(read(path))
    assert max(b.time - a.time for a, b in zip(passages, passages[1:])) <= LONGEST_SPAN + 2


def test_a_quote_of_several_caption_paragraphs_says_when_it_ends(tmp_path):
    # the same lecture: its half-minute paragraphs are quoted two at a time (a window of 224 tokens), and the citation
    # said only when the first began ("at 00:00:00"), where the words asked for were said in the second
    from rag.build import build
    from rag.cite import last_time, where
    from rag.store import load

    def stamp(t):
        return f"00:{int(t) // 60:02d}:{t % 60:06.3f}"
    cues = [f"{stamp(2 * i)} --> {stamp(2 * i + 2)}\nwe talk about topic{i} and more" for i in range(40)]
    (tmp_path / "talk").mkdir()
    (tmp_path / "talk" / "lecture.vtt").write_text("WEBVTT\n\n" + "\n\n".join(cues) + "\n", encoding="utf-8")
    build([tmp_path / "talk"], FakeEmbedder(), folder=tmp_path / "idx")
    index = load(tmp_path / "idx")
    spanning = [p for p in index.passages if p.text.count("] ") or "\n\n" in p.text]
    assert spanning, "no window of several paragraphs: the test proves nothing"
    p = spanning[0]
    until = last_time(p, index)
    assert until is not None and until > p.time and f"at {clock(p.time)}–{clock(until)}" in where(p, until)


def test_a_quote_of_several_caption_paragraphs_says_when_its_best_match_was_said(tmp_path, capsys):
    # a researcher's Whisper transcript: a window of several timed paragraphs was cited only "at 00:00:58–00:01:30";
    # where in the recording the words asked for were said is the paragraph best_turns marks
    from rag import cite, render
    from rag.build import build
    from rag.chat import Turn
    from rag.cli import main
    from rag.records import Hit
    from rag.retrieve import Result
    from rag.store import load

    def stamp(t):
        return f"00:{int(t) // 60:02d}:{t % 60:06.3f}"
    names = [a + b for a in ("bar", "cor", "dun", "fel", "gam", "hol", "jin", "kel") for b in ("ak", "ep", "is", "om", "uz")]
    cues = [f"{stamp(2 * i)} --> {stamp(2 * i + 2)}\nwe talk about {names[i]} and more" for i in range(40)]
    (tmp_path / "talk").mkdir()
    (tmp_path / "talk" / "lecture.vtt").write_text("WEBVTT\n\n" + "\n\n".join(cues) + "\n", encoding="utf-8")
    build([tmp_path / "talk"], FakeEmbedder(), folder=tmp_path / "idx")
    index = load(tmp_path / "idx")
    p = next(p for p in index.passages if cite.last_time(p, index) is not None)
    paragraphs = cite._spanned(p, index, "timed")
    last = paragraphs[-1]
    word = next(w for w in last.text.split() if w in names)      # said only in the window's last paragraph
    hit = Hit(passage=p, rank=1, score=1.0)
    assert cite.best_time(hit, index, f"when did they talk about {word}?") == last.time > p.time
    assert cite.best_time(hit, index, "when did they talk about zebras?") is None
    assert cite.hit_json(hit, index, f"about {word}")["best_time"] == last.time
    html_ = render.quote_html(hit, index, 1, Turn(f"about {word}", f"about {word}", result=Result("q", [hit]), index=index))
    assert f"best match at {clock(last.time)}" in html_
    assert main(["search", f"about {word}", "--index", str(tmp_path / "idx"), "-k", "3"]) == 0
    assert f"best match at {clock(last.time)}" in capsys.readouterr().out
