"""A caption line opening with its speaker in brackets ("(Narrator) In 2021 …") starts a turn at its cue's time
(session 29)."""

from pathlib import Path

from rag import read
from rag.parse import parse

from conftest import exact, by_text

FORMATS = Path(__file__).parent / "data" / "formats"


# ---- a caption's speaker in brackets ---------------------------------------------------------------

def test_a_speaker_in_brackets_opening_a_cue_starts_a_turn_at_its_time():
    doc, paras = parse(read.read(FORMATS / "narrator.srt"))
    exact(doc, paras)
    narrated = by_text(paras, "(Narrator) Last winter")
    assert narrated.time == 15.8 and narrated.text.startswith("(Narrator)")        # not the freight answer's 11.4
    assert by_text(paras, "The freight waits till Thursday.").text == "The freight waits till Thursday."
    isla = by_text(paras, "[ISLA] The shop shelves")
    assert isla.time == 23.0
    assert "[Wind howling]" in isla.text        # a sound alone on its cue is no one speaking: it stays in the turn


def test_a_sound_in_brackets_opening_a_cue_is_no_speaker(tmp_path):
    # (the hostile review: "[Laughter] Which is not enough, frankly.", "(Sighs) Honestly …", "[Applause] Let's …"
    # each started a turn of nobody's, cutting the words off the speaker's turn: a sound or an action is no name)
    srt = ("1\n00:00:01,000 --> 00:00:04,000\n>> SARAH OKAFOR: Welcome back to the harbour podcast.\n\n"
           "2\n00:00:08,500 --> 00:00:12,000\n>> TOM REED: Thanks, Sarah. The budget is forty thousand pounds.\n\n"
           "3\n00:00:12,500 --> 00:00:16,000\n[Laughter] Which is not enough, frankly.\n\n"
           "4\n00:00:16,500 --> 00:00:20,000\n>> SARAH OKAFOR: So who pays for the rest?\n\n"
           "5\n00:00:20,500 --> 00:00:24,000\n(Sighs) Honestly the council should pay for all of it.\n\n"
           "6\n00:00:24,500 --> 00:00:28,000\n[APPLAUSE] Let's take a short break.\n\n"
           "7\n00:00:28,500 --> 00:00:31,000\n(Music Playing) Welcome back.\n\n"
           "8\n00:00:31,500 --> 00:00:34,000\n[Singh] Thank you for having me.\n")
    path = tmp_path / "talk.srt"
    path.write_text(srt)
    doc, paras = parse(read.read(path))
    exact(doc, paras)
    assert by_text(paras, "Which is not enough").speaker == "TOM REED"
    assert by_text(paras, "Honestly the council").speaker == "SARAH OKAFOR"
    assert by_text(paras, "short break").speaker == "SARAH OKAFOR"
    assert by_text(paras, "(Music Playing) Welcome back.").speaker == "SARAH OKAFOR"
    # a name in brackets still speaks (a surname that starts as "sing" does is a name)
    singh = by_text(paras, "[Singh] Thank you")
    assert singh.text.startswith("[Singh]") and singh.time == 31.5
