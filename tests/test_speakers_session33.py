"""Askers named another way than their label (session 33): a panel's "Moderator (Rachel Adebayo):" and an oral
history's "I:" that a key line names ("I = interviewer (Joe Brennan)"). The speaker choice lists each person once, by
the name the search takes; a coded answerer is shown with who the key line says they are; the notices name one
person once; and a chosen asker's own questions count as what they said ("never says" was said of her own words)."""
from __future__ import annotations

import pytest

from rag import handlers
from rag.build import build
from rag.engine import Engine

from conftest import FakeEmbedder

PANEL = """Panel on coastal erosion, Seal Point, 4 June 2025

Moderator (Rachel Adebayo): What is the most urgent repair on the sea wall at Seal Point this winter?

Dr. Ana Ruiz: The northern section of the sea wall has lost its toe protection, and the next storm could undermine it.

Moderator (Rachel Adebayo): How long would the toe protection take to rebuild with rock armour?

Dr. Ana Ruiz: Six weeks of calm weather, and a barge that can carry two hundred tonnes of granite each trip.
"""

ORAL_HISTORY = """Oral history interview, recorded 5 June 2025
I = interviewer (Joe Brennan); R = respondent (Walter Pennock)

I: When did you start keeping the lighthouse on the north rock?

R: In nineteen seventy-two, the winter the old keeper broke his leg on the gallery stairs.

I: What did the lighthouse keeper eat during the long storms of that winter?

R: Tinned herring and ship's biscuit, and once a seagull that had flown into the lantern glass.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("askers")
    docs = root / "docs"
    docs.mkdir()
    (docs / "panel.txt").write_text(PANEL, encoding="utf-8")
    (docs / "oral.txt").write_text(ORAL_HISTORY, encoding="utf-8")
    embedder = FakeEmbedder()
    build(sorted(docs.iterdir()), embedder, folder=root / "idx")
    return Engine(root / "idx", embedder)


def ask(engine, question, **kw):
    *_, (turns, _) = handlers.answer(engine, question, 3, False, "", [], **kw)
    assert turns[-1].error is None, turns[-1].error
    return turns[-1].result


def test_a_bracketed_moderator_is_offered_once_by_the_name_that_says_who(engine):
    values = [v for _, v in handlers.speaker_choices(engine.index_or_none(), ["panel.txt"])]
    assert values == ["", "Dr. Ana Ruiz", "Moderator (Rachel Adebayo)"]     # not "Moderator" beside it


def test_an_interviewer_a_key_line_names_is_offered_and_a_coded_answerer_shown_as_who(engine):
    choices = handlers.speaker_choices(engine.index_or_none(), ["oral.txt"])
    assert ("Joe Brennan", "Joe Brennan") in choices        # "I" named no one: only "R" was left, so no choice at all
    assert ("Walter Pennock (R)", "R") in choices           # the value stays the label the search takes
    for _, value in choices[1:]:
        assert ask(engine, "lighthouse", speaker=value).hits


def test_the_choices_over_several_documents_keep_who_a_code_is(engine):
    from rag import ui
    labels = dict((v, t) for t, v in ui.speaker_choices(engine.index_or_none()))
    assert labels["R"].startswith("Walter Pennock (R) (")     # then the documents it speaks in


def test_a_notice_names_one_asker_once_and_a_coded_speaker_with_who_they_are(engine):
    result = ask(engine, "sea wall", speaker="Moderator")
    assert result.speaker == "Moderator (Rachel Adebayo)"
    assert "Moderator or" not in " ".join(result.notices)
    result = ask(engine, "lighthouse", speaker="R")
    assert "Only passages where R (Walter Pennock) speaks." in result.notices


def test_a_chosen_askers_own_questions_are_what_they_said(engine):
    """She asks about the sea wall in her own question: "Moderator (Rachel Adebayo) never says 'sea wall'" was false
    (her questions are labelled "Moderator", and only paragraphs labelled with her whole name were read)."""
    result = ask(engine, "What about the sea wall?", speaker="Moderator (Rachel Adebayo)")
    assert not any("never says" in n for n in result.notices), result.notices
    result = ask(engine, "What about the lantern glass?", speaker="Joe Brennan")     # Walter's words, not Joe's
    assert any("Joe Brennan never says 'lantern glass'" in n for n in result.notices), result.notices


HEARING = """The CHAIR: Good morning. I welcome Dr. Helen Marsh of the University of Leeds, and Ms. Adaeze Okafor, Director of Enforcement at Ofwat. Dr. Marsh, how many spill events were recorded last year?

Dr. MARSH. Thank you, Chair. In 2024 the monitors recorded 464,056 spill events from storm overflows in England.

