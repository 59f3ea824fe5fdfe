"""Grounded summaries of a researcher's meetings (session 38's review): a condition or hedge after a dash was cut
off, so "We will sell the lighthouse to the Kestrel Trust – if the trust raises 400,000 pounds" became the supported
sentence "We will sell the lighthouse to the Kestrel Trust."; and a fragment of another quote opening with "We" was
joined after "and" ("… by 12 percent in April, and We thought that was reasonable."), "that" now the other quote's:
"We" counted as a name, as did every word after a speaker's label or a dash."""
from __future__ import annotations

from rag import grounded

from conftest import chat_tokenizer, quote_hits

QUALIFIED = [
    "We will sell the lighthouse to the Kestrel Trust – if the trust raises 400,000 pounds by December.",
    "The new ferry will be running by June – at least that's what the operator told us in January.",
    "The board will raise mooring fees by 12 percent in April – unless the council finds the money elsewhere.",
    "The harbour wall is finished – the contractor signed it off last week.",
]


def _plan(texts, **kw):
    tok = chat_tokenizer(texts * 3)
    _, hits = quote_hits(texts, before="Harbour board.\n\n")
    return grounded.Plan(tok, [(h.rank, h.passage, len(h.passage.text)) for h in hits], **kw)


def _options(plan) -> set[str]:
    return {c.text[c.start:e] for c in plan.cands for e in c.ends}


def test_no_fragment_ends_before_a_condition_or_hedge_on_it():
    options = _options(_plan(QUALIFIED))
    for cut in ("We will sell the lighthouse to the Kestrel Trust", "The new ferry will be running by June",
                "The board will raise mooring fees by 12 percent in April"):
        assert cut not in options
    # a dash before a statement of its own still ends a fragment there
    assert "The harbour wall is finished" in options
    assert "the contractor signed it off last week" in options


def test_a_word_after_a_label_or_a_dash_or_an_everyday_one_is_no_name():
    names = grounded._names([(text, len(text)) for text in (
        "Marketing: So we agreed the price.\n\nProject Manager: Okay, and Russia and NATO were named by Helen Brandt.",
        "The minister told us – We will close the market in September.")])
    assert {"Russia", "NATO", "Helen", "Brandt"} <= names
    assert not names & {"So", "Okay", "We"}


def test_no_fragment_of_another_quote_opening_with_a_pronoun_is_joined_after_a_connective():
    texts = ["The board will raise mooring fees by 12 percent in April.",
             "The repair quote was 85,000 pounds – We thought that was reasonable, and we signed it."]
    plan = _plan(texts)
    first = next(c for c in plan.cands if c.rank == 1 and c.opens)
    after = grounded.Decoder(plan)._limits(True, frags=((first.id, min(first.ends)),))
    assert not any(plan.cands[c].text[plan.cands[c].start:].lower().startswith("we ") for c in after)
