"""The chat's logic without a browser: follow-up rewriting, permalinks, bad input as messages."""
import pytest
from urllib.parse import quote, unquote

from rag import chat
from rag.errors import QueryError
from rag.retrieve import MAX_QUERY_CHARS, open_retriever


@pytest.mark.parametrize("previous, question, expected", [
    ("How are Russia's relations with Japan?", "and what about India?", "How are Russia's relations with India?"),
    ("Does Russia respect Finland's right to join NATO?", "And what about Sweden?",
     "Does Russia respect Sweden's right to join NATO?"),
    ("What does Lavrov say about NATO expansion?", "what about the EU?", "What does Lavrov say about the EU expansion?"),
    ("Will Finland join NATO?", "how about South Korea", "Will South Korea join NATO?"),
    ("What are the talks about?", "what about sanctions?", "What are the talks about? what about sanctions?"),
    # a person for a country, an event for a place: no question anyone asked; searched with the previous one
    ("Will Finland join NATO?", "What about Putin?", "Will Finland join NATO? What about Putin?"),
    ("Why did Russia send CSTO troops to Kazakhstan?", "What about the Olympics?",
     "Why did Russia send CSTO troops to Kazakhstan? What about the Olympics?"),
    ("Will Finland join NATO?", "and why?", "Will Finland join NATO? and why?"),
    ("Will Finland join NATO?", "What did he say about it?", "Will Finland join NATO? What did he say about it?"),
    # a question that stands on its own is searched as typed
    ("Will Finland join NATO?", "What is the position of Russia on the Iranian nuclear programme and sanctions?",
     "What is the position of Russia on the Iranian nuclear programme and sanctions?"),
    (None, "and what about Sweden?", "and what about Sweden?"),
    # short, and it starts like a follow-up, but it names its own subject: searched as typed
    ("How are Russia's relations with Japan?", "Why did Russia send CSTO troops to Kazakhstan?",
     "Why did Russia send CSTO troops to Kazakhstan?"),
    ("Will Finland join NATO?", "so why did Sweden wait?", "so why did Sweden wait?"),
    # a bare question asks only when, where, how many... of the last one (a tester's: "When?" was searched
    # alone and abstained on, while "Why?" was joined)
    ("Who invented the frame hive?", "When?", "Who invented the frame hive? When?"),
    ("Who invented the frame hive?", "In which year?", "Who invented the frame hive? In which year?"),
    ("How many peacekeepers went to Kazakhstan?", "and when exactly?",
     "How many peacekeepers went to Kazakhstan? and when exactly?"),
    # but three words with a subject of their own stand alone
    ("Who invented the frame hive?", "What is democracy?", "What is democracy?"),
])
def test_rewrite_followup(previous, question, expected):
    assert chat.rewrite_followup(question, previous) == expected


@pytest.mark.parametrize("previous, question, expected", [
    # the article goes with the name (a hostile review: "about the the EU?", "with the Germany?")
    ("What did Lavrov say about the USA?", "What about the UK?", "What did Lavrov say about the UK?"),
    ("What did Lavrov say about the OSCE?", "What about the EU?", "What did Lavrov say about the EU?"),
    ("What did Lavrov say about the USA?", "What about the EU?",       # (a union for a country: no question asked)
     "What did Lavrov say about the USA? What about the EU?"),
    ("How are Russia's relations with the United States?", "What about Germany?",
     "How are Russia's relations with Germany?"),
    ("How are Russia's relations with Japan?", "What about the UK?", "How are Russia's relations with the UK?"),
    ("The UK left the EU.", "what about the US?", "The US left the EU."),
    # US, UK, USA are countries, not acronyms: a country's place, not NATO's ("Will Finland join the US?")
    ("Will Finland join NATO?", "What about the US?", "Will the US join NATO?"),
    ("Will Finland join NATO?", "What about the UAE?", "Will the UAE join NATO?"),
    # and an acronym never takes a country's letters' place ("… of the EU State Department?")
    ("What is the position of the US State Department?", "What about the EU?",
     "What is the position of the US State Department? What about the EU?"),
])
def test_a_topic_takes_its_names_place_with_its_article(previous, question, expected):
    assert chat.rewrite_followup(question, previous) == expected


def test_a_follow_up_leans_on_the_query_searched_last():
    """A hostile review: Japan, then "What about the UK?", then "And why?" searched "… relations with Japan? And
    why?", the middle question dropped (the UK read as an acronym, so glued, not swapped)."""
    from rag.handlers import _previous_query

    turns = []
    for question in ["How are Russia's relations with Japan?", "What about the UK?", "And why?"]:
        turns.append(chat.Turn(question=question, query=chat.rewrite_followup(question, _previous_query(turns))))
    assert turns[-1].query == "How are Russia's relations with the UK? And why?"


def test_blank_questions():
    """A question of zero-width characters only (U+200B, U+FEFF) is no question: the page adds no turn for it."""
    assert chat.blank("\u200b\ufeff \u200b") and chat.blank("  \n") and chat.blank(None)
    assert not chat.blank("\u200bNATO?")


