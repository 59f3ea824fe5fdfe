"""Transcript formats a researcher exports (session 37's hostile review): a Teams file's "James, Sarah" voice was
nobody (her words stored under ">> James, Sarah:"); "What did Liam say?" named no one (a given name the 1990 census
lacks, and an English word by wordfreq); "Marcus" named the "MARCUS:" of one document's captions and never Marcus Webb
of another; a window opening on an unnamed ">>" turn was cited as the next speaker's turns; an interviewer's closing
thank-you lost its time."""
from __future__ import annotations

import pytest

from rag.cite import where
from rag.parse import parse
from rag.records import Document, Passage
from rag.speakers import resolve
from rag.subtitles import subtitle_text

from conftest import one_file_retriever

TEAMS = """WEBVTT

a1/1-0
00:00:01.000 --> 00:00:05.000
<v James, Sarah>Shall we go through the recruitment numbers first?</v>

a1/2-0
00:00:05.500 --> 00:00:10.000
<v Thomas, Dylan>We have forty-two consented so far, eighteen in the rural arm.</v>

a1/3-0
00:00:10.500 --> 00:00:15.000
<v Ali, Fatima>The rural sites are slow because the GP practices only refer on Tuesdays.</v>

a1/4-0
00:00:15.500 --> 00:00:20.000
<v James, Sarah>Can we ask the practices to refer every day instead?</v>

a1/5-0
00:00:20.500 --> 00:00:26.000
<v Nguyen, Minh Anh>I agree. That's the cheapest fix.</v>
"""


def test_a_teams_file_s_voices_are_read_last_name_first_when_its_voices_are_written_so():
    text = subtitle_text(TEAMS)
    for name in ("Sarah James:", "Dylan Thomas:", "Fatima Ali:", "Minh Anh Nguyen:"):
        assert name in text
    assert ">> James, Sarah" not in text
    _, passages = parse(Document(id="t.vtt", text=text))
    assert {p.speaker for p in passages if p.kind == "turn"} == {"Sarah James", "Dylan Thomas", "Fatima Ali",
                                                                 "Minh Anh Nguyen"}
    assert resolve("What did Fatima say about the GP practices?",
                   {p.speaker for p in passages if p.speaker}).speakers == ("Fatima Ali",)


def test_a_lone_comma_voice_of_two_given_names_stays_as_written():
    # (session 29's rule: "Bob, Alice" may be two people; only a file whose voices are last name first turns it)
    text = subtitle_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Bob, Alice>Hello.</v>\n")
    assert "Bob, Alice:" in text


@pytest.mark.parametrize("name, first", [("Liam Foster", "Liam"), ("Finn Walsh", "Finn"), ("Muhammad Said", "Muhammad"),
                                         ("Ahmed Ali", "Ahmed")])     # (the last a control: in the census list)
def test_a_given_name_that_is_also_an_english_word_names_its_speaker(name, first):
    speakers = [name, "Bob Hale", "Will Porter", "Kate Morris"]
    found = resolve(f"What did {first} say about the budget?", speakers)
    assert found.speakers == (name,) and not found.ambiguous


def test_liam_in_a_meeting_restricts_the_search_to_him(tmp_path, fake_embedder):
    text = "\n\n".join(f"[00:00:{10 + 9 * i:02d}] {who}: I want to say something about the {what}. We discussed the "
                       f"{what} last month." for i, (who, what) in enumerate(
                           [("Liam Foster", "budget"), ("Bob Hale", "rota"), ("Will Porter", "fire drill"),
                            ("Liam Foster", "new wing"), ("Bob Hale", "parking")])) + "\n"
    result = one_file_retriever(tmp_path, fake_embedder, text).search("What did Liam say about the budget?", 3)
    assert result.speaker == "Liam Foster"
    assert not any("not a speaker" in n for n in result.notices)


def test_a_first_name_label_and_a_full_name_elsewhere_are_both_named():
    found = resolve("What did Marcus say about the boat charter?", ["MARCUS", "JANE", "Marcus Webb", "Jane Doe"])
    assert set(found.speakers) == {"MARCUS", "Marcus Webb"} and found.ambiguous
    # a surname's label keeps its name (Senator Warren before Warren Buffett, session 29)
    assert resolve("What did Warren say?", ["Senator Warren", "Warren Buffett"]).speakers == ("Senator Warren",)


def test_a_window_opening_on_an_unnamed_turn_says_so():
    window = Passage(doc="c.srt", start=0, end=40, text="AYE.\n\nCHAIR BELLAMY: THE MOTION CARRIES.", section="text",
                     kind="turn", paragraph=3, speaker=None, time=7136.3, speakers=("CHAIR BELLAMY",))
    assert where(window).startswith("Turns of an unnamed speaker and CHAIR BELLAMY at 01:58:56")
    named = Passage(doc="c.srt", start=0, end=40, text="THE MOTION CARRIES.", section="text", kind="turn",
                    paragraph=3, speaker="CHAIR BELLAMY", time=7136.3, speakers=("CHAIR BELLAMY",))
    assert where(named) == "Turn of CHAIR BELLAMY at 01:58:56"


