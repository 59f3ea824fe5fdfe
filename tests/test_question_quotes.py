"""A question about the questions ("What did the Daily Bugle reporter ask about the pipeline?") quotes the asker's own
words, exactly, before the answer they got (asks.asks_question, Retriever._questions_quoted); a question about the
answer ("How did Jane Doe react when a journalist asked …") is answered as before."""
from __future__ import annotations

import json

import pytest

from rag.asks import asks_question
from rag.cite import hit_json, reference, said_by, where

from conftest import INTERVIEW, one_file_retriever

# four blind writers of this project's question sets asked so (unseen2 a18, unseen6 s09, unseen8 a024, unseen9 a056)
ABOUT_QUESTIONS = [
    "Which broadcaster said its Almaty office had been looted?",
    "Which newspaper did the journalist cite as reporting Borrell's letter to EU foreign ministers?",
    "What did the reporter from a Nordic country ask Lavrov?",
    "what did the Japanese journalist ask about Kishida",
    "What did the correspondent asking about Greece want to know regarding a new American base?",
    "Which company's office in Almaty was looted, according to the journalist who asked about it?",
    "What did the Mir TV journalist tell the minister about its office in Almaty?",
    "What was the interviewer's question on funding?",
    "What did the Mir TV journalist ask about their office in Almaty, and what did Lavrov answer?",
    # a fifth blind writer's (unseen10 a061, a064, a066, a067, a069): the asker as a modified noun, "who asked …
    # about", "did anyone ask", the question itself as the subject
    "Which media company said its office in Almaty was looted?",
    "Who asked Lavrov about his 'political Kama Sutra' and 'impotence' remarks?",
    "Which reporter brought up Lavrov drinking sake and vodka with Kishida?",
    "Which question mentioned Mikhail Bogdanov's trip to Iraq and Erbil?",
    "Did anyone ask Lavrov about cancel culture and the new ethics in the West?",
    "Was the minister asked about cancel culture?",
    "Did a journalist ask about the Open Skies Treaty?",
    "Who brought up the sake and vodka?",
    # (the day's review: a question ending on the asker's verb lost it to the "brought up" reach)
    "What did the journalist ask?",
    "What did the Handelsblatt journalist ask?",
    "Which reporter asked?",
    "Which TV station asked about the helmets?",
]
ABOUT_ANSWERS = [
    "How did Lavrov react when a journalist asked about cancel culture and the \"new ethics\"?",
    "Who asked for the Collective Security Treaty Organisation peacekeepers to be sent to Kazakhstan?",
    "What did Lavrov tell the journalist about NATO?",
    "What did Lavrov tell the journalist who asked about NATO?",
    "Which journalists were attacked in Kazakhstan?",
    "What did Lavrov say about journalists being attacked?",
    "Why did the SDF ask Moscow for help?",
    "did washington ask its allies before quitting open skies",
    "Which three television channels were banned in Kiev?",
    "What did Mr Lavrov say about NATO?",
    "Who asked whether this was the right flat for the survey?",     # who said it: a visitor's turn, not a question
    # (a hostile review of session 30: each quoted the journalist's question first)
    "How did the minister answer the journalist who asked about sanctions?",
    "What was Lavrov's answer to the journalist's question about NATO?",
    "What was the response to the reporter's question on NATO?",
    "What did the minister tell the journalist who asked about NATO?",
    "Who asked for the peacekeepers?",                  # a request, not a question
    "Which company makes the vaccine?",
    "Did Russia ask NATO about guarantees?",
    "Did the US raise the issue of sanctions?",
    "What questions remain open with Japan?",           # "questions": issues
    "Which Japanese company builds the bridge?",
    "Which agency handled the logistics of bringing Russians home from Kazakhstan?",    # (unseen8 a057)
    "Which company handled the logistics of bringing Russians home?",
    # (the day's review: "company", "paper", "network" alone are as often what the answer speaks of)
    "What did the company say about the dividend?",
    "What does the paper say about sample size?",
    "Did the company raise its dividend?",
    "Has the company raised its forecast?",
    "What did the network say about the outage?",
]


@pytest.mark.parametrize("query", ABOUT_QUESTIONS)
def test_a_question_about_what_an_asker_asked_is_told(query):
    assert asks_question(query)


@pytest.mark.parametrize("query", ABOUT_ANSWERS)
def test_a_question_about_the_answer_is_not(query):
    assert not asks_question(query, askers=["Question", "Mr. Smith"])


def test_the_index_s_own_askers_count_as_askers():
    assert asks_question("What did the moderator ask about the helmets?", askers=["Moderator"])
    assert asks_question("What did Jonas Weber ask about the rent?", askers=["Jonas Weber"])
    assert not asks_question("What did Jonas Weber ask about the rent?")
    # a label's "Question" is no asker's name: "What did the question say" is not the asker's subject
    assert not asks_question("what did question time cover", askers=["Question"])


@pytest.fixture
def briefing(tmp_path, fake_embedder):
    return one_file_retriever(tmp_path, fake_embedder, INTERVIEW, "briefing.txt")