def test_a_question_cut_for_the_search_is_no_rewrite():
    """A hostile review: a 5,000-character question, cut to 1,000 for the search, counted as rewritten."""
    long = "Will Finland join NATO? " * 210
    turn = chat.Turn(question=long, query=chat.clean_query(long)[0])
    assert not turn.rewritten and turn.cut and turn.length == len(long.strip())
    invisible = chat.Turn(question="Will Finland\u200b join NATO?", query="Will Finland join NATO?")
    assert not invisible.rewritten and not invisible.cut


def test_acronym_replaces_acronym():
    # "the EU" is not an acronym as a whole (lower-case article): it takes a Titlecase name's place
    assert chat.rewrite_followup("and what about OSCE?", "Did NATO answer Russia?") == "Did OSCE answer Russia?"


def test_permalink_round_trip():
    from rag.records import Passage

    p = Passage(doc="a b.txt", start=12345, end=12789, text="x", section="Q7", kind="answer", paragraph=3)
    link = chat.permalink("Polls in Ukraine & NATO?", 7, "abc123", summary=True, docs=["b.txt"], span=p)
    search, fragment = link.split("#")
    assert fragment == "Q7:12345-12789"
    parsed = chat.parse_link(search, "#" + fragment)
    assert (parsed.query, parsed.k, parsed.version, parsed.summary, parsed.docs) == (
        "Polls in Ukraine & NATO?", 7, "abc123", True, ("b.txt",))
    assert (parsed.doc, parsed.section, parsed.start, parsed.end) == ("a b.txt", "Q7", 12345, 12789)
    answer = chat.parse_link(chat.permalink("q", 5, "v1"), "")
    assert not answer.has_span and answer.k == 5 and not answer.summary


@pytest.mark.parametrize("section", ["Chapter 2: Dredging", "Findings of the independent review panel on coastal erosion",
                                     "#3 Costs & risks", "Q7", "Résumé 100%"])
def test_a_quotes_permalink_reopens_it_under_any_heading(section):
    """A hostile review: a quote under the heading "Chapter 2: Dredging", or one over 40 characters once the browser
    had percent-encoded its spaces, gave a permalink its own reader refused ("is not of the form #Q7:…")."""
    from rag.records import Passage

    p = Passage(doc="report.md", start=42, end=122, text="x", section=section, kind="paragraph", paragraph=3)
    search, fragment = chat.permalink("dredging costs", 5, "v1", span=p).split("#", 1)
    for shown in (fragment, quote(unquote(fragment), safe=":-")):       # as written, and as a browser may show it
        parsed = chat.parse_link(search, "#" + shown)
        assert (parsed.doc, parsed.section, parsed.start, parsed.end) == ("report.md", section, 42, 122)


@pytest.mark.parametrize("search, fragment, message", [
    ("?q=x&k=0", "", "1 to 50"),
    ("?q=x&k=lots", "", "1 to 50"),
    ("?q=x", "#Q7:99-12", "ends before"),
    ("?q=x", "#<img src=x>", "not of the form"),
])
def test_bad_links_say_why(search, fragment, message):
    with pytest.raises(QueryError, match=message):
        chat.parse_link(search, fragment)


def test_a_long_bad_fragment_is_not_said_back_whole():
    # (a hostile review: a fragment of 10,000 characters was repeated whole in the message; and, once headings
    # of 300 characters were read, one whose span ends before it starts)
    with pytest.raises(QueryError, match="not of the form") as e:
        chat.parse_link("?q=x", "#" + "A" * 10_000)
    assert len(str(e.value)) < 200
    with pytest.raises(QueryError, match="ends before it starts") as e:
        chat.parse_link("?q=x", "#" + "A" * 300 + ":99-12")
    assert len(str(e.value)) < 200


def test_no_query_no_link():
    assert chat.parse_link("", "") is None
    assert chat.parse_link("?__theme=dark", "") is None


@pytest.fixture
def retriever(tiny_index, fake_embedder):
    return open_retriever(tiny_index, fake_embedder)


def test_ask_searches_the_rewritten_query(retriever):
    first = chat.ask(retriever, "What will happen to water prices?", 2)
    assert first.error is None and first.result.hits
    follow = chat.ask(retriever, "and what about the pipeline?", 2, previous=first.query)
    assert follow.query == "What will happen to water prices? and what about the pipeline?"
    assert follow.context == "What will happen to water prices?"
    assert follow.rewritten and "pipeline" in follow.result.hits[0].passage.text
    assert follow.fingerprint == retriever.index.fingerprint


@pytest.mark.parametrize("question, k, message", [
    ("", 5, "empty"),
    ("   \n\t ", 5, "empty"),
    ("\x00\x01\x1b", 5, "empty"),
    ("\u200f\u202e", 5, "empty"),                 # RTL marks only
    ("pipeline", 0, "between 1 and 50"),
    ("pipeline", 10**9, "between 1 and 50"),
    ("pipeline", "many", "whole number"),
    ("pipeline", 2.5, "whole number"),
    (None, 5, "must be text"),
])
def test_bad_input_is_a_message(retriever, question, k, message):
    turn = chat.ask(retriever, question, k)
    assert turn.result is None and message in turn.error