ORAL_HISTORY = """Oral history: Flood of 1953, Canvey Island
Interviewee: Dorothy Marsh (DM)
Interviewer: Peter Cole (PC)

(00:00) PC: Dorothy, where were you living in January 1953?

(00:05) DM: In a prefab on Newlands Road, with my mother and my two brothers. I was fourteen.

(00:14) PC: What do you remember about the night of the flood?

(00:19) DM: The wind. It had been blowing all day, and in the evening it got worse and worse. Mother put us to bed in our clothes.

(00:33) DM: I woke up because the bed was moving. The water was already up to the mattress.

(00:41) PC: What did you do?

(00:43) DM: We climbed onto the roof through the skylight. My brother Ron pulled Mother up. We sat there until it got light.

(01:02) PC: Were you rescued by boat?

(01:05) DM: A man in a rowing boat came at about eight. He was from Benfleet. I never knew his name.

(01:18) PC: How many people died on the island?

(01:21) DM: Fifty-eight. Two of them were our neighbours, the Careys. Old people. They couldn't get out of the bungalow.

(01:36) PC: Thank you, Dorothy.
"""


def test_an_askers_closing_thanks_keeps_its_time():
    _, passages = parse(Document(id="oh.txt", text=ORAL_HISTORY))
    thanks = next(p for p in passages if "Thank you, Dorothy" in p.text)
    assert thanks.kind == "paragraph" and thanks.speaker is None         # (the asker speaks in no passage: only asks)
    assert thanks.text == "(01:36) PC: Thank you, Dorothy."               # the quote says who thanks
    assert thanks.time == 96.0 and where(thanks).endswith("at 00:01:36")


F4 = ("I: Thank you for taking part. Could you first describe how you came to work in elder care? #00:00:04-2#\n\n"
      "R: I trained as a hairdresser, actually. Then my grandmother went into a home. #00:00:31-8#\n\n"
      "I: What did you find hardest at the beginning? #00:00:36-0#\n\n"
      "R: The night shifts. And the deaths. Nobody prepares you for that. #00:01:02-5#\n")


def test_f4_stamps_closing_each_paragraph_give_the_next_its_time():
    _, passages = parse(Document(id="f4.txt", text=F4))
    assert [(p.speaker, p.time) for p in passages] == [("I", 0.0), ("R", 4.2), ("I", 31.8), ("R", 36.0)]
    assert where(passages[3]) == "Turn of R at 00:00:36"
    assert all(p.text == F4[p.start:p.end] for p in passages)


def test_a_given_name_and_a_role_after_the_comma_stays_as_written():
    text = subtitle_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Nguyen, Minh Anh>Hello.</v>\n\n"
                         "00:00:03.000 --> 00:00:04.000\n<v Sarah, Interpreter>Good morning.</v>\n")
    assert "Minh Anh Nguyen:" in text and "Interpreter Sarah" not in text


def _two_meetings(tmp_path, fake_embedder, first: str, second: str):
    from rag.build import build
    from rag.retrieve import open_retriever

    (tmp_path / "a.txt").write_text(first, encoding="utf-8")
    (tmp_path / "b.txt").write_text(second, encoding="utf-8")
    build([tmp_path / "a.txt", tmp_path / "b.txt"], fake_embedder, folder=tmp_path / "idx")
    return open_retriever(tmp_path / "idx", fake_embedder)


def test_a_first_name_label_beside_a_full_name_of_another_document_names_both(tmp_path, fake_embedder):
    film = "MARCUS: We sail at dawn.\n\nJANE: The boat charter is paid.\n\nMARCUS: Then we go.\n\nJANE: Good.\n"
    meeting = ("Marcus Webb: Most of that was the boat charter in Port Hedland.\n\nJane Doe: Noted.\n\n"
               "Marcus Webb: The charter ran long.\n\nJane Doe: Thanks.\n")
    result = _two_meetings(tmp_path, fake_embedder, film, meeting).search("What did Marcus say about the boat charter?")
    assert any("Marcus Webb" in n and "MARCUS" in n for n in result.notices)
    assert {h.passage.doc for h in result.hits} == {"a.txt", "b.txt"}


def test_a_first_name_label_beside_the_full_name_in_one_document_is_that_label_s(tmp_path, fake_embedder):
    one = ("Jane Doe: The budget is tight this year.\n\nBob Hale: Agreed.\n\nJane: And the rota is late.\n\n"
           "Bob Hale: Noted.\n\nJane Doe: Next item.\n\nJane: The budget again.\n")
    other = "Tom Reed: The ferry runs at nine.\n\nAnn Cole: Thanks.\n\nTom Reed: Fine.\n\nAnn Cole: Good.\n"
    result = _two_meetings(tmp_path, fake_embedder, one, other).search("What did Jane say about the budget?")
    assert result.speaker == "Jane" and not any("could be any" in n for n in result.notices)


def test_a_first_name_label_beside_its_full_name_is_not_merged_with_another_document_s(tmp_path, fake_embedder):
    """(The re-review: "Jane" and "Jane Doe" in one meeting, "Jane Smith" in another: "Jane" named the label and the
    other meeting's Jane Smith, not the same meeting's Jane Doe.)"""
    one = ("Jane Doe: The budget is tight this year.\n\nBob Hale: Agreed.\n\nJane: And the rota is late.\n\n"
           "Bob Hale: Noted.\n\nJane Doe: Next item.\n\nJane: The budget again.\n")
    other = "Jane Smith: The ferry runs at nine.\n\nAnn Cole: Thanks.\n\nJane Smith: Fine.\n\nAnn Cole: Good.\n"
    result = _two_meetings(tmp_path, fake_embedder, one, other).search("What did Jane say about the budget?")
    assert result.speaker == "Jane"