def test_the_question_is_quoted_exactly_before_its_answer(briefing):
    result = briefing.search("What did the journalist ask about water prices?", k=5, abstain=False)
    first, second = result.hits[:2]
    doc = briefing.index.documents["briefing.txt"]
    assert first.passage.kind == "question"
    assert first.passage.text == doc.text[first.passage.start:first.passage.end] == \
        "What will happen to water prices next year?"
    assert second.passage.kind == "answer" and second.passage.section == first.passage.section
    assert [h.rank for h in result.hits] == list(range(1, len(result.hits) + 1))
    # the passages that answer no question come after the exchanges
    kinds = [h.passage.kind for h in result.hits]
    assert "statement" not in kinds or kinds.index("statement") > 1
    as_json = hit_json(first, briefing.index, "What did the journalist ask about water prices?")
    assert as_json["kind"] == "question" and as_json["question"] is None and as_json["answered_by"] == 2
    json.dumps(as_json)


def test_an_outlet_s_question_is_cited_as_theirs(briefing):
    result = briefing.search("What did the Daily Bugle reporter ask about the pipeline funding?", k=5, abstain=False)
    asked = [h.passage for h in result.hits if h.passage.kind == "question"]
    bugle = next(p for p in asked if p.outlet == "Daily Bugle")
    assert bugle.text == "Is the pipeline funded?"
    assert where(bugle) == "Question Q2 (Daily Bugle)"
    # "Question" is the label's, no one's name: not said again over the quote, nor in its citation
    hit = next(h for h in result.hits if h.passage == bugle)
    assert said_by(hit, briefing.index) == ""
    doc = briefing.index.documents["briefing.txt"]
    assert reference(bugle, doc).startswith("Press briefing on water policy") and "Question, " not in reference(bugle, doc)


def test_a_question_about_the_answer_quotes_the_answer(briefing):
    result = briefing.search("How did Jane Doe react when a journalist asked about water prices?", k=5, abstain=False)
    assert all(h.passage.kind != "question" for h in result.hits)


def test_a_question_of_several_paragraphs_is_quoted_whole(tmp_path, fake_embedder):
    text = ("News conference, May 2, 2024.\n\n"
            "Question (Radio Nord): Last week the ferry company cut the winter timetable.\n\n"
            "Will the council subsidise the ferry route?\n\n"
            "Jane Doe: The council will subsidise the ferry route until April.\n\n"
            "Question: And the bridge?\n\n"
            "Jane Doe: The bridge opens in June.\n")
    retriever = one_file_retriever(tmp_path, fake_embedder, text, "ferry.txt")
    result = retriever.search("What did the Radio Nord reporter ask about the ferry route?", k=3, abstain=False)
    asked = result.hits[0].passage
    doc = retriever.index.documents["ferry.txt"]
    assert asked.kind == "question" and asked.text == doc.text[asked.start:asked.end]
    assert asked.text.startswith("Last week the ferry company") and asked.text.endswith("subsidise the ferry route?")


def test_an_asker_named_as_the_labels_give_them_is_no_missing_name(tmp_path, fake_embedder):
    """A researcher's Teams transcript: "What did Chidi Okonkwo ask about training?" abstained, "No document mentions
    'Chidi Okonkwo'": the labels read "Okonkwo, Chidi 0:05" (the speaker's name in reading order), never the name as
    the question writes it. A speaker's or an asker's name, word for word, is mentioned; another person is not."""
    text = ("Okonkwo, Chidi  0:05\nWhat changed for your staff after the pandemic?\n\n"
            "Lindgren, Heather  0:19\nThe help desk turned into a tech support desk for laptops and printers.\n\n"
            "Okonkwo, Chidi  0:48\nDid the library system give you any training for that?\n\n"
            "Lindgren, Heather  0:55\nOne webinar on training, in March, and nothing since.\n")
    retriever = one_file_retriever(tmp_path, fake_embedder, text, "teams.txt")
    asked = retriever.search("What did Chidi Okonkwo ask about training?", 4)
    assert "Chidi Okonkwo" not in asked.missing_terms
    assert not any("never" in n or "No document mentions" in n for n in asked.notices)
    other = retriever.search("What did Chidi Achebe ask about training?", 4)
    assert any("Achebe" in t for t in other.missing_terms)


def test_a_question_naming_its_outlet_is_not_cited_with_it_again(tmp_path, fake_embedder):
    """The command line cited "Question Q8 (the Mir Interstate Television and Radio Company)" over "I represent the Mir
    Interstate Television and Radio Company. …": the outlet the question names is not said again beside it."""
    text = ("News conference, May 2, 2024.\n\n"
            "Question (Radio Nord): I represent Radio Nord. Our studio was flooded. Will the council help?\n\n"
            "Jane Doe: The council will help the studio.\n\n"
            "Question (Daily Bugle): Will the ferry run in winter?\n\n"
            "Jane Doe: Only on weekdays.\n")
    retriever = one_file_retriever(tmp_path, fake_embedder, text, "press.txt")
    asked = {h.passage.outlet: h.passage for h in retriever.search(
        "What did the journalist ask about the flooded studio and the ferry?", 5, abstain=False).hits
        if h.passage.kind == "question"}
    assert where(asked["Radio Nord"]) == "Question Q1"
    assert where(asked["Daily Bugle"]) == "Question Q2 (Daily Bugle)"
