"""HTML rendering without a browser: exact quotes, labels, context with the span marked, inert text."""
import csv
import dataclasses
import html
import io
import re
from pathlib import Path
from types import SimpleNamespace

from rag.summarise import Summary
from rag.verify import CheckedSentence
from urllib.parse import unquote

import pytest

from rag import chat, cite, render
from rag.build import build
from rag.retrieve import open_retriever

HOSTILE = """Hostile briefing, Nowhere, May 1, 2024.

Question: <script>window.__pwned = 1</script> Is <b>this</b> ${alert(1)} {{constructor.constructor('alert(2)')()}} safe?

Jane Doe: <img src="http://example.com/x.png" onerror="window.__pwned = 2"> Water is safe. ![pixel](http://example.com/p.png) [click](javascript:alert(3)) and "quotes" & ampersands.

Question: Is the <iframe src="http://example.com"></iframe> reservoir full?

Jane Doe: The reservoir is full. <svg onload="window.__pwned = 3"></svg>
"""


@pytest.fixture
def retriever(tiny_index, fake_embedder):
    return open_retriever(tiny_index, fake_embedder)


@pytest.fixture
def hostile(tmp_path, fake_embedder):
    path = tmp_path / "hostile.txt"
    path.write_text(HOSTILE, encoding="utf-8")
    build([path], fake_embedder, folder=tmp_path / "hidx")
    return open_retriever(tmp_path / "hidx", fake_embedder)


