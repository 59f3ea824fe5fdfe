"""A speech recogniser's timed lines (Whisper's "[00:00:21.680 --> 00:00:28.920]  words") read as subtitle cues: times
carried, stamps and arrows not quoted; any other text as it is (session 29)."""

from pathlib import Path

import pytest

from rag import read
from rag.parse import parse
from rag.subtitles import TIMED_LINES, timed_text

from conftest import exact

FORMATS = Path(__file__).parent / "data" / "formats"


# ---- a speech recogniser's timed lines -------------------------------------------------------------

def test_whisper_timed_lines_read_as_timed_cues():
    doc = read.read(FORMATS / "whisper-talk.txt")
    assert "-->" not in doc.text
    doc, paras = parse(doc)
    exact(doc, paras)
    assert len(paras) == 2 and all(p.time is not None for p in paras)
    first, later = paras
    assert first.time == 0.0 and first.text.startswith("This is Allotment Hour")
    # the line without a stamp goes on with the cue above it; a pause of 15 s starts a new paragraph at its time
    assert "need raised beds, and raised beds cost about ninety pounds" in first.text
    assert later.time == 52.3 and later.text.startswith("What about water?")
    assert not any("[00:" in p.text for p in paras)


@pytest.mark.parametrize("text", [
    "Recorded at the gardens.\n[00:00:00.000 --> 00:00:05.120]  Hello.\n[00:00:05.120 --> 00:00:09.480]  Hi.\n"
    "[00:00:09.480 --> 00:00:12.000]  Bye.\n",                          # words before the first stamp
    "[00:00:00.000 --> 00:00:05.120]  Hello.\n[00:00:05.120 --> 00:00:09.480]  Hi.\n",     # too few
    "[00:00:00.000 --> 00:00:99.120]  Hello.\n[00:00:05.120 --> 00:00:09.480]  Hi.\n"
    "[00:00:09.480 --> 00:00:12.000]  Bye.\n",                          # no clock
    "[00:01:02] Ann: Hello.\n[00:01:05] Bob: Hi.\n[00:01:09] Ann: Bye.\n",       # a stamped transcript
])
def test_text_that_is_not_all_timed_lines_is_not_read_as_cues(text):
    assert TIMED_LINES == 3
    assert timed_text(text) is None
