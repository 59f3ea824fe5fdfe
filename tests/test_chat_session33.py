"""Session 33's reviews of the chat: a question that names its own subject, or a whole "Why …?" question, is no
follow-up; an asker's label's function words ("the" of "The CHAIR") name no asker; the extractive summary skips a
question however its script marks it."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CHROMIUM
from rag.asks import asks_question
from rag.chat import rewrite_followup

BEFORE = "What did the chair ask Ms. Okafor about live notification?"


def test_a_question_naming_its_own_subject_stands_alone_with_a_pronoun_after_it():
    """A reviewer's seminar: "What did Walter Pennock say about his brother?" after a question on the water hearing
    was searched together with it (its "his"): five of the hearing's quotes, none of Walter's."""
    question = "What did Walter Pennock say about his brother?"
    assert rewrite_followup(question, BEFORE) == question
    # a pronoun as the subject still leans on the last, whatever else the question names
    assert rewrite_followup("What did she say about Ofwat?", BEFORE) == f"{BEFORE} What did she say about Ofwat?"
    assert rewrite_followup("what did he say about it?", BEFORE).startswith(BEFORE)


def test_a_whole_why_question_is_no_follow_up():
    """"Why are cities losing street trees?" after "How much did the book sale raise?" was searched with it (a "why"
    opening any short question made it one); "and why?" after it leans on the trees, not on the book sale."""
    first = "How much did the book sale raise?"
    trees = "Why are cities losing street trees?"
    assert rewrite_followup(trees, first) == trees
    assert rewrite_followup("and why?", trees) == f"{trees} and why?"
    assert rewrite_followup("why not?", first) == f"{first} why not?"
    assert rewrite_followup("Why did they do that?", first) == f"{first} Why did they do that?"


def test_an_askers_label_makes_no_function_word_an_askers_name():
    """A hearing's "The CHAIR" and a talk's "Question From the Audience" made "the" an asker's name: "What should a
    resident do if the council wants to fell a healthy tree?" was read as asking what a questioner asked, and every
    document's exchanges were quoted before the talk's answer."""
    askers = ["The CHAIR", "Question From the Audience"]
    assert not asks_question("What should a resident do if the council wants to fell a healthy tree?", askers)
    assert asks_question("What did the chair ask about the investigations?", askers)
    assert asks_question("What did the audience ask about street trees?", askers)


def test_an_example_whose_subject_points_back_is_not_offered():
    """The day's chat review: the hearing's example "Ms. Okafor, is that something Ofwat could require?" leaned on
    the proposal before it, which the room has not seen."""
    from rag.examples import self_contained

    assert not self_contained("Ms. Okafor, is that something Ofwat could require?")
    assert self_contained("Does Russia respect Finland's right to join NATO?")
    assert self_contained("What is the position of Ofwat on live notification?")


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_the_documents_panel_opens_for_several_documents_added_since_the_start(tmp_path, browser):
    """The day's chat review: a server started on one document, then given more, showed the Documents panel closed to
    every new visitor (README: "collapsed for one document, open for several")."""
    from rag.build import add_documents
    from conftest import FakeEmbedder, serve_folder
    from test_browser_documents import open_page

    (tmp_path / "a.txt").write_text("Ann Lee: The ferry runs hourly.\n\nBob Ng: Not on Sundays.\n", encoding="utf-8")
    panel = "#rq-documents .label-wrap.open"
    for url in serve_folder(tmp_path):
        ctx, page = open_page(browser, url)
        page.wait_for_timeout(1000)
        closed = page.locator(panel).count() == 0
        ctx.close()
        for name in ("b.txt", "c.txt"):
            (tmp_path / name).write_text(f"Cara Diaz: The {name} budget is set.\n", encoding="utf-8")
        add_documents([tmp_path / "b.txt", tmp_path / "c.txt"], FakeEmbedder(), tmp_path / "idx")
        ctx, page = open_page(browser, url)
        page.wait_for_timeout(1000)
        assert closed and page.locator(panel).count() == 1
        ctx.close()
