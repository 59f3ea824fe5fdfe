"""A caption line opening with its speaker in brackets ("(Narrator) In 2021 …") starts a turn at its cue's time
(session 29)."""

from pathlib import Path

from rag import read
from rag.parse import parse

FORMATS = Path(__file__).parent / "data" / "formats"


def exact(doc, paras):
    for p in paras:
        assert doc.text[p.start:p.end] == p.text


def by_text(paras, words):
    found = [p for p in paras if words in p.text]
    assert len(found) == 1, (words, [p.text for p in found])
    return found[0]


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