Ms. Okafor (Ofwat): If I may add to that, Chair. We have concluded the investigation into Thames Water, which resulted in a penalty of £104 million.

Mr. DALTON. Dr. Marsh, could you be more specific about what is going wrong?

Dr. MARSH. Certainly. At 37 of 212 treatment works, spills began before the works had reached its permitted flow to full treatment.

The CHAIR: Ms. Okafor, a final question from me. When will the remaining investigations be concluded?

Ms. Okafor (Ofwat): We aim to conclude the investigations into Yorkshire Water, Northumbrian Water and Anglian Water by the end of the summer.

The CHAIR: Thank you both. That concludes this session.
"""


@pytest.fixture(scope="module")
def hearing(tmp_path_factory):
    root = tmp_path_factory.mktemp("hearing")
    (root / "hearing.txt").write_text(HEARING, encoding="utf-8")
    build([root / "hearing.txt"], FakeEmbedder(), folder=root / "idx")
    from rag.retrieve import open_retriever
    return open_retriever(root / "idx", embedder=FakeEmbedder())


@pytest.mark.parametrize("chair", ["the chairman", "the Chair"])
def test_a_question_put_to_a_witness_is_searched_in_their_answers_to_that_asker(hearing, chair):
    """A reviewer's hearing: "What did the chairman ask Ms. Okafor about …?" searched Ms. Okafor's turns as what she
    said, the chair's words counted against it, and abstained; "chairman" named no one ("The CHAIR:")."""
    result = hearing.search(f"What did {chair} ask Ms. Okafor about the remaining investigations?", k=2)
    assert not result.abstained and result.speaker == "Ms. Okafor"
    assert ("Only the answers of Ms. Okafor (Director of Enforcement) to The CHAIR's questions, each question quoted "
            "before its answer.") in result.notices
    question, answer = (h.passage for h in result.hits)
    assert question.kind == "question" and "remaining investigations" in question.text
    assert answer.speaker == "Ms. Okafor" and "Yorkshire Water" in answer.text


def test_only_the_answers_to_that_askers_questions(hearing):
    result = hearing.search("What did Mr. Dalton ask Dr. Marsh?", k=5)
    answers = [h.passage for h in result.hits if h.passage.kind != "question"]
    assert answers and all("37 of 212" in p.text for p in answers)      # not her answer to the Chair
    # what a witness said, and a role alone, as before
    assert hearing.search("What did Ms. Okafor say about the investigations?", k=2).notices[0] == \
        "Only passages where Ms. Okafor (Director of Enforcement) speaks."
    assert "The CHAIR asks the questions here" in " ".join(
        hearing.search("What did the chairman ask about the remaining investigations?", k=2).notices)


PODCAST = """The Soil Matters Podcast — Episode 42: Regenerative farming on heavy clay
Host: Martin Alcock. Guest: Siobhan Kerrigan, who farms 180 hectares near Banbury.

Q: Siobhan, thanks for coming on. How did you end up farming?

A: My grandfather bought the farm in 1958 and my father ran it as a conventional arable operation.

Q: What about cover crops? Listeners always ask about those.

A: We grow a mix of phacelia, buckwheat and black oats after harvest. On heavy clay the oats are the workhorse.
"""


def test_a_podcasts_header_names_its_host_and_guest_for_the_search_and_the_choice(tmp_path):
    """A reviewer's podcast: "Host: Martin Alcock. Guest: Siobhan Kerrigan, …" above "Q:"/"A:" turns named no one
    ("--speaker Host" found the header line; Siobhan Kerrigan was "not a speaker")."""
    (tmp_path / "podcast.txt").write_text(PODCAST, encoding="utf-8")
    embedder = FakeEmbedder()
    build([tmp_path / "podcast.txt"], embedder, folder=tmp_path / "idx")
    engine = Engine(tmp_path / "idx", embedder)
    assert [v for _, v in handlers.speaker_choices(engine.index_or_none())] == ["", "Martin Alcock", "Siobhan Kerrigan"]
    result = ask(engine, "What did Martin Alcock ask about cover crops?")
    assert "Martin Alcock asks the questions here" in " ".join(result.notices)
    assert result.hits[0].passage.kind == "question" and "cover crops" in result.hits[0].passage.text
    result = ask(engine, "What did Siobhan Kerrigan say about cover crops?")
    assert result.speaker == "Siobhan Kerrigan" and "black oats" in result.hits[0].passage.text