def test_a_huge_k_is_not_echoed_whole(retriever):
    """A hostile review: a k of -1e308 (a slider's float, made whole) was echoed as a 309-digit number."""
    turn = chat.ask(retriever, "pipeline", -1e308)
    assert "between 1 and 50, not a number of 309 digits." in turn.error and len(turn.error) < 200


@pytest.mark.parametrize("question", ["💧 water prices? 🚰", "<script>alert(1)</script> pipeline",
                                      "\u202ewater\u202c prices", "x" * 100_000])
def test_odd_but_searchable_queries_are_searched(retriever, question):
    turn = chat.ask(retriever, question, 5.0)      # a slider's 5.0 is 5
    assert turn.error is None and turn.k == 5 and turn.result is not None
    assert len(turn.query) <= MAX_QUERY_CHARS
    if len(question) > MAX_QUERY_CHARS:
        assert any("cut" in n for n in turn.notices)


def test_result_json_has_the_passages_and_the_index(retriever):
    from rag.cite import hit_json, result_json

    turn = chat.ask(retriever, "Is the pipeline funded?", 2)
    data = result_json(turn.result, retriever.index)
    assert data["query"] == "Is the pipeline funded?" and data["index"] == retriever.index.fingerprint
    assert data["passages"] == [hit_json(h, retriever.index) for h in turn.result.hits]
    assert set(data) == {"query", "abstained", "confidence", "notices", "missing_terms", "index", "passages",
                         "speaker", "documents"}

def test_example_questions_put_those_asking_you_last(tmp_path, fake_embedder):
    """A new user's interview offered four example questions all in the interviewer's "you" ("What do you think
    about the buoys?"), which ask the one answering, not the documents: the others come first."""
    from rag.build import build

    doc = tmp_path / "interview.txt"
    said = " We fish the estuary every morning, and the season has been long and hard for all of us."
    doc.write_text("Lena Vogt: What do you think about the new buoys?\n\nJonas Brandt: Nobody asked us." + said +
                   "\n\nLena Vogt: Did your catch change this year?\n\nJonas Brandt: It fell by a third." + said +
                   "\n\nLena Vogt: Who decides where the buoys go?\n\nJonas Brandt: The harbour authority." + said +
                   "\n\nLena Vogt: When will the ferry route open?\n\nJonas Brandt: In June." + said + "\n",
                   encoding="utf-8")
    index = build([doc], fake_embedder, folder=tmp_path / "idx")
    examples = chat.example_questions(index)
    assert examples[:2] == ["Who decides where the buoys go?", "When will the ferry route open?"]
    assert set(examples[2:]) == {"What do you think about the new buoys?", "Did your catch change this year?"}


def test_a_meeting_offers_its_speakers_on_their_topics(tmp_path, fake_embedder):
    """A seminar host's meetings index landed on an empty page: no question of its own to offer. Each of the speakers
    who say the most is offered on a phrase they use in two turns or more, one the others use least; never a word of
    a speaker's label ("Project Manager on Industrial Designer"), a filler or a stutter."""
    from rag.build import build

    turns = ["Project Manager: Okay, the scroll wheel is the main thing today, and the budget for the scroll wheel.",
             "Marketing: Our survey says people lose the remote control under the sofa cushions.",
             "Industrial Designer: Um I dunno, the infra infrared beam needs a clear line of sight.",
             "Project Manager: So the scroll wheel stays for thirty minutes, I dunno about the Industrial Designer's "
             "titanium case, thirty minutes.",
             "Marketing: Young people want a remote control that glows, the survey says so, a glowing remote control.",
             "Industrial Designer: Mm-hmm. The infra infrared beam again, and a rubber case for it."]
    (tmp_path / "meeting.txt").write_text("\n\n".join(turns * 2) + "\n", encoding="utf-8")
    index = build([tmp_path / "meeting.txt"], fake_embedder, folder=tmp_path / "idx")
    examples = chat.example_questions(index)
    assert examples[0] == "Project Manager on scroll wheel"
    assert set(examples) == {"Project Manager on scroll wheel", "Marketing on remote control",
                             "Industrial Designer on infrared beam"}


def test_a_document_without_speakers_offers_its_topics(tmp_path, fake_embedder):
    from rag.build import build

    text = ("The harbour wall needs repair before winter. The harbour wall budget is two million euros.\n\n"
            "Ferry timetables change in April. The ferry timetables for winter are shorter.\n\n"
            "Seagull nesting on the pier is protected. Seagull nesting season starts in May.\n")
    (tmp_path / "report.txt").write_text(text, encoding="utf-8")
    index = build([tmp_path / "report.txt"], fake_embedder, folder=tmp_path / "idx")
    examples = chat.example_questions(index)
    assert examples and all(e.startswith("What does the document say about ") for e in examples)
    assert any("harbour wall" in e or "ferry timetables" in e or "seagull nesting" in e.lower() for e in examples)
