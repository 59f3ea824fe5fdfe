"""Session 30's speaker resolution, from a researcher's ten transcript layouts indexed together (an oral history labelled
by initials, a Congressional Record, Otter's "Unknown Speaker", a CNN transcript, an earnings call, a UN record)."""
from __future__ import annotations

import pytest

from rag.build import build
from rag.errors import QueryError
from rag.retrieve import Retriever, SearchSettings
from rag.speakers import alias_table, offices_held, query_without, resolve, resolve_in
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
    ("what did mr say about the flood", ("MR",)),        # the label typed in lower case (a hostile review)
    ("what did mr remember about school", ("MR",)),
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
    # (parser 9 reads the broadcast's later "HOLLOWAY:" as the one "SEN. PATRICIA HOLLOWAY" it names)
    ("Senator Holloway", "SEN. PATRICIA HOLLOWAY"),
    ("Holloway", "SEN. PATRICIA HOLLOWAY"),
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


CALL = ("Operator\n\nGood morning, and welcome to the Halvorsen Marine call.\n\n"
        "Ingrid Solberg -- Vice President, Investor Relations\n\nThank you, operator. With me are Tomas and Renata.\n\n"
        "Tomas Brekke -- Chief Executive Officer\n\nThanks, Ingrid. We booked record orders for the Chilean "
        "workboats.\n\n"
        "Renata Castillo -- Chief Financial Officer\n\nThank you, Tomas. The milestone payments arrive in the "
        "fourth quarter, and free cash flow turns positive.\n\n"
        "Daniel Okafor -- Nordhavn Securities -- Analyst\n\nRenata, how sure are you of the milestone payments?\n\n"
        "Renata Castillo -- Chief Financial Officer\n\nVery sure: the first two are already invoiced.\n")
RECORD = ("The President (spoke in French): I invite Ms. Aminata Keita, Special Envoy of the Secretary-General for "
          "the Great Lakes Region, to participate in this meeting.\n\n"
          "Ms. Keita: I thank you, Mr. President. Gold now finances the armed groups; minerals traceability is "
          "essential.\n\n"
          "Mr. Nebenzia (Russian Federation) (spoke in Russian): We caution against the sanctions regime.\n\n"
          "Mr. Geng (China) (spoke in Chinese): We support the efforts of the African Union and dialogue.\n\n"
          "Ms. Lassen (Denmark): Denmark will host a meeting on gold traceability in Copenhagen.\n")
PRESS = ("Moderator: Welcome to the briefing.\n\n"
         "Mr. Wang (China): What does the ministry say about the African Union summit?\n\n"
         "Sergey Lavrov: We support the African Union and its summit.\n")


def test_an_office_given_beside_a_speakers_name_names_them():
    """"What did the CFO say …?" resolved no one though the call labels her "Renata Castillo -- Chief Financial
    Officer", and "the Special Envoy" no one though the record invites "Ms. Aminata Keita, Special Envoy of the
    Secretary-General …" to speak as "Ms. Keita": an office a name's line or introduction gives (an office's word
    last: officer, president, envoy) names them, its initials too ("the CFO")."""
    call = offices_held(CALL, {"Renata Castillo", "Tomas Brekke", "Ingrid Solberg", "Daniel Okafor", "Operator"})
    assert call == {"Ingrid Solberg": "Vice President, Investor Relations", "Tomas Brekke": "Chief Executive Officer",
                    "Renata Castillo": "Chief Financial Officer"}   # (not the analyst's firm)
    record = offices_held(RECORD, {"Ms. Keita", "Mr. Geng", "Mr. Nebenzia", "Ms. Lassen", "The President"})
    assert record["Ms. Keita"] == "Special Envoy of the Secretary-General for the Great Lakes Region"
    table = alias_table(list(call) + ["Daniel Okafor", "Ms. Keita", "The President"],
                        tuple(call.items()) + (("Ms. Keita", record["Ms. Keita"]),))
    for query, expected in [("What did the CFO say about the milestone payments?", ("Renata Castillo",)),
                            ("What did the Chief Executive Officer say about orders?", ("Tomas Brekke",)),
                            ("What did the Vice President say?", ("Ingrid Solberg",)),
                            ("What did the President say?", ("The President",)),
                            ("What did the Special Envoy say about gold?", ("Ms. Keita",))]:
        assert resolve_in(query, *table).speakers == expected, query


