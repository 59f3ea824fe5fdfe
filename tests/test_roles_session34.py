"""A role the header gives a person (session 34): "Host: Joe Brennan" above "JOE:" turns, "I = interviewer (Joe
Brennan)" above "I:" questions. "What did the host ask …" searched nobody's turns in particular (only a label that is a
role itself, "Host:", was a role's); now it is the host's questions and the answers to them, "the guest" the guest's
turns, and a role two documents give two people names neither alone."""
from __future__ import annotations

import pytest

from rag import handlers
from rag.build import build
from rag.engine import Engine
from rag.speakers import roles_given

from conftest import FakeEmbedder
from test_speakers_session33 import HEARING, ORAL_HISTORY

PODCAST = """The Harbour Podcast, episode 12, 2 May 2025
Host: Joe Brennan
Guest: Walter Pennock

JOE: Welcome back. Today I'm with Walter, who kept the north rock lighthouse for twenty years.

WALTER: Thanks for having me, Joe.

JOE: What did you eat during the long storms?

WALTER: Tinned herring and ship's biscuit, and once a seagull that had flown into the lantern glass.

JOE: And the fog horn? How loud was it really?

WALTER: You could hear it in the next county. The cows in Ballycastle stopped giving milk.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("roles")
    docs = root / "docs"
    docs.mkdir()
    (docs / "oral.txt").write_text(ORAL_HISTORY, encoding="utf-8")
    (docs / "pod.txt").write_text(PODCAST, encoding="utf-8")
    embedder = FakeEmbedder()
    build(sorted(docs.iterdir()), embedder, folder=root / "idx")
    return Engine(root / "idx", embedder)


def ask(engine, question):
    *_, (turns, _) = handlers.answer(engine, question, 3, False, "", [])
    assert turns[-1].error is None, turns[-1].error
    return turns[-1].result


def test_a_header_field_gives_a_label_by_first_name_its_role():
    assert roles_given(PODCAST, {"JOE", "WALTER"}) == {"JOE": "host", "WALTER": "guest"}
    assert roles_given(ORAL_HISTORY, {"I", "R"}) == {"I": "interviewer", "R": "respondent"}
    assert roles_given("I = interviewer; R = respondent\n\nI: Where?\n\nR: Here.", {"I", "R"}) == {}  # no one named
    # two labels either of which could be Joe Brennan by one name: neither is given the role
    assert "JOE" not in roles_given(PODCAST, {"JOE", "BRENNAN", "WALTER"})


def test_what_the_host_asked_is_the_hosts_questions_with_their_answers(engine):
    result = ask(engine, "What did the host ask about the fog horn?")
    assert any(n.startswith("JOE asks the questions here") for n in result.notices), result.notices
    assert result.hits and all(h.passage.doc == "pod.txt" for h in result.hits)
    assert "fog horn" in result.hits[0].passage.text


def test_the_guest_is_the_guests_turns_and_the_interviewer_the_keyed_one(engine):
    result = ask(engine, "What did the guest say about the fog horn?")
    assert result.speaker == "WALTER"
    assert {h.passage.speaker for h in result.hits} == {"WALTER"}
    result = ask(engine, "What did the interviewer ask about the lighthouse keeper?")
    assert any(n.startswith("I asks the questions here") for n in result.notices), result.notices
    assert all(h.passage.doc == "oral.txt" for h in result.hits)


def test_a_question_never_put_to_a_witness_says_so(tmp_path):
    """Mr. Dalton asks only Dr. Marsh: "What did Mr. Dalton ask Ms. Okafor …?" searched her passages with the notice
    of what she says, as if it had been asked."""
    from rag.retrieve import open_retriever

    (tmp_path / "hearing.txt").write_text(HEARING, encoding="utf-8")
    build([tmp_path / "hearing.txt"], FakeEmbedder(), folder=tmp_path / "idx")
    hearing = open_retriever(tmp_path / "idx", embedder=FakeEmbedder())
    result = hearing.search("What did Mr. Dalton ask Ms. Okafor about the investigations?", k=2)
    assert result.notices[0] == ("Mr. DALTON puts no question to Ms. Okafor (Director of Enforcement) here: all their "
                                 "passages are searched."), result.notices
    assert result.hits and all(h.passage.speaker == "Ms. Okafor" for h in result.hits)
    result = hearing.search("What did Mr. Dalton ask Dr. Marsh?", k=5)         # one he asked: as before
    assert result.notices[0].startswith("Only the answers of Dr. MARSH to Mr. DALTON's questions")