@pytest.mark.parametrize("role", ["chairwoman", "chairperson"])
def test_a_role_word_that_names_the_chair_is_no_word_the_documents_lack(hearing, role):
    """The day's review: "the chairwoman" named The CHAIR, and a second notice said "The transcript never mentions
    'chairwoman'": a speaker's mention, which the scope takes out of the query, is not judged as its topic."""
    for query in (f"What did the {role} ask Ms. Okafor about the remaining investigations?",
                  f"What did the {role} ask about the remaining investigations?"):
        result = hearing.search(query, k=2)
        assert any("CHAIR" in n for n in result.notices), result.notices
        assert not any("never mentions" in n for n in result.notices), result.notices
        assert role not in result.missing_terms


MILL = """Oral history of the Millbrook mill, recorded 3 May 2021
Narrator: Dolores Barrios (DB). Interviewer: Kate Hill.

Kate Hill: When did you start at the mill?

DB: In 1961, on the spinning floor, when I was fifteen.

Kate Hill: What was the work like?

DB: Loud. We learnt to lip-read because nobody could hear a word over the frames.
"""


def test_initials_two_documents_give_two_people_name_no_one(tmp_path):
    """The day's review: two oral histories each code their narrator "DB" (Dolores Barrios, Daniel Brooks); the first
    document's name was given to both, the choice offering "Dolores Barrios (DB)" over Daniel Brooks's words."""
    (tmp_path / "mill.txt").write_text(MILL, encoding="utf-8")
    (tmp_path / "docks.txt").write_text(MILL.replace("Dolores Barrios", "Daniel Brooks").replace("mill", "docks"),
                                        encoding="utf-8")
    embedder = FakeEmbedder()
    build(sorted(tmp_path.glob("*.txt")), embedder, folder=tmp_path / "idx")
    engine = Engine(tmp_path / "idx", embedder)
    choices = handlers.speaker_choices(engine.index_or_none(), ["docks.txt"])
    assert ("DB", "DB") in choices and not any("Barrios" in label for label, _ in choices)
    assert "Only passages where DB speaks." in ask(engine, "the work", speaker="DB", docs=["docks.txt"]).notices
    # one document's initials still name its person
    (tmp_path / "docks.txt").unlink()
    build([tmp_path / "mill.txt"], embedder, folder=tmp_path / "idx2")
    engine = Engine(tmp_path / "idx2", embedder)
    assert ("Dolores Barrios (DB)", "DB") in handlers.speaker_choices(engine.index_or_none())


def test_a_moderator_named_once_then_by_the_role_alone_asks_all_her_questions(tmp_path):
    """The day's review: "Moderator (Rachel Adebayo):" once, then "Moderator:" (the usual way a transcript shortens a
    label): choosing "Moderator" searched only the answer to the bracketed question, and "Who pays for the barge?"
    lost its answer. Both labels are hers; the choice lists her once."""
    panel = PANEL.replace("Moderator (Rachel Adebayo): How long", "Moderator: How long") + (
        "\nModerator: Who pays for the barge?\n\nDr. Ana Ruiz: The county council, from its coastal defence budget.\n")
    (tmp_path / "panel.txt").write_text(panel, encoding="utf-8")
    embedder = FakeEmbedder()
    build([tmp_path / "panel.txt"], embedder, folder=tmp_path / "idx")
    engine = Engine(tmp_path / "idx", embedder)
    assert [v for _, v in handlers.speaker_choices(engine.index_or_none())] == \
        ["", "Dr. Ana Ruiz", "Moderator (Rachel Adebayo)"]
    for chosen in ("Moderator", "Moderator (Rachel Adebayo)", "Rachel Adebayo"):
        result = ask(engine, "Who pays for the barge?", speaker=chosen)
        assert any("county council" in h.passage.text for h in result.hits), (chosen, result.hits)


def test_a_coded_speaker_is_shown_as_whom_the_document_says_above_every_quote(engine):
    """The day's chat review: with "I = interviewer (Joe Brennan); R = respondent (Walter Pennock)", every quote was
    labelled "R" (above it, in its full exchange, in presenter mode) and the Documents table listed "I, R": a room
    reads no one in "R"."""
    from rag import cite, render

    index = engine.index_or_none()
    result = ask(engine, "What did Walter Pennock eat during the storms?")
    hit = result.hits[0]
    assert hit.passage.speaker == "R"                                # the label stays the data's
    assert cite.said_by(hit, index) == "Walter Pennock (R)"
    *_, (_, page) = handlers.answer(engine, "lighthouse keeper storms", 2, False, "", [])
    assert "Walter Pennock (R)" in page and '<span class="rq-speaker">R</span>' not in page
    listed = render.documents_html(index)
    assert "Joe Brennan (I)" in listed and "Walter Pennock (R)" in listed