def _quote_texts(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<blockquote class="rq-text">(.*?)</blockquote>', page, re.S)]


def test_quotes_are_exact_and_labelled(retriever):
    turn = chat.ask(retriever, "Is the pipeline funded?", 3)
    page = render.turn_html(turn, 1)
    index = retriever.index
    doc = index.documents["briefing.txt"]
    quotes = _quote_texts(page)
    assert quotes == [doc.text[h.passage.start:h.passage.end] for h in turn.result.hits]
    first = turn.result.hits[0].passage
    assert first.section == "Q2"
    assert "Answer to Q2 — Is the pipeline funded? (Daily Bugle)" in page
    assert "[1]" in page and "¶ 6" in page and "2023-03-03" in page and "Jane Doe" in page
    assert f'id="t1-q1" data-doc="briefing.txt" data-start="{first.start}" data-end="{first.end}"' in page


def test_permalinks_and_downloads(retriever):
    turn = chat.ask(retriever, "Is the pipeline funded?", 2)
    page = render.turn_html(turn, 4)
    hit = turn.result.hits[0]
    quote_link = html.escape(chat.permalink(turn.query, 2, retriever.index.fingerprint, span=hit.passage))
    assert quote_link in page and f"#Q2:{hit.passage.start}-{hit.passage.end}" in quote_link
    assert html.escape(chat.permalink(turn.query, 2, retriever.index.fingerprint)) in page
    md = re.search(r'download="quotes-4.md" href="data:text/markdown;charset=utf-8,([^"]*)"', page).group(1)
    assert unquote(html.unescape(md)) == cite.markdown(turn.result.hits, retriever.index)
    data = re.search(r'download="quotes-4.csv" href="data:text/csv;charset=utf-8,([^"]*)"', page).group(1)
    rows = list(csv.DictReader(io.StringIO(unquote(html.unescape(data)))))
    doc = retriever.index.documents["briefing.txt"]
    assert [r["quote"] for r in rows] == [doc.text[h.passage.start:h.passage.end] for h in turn.result.hits]


def test_copy_citation_is_the_exact_quote_with_its_reference(retriever):
    turn = chat.ask(retriever, "Is the pipeline funded?", 1)
    hit = turn.result.hits[0]
    citation = render.quote_citation(hit, retriever.index)
    assert citation.startswith("> " + hit.passage.text + "\n\n— Jane Doe, Press briefing on water policy")
    for part in ("2023-03-03", "Answer to Q2", "para. 6", f"chars {hit.passage.start}–{hit.passage.end}"):
        assert part in citation
    page = render.turn_html(turn, 1)
    copied = re.search(r'data-copy="([^"]*)"', page).group(1)
    assert html.unescape(copied) == citation


def test_copy_citation_carries_the_whole_question(retriever):
    """A seminar's copied citation read "Answer to Q7 — President of Russia Vladimir Putin said at an emergency
    videoconference of the…": the label's question, cut for the page, is whole in what is copied."""
    turn = chat.ask(retriever, "Is the pipeline funded?", 1)
    hit = turn.result.hits[0]
    long = ("President of Russia Vladimir Putin said at an emergency videoconference of the CSTO leaders that "
            "the peacekeepers would leave Kazakhstan soon: when exactly, and what did they do there *meanwhile*?")
    asked = dataclasses.replace(hit, passage=dataclasses.replace(hit.passage, question=long))
    citation = render.quote_citation(asked, retriever.index)
    assert "Answer to Q2 — " + cite.md_escape(long) + " (Daily Bugle), para. 6" in citation and "…" not in citation
    assert citation.startswith("> " + hit.passage.text + "\n\n— Jane Doe")       # the quote as it was


def test_exchange_shows_the_question_and_marks_the_span(retriever):
    index = retriever.index
    doc = index.documents["briefing.txt"]
    start = doc.text.index("The pipeline is funded")
    end = start + len("The pipeline is funded")
    page = render.exchange_html(index, "briefing.txt", start, end)
    marked = re.findall(r'<mark class="rq-hl">(.*?)</mark>', page)
    assert [html.unescape(m) for m in marked] == ["The pipeline is funded"]
    assert "Q2: the full exchange" in page
    assert "Question (Daily Bugle):" in page and "Is the pipeline funded?" in page
    assert "Prices will stay flat" not in page            # another exchange is not shown
    # a span the document does not have is refused with a message
    assert "rq-error" in render.exchange_html(index, "briefing.txt", 10, 10**7)
    assert "not in this index" in render.exchange_html(index, "nope.txt", 0, 5)


def test_hostile_document_is_inert_text(hostile):
    turn = chat.ask(hostile, "Is water safe? <img src=x onerror=alert(1)>", 3)
    index = hostile.index
    page = render.turn_html(turn, 1)
    doc = index.documents["hostile.txt"]
    start = doc.text.index("Water is safe")
    source = render.exchange_html(index, "hostile.txt", start, start + 13)
    for out in (page, source):
        low = out.lower()
        for tag in ("<script", "<img", "<svg", "<iframe", "onerror=\"", "onload=\"", "href=\"javascript", "src=\"http"):
            assert tag not in low, tag
        assert "&lt;script&gt;" in out or "&lt;img" in out
    assert "javascript:alert(3)" in html.unescape(page + source)      # shown as text, not as a link
    assert _quote_texts(page) == [doc.text[h.passage.start:h.passage.end] for h in turn.result.hits]


def test_why_this_quote_shows_each_retriever():
    hit = SimpleNamespace(score=0.5, provenance={"dense_rank": 2, "dense_score": 0.61, "lexical_rank": None,
                                                 "lexical_score": None, "fused_rank": 1, "fused_score": 0.9})
    table = render.why(hit)
    assert "<th>dense</th><td>0.610</td><td>rank 2</td>" in table
    assert "<th>fused</th><td>0.900</td><td>rank 1</td>" in table
    assert "<th>lexical</th><td colspan=2>not among its results</td>" in table
    region = render.why(SimpleNamespace(score=0.5, provenance={"fused_rank": 7, "fused_score": 0.5,
                                                               "region_score": 1.234}))
    assert "<th>turns around it</th><td>1.234</td>" in region       # what ranked a conversation's later hit


def test_abstention_is_said_and_hits_marked_low(retriever):
    from dataclasses import replace

    turn = chat.ask(retriever, "Is the pipeline funded?", 2)
    turn.result = replace(turn.result, abstained=True,
                          hits=[replace(h, low_confidence=True) for h in turn.result.hits])
    page = render.turn_html(turn, 1)
    assert render.abstained(turn.result, retriever.index) in page and page.count("low confidence</span>") == 2
    assert page.count("rq-quote rq-low") == 2


def test_summary_is_marked_as_the_models_words(retriever):
    turn = chat.ask(retriever, "Is the pipeline funded?", 2, summary_on=True)
    sentences = [CheckedSentence(text="It is funded by a grant.", citations=[1], supported=True, support=0.9),
                 CheckedSentence(text="<b>It</b> costs 9 billion [2] [7].", citations=[2], supported=False,
                                 support=0.1, problems=("9 billion is in no cited quote",))]
    turn.summary = Summary(sentences=sentences, model="tiny-model", reason="time limit reached", removed_citations=1)
    out = render.summary_html(turn, 3)
    assert "the model's words, not a quote" in out and "tiny-model" in out
    assert '<a class="rq-ref" href="#t3-q1" data-quote="t3-q1">[1]</a>' in out
    assert '<a class="rq-ref" href="#t3-q2" data-quote="t3-q2">[2]</a>' in out and "[7]" in out
    assert 'data-quote="t3-q7"' not in out                  # no quote 7: not a link
    assert "&lt;b&gt;It&lt;/b&gt;" in out and out.count('class="rq-sent rq-unsupported"') == 1
    assert "not supported by the quotes: 9 billion is in no cited quote</span>" in out
    assert "time limit reached" in out and "1 citation to quotes that do not exist was removed" in out
    assert 'title="9 billion is in no cited quote"' in out
    assert out.count('data-quote="t3-q2"') == 1               # the sentence's own [2] is not repeated
    assert "<blockquote" not in out                          # never styled as a quote
    streaming = chat.ask(retriever, "Is the pipeline funded?", 2, summary_on=True)
    streaming.summary_text = "It is fun"
    assert "rq-streaming" in render.summary_html(streaming, 1)


def test_errors_and_empty_conversation(retriever):
    turn = chat.ask(retriever, "", 5)
    page = render.turn_html(turn, 1)
    assert 'class="rq-error"' in page and "empty" in page and "rq-quote" not in page
    intro = render.intro_html(retriever.index)
    assert "Press briefing on water policy" in intro
    assert render.conversation_html([], intro).count("rq-hello") == 1


def test_a_sentence_not_known_to_be_supported_is_marked_unsupported(retriever):
    turn = chat.ask(retriever, "Is the pipeline funded?", 2, summary_on=True)
    unknown = CheckedSentence(text="It is funded.", citations=[1], supported=None, support=0.0)
    turn.summary = Summary(sentences=[unknown], model="tiny-model")
    assert "rq-unsupported" in render.summary_html(turn, 1)


def _grounded_turn(retriever):
    """A turn whose summary is one grounded sentence: two fragments of its two quotes (their exact
    document text at their offsets) joined by ", and"."""
    from rag.verify import Fragment

    turn = chat.ask(retriever, "Is the pipeline funded?", 2, summary_on=True)
    frags = []
    for h, words in zip(turn.result.hits, ("The pipeline is funded", "Prices will stay flat")):
        doc = retriever.index.documents[h.passage.doc].text
        at = doc.find(words, h.passage.start, h.passage.end)
        if at < 0:
            words = h.passage.text.split(".")[0]
            at = doc.find(words, h.passage.start, h.passage.end)
        frags.append(Fragment(quote=h.rank, start=at, end=at + len(words), text=doc[at:at + len(words)]))
    text = f"{frags[0].text}, and {frags[1].text}."
    sentence = CheckedSentence(text=text, citations=[1, 2], supported=True, support=0.9, fragments=tuple(frags))
    turn.summary = Summary(sentences=[sentence], model="SmolLM2", grounded=True)
    return turn, frags


def test_the_answer_comes_first_above_its_quotes(retriever):
    turn, _ = _grounded_turn(retriever)
    page = render.turn_html(turn, 4)
    assert page.index('class="rq-summary') < page.index('class="rq-quotes"')
    streaming = chat.ask(retriever, "Is the pipeline funded?", 2, summary_on=True)
    page = render.turn_html(streaming, 5)                 # before the summary: its place, then the quotes
    assert page.index("Summarising…") < page.index('class="rq-quotes"') and page.count('class="rq-quote') == 3


def test_grounded_fragments_are_marked_with_their_quote_and_offsets(retriever):
    turn, frags = _grounded_turn(retriever)
    out = render.summary_html(turn, 4)
    assert "stitched from the quotes' own words" in out and "rq-grounded" in out
    spans = re.findall(r'<span class="rq-frag" tabindex="0" data-quote="(\d+)" data-target="(t4-q\d+)" '
                       r'data-start="(\d+)" data-end="(\d+)" title="from quote \[(\d+)\]">([^<]*)</span>', out)
    assert [(int(q), t, int(a), int(b), int(n), html.unescape(x)) for q, t, a, b, n, x in spans] == \
        [(f.quote, f"t4-q{f.quote}", f.start, f.end, f.quote, f.text) for f in frags]
    assert "</span>, and <span" in out                    # the connective between them is plain text
    for f in frags:                                       # each points at the words of its own quote
        hit = turn.result.hits[f.quote - 1]
        assert hit.passage.start <= f.start < f.end <= hit.passage.end
        assert hit.passage.text[f.start - hit.passage.start:f.end - hit.passage.start] == f.text


def test_free_and_extractive_summaries_say_what_they_are(retriever):
    from rag.summarise import extractive_summary

    turn = chat.ask(retriever, "Is the pipeline funded?", 2, summary_on=True)
    turn.summary = Summary([CheckedSentence(text="It is funded.", citations=[1], supported=True, support=0.9)],
                           model="big-model")
    out = render.summary_html(turn, 1)
    assert "the model's words, not a quote" in out and "rq-frag" not in out and "stitched" not in out
    turn.summary = extractive_summary(turn.query, turn.result.hits, retriever.index, retriever.embedder)
    out = render.summary_html(turn, 1)
    assert "Extractive summary" in out and "without a model" in out and "rq-extractive" in out


def test_a_window_of_turns_marks_its_best_turn_with_hostile_text_inert(tmp_path, fake_embedder):
    """A meeting whose turns hold markup: the labels and the best turn are marked, every character is
    escaped, and the quote's text (tags dropped, entities read) is exactly the document's."""
    path = tmp_path / "meeting.txt"
    meeting = (Path(__file__).parent / "data" / "meetings" / "design.txt").read_text(encoding="utf-8")
    turn_text = "I think the buttons should be big and rubber, so that elderly users can press them."
    hostile_turn = "<img src=x onerror=alert(1)> The buttons are <b>rubber</b> & big."
    path.write_text(meeting.replace(turn_text, hostile_turn), encoding="utf-8")
    build([path], fake_embedder, folder=tmp_path / "idx")
    r = open_retriever(tmp_path / "idx", fake_embedder)
    turn = chat.ask(r, "rubber buttons big", 1)
    hit = turn.result.hits[0]
    page = render.turn_html(turn, 1)
    assert "<img" not in page and "<b>rubber" not in page
    text = path.read_text(encoding="utf-8")
    [quote] = re.findall(r'<blockquote class="rq-text">(.*?)</blockquote>', page, re.S)
    assert html.unescape(re.sub(r"<[^>]+>", "", quote)) == text[hit.passage.start:hit.passage.end]
    [(a, b)] = re.findall(r'<mark class="rq-turn-best" data-start="(\d+)" data-end="(\d+)"', page)
    assert text[int(a):int(b)] == hostile_turn
    assert "Industrial Designer:" in re.findall(r'<span class="rq-turn-who">(.*?)</span>', page)
    # a quote of one paragraph (a press conference's answer) is left as it was
    one = dataclasses.replace(hit, passage=r.index.paragraphs[0], provenance={})
    assert render.quote_text_html(one, r.index.paragraphs[0].text, r.index, "rubber") == \
        html.escape(r.index.paragraphs[0].text, quote=True)


def test_a_window_of_turns_is_headed_by_who_said_the_marked_turn(tmp_path, fake_embedder):
    """A hostile test's chat headed a window of the Chair's and Amira Haddad's turns "The Chair" (its first speaker)
    above Amira's marked answer: on a projector, her words credited to him. The heading names the marked turn's
    speaker, in the presenter's slides too, and none where no turn is marked."""
    path = tmp_path / "council.txt"
    path.write_text("The Chair: Next item. Amira, the ferry?\n\nAmira Haddad: The night ferry will run on Fridays "
                    "at one and three.\n\nThe Chair: Thank you.\n\nAmira Haddad: You are welcome.\n", encoding="utf-8")
    build([path], fake_embedder, folder=tmp_path / "idx")
    r = open_retriever(tmp_path / "idx", fake_embedder)
    turn = chat.ask(r, "night ferry on Fridays", 1)
    assert turn.result.hits[0].passage.speaker == "The Chair"       # the window's first turn is the Chair's
    page = render.turn_html(turn, 1)
    assert re.findall(r'<span class="rq-speaker">(.*?)</span>', page) == ["Amira Haddad"]
    assert render.presenter_html(turn).count("Amira Haddad · Turns of The Chair and Amira Haddad") == 1
    vague = chat.ask(r, "zebra", 1)         # no turn holds a word of it: no one is named above the quote
    assert "rq-speaker" not in render.turn_html(vague, 2)


def test_a_window_of_one_speakers_turns_and_a_single_turn_are_headed_by_them(tmp_path, fake_embedder):
    """A review's: a window of Amira's two paragraphs searched as hers had no name above it (no turn is "best" where
    all are hers), and a one-turn window of "The Chair (Councillor Ingrid Halvorsen)" was headed "The Chair" while a
    window of several named her."""
    path = tmp_path / "council.txt"
    path.write_text("The Chair: Next item.\n\nAmira Haddad: The ferry pier is rotten.\n\nThe pier must be rebuilt "
                    "by May.\n\nThe Chair (Councillor Ingrid Halvorsen): Thank you, Amira.\n", encoding="utf-8")
    from rag.chunk import ChunkSettings
    from rag.store import Compat, load
    from rag.retrieve import Retriever, SearchSettings

    for tokens in (14, 224):
        settings = ChunkSettings(turn_tokens=tokens)
        build([path], fake_embedder, folder=tmp_path / f"i{tokens}", settings=settings)
        r = Retriever(load(tmp_path / f"i{tokens}", embedder=fake_embedder, compat=Compat.of(fake_embedder, settings)),
                      fake_embedder, SearchSettings())
        turn = chat.ask(r, "ferry pier rebuilt", 1, speaker="Amira Haddad")
        assert re.findall(r'<span class="rq-speaker">(.*?)</span>', render.turn_html(turn, 1)) == ["Amira Haddad"]
        thanks = chat.ask(r, "Thank you, Amira", 1, speaker="The Chair (Councillor Ingrid Halvorsen)")
        assert re.findall(r'<span class="rq-speaker">(.*?)</span>', render.turn_html(thanks, 2)) == \
            ["The Chair (Councillor Ingrid Halvorsen)"], tokens


def test_a_person_in_a_labels_bracket_is_a_speaker_choice_and_their_turn_is_marked(tmp_path, fake_embedder):
    """A hostile test's "What did Halvorsen say?" restricted the search to "The Chair (Councillor Ingrid Halvorsen)"
    but marked no turn of hers, and the speaker choice listed only "The Chair"."""
    from rag.handlers import speaker_choices

    path = tmp_path / "council.txt"
    path.write_text("The Chair (Councillor Ingrid Halvorsen): The ferry timetable is next.\n\nAmira Haddad: The "
                    "night ferry runs on Fridays.\n\nThe Chair: Thank you. And the pier?\n\nAmira Haddad: Paint.\n",
                    encoding="utf-8")
    build([path], fake_embedder, folder=tmp_path / "idx")
    r = open_retriever(tmp_path / "idx", fake_embedder)
    assert "The Chair (Councillor Ingrid Halvorsen)" in dict(speaker_choices(r.index))
    turn = chat.ask(r, "What did Halvorsen say about the ferry timetable?", 1)
    assert turn.result.speaker == "The Chair (Councillor Ingrid Halvorsen)"
    page = render.turn_html(turn, 1)
    [(a, b)] = re.findall(r'<mark class="rq-turn-best" data-start="(\d+)" data-end="(\d+)"', page)
    assert path.read_text(encoding="utf-8")[int(a):int(b)] == "The ferry timetable is next."
    assert re.findall(r'<span class="rq-speaker">(.*?)</span>', page) == ["The Chair (Councillor Ingrid Halvorsen)"]


def test_two_documents_of_one_title_are_told_apart_by_their_ids(tmp_path, fake_embedder):
    """A hostile test uploaded a changed budget.txt, added as "budget.txt (2)": both quotes were cited "Budget
    Meeting, 3 April 2025", "2 documents discuss this" named it twice, and the filter's two boxes read alike."""
    from rag.handlers import document_choices

    for name, passengers in (("budget.txt", "forty"), ("budget-2.txt", "fifty")):
        (tmp_path / name).write_text(f"Budget Meeting, 3 April 2025\n\nThe ferry carries {passengers} passengers "
                                     f"on a Friday night.\n", encoding="utf-8")
    (tmp_path / "other.txt").write_text("Harbour notes\n\nThe pier needs paint.\n", encoding="utf-8")
    build(sorted(tmp_path.glob("*.txt")), fake_embedder, folder=tmp_path / "idx")
    r = open_retriever(tmp_path / "idx", fake_embedder)
    turn = chat.ask(r, "passengers on a Friday", 2)
    page = render.turn_html(turn, 1)
    metas = re.findall(r'<div class="rq-meta">(.*?)</div>', page)
    assert len(metas) == 2 and {"(budget.txt)" in m for m in metas} == {True, False}
    assert any("(budget-2.txt)" in m for m in metas)
    assert "Budget Meeting, 3 April 2025 (budget.txt) (1 quote)" in page     # the documents line
    labels = dict((d, label) for label, d in document_choices(r.index))
    assert labels["budget.txt"] != labels["budget-2.txt"] and labels["other.txt"] == "other.txt"   # a title alone


def test_a_very_long_question_is_shown_as_far_as_it_was_searched(tiny_index, fake_embedder):
    """A hostile test's 5,000-character question was searched to its first 999 characters but shown whole above the
    answer, and on a presenter's slide 6,655 px tall, the quote nine screens down."""
    r = open_retriever(tiny_index, fake_embedder)
    question = "Is the pipeline funded " + "and when " * 600
    turn = chat.ask(r, question, 2)
    [shown] = re.findall(r'<p class="rq-question">(.*?)</p>', render.turn_html(turn, 1))
    assert len(shown) <= 1000 and shown.endswith("…") and shown.startswith("Is the pipeline funded")
    [slide] = re.findall(r'<p class="rq-present-q">(.*?)</p>', render.presenter_html(turn))
    assert len(slide) <= render.PRESENTED_QUESTION and slide.endswith("…")
    # a stray right-to-left override turned the heading around ("OTAN dna ?napaJ"): shown without it
    flipped = chat.ask(r, "\u202eIs the pipeline funded?", 2)
    assert "<p class=\"rq-question\">Is the pipeline funded?</p>" in render.turn_html(flipped, 2)


def test_a_follow_up_shows_the_words_asked_and_the_question_it_was_searched_with(tiny_index, fake_embedder):
    """A reviewer's "What about the Olympics?" after "Why did Russia send CSTO troops to Kazakhstan?" showed "Searched
    for: Why did Russia send CSTO troops to the Olympics?"; searched with the question before it instead, the chat
    shows the question as asked and that earlier question beside it, not one glued sentence."""
    r = open_retriever(tiny_index, fake_embedder)
    first = chat.ask(r, "Why did the council build the Pipeline in Springfield?", 2)
    follow = chat.ask(r, "What about the Olympics?", 2, previous=first.query)
    shown = render.turn_html(follow, 2)
    assert '<p class="rq-question">What about the Olympics?</p>' in shown
    assert ("Searched together with the question before it: <q>Why did the council build the Pipeline in "
            "Springfield?</q>") in shown
    assert "Olympics in" not in shown and "the Olympics?</q>" not in shown
    swapped = chat.ask(r, "and what about Japan?", 2, previous="Is the pipeline funded by France?")
    assert "Searched for: <q>Is the pipeline funded by Japan?</q>" in render.turn_html(swapped, 3)


def test_presenter_slides_say_what_a_follow_up_searched_and_dim_an_abstained_answer(tiny_index, fake_embedder):
    """A hostile test: presenter mode never showed "Searched for:", so "What did he say about Ukraine?" was read with
    the question before it unseen by the room; and an abstained answer's nearest passages kept their bright marks,
    looking like an answer on a screen."""
    r = open_retriever(tiny_index, fake_embedder)
    first = chat.ask(r, "Is the pipeline funded?", 2)
    follow = chat.ask(r, "and when?", 2, previous=first.query)
    assert follow.rewritten
    assert "Searched together with the question before it: <q>Is the pipeline funded?</q>" in \
        render.presenter_html(follow)
    assert "Searched" not in render.presenter_html(first)
    doubted = chat.ask(r.with_settings(threshold=10.0), "Is the pipeline funded?", 2)
    assert doubted.result.abstained
    slides = re.findall(r'<section class="([^"]*)"', render.presenter_html(doubted))
    assert slides and all("rq-low" in c.split() for c in slides)
    css = (Path(render.__file__).parent / "static" / "chat.css").read_text(encoding="utf-8")
    assert ".rq-low mark.rq-match" in css


def test_the_documents_table_lists_people_not_the_labels_q_and_a(tmp_path, fake_embedder):
    """A new user's Q:/A: interview was listed with the speaker "Q"."""
    from rag import render
    from rag.build import build
    from rag.store import load

    path = tmp_path / "interview.txt"
    path.write_text("Q: Where do you dive?\n\nA: In the bay.\n\nQ: When?\n\nA: In winter.\n\n"
                    "Jane Doe (BBC): And the boat?\n\nA: It sank.\n", encoding="utf-8")
    build([path], fake_embedder, tmp_path / "idx")
    page = render.documents_html(load(tmp_path / "idx", embedder=fake_embedder))
    row = page.split("<tbody>")[1]
    assert "<td>Q</td>" not in row and "Q, " not in row and "Jane Doe" in row


def test_the_context_of_a_window_of_many_turns_shows_every_turn_of_it_with_its_time(tmp_path, fake_embedder):
    """A new user's talk: "Show in context" said "Paragraphs 1–4 · chars 14–919" but left out ¶5–6, which the quote
    holds, and the turns' times."""
    from rag import render
    from rag.build import build
    from rag.store import load

    srt = tmp_path / "talk.srt"
    cues = [(i, f"00:0{i}:00,000 --> 00:0{i}:04,000", f">> Point {i} of the talk." if i % 2 else f"Point {i}.")
            for i in range(1, 9)]
    srt.write_text("\n\n".join(f"{n}\n{t}\n{w}" for n, t, w in cues) + "\n", encoding="utf-8")
    build([srt], fake_embedder, tmp_path / "idx")
    index = load(tmp_path / "idx", embedder=fake_embedder)
    window = max(index.passages, key=lambda p: p.end - p.start)
    inside = [p.paragraph for p in index.paragraphs if p.start < window.end and window.start < p.end]
    assert len(inside) > 2 * render._CONTEXT_PARAGRAPHS + 1         # more turns than the context's reach
    page = render.exchange_html(index, window.doc, window.start, window.end)
    for n in inside:
        assert f'data-paragraph="{n}"' in page
    assert '<span class="rq-time">00:01:00</span>' in page



def test_presenter_slides_say_what_the_chat_says_beside_the_quotes(tiny_index, fake_embedder):
    """A meetings researcher: presenter mode dropped the notices the chat shows ("No document mentions 'salaries'",
    "Only passages where Mei Tanaka speaks."), so the room saw plain quotes for a question nothing answers."""
    r = open_retriever(tiny_index, fake_embedder)
    turn = chat.ask(r, "Is the pipeline funded by bitcoin?", 2)
    assert turn.result.notices and not turn.result.abstained
    slides = render.presenter_html(turn)
    for note in turn.result.notices:
        assert f'<p class="rq-note">{html.escape(note, quote=True)}</p>' in slides


@pytest.mark.parametrize("base", ["http://127.0.0.1:7860/", "http://localhost:7860/", "http://[::1]:7860/",
                                  "http://127.1.2.3:7860/", "",
                                  # (a hostile review: each of these showed a QR code no phone could open)
                                  "http://0.0.0.0:7860/", "http://localhost.:7860/", "http://[::ffff:7f00:1]:7860/",
                                  "http://[::ffff:127.0.0.1]:7860/", "http://[::]:7860/", "http://LOCALHOST:7860/"])
def test_presenter_mode_offers_no_qr_code_of_an_address_no_phone_reaches(tiny_index, fake_embedder, base):
    """A seminar: the QR code encoded http://127.0.0.1:PORT/… (the chat's default address), captioned "Open this
    answer on your phone"; a phone opens itself there. At a loopback address the slides say how to get one instead."""
    turn = chat.ask(open_retriever(tiny_index, fake_embedder), "Is the pipeline funded?", 2)
    shown = render.presenter_html(turn, base)
    assert "<svg" not in shown and "on your phone" not in shown
    assert "<code>--host 0.0.0.0</code>" in shown


def test_a_malformed_page_address_gives_no_qr_code_and_no_error(tiny_index, fake_embedder):
    """A code review: the page's address comes from the visitor's browser (a hidden box); "http://[::1/x" raised
    ValueError in the presenter event instead of showing the slides."""
    turn = chat.ask(open_retriever(tiny_index, fake_embedder), "Is the pipeline funded?", 2)
    shown = render.presenter_html(turn, "http://[::1/")
    assert "<svg" not in shown and "rq-qr-note" in shown


def test_presenter_mode_shows_the_qr_code_of_a_network_address(tiny_index, fake_embedder):
    turn = chat.ask(open_retriever(tiny_index, fake_embedder), "Is the pipeline funded?", 2)
    base = "http://192.168.1.20:7860/"
    url = base + chat.permalink(turn.query, turn.k, turn.fingerprint)
    shown = render.presenter_html(turn, base)
    assert render.qr_svg(url) in shown and "Open this answer on your phone" in shown and "rq-qr-note" not in shown


def test_a_question_cut_for_the_search_says_so_in_one_line(tiny_index, fake_embedder):
    """A hostile review: a 5,000-character question, cut to its first 1,000 for the search, counted as rewritten: the
    chat printed the whole cut query, unclamped, as "Searched for:" (312 px), and the toggle offered "the whole
    question (998 characters)"."""
    long = ("Is the pipeline funded by the council, and what will happen to water prices next year? " * 60)[:5000]
    turn = chat.ask(open_retriever(tiny_index, fake_embedder), long, 2)
    shown = render.turn_html(turn, 1)
    assert "Searched for:" not in shown and "<q>" not in shown
    assert f'<p class="rq-searched">Searched for its first {len(turn.query):,} characters.</p>' in shown
    assert f"of its {len(long.strip()):,} characters)</summary>" in shown
    assert "The query was cut" not in shown                 # (said once)
    slides = render.presenter_html(turn)
    assert "Searched for its first" in slides and "<q>" not in slides
    short = chat.ask(open_retriever(tiny_index, fake_embedder), long[:600], 2)
    assert f"Show the whole question ({len(long[:600].strip()):,} characters)" in render.turn_html(short, 2)


def test_an_outlet_the_question_names_is_not_said_again(retriever):
    """Session 29: "Answer to Q8 — I represent the Mir Interstate Television and Radio Company. Our office in… (the Mir
    Interstate Television and Radio Company)": the outlet said twice, in the label and in "Question (…):"."""
    turn = chat.ask(retriever, "Is the pipeline funded?", 1)
    hit = turn.result.hits[0]
    asked = "I represent  the Daily BUGLE. Is the pipeline funded, and by whom?"
    named = dataclasses.replace(hit, passage=dataclasses.replace(hit.passage, question=asked, outlet="the Daily Bugle"))
    turn.result = dataclasses.replace(turn.result, hits=[named])
    page = render.turn_html(turn, 1)
    head = re.search(r'<div class="rq-head">(.*?)</div><blockquote', page, re.S).group(1)   # the label and the question
    assert "Daily Bugle" not in head and "Daily BUGLE" in head
    assert "<b>Question:</b> I represent" in head
    slides = render.presenter_html(turn)
    assert "(the Daily Bugle)" not in slides
    # a question that does not name it keeps it (test_quotes_are_exact_and_labelled: "… funded? (Daily Bugle)")
    assert render.where(hit.passage, retriever.index).endswith("(Daily Bugle)")


def test_the_context_panels_title_follows_the_pages_h1(retriever):
    """axe-core's heading-order: the panel's h3 came after the page's h1 with no h2 (context panel, presenter mode)."""
    doc = retriever.index.documents["briefing.txt"]
    start = doc.text.index("The pipeline is funded")
    page = render.exchange_html(retriever.index, "briefing.txt", start, start + 10)
    assert '<h2 class="rq-source-title">' in page and "<h3" not in page
    assert 'class="rq-btn rq-back"' in page         # the way back to the quote (one column: the panel is below)


def test_a_slides_citation_is_one_line_of_parts(retriever):
    """Four lines of bold citation left a long quote a third of a 1024x768 screen at 150 %: one line beside "Quote n
    of N", in parts the page's CSS cuts short, the whole of it as the tooltip."""
    turn = chat.ask(retriever, "Is the pipeline funded?", 1)
    slides = render.presenter_html(turn)
    top = re.search(r'<div class="rq-slide-top">(.*?)</div>', slides, re.S).group(1)
    assert top.startswith('<p class="rq-slide-count">Quote 1 of 1</p><p class="rq-slide-cite" title="')
    parts = re.findall(r'<span class="rq-cite-(\w+)">([^<]*)</span>', top)
    assert [c for c, _ in parts] == ["who", "where", "question", "para"]      # of one document: no name, no date
    assert html.unescape("".join(t for _, t in parts)) == "Jane Doe · Answer to Q2 — Is the pipeline funded? (Daily Bugle) · ¶ 6"
    assert "2023-03-03" in re.search(r'title="([^"]*)"', top).group(1)


def test_copy_citation_says_the_paragraph_once_and_offers_html_of_the_exact_characters(tmp_path, fake_embedder):
    """Session 30: "— education\\_0.txt, Turn of Vaughan Gething AM, paragraph 48, para. 48, chars …": the paragraph
    twice, and the Markdown's backslashes where the citation was pasted as plain text. The copy carries HTML too: the
    document's characters, none of Markdown's escapes, and no tag of the document's."""
    from rag.build import build
    from rag.retrieve import open_retriever

    from pathlib import Path

    text = (Path(__file__).parent / "data" / "meetings" / "design.txt").read_text(encoding="utf-8") + (
        "\nProject Manager: Okay, the remote_control [see](http://example.com) <b>costs</b> *twelve* euros.\n\n"
        "Marketing: Twelve euros is too much for a remote_control.\n")
    (tmp_path / "design_0.txt").write_text(text, encoding="utf-8")
    build([tmp_path / "design_0.txt"], fake_embedder, folder=tmp_path / "idx")
    turn = chat.ask(open_retriever(tmp_path / "idx", fake_embedder), "How much does the remote control cost?", 2)
    page = render.turn_html(turn, 1)
    copied = [html.unescape(c) for c in re.findall(r'data-copy="([^"]*)"', page)]
    rich = [html.unescape(c) for c in re.findall(r'data-copy-html="([^"]*)"', page)]
    assert copied and len(rich) == len(copied)
    for markdown, hit in zip(copied, turn.result.hits):
        p = hit.passage
        assert f"paragraph {p.paragraph}, para. {p.paragraph}" not in markdown and "design\\_0.txt" in markdown
    for shown, hit in zip(rich, turn.result.hits):
        p = hit.passage
        tags = set(re.findall(r"<[^>]*>", shown))
        assert tags <= {"<blockquote>", "</blockquote>", "<p>", "</p>", "<br>"}, tags
        words = html.unescape(re.sub(r"<[^>]+>", "", shown.replace("<br>", "\n")))
        assert words.startswith(text[p.start:p.end] + "\u2014 ") and "\\" not in words
        said = len(re.findall(rf"paragraphs? {p.paragraph}\b|para\. ", words.lower()))
        assert "design_0.txt" in words and said == 1
    assert any(re.search(r"Turns? of .*, paragraphs? \d", c) for c in copied)   # (what it is about)


def test_the_summary_heading_is_one_short_line_that_does_not_change_as_it_streams(retriever):
    """Session 30: the heading was two lines of capitals ("SUMMARY BY SMOLLM2-135M-INSTRUCT — STITCHED FROM … POINT AT
    A PHRASE …"), said something else while the summary streamed, and "point at" means nothing on a phone."""
    turn, _ = _grounded_turn(retriever)
    done = turn.summary
    head = re.compile(r'<div class="rq-summary-head">([^<]*)</div>')
    turn.summary, turn.summary_text = None, "It is funded"
    streaming = head.search(render.summary_html(turn, 1)).group(1)
    turn.summary = done
    out = render.summary_html(turn, 1)
    assert head.search(out).group(1) == streaming and len(streaming) <= 30
    assert "tap a phrase" in out and done.model in out
    free = Summary([CheckedSentence(text="It is funded.", citations=[1], supported=True, support=0.9)], model="m")
    turn.summary = free
    assert head.search(render.summary_html(turn, 1)).group(1) == streaming
    css = (Path(render.__file__).parent / "static" / "chat.css").read_text(encoding="utf-8")
    assert "uppercase" not in re.search(r"\.rq-summary-head \{[^}]*\}", css).group()


def test_the_landing_text_says_where_a_quote_sits_in_the_index_s_own_terms(retriever, tmp_path, fake_embedder):
    """A seminar host's meetings were told that each quote says "which question it answered": a meeting's quote
    answered no question, and is someone's."""
    assert "which question it answered" in render.intro_html(retriever.index)
    (tmp_path / "m.txt").write_text("Project Manager: The scroll wheel stays.\n\nMarketing: People lose the remote.\n\n"
                                    "Project Manager: Then it glows.\n\nMarketing: Agreed, it glows.\n", encoding="utf-8")
    meeting = build([tmp_path / "m.txt"], fake_embedder, folder=tmp_path / "idx")
    intro = render.intro_html(meeting)
    assert "who said it, the paragraph" in intro and "question it answered" not in intro
    assert "full exchange" not in intro
    (tmp_path / "r.txt").write_text("The harbour wall needs repair.\n\nThe ferry runs hourly.\n", encoding="utf-8")
    report = build([tmp_path / "r.txt"], fake_embedder, folder=tmp_path / "idx2")
    assert "where it sits: the paragraph and the document" in render.intro_html(report)
