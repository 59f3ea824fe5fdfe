"""Structure in transcripts of other styles: turns found, each answer paired with its question, spans exact."""
import pytest

from rag.parse import parse
from rag.records import Document


def parsed(text, name="t.txt"):
    doc, paras = parse(Document.from_text(name, text))
    for p in paras:
        assert text[p.start:p.end] == p.text and p.text == p.text.strip()
    return doc, paras


def exchanges(paras):
    """{section: (question, [(speaker, answer text)])} for every exchange."""
    out = {}
    for p in paras:
        if p.section.startswith("Q"):
            out.setdefault(p.section, (p.question, []))
            if p.kind == "answer":
                out[p.section][1].append((p.speaker, p.text))
    return out


QA = """Q: How long have you been farming?
A: Thirty years, since my father retired.
Q: What changed most?
A: The weather. The summers are longer.
The winters are wet.
"""


def test_q_a_prefixes():
    _, paras = parsed(QA)
    assert exchanges(paras) == {
        "Q1": ("How long have you been farming?", [(None, "Thirty years, since my father retired.")]),
        "Q2": ("What changed most?", [(None, "The weather. The summers are longer.\nThe winters are wet.")]),
    }


CAPS = """WHITE HOUSE PRESS BRIEFING

MS. PSAKI: Good afternoon. I have two items at the top.

First, the infrastructure bill passed the Senate last night.

JOHN SMITH (Reuters): Will the President sign it this week?

MS. PSAKI: He will sign it as soon as it reaches his desk.

MARY JONES (AP): And the debt ceiling?

MS. PSAKI: Congress should raise it, as it has done many times before.

It is not a negotiation.
"""


def test_capitals_and_named_journalists_with_outlets():
    _, paras = parsed(CAPS)
    opening = [p for p in paras if p.section == "opening"]
    assert [p.kind for p in opening][-2:] == ["statement", "statement"]
    assert opening[-1].speaker == "MS. PSAKI"
    ex = exchanges(paras)
    assert list(ex) == ["Q1", "Q2"]
    assert ex["Q1"] == ("Will the President sign it this week?",
                        [("MS. PSAKI", "He will sign it as soon as it reaches his desk.")])
    assert [t for _, t in ex["Q2"][1]] == ["Congress should raise it, as it has done many times before.",
                                           "It is not a negotiation."]
    q2 = [p for p in paras if p.section == "Q2"]
    assert {p.outlet for p in q2} == {"AP"} and q2[0].speaker == "MARY JONES"


INTERVIEW = """An interview with the novelist Ruth Park, recorded in Sydney.

Tom Baker: Welcome. Your new book is set in Surry Hills. Why go back there?

Ruth Park: Because I never really left. The streets are the same, the people changed.

I walked there every day while writing.

Tom Baker: Who is the book for?

Ruth Park: For anyone who grew up poor in a city. That was most of us, then.

Tom Baker: Thank you. It was a pleasure.

Ruth Park: Thank you, Tom.
"""


def test_interview_with_named_interviewer():
    """No 'Question:' label: the speaker whose turns end with '?' and who says less asks."""
    _, paras = parsed(INTERVIEW)
    ex = exchanges(paras)
    assert ex["Q1"][0] == "Welcome. Your new book is set in Surry Hills. Why go back there?"
    assert [t for _, t in ex["Q1"][1]] == [
        "Because I never really left. The streets are the same, the people changed.",
        "I walked there every day while writing."]
    assert ex["Q2"] == ("Who is the book for?",
                        [("Ruth Park", "For anyone who grew up poor in a city. That was most of us, then.")])
    assert ex["Q3"][1] == [("Ruth Park", "Thank you, Tom.")]
    assert [p.kind for p in paras if p.section == "opening"] == ["statement"]


DEBATE = """**Moderator:** Candidates, what is your first priority?

**Lee:** Housing. We will build fifty thousand homes.

**Khan:** Jobs, because without them nobody can pay rent.

**Moderator:** How will you pay for it?

**Lee:** A land tax.
"""


def test_markdown_bold_labels_and_several_answerers():
    _, paras = parsed(DEBATE)
    ex = exchanges(paras)
    assert ex["Q1"] == ("Candidates, what is your first priority?",
                        [("Lee", "Housing. We will build fifty thousand homes."),
                         ("Khan", "Jobs, because without them nobody can pay rent.")])
    assert ex["Q2"] == ("How will you pay for it?", [("Lee", "A land tax.")])


@pytest.mark.parametrize("text", [
    "Note: this is a memo.\n\nIt has two paragraphs. Nobody asks anything.",
])
def test_not_a_transcript_falls_back_to_paragraphs(text):
    _, paras = parsed(text)
    assert {p.kind for p in paras} == {"paragraph"} and {p.section for p in paras} == {"text"}
    assert not any(p.question for p in paras)


def test_a_dialogue_where_nobody_asks_is_a_conversation():
    _, paras = parsed("Alice: Hello there.\n\nBob: Hello.\n\nAlice: Nice weather.\n\nBob: Indeed.")
    assert [(p.kind, p.speaker, p.text) for p in paras] == [("turn", "Alice", "Hello there."),
        ("turn", "Bob", "Hello."), ("turn", "Alice", "Nice weather."), ("turn", "Bob", "Indeed.")]
    assert {p.section for p in paras} == {"text"} and not any(p.question for p in paras)


def test_dateline_and_early_date():
    doc, _ = parsed("Remarks by the Minister\n\nDelivered on 4 March 2019 in Oslo.\n\nThank you all.")
    assert doc.date == "2019-03-04" and doc.title == "t.txt"
    doc, _ = parsed("Remarks by the Minister, Oslo, March 4, 2019\n\nThank you all.")
    assert doc.title == "Remarks by the Minister, Oslo, March 4, 2019" and doc.date == "2019-03-04"
