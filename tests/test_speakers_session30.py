"""Session 30's speaker resolution, from a researcher's ten transcript layouts indexed together (an oral history labelled
by initials, a Congressional Record, Otter's "Unknown Speaker", a CNN transcript, an earnings call, a UN record)."""
from __future__ import annotations

import pytest

from rag.build import build
from rag.errors import QueryError
from rag.retrieve import Retriever, SearchSettings
from rag.speakers import alias_table, query_without, resolve, resolve_in
from rag.store import load

from conftest import FakeEmbedder

# an oral history's initials (the header gives "Margaret Rourke (MR)"), a call's CEO, a record's "Mr. HARGROVE"
ACROSS = ["MR", "JS", "Tomas Brekke", "Mr. HARGROVE", "DR", "MS"]
KNOWN = (("MR", "Margaret Rourke"), ("JS", "James Sutton"))


@pytest.mark.parametrize("query, expected", [
    ("What did Mr. Hargrove say about rural hospital closures?", ("Mr. HARGROVE",)),
    ("What did Mr. Brekke say about the Chilean workboats?", ("Tomas Brekke",)),
    ("what did mr brekke say about the workboats", ("Tomas Brekke",)),
    ("What did Mr Brekke say?", ("Tomas Brekke",)),
    ("What did Ms. Lee say about the nurses?", ()),         # not the label "MS"
    ("What did Dr Lee say about the nurses?", ()),          # not the label "DR"
    ("What did MR. HARGROVE say?", ("Mr. HARGROVE",)),
    ("What did MR say about the strike?", ("MR",)),         # the label itself, as written
    ("What did Margaret Rourke say about the strike?", ("MR",)),
    ("According to DR, the strike", ("DR",)),
])
def test_an_honorific_in_a_query_is_a_title_never_a_label_of_initials(query, expected):
    """"What did Mr. Hargrove say …?" searched Margaret Rourke's turns (her oral history labels them "MR:"), and
    "Mr. Brekke" became "MR or Tomas Brekke": Mr, Ms, Dr … written as a title (a full stop, a name after it, or not
    in capitals) name no label of initials."""
    assert resolve_in(query, *alias_table(ACROSS, KNOWN)).speakers == expected


@pytest.mark.parametrize("query, speakers, expected", [
    ("What did the Speaker pro tempore say about the vote result?", ["Unknown Speaker", "Samuel Adeyemi"], ()),
    ("What did the unknown speaker ask?", ["Unknown Speaker", "Samuel Adeyemi"], ("Unknown Speaker",)),
    ("What did the member say about the budget?", ["Audience Member", "Ann Lee"], ()),
    ("What did the male say?", ["UNIDENTIFIED MALE", "HALE"], ()),
    ("What did the Speaker say about the vote?", ["Mr. Speaker", "Ann Lee"], ("Mr. Speaker",)),
    ("What did Speaker 2 say?", ["Speaker 1", "Speaker 2"], ("Speaker 2",)),
])
def test_a_label_that_names_no_one_is_named_only_whole(query, speakers, expected):
    """"What did the Speaker pro tempore say …?" searched Otter's "Unknown Speaker" alone: a label made only of words
    that name no one ("Unknown Speaker", "UNIDENTIFIED MALE", "Audience Member") is named by itself whole, not by a
    word of it; a Speaker of a house ("Mr. Speaker") is still the Speaker."""
    assert resolve(query, speakers).speakers == expected


def test_a_given_name_before_a_surname_label_is_part_of_the_mention():
    """"What did Renee Ostrowski say …?" named OSTROWSKI (a CNN transcript labels her by surname alone) but left
    "Renee" in the query, a topic word no passage of hers says: the given name is part of the mention."""
    r = resolve("What did Renee Ostrowski say about the levee?", ["OSTROWSKI", "HALE"])
    assert r.speakers == ("OSTROWSKI",) and r.mention == "Renee Ostrowski"
    assert query_without("What did Renee Ostrowski say about the levee?", r) == "What did say about the levee?"


CNN = ("MARCUS HALE: Good evening. The river keeps rising tonight.\n\n"
       "SEN. PATRICIA HOLLOWAY (D-MN): Thank you, Marcus. The disaster declaration must come this week.\n\n"
       "HALE: Will the supplemental pass?\n\n"
       "HOLLOWAY: It has to. We have a supplemental request for 2.3 billion dollars sitting since February.\n\n"
       "HALE: Thank you, Senator.\n")
REV = ("Rosa Jimenez: The cooperative plans fiber to every farm on the ridge.\n\n"
       "Dale Whitaker: The two million dollars come from the state.\n\n"
       "Rosa Jimenez: The co-op fiber reaches the school first.\n\n"
       "Dale Whitaker: Then the clinic.\n\n"
       "Daniel Okafor: How many homes?\n\n"
       "Rosa Jimenez: Four hundred.\n")


@pytest.fixture(scope="module")
def two_transcripts(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("s30")
    (tmp / "cnn.txt").write_text(CNN, encoding="utf-8")
    (tmp / "rev.txt").write_text(REV, encoding="utf-8")
    embedder = FakeEmbedder()
    build([tmp / "cnn.txt", tmp / "rev.txt"], embedder, folder=tmp / "idx")
    return Retriever(load(tmp / "idx", embedder=embedder), embedder, SearchSettings())


@pytest.mark.parametrize("speaker, expected", [
    ("Senator Holloway", "SEN. PATRICIA HOLLOWAY or HOLLOWAY"),
    ("Holloway", "SEN. PATRICIA HOLLOWAY or HOLLOWAY"),     # the label HOLLOWAY, and as a question names it
    ("Commissioner Jimenez", "Rosa Jimenez"),
    ("Mr. Whitaker", "Dale Whitaker"),
    ("Jimenez", "Rosa Jimenez"),
    ("Rosa Jimenez", "Rosa Jimenez"),
])
def test_a_speaker_filter_accepts_what_a_question_accepts(two_transcripts, speaker, expected):
    """--speaker "Senator Holloway" and "Commissioner Jimenez" were refused though "What did Senator Holloway say …?"
    resolved, and --speaker Holloway chose the label HOLLOWAY alone, not her first label SEN. PATRICIA HOLLOWAY."""
    assert two_transcripts.search("supplemental fiber", 3, speaker=speaker).speaker == expected


@pytest.mark.parametrize("speaker", ["Emeka Okafor", "Holloway budget", "Senator Jimenez Rosa Smith"])
def test_a_speaker_filter_with_words_of_no_ones_name_is_refused(two_transcripts, speaker):
    with pytest.raises(QueryError):
        two_transcripts.search("supplemental", 3, speaker=speaker)
