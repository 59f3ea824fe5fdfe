"""A hostile review of the summary check (session 35): sentences marked supported that their quotes do not support.
Each case below was "ok" before; the faithful controls stay "ok". The fake embedder (bag of words) makes a copied
sentence close to its quote, as the real model does."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from rag import render
from rag.chat import Turn
from rag.records import Document, Hit, Passage
from rag.summarise import Summary
from rag.verify import check

from conftest import FakeEmbedder, spoken_quotes


QUOTES = [("Helen Brandt", "The harbour wall repair was quoted at 3 million pounds in February, and the contractors "
                           "can start in June. It is urgent."),
          ("Marcus Webb", "We will not raise mooring fees next year. The new pontoon might be ready by August."),
          ("Sergey Lavrov", "Russia fully respects the sovereignty of both Finland and Sweden. It’s those who are "
                            "trying to get these two countries to join NATO that don’t seem to respect their "
                            "sovereignty. There is a lobby which opposes any attempts to “move away” from NATO.")]


@pytest.fixture(scope="module")
def quotes():
    return spoken_quotes(QUOTES)


def verdict(quotes, sentence):
    """The check of one sentence over `quotes` (spoken_quotes)."""
    hits, index, embedder = quotes
    [checked], _ = check(sentence, hits, index, embedder)
    return checked


@pytest.mark.parametrize("sentence, problem", [
    # a figure's size: "3" and "million" were each in the quote
    ("The harbour wall repair was quoted at 3 trillion pounds in February. [1]", "'3 trillion'"),
    ("The harbour wall repair was quoted at £3bn in February. [1]", "'£3bn'"),
    ("The harbour wall repair was quoted at one million pounds in February. [1]", "'one million'"),
    # the model's words in single quotation marks, or two words in double ones
    ("Russia fully respects the sovereignty of both Finland and Sweden, ‘whatever NATO decides’. [3]",
     "whatever NATO decides"),
    ("Russia fully respects the sovereignty of both Finland and Sweden, 'whatever NATO decides'. [3]",
     "whatever NATO decides"),
    ("Russia fully respects the “full sovereignty” of both Finland and Sweden. [3]", "full sovereignty"),
    # a look-alike letter, an ignorable character: the negation hidden from the negation check
    ("Russia does n\u043et respect the sovereignty of both Finland and Sweden. [3]", "2 scripts"),
    ("Russia does n\u034fot respect the sovereignty of both Finland and Sweden. [3]", "no or not"),
    ("Russia does no\ufe00t respect the sovereignty of both Finland and Sweden. [3]", "no or not"),
    # a month in lower case
    ("The contractors can start in july. [1]", "july"),
    # a figure's words, read whole ("twenty-five million" was "five million"), and half of one
    ("The harbour wall repair was quoted at half a million pounds in February. [1]", "'a million'"),
    # a link, an image, a tag
    ("Russia fully respects the sovereignty of both Finland and Sweden [proof](http://evil.example/x). [3]", "link"),
    ("Russia fully respects the sovereignty of both Finland and Sweden ![](http://evil.example/p.png). [3]", "link"),
    ("Russia fully respects the sovereignty of both Finland and Sweden <img src=x onerror=alert(1)>. [3]", "<img"),
])
def test_a_sentence_its_quotes_do_not_support_is_not_marked_supported(quotes, sentence, problem):
    checked = verdict(quotes, sentence)
    assert not checked.supported and any(problem in p for p in checked.problems), checked.problems


@pytest.mark.parametrize("sentence", [
    "The harbour wall repair was quoted at 3 million pounds in February. [1]",
    "The harbour wall repair was quoted at £3m in February. [1]",
    "The harbour wall repair was quoted at 3,000,000 pounds in February. [1]",
    "Marcus Webb said they will not raise mooring fees next year. [2]",
    "There is a lobby which opposes any attempts to 'move away' from NATO. [3]",
    "Russia fully respects both countries' sovereignty, Finland's and Sweden's. [3]",
    # straight apostrophes over the quote's curly ones, in quotation marks: the same words
    "Lavrov said: “It's those who are trying to get these two countries to join NATO that don't seem to respect "
    "their sovereignty.” [3]",
])
def test_faithful_sentences_stay_supported(quotes, sentence):
    checked = verdict(quotes, sentence)
    assert checked.supported, checked.problems


def test_a_fullwidth_marker_is_a_citation_not_words_linked_unchecked(quotes):
    """"… Sweden ［1］. [2]": NFKC made the fullwidth marker "[1]" inside the sentence's text after the citations were
    read, and the chat linked quote [1], against which the sentence was never checked."""
    hits, index, embedder = quotes
    [checked], _ = check("Russia fully respects the sovereignty of both Finland and Sweden \uff3b1\uff3d. [3]", hits,
                         index, embedder)
    assert checked.citations == [1, 3] and "[" not in checked.text and "\uff3b" not in checked.text
    turn = Turn(question="q", query="q", k=3, summary_on=True, result=SimpleNamespace(hits=hits, abstained=False),
                index=index, summary=Summary([checked], "a model", None, 0))
    html = render.summary_html(turn, 1)
    assert "Sweden.</span>" in html and 'href="#t1-q1"' in html and 'href="#t1-q3"' in html


MEETING = ("Harbour committee meeting, 3 March 2023.\n\n"
           "Helen Brandt: Good evening. The harbour wall repair was quoted at 3 million pounds in February.\n\n"
           "Marcus Webb: We will not raise mooring fees next year. The new pontoon might be ready by August.\n\n"
           "Helen Brandt: I can draft the abstract for the grant application.\n")


@pytest.fixture(scope="module")
def meeting(tmp_path_factory):
    """The harbour meeting indexed, its quotes for a question on mooring fees, and the number of the quote whose
    window holds both Helen Brandt's turn and Marcus Webb's."""
    from rag.build import build
    from rag.retrieve import open_retriever

    folder = tmp_path_factory.mktemp("harbour")
    (folder / "harbour.txt").write_text(MEETING, encoding="utf-8")
    embedder = FakeEmbedder()
    build([folder / "harbour.txt"], embedder, folder=folder / "idx")
    r = open_retriever(folder / "idx", embedder=embedder)
    hits = r.search("What was said about mooring fees?", 3, abstain=False).hits
    n = next(h.rank for h in hits if "mooring" in h.passage.text and "Helen Brandt" in h.passage.text)
    return hits, r.index, embedder, n


def test_two_speakers_named_together_must_both_have_said_it(meeting):
    """"Helen Brandt and Marcus Webb both said they will not raise mooring fees" over a window of the meeting where
    only Marcus Webb says it was "ok": the speaker check passed once any one person named had said it."""
    hits, index, embedder, n = meeting
    [joint], _ = check(f"Helen Brandt and Marcus Webb both said they will not raise mooring fees next year. [{n}]",
                       hits, index, embedder)
    assert not joint.supported and any("not Helen Brandt" in p for p in joint.problems), joint.problems
    [alone], _ = check(f"Marcus Webb said they will not raise mooring fees next year. [{n}]", hits, index, embedder)
    assert alone.supported, alone.problems


# ---- the re-review of these rules (session 35): false alarms they raised, on copies above all ---------------------

COPIES = ["Attendance has doubled since the '90s; the members' votes now decide the budget.",
          "He said “well… maybe” about the 50 µg dose and the ＄3m grant, and the forms are on www.example.com today.",
          "The wall costs twenty-five million pounds, or 1.5m pounds a year for α-particles research where a<b and b>c.",
          "Asked about jersey cows, she said panama hats sell in june."]


@pytest.fixture(scope="module")
def copies():
    text = "\n\n".join(COPIES)
    doc = Document(id="c.txt", text=text, path="", title="Notes", date="2023-03-03")
    hits = []
    for rank, said in enumerate(COPIES, 1):
        start = text.index(said)
        hits.append(Hit(passage=Passage(doc="c.txt", start=start, end=start + len(said), text=said, section="text",
                                        kind="answer", paragraph=rank), rank=rank, score=1.0))
    return hits, SimpleNamespace(documents={"c.txt": doc}, passages=[h.passage for h in hits]), FakeEmbedder()


@pytest.mark.parametrize("sentence", [
    # a grounded sentence joins a quote's pieces: "'90s … members'" is no pair of quotation marks
    "Attendance has doubled since the '90s, and the members' votes now decide the budget. [1]",
    # the quote's own words, NFKC-folded as the sentence is ("…", "µ", "＄")
    "He said “well… maybe” about the 50 µg dose and the ＄3m grant. [2]",
    "The forms are on www.example.com. [2]",
    "The wall costs twenty-five million pounds. [3]",
    "It costs £1.5m a year for α-particles research where a<b and b>c. [3]",
    "She said panama hats sell in june, asked about jersey cows. [4]",
])
def test_the_quotes_own_words_stay_supported(copies, sentence):
    checked = verdict(copies, sentence)
    assert checked.supported, checked.problems


def test_five_million_is_not_twenty_five_million(copies):
    assert not verdict(copies, "The wall costs five million pounds. [3]").supported


def test_a_chinese_exclamation_or_question_mark_still_ends_a_sentence(copies):
    """NFKC of the whole answer before its sentences were split made "！" and "？" ASCII marks, which end a sentence
    only before a capital: a question citing nothing hid inside the supported sentence after it."""
    hits, index, embedder = copies
    checked, _ = check("修理は本当に必要ですか？はい、必要です。[1]", hits, index, embedder)
    assert len(checked) == 2 and checked[1].text == "はい、必要です。"
    assert "cites no quote" in checked[0].problems


def test_a_grounded_fragment_with_a_variation_selector_is_found_in_its_sentence():
    """"We love this town ❤️" (U+2764 U+FE0F): the sentence loses the selector, the fragment kept it."""
    from rag.verify import Fragment, fragment_problems

    quote = "We love this town \u2764\ufe0f and its harbour."
    doc = Document(id="t.txt", text=quote, path="", title="Notes", date="")
    hit = Hit(passage=Passage(doc="t.txt", start=0, end=len(quote), text=quote, section="text", kind="answer",
                              paragraph=1), rank=1, score=1.0)
    index = SimpleNamespace(documents={"t.txt": doc}, passages=[hit.passage])
    [checked], _ = check(quote + " [1]", [hit], index, FakeEmbedder())
    assert not fragment_problems(checked.text, [Fragment(1, 0, len(quote), quote)], [hit], index, [1])


def test_speakers_named_apart_or_for_a_discussion_are_not_credited_together(meeting):
    hits, index, embedder, n = meeting
    for sentence in (f"Asked by Helen Brandt, Marcus Webb said they will not raise mooring fees next year. [{n}]",
                     f"Helen Brandt and Marcus Webb discussed whether they will raise mooring fees next year. [{n}]"):
        [c], _ = check(sentence, hits, index, embedder)
        assert not any("credits to" in p for p in c.problems), (sentence, c.problems)
