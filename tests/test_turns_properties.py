"""Property test of the turn parser alone (tests/test_properties.py checks parse and chunk together):
for any mix of labels, time stamps, '>>' marks and empty turns, every passage is an exact, stripped span,
passages never overlap, and no passage quotes a label or stamp it has read as a turn's opening."""
from hypothesis import HealthCheck, example, given, settings, strategies as st

from rag.parse import parse
from rag.records import Document

label = st.sampled_from(["Grad A", "PhD B", "Project Manager", "The Chair (Hon. A (B, Lib.))", "MR. SMITH",
                         "Right Hon. Justin Trudeau", "Question", "Q", "A", "Note", "Jane Doe (BBC)", "Speaker 2"])
stamp = st.sampled_from(["", "[00:01:02] ", "(01:02) ", "00:12:31 ", "[1:02:03.5] ", ">> ", "[00:00:04] >> "])
words = st.one_of(st.text(max_size=120), st.sampled_from(["", "Mm-hmm.", "Why?", "Yes. No. Maybe?", "10:30 is late."]))
turn = st.builds(lambda s, l, w, sep: f"{s}{l}:{sep}{w}", stamp, label, words, st.sampled_from([" ", "\n", "  "]))
line = st.one_of(turn, words, stamp.map(lambda s: s + "plain words"))
documents = st.lists(line, max_size=30).map(lambda ls: "\n\n".join(ls)) | st.lists(line, max_size=30).map("\n".join)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=400)
@given(documents)
@example("[00:01:02] Grad A: \n\nPhD B: \n\n[00:01:02] PhD B: \x850")   # a label, then NEL: a line's end
@example("Grad A: \n\nGrad A: \n\nPhD B: \n\nPhD B: \x1f0")     # a space str.strip takes, no line's end (Hypothesis)
def test_turn_spans_are_exact(text):
    _, passages = parse(Document.from_text("doc.txt", text))
    last_end = -1
    for p in passages:
        assert text[p.start:p.end] == p.text and p.text == p.text.strip() and p.text
        assert p.start >= last_end
        last_end = p.end
        if p.kind == "turn" and p.speaker:
            assert not p.text.startswith(p.speaker + ":")
        if p.time is not None:
            assert p.time >= 0 and not p.text.startswith(("[00:01:02]", "(01:02)"))
