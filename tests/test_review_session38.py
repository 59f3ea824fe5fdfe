"""A researcher's own meetings and hearings (session 38's review): a hearing's Chair handing the floor over was stored
as the witness's answer to the question before ("Thank you. Ms. May, you have the floor." first for "What did the
Prime Minister say about unit prices?"); "Professor C", whom no label names, was searched as Professor B or F; "Dr.
Smith", whom no document mentions, did not abstain where "Smith" did (a capital after "Dr." read as a sentence's
first); "e-mail" was said never mentioned where the documents write "email"; a document was said to discuss a
query whose words none of its passages holds."""
from __future__ import annotations

import numpy as np

from rag import store, terms, vocabulary
from rag.cite import where
from rag.names import query_names
from rag.parse import parse
from rag.ranking import by_document
from rag.records import Document, Hit, Passage
from rag.speakers import resolve

from conftest import one_file_retriever

HEARING = """Standing Committee on Public Accounts — Evidence, 12 May 2022

The Chair: Good morning. We are resuming our study of pandemic procurement. Our witness today is the Prime Minister.

Right Hon. Justin Trudeau: Thank you, Mr. Chair. I want to begin by acknowledging the work of public servants.

The Chair: Thank you. Mr. Poilievre, you have six minutes.

Hon. Pierre Poilievre: Prime Minister, why were sole-source contracts awarded for ventilators?

Right Hon. Justin Trudeau: In an emergency, we had to move quickly, and every contract has since been reviewed.

Hon. Pierre Poilievre: Who is accountable for the ventilators that were never delivered?

Right Hon. Justin Trudeau: Suppliers who failed to deliver were not paid, and we recovered the deposits.

The Chair: Thank you. Ms. May, you have the floor.

Ms. Elizabeth May: Prime Minister, will the government publish the prices paid per unit?

Right Hon. Justin Trudeau: We have published the list, and we are working on releasing unit prices.

The Chair: Thank you. That concludes our time with the Prime Minister.
"""


def test_a_chair_handing_the_floor_over_answers_no_question():
    _, passages = parse(Document(id="h.txt", text=HEARING))
    chair = [p for p in passages if p.speaker == "The Chair" and p.section.startswith("Q")]
    assert [p.text for p in chair] == ["Thank you. Ms. May, you have the floor.",
                                       "Thank you. That concludes our time with the Prime Minister."]
    assert all(p.kind == "turn" and p.question is None for p in chair)
    assert not any("Answer to" in where(p) for p in chair)
    answers = [p for p in passages if p.kind == "answer"]
    assert {p.speaker for p in answers} == {"Right Hon. Justin Trudeau"} and len(answers) == 3
    assert all(p.question for p in answers)


def _answered(text: str, speaker: str, *answers: str) -> dict[str, Passage]:
    """The passages of `text` parsed, by their text, once each of `answers` is checked to be `speaker`'s answer, with
    its question."""
    said = {p.text: p for p in parse(Document(id="q.txt", text=text))[1]}
    for answer in answers:
        assert said[answer].kind == "answer" and said[answer].speaker == speaker and said[answer].question, answer
    return said


def test_a_chair_who_is_the_one_answering_still_answers():
    # (a central bank's press conference: the chair is the one who answers the questions)
    text = ("Moderator: Welcome to the press conference.\n\n"
            "Question: Will you raise rates again in June?\n\n"
            "Chair: We will decide meeting by meeting, looking at the data.\n\n"
            "Moderator: Next question, please.\n\n"
            "Question: How worried are you about the banks?\n\n"
            "Chair: The banking system is sound and resilient.\n")
    said = _answered(text, "Chair", "We will decide meeting by meeting, looking at the data.",
                     "The banking system is sound and resilient.")
    assert said["Next question, please."].kind == "turn" and said["Next question, please."].question is None


def test_a_role_with_a_letter_no_label_has_names_no_one():
    speakers = ["Professor B", "Professor F", "Grad A", "Grad C", "Speaker 1", "Speaker 2"]
    assert resolve("What did Professor C say about the belief net?", speakers).speakers == ()
    assert resolve("Grad B on the parser", speakers).speakers == ()
    assert resolve("What did Speaker 3 say?", speakers).speakers == ()
    # the letter a label has, and the role alone, still name them
    assert resolve("What did Professor B say?", speakers).speakers == ("Professor B",)
    assert resolve("What did Speaker 2 say?", speakers).speakers == ("Speaker 2",)
    assert set(resolve("what did the professor say about it?", speakers).speakers) == {"Professor B", "Professor F"}
    # (a pronoun after the role is no letter: "the professor I asked")
    assert set(resolve("what did the professor I asked say?", speakers).speakers) == {"Professor B", "Professor F"}


MEETING = ("Professor B: The belief net needs a node for the tourist's intention, and we should learn its weights.\n\n"
           "Grad A: I can build the belief net this week if the data is ready.\n\n"
           "Professor F: The data is ready, but the parser is slow on long sentences.\n\n"
           "Grad A: Then I will profile the parser first.\n")


def test_a_search_naming_a_speaker_there_is_none_of_says_so(tmp_path, fake_embedder):
    retriever = one_file_retriever(tmp_path, fake_embedder, MEETING, "bed.txt")
    result = retriever.search("What did Professor C say about the belief net?", k=3)
    assert result.speaker is None
    assert any("Professor C is not a speaker" in n for n in result.notices), result.notices
    assert not any("Only passages where" in n for n in result.notices)
    # (and Professor B still is)
    assert retriever.search("What did Professor B say about the belief net?", k=3).speaker == "Professor B"