def test_a_delegations_country_names_its_delegate_where_a_record_gives_several():
    """"What did China say about the African Union?" resolved no one in a Security Council record whose "Mr. Geng
    (China):" speaks for China: where a record labels several delegates with their countries, the country (any of
    its names: "Russia" of "Russian Federation") names its delegate; a press conference's one journalist labelled
    with a country does not speak for it."""
    record = offices_held(RECORD, {"Ms. Keita", "Mr. Geng", "Mr. Nebenzia", "Ms. Lassen"})
    assert (record["Mr. Geng"], record["Mr. Nebenzia"]) == ("China", "Russian Federation")
    table = alias_table(["Ms. Keita", "Mr. Geng", "Mr. Nebenzia", "Ms. Lassen"], tuple(record.items()))
    assert resolve_in("What did China say about the African Union?", *table).speakers == ("Mr. Geng",)
    assert resolve_in("What did Russia say about sanctions?", *table).speakers == ("Mr. Nebenzia",)
    assert resolve_in("What did Ms. Lassen say about China?", *table).speakers == ("Ms. Lassen",)
    # the country as what was said about is no speaker (a hostile review: "Who criticised China?" searched Mr. Geng)
    for topic in ("Who criticised China?", "Who said China is neutral?", "Who mentioned Russia?",
                  "Sanctions against Russia"):
        assert resolve_in(topic, *table).speakers == (), topic
    for spoken, who in [("What was China's position on sanctions?", "Mr. Geng"),
                        ("According to Russia, the corridors were shelled", "Mr. Nebenzia"),
                        ("What did the representative of China say about aid?", "Mr. Geng"),
                        ("How did Russia respond to the sanctions?", "Mr. Nebenzia")]:
        assert resolve_in(spoken, *table).speakers == (who,), spoken
    assert offices_held(PRESS, {"Mr. Wang", "Sergey Lavrov", "Moderator"}) == {}


def test_an_office_or_a_country_names_its_speaker_in_an_index(tmp_path):
    (tmp_path / "call.txt").write_text(CALL, encoding="utf-8")
    (tmp_path / "record.txt").write_text(RECORD, encoding="utf-8")
    embedder = FakeEmbedder()
    build([tmp_path / "call.txt", tmp_path / "record.txt"], embedder, folder=tmp_path / "idx")
    r = Retriever(load(tmp_path / "idx", embedder=embedder), embedder, SearchSettings())
    assert r.search("What did the CFO say about the milestone payments?", 3).speaker == "Renata Castillo"
    assert r.search("What did China say about the African Union?", 3).speaker == "Mr. Geng"
    assert r.search("gold traceability", 3, speaker="the Special Envoy").speaker == "Ms. Keita"


COMMITTEE = ("The Chair (Hon. Anthony Rota (Nipissing—Timiskaming, Lib.)): Order. We resume.\n\n"
             "Hon. Andrew Scheer (Regina—Qu'Appelle, CPC): Mr. Chair, will the government stop the fraud?\n\n"
             "Right Hon. Justin Trudeau (Prime Minister): Mr. Chair, fraud is unacceptable.\n\n"
             "Mr. Paul Manly (Nanaimo—Ladysmith, GP): Mr. Chair, what about seniors?\n\n"
             "Hon. Deb Schulte (Minister of Seniors): Mr. Chair, seniors get a one-time payment.\n")


def test_an_office_in_a_committee_label_s_bracket_names_its_holder():
    """A seminar host's rehearsal: "What did the Prime Minister say about fraud …?" and "What did the Minister of
    Seniors say …?" named no one though the record labels them "Right Hon. Justin Trudeau (Prime Minister):" and
    "Hon. Deb Schulte (Minister of Seniors):"; the top quote was an opposition member's. An office in a label's
    bracket names its holder; a riding ("Nanaimo—Ladysmith, GP"), a party, a chair's name do not."""
    speakers = {"The Chair", "Hon. Andrew Scheer", "Right Hon. Justin Trudeau", "Mr. Paul Manly", "Hon. Deb Schulte"}
    held = offices_held(COMMITTEE, speakers)
    assert held == {"Right Hon. Justin Trudeau": "Prime Minister", "Hon. Deb Schulte": "Minister of Seniors"}
    table = alias_table(sorted(speakers), tuple(sorted(held.items())))
    assert resolve_in("What did the Prime Minister say about fraud?", *table).speakers == ("Right Hon. Justin Trudeau",)
    assert resolve_in("What did the Minister of Seniors say about payments?", *table).speakers == \
        ("Hon. Deb Schulte",)
    assert resolve_in("What did Nanaimo say about seniors?", *table).speakers == ()


def test_a_delegation_s_formal_country_name_names_its_delegate():
    """A hostile review: "Mrs. Thomas-Greenfield (United States of America):" named no delegate (the country table
    has "United States"); a formal name's first words that are a country's name are that country ("Georgia Tech" is
    no formal name of Georgia)."""
    record = ("Mr. Geng (China): China calls for restraint.\n\n"
              "Mrs. Thomas-Greenfield (United States of America): We reject the claim that China is neutral.\n\n"
              "Dame Barbara Woodward (United Kingdom of Great Britain and Northern Ireland): We agree.\n\n"
              "Mr. Smith (Georgia Tech): A note from the observers.\n")
    speakers = {"Mr. Geng", "Mrs. Thomas-Greenfield", "Dame Barbara Woodward", "Mr. Smith"}
    held = offices_held(record, speakers)
    assert held.get("Mrs. Thomas-Greenfield") == "United States of America" and "Mr. Smith" not in held
    table = alias_table(sorted(speakers), tuple(sorted(held.items())))
    assert resolve_in("What did the United States say about China?", *table).speakers == ("Mrs. Thomas-Greenfield",)
    assert resolve_in("Who criticised the United States?", *table).speakers == ()