def test_a_name_after_a_title_s_full_stop_is_a_name():
    assert query_names("What did Dr. Smith say about the wage subsidy?") == ["smith"]
    assert query_names("What did Mr. Baker say about rents?") == ["baker"]
    assert query_names("What did Smith say about the wage subsidy?") == ["smith"]
    # (a sentence's first word after another full stop is still read by its rarity)
    assert "what" not in query_names("It was cold. What did they say?")


def test_a_titled_name_no_document_mentions_decides_as_the_name_alone_does(tmp_path, fake_embedder):
    text = ("Hon. Chrystia Freeland: The wage subsidy covers seventy-five percent of wages for eligible employers.\n\n"
            "Hon. Andrew Scheer: The wage subsidy came too late for many small businesses.\n")
    retriever = one_file_retriever(tmp_path, fake_embedder, text, "covid.txt")
    bare = retriever.search("What did Smith say about the wage subsidy?", k=2)
    titled = retriever.search("What did Dr. Smith say about the wage subsidy?", k=2)
    assert bare.missing_terms == titled.missing_terms == ["Smith"]
    assert titled.abstained == bare.abstained


def _vocab(text: str) -> vocabulary.Vocabulary:
    doc = Document.from_text("d.txt", text)
    p = Passage(doc="d.txt", start=0, end=len(text), text=text, section="text", kind="paragraph", paragraph=1)
    return vocabulary.Vocabulary(store.Index(manifest={"model": {}, "chunking": {}}, documents={"d.txt": doc},
                                             paragraphs=[p], passages=[p],
                                             vectors=store.vectors_index(np.ones((1, 4), dtype="float32") / 2)))


def test_a_hyphenated_word_the_documents_write_closed_is_not_missing():
    vocab = _vocab("The verification email went to the spam folder. The teletext page and the coordinator's notes.")
    assert terms.absent_words("What about the e-mail verification?", vocab) == []
    assert terms.absent_words("Did the tele-text page work?", vocab) == []
    assert terms.absent_words("Who is the co\u2011ordinator?", vocab) == []
    # a compound they hold in no form is still missing, as are its words they never write
    assert terms.absent_words("What about the tele-vote?", vocab) == ["tele", "vote"]


def _hit(doc: str, rank: int, score: float, lexical: float | None) -> Hit:
    p = Passage(doc=doc, start=0, end=1, text="x", section="text", kind="turn", paragraph=rank)
    return Hit(passage=p, rank=rank, score=score, provenance={"lexical_score": lexical})


def test_a_document_whose_passages_do_not_hold_the_query_s_words_discusses_nothing():
    hits = [_hit("council.srt", 1, 1.18, 6.16), _hit("covid.txt", 2, 0.83, 2.46), _hit("covid.txt", 3, 0.82, 1.85),
            _hit("covid.txt", 4, 0.76, None)]
    assert by_document(hits) == [("council.srt", 1)]
    # where both hold the words, both discuss it
    hits[1] = _hit("covid.txt", 2, 0.83, 4.0)
    assert by_document(hits) == [("council.srt", 1), ("covid.txt", 3)]
    # and without BM25's scores (a dense search) the scores alone decide, as before
    assert by_document([_hit("a", 1, 1.0, None), _hit("b", 2, 0.6, None)]) == [("a", 1), ("b", 1)]


# ---- a re-review of the fixes above (session 38) ----

def test_a_chairman_who_answers_a_company_meeting_s_questions_still_answers():
    text = ("Chairman: Welcome to the annual general meeting.\n\n"
            "Question: Why has the dividend been cut?\n\n"
            "Chairman: Because the profits fell by a third and the board must keep cash for the new plant.\n\n"
            "Question: When will the new plant open?\n\n"
            "Chairman: In the spring of next year, if the permits come through.\n\n"
            "Question: Who runs the plant?\n\n"
            "Chief Executive: I do, with a new operations director.\n\n"
            "Question: Will the board change?\n\n"
            "Chairman: Two directors retire this year.\n")
    said = _answered(text, "Chairman", "Because the profits fell by a third and the board must keep cash for the new "
                     "plant.", "In the spring of next year, if the permits come through.", "Two directors retire this year.")
    assert said["I do, with a new operations director."].kind == "answer"


def test_a_time_s_full_stop_still_ends_a_sentence():
    assert "later" not in query_names("It ran to 9 p.m. Later, what did the officer say about the noise?")
    assert "residents" not in query_names("The meeting ended at 9 p.m. Residents complained, why?")
    assert "yesterday" not in query_names("It was on Main St. Yesterday the council met; who spoke?")


def test_a_word_written_alone_beside_its_hyphenated_compound_is_still_asked_about():
    vocab = _vocab("The verification email went to the spam folder, the nonprofit said.")
    assert terms.absent_words("Was the e-mail about mail fraud?", vocab) == ["mail", "fraud"]
    assert terms.absent_words("Did the non-profit make a profit?", vocab) == ["profit"]


def test_the_best_hit_s_document_discusses_the_query_whether_bm25_found_it_or_not():
    hits = [_hit("site.txt", 1, 1.2, None), _hit("budget.txt", 2, 1.0, 5.0), _hit("hearing.txt", 3, 0.9, 4.0)]
    assert by_document(hits) == [("site.txt", 1), ("budget.txt", 1), ("hearing.txt", 1)]
