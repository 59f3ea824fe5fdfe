"""Question-and-answer layouts a researcher met (session 31): a deposition's question that ends with a date was taken
for the title, an objection between a question and its answer took the answer away from it, a court reporter's page
footer was quoted, a magazine's bold questions were not paired with their answers, and a qualitative interview's
header lines were read as speech."""
from rag.parse import parse
from rag.records import Document

from conftest import by_text, exact


def _parse(name: str, text: str):
    doc, paras = parse(Document.from_text(name, text))
    exact(doc, paras)
    return doc, paras


DEPOSITION = (
    "DEPOSITION OF MARGARET ELLEN OKAFOR\n\n"
    "BY MS. LINDQVIST:\n\n"
    "Q. Please state your name for the record.\n\n"
    "A. Margaret Ellen Okafor.\n\n"
    "Q. Did you call the harbour office on the evening of October 3, 2019?\n\n"
    "A. Yes, twice.\n\n"
    "Q. Did you tell them the gate was broken?\n\n"
    "MR. BRANDT: Objection. Leading.\n\n"
    "BY MS. LINDQVIST:\n\n"
    "Q. Go ahead.\n\n"
    "A. I told them the latch had come off and the gate swung open in the wind.\n\n"
    "Q. Who answered the second call?\n\n"
    "A. A man called Dorsey, the night clerk.\n"
)


def test_a_question_ending_with_a_date_is_no_title_and_keeps_its_answer():
    doc, paras = _parse("deposition", DEPOSITION)
    assert doc.title == "DEPOSITION OF MARGARET ELLEN OKAFOR"
    asked = by_text(paras, "on the evening of October 3, 2019?")
    assert asked.kind == "question" and asked.speaker == "MS. LINDQVIST"
    answer = by_text(paras, "Yes, twice.")
    assert answer.kind == "answer" and answer.question == asked.text


def test_a_question_or_answer_line_with_a_date_is_never_the_dateline():
    text = "Q. Were you at the harbour on 3 October 2019?\n\nA. I was there on 3 October 2019.\n\nQ. Why?\n\nA. Work.\n"
    doc, paras = _parse("qa", text)
    assert doc.title == "qa" and by_text(paras, "Were you at the harbour").kind == "question"
    assert by_text(paras, "I was there").kind == "answer"


def test_an_objection_between_question_and_answer_leaves_the_answer_to_the_pending_question():
    doc, paras = _parse("deposition", DEPOSITION)
    asked = by_text(paras, "Did you tell them the gate was broken?")
    objection = by_text(paras, "Objection. Leading.")
    assert objection.kind == "turn" and objection.speaker == "MR. BRANDT" and not objection.question
    go_on = by_text(paras, "Go ahead.")
    assert go_on.kind == "turn" and go_on.speaker == "MS. LINDQVIST" and not go_on.question
    answer = by_text(paras, "the latch had come off")
    assert answer.kind == "answer" and answer.question == asked.text and answer.section == asked.section
    assert not any("BY MS. LINDQVIST" in p.text for p in paras)      # a marker, nobody's words
    # the next question opens the next exchange, as before
    assert by_text(paras, "Who answered the second call?").section != asked.section


def test_a_byline_with_an_initial_is_still_a_dateline():
    doc, _ = _parse("column", "A. Smith, 3 May 2024\n\nThe ferry will run at night from June.\n")
    assert (doc.title, doc.date) == ("A. Smith, 3 May 2024", "2024-05-03")


def test_an_interviews_second_guest_answering_by_name_still_answers():
    # (a "Q:"/"A:" interview is no court's record: no "BY MR. X:", no "THE COURT:")
    text = ("Q: What did you both think of the timetable?\n\nA: It was too early for us.\n\n"
            "MARY HOLT: And too late for the school run.\n\nQ: Would you use a night ferry?\n\nA: Every week.\n")
    _, paras = _parse("interview", text)
    answer = by_text(paras, "too late for the school run")
    assert answer.kind == "answer" and answer.question.startswith("What did you both think")


def test_a_named_speakers_answers_in_a_press_qa_are_still_answers():
    text = ("Q: What will the ferry cost?\n\nMinister Ruiz: About two million a year.\n\n"
            "Q: When does it start?\n\nMinister Ruiz: In May.\n\nMayor Holt: And the town pays a third of it.\n")
    _, paras = _parse("briefing", text)
    assert by_text(paras, "the town pays a third").kind == "answer"


def _reporters_pages(pages: list[list[str]], foot: str, feed: str) -> str:
    """A court reporter's text pages: "Page N" above 25 margin-numbered lines, the reporter's foot below them."""
    out = []
    for n, lines in enumerate(pages, 31):
        lines = lines + [""] * (25 - len(lines))
        out.append(f"{'':>50}Page {n}\n" + "\n".join(f"{i:>2}      {line}".rstrip() for i, line in enumerate(lines, 1))
                   + f"\n\n          {foot}\n")
    return feed.join(out)


REPORTED = [
    ["EXAMINATION", "BY MS. LINDQVIST:", "Q. Please state your name for the record.", "A. Margaret Ellen Okafor.",
     "Q. Where were you working in October of 2019?", "A. At the harbour office, on the night desk.",
     "Q. Did you log the calls that came in that night?", "A. Every one of them, with the time and the caller.",
     "Q. How many calls came in about the gate?", "A. Three, between ten and midnight.",
     "Q. Who made the first of those calls?", "A. A fisherman, Tom Reyes, from the north quay.",
     "Q. What did he tell you?", "A. That the gate had blown open and was banging", "against the bollard.",
     "Q. What did you do then?", "A. I rang the duty engineer and wrote it in the log.",
     "Q. Did the engineer come out?", "A. Not that night. He said it could wait until", "the morning.",
     "Q. Were you aware that the latch on that gate had", "been reported as broken before?"],
    ["A. Yes. There was a note in the maintenance log from", "the week before that said the latch was loose.",
     "Q. Who wrote that note?", "A. I believe it was the day clerk, Ann Dorsey.",
     "Q. Did anyone repair the latch?", "A. Not before the storm, no."],
]


def test_a_court_reporters_foot_on_every_page_is_no_passage(tmp_path):
    from conftest import parsed_file
    foot = "HARBOUR COURT REPORTING (555) 010-0142"
    for feed in ("\f", ""):        # pages parted by form feeds, or only by the margin's numbers starting again
        path = tmp_path / "deposition.txt"
        path.write_text(_reporters_pages(REPORTED, foot, feed))
        doc, paras = parsed_file(path)
        assert "HARBOUR COURT REPORTING" not in doc.text, feed
        answer = by_text(paras, "a note in the maintenance log")
        assert answer.kind == "answer" and answer.question.startswith("Were you aware that the latch")


QUAL = (
    "Project: Flood recovery and small shops (FRASS study)\n"
    "Interview ID: R7\n"
    "Date: 2 June 2023\n"
    "Interviewer: Dr Samir Haddad (SH)\n"
    "Participant: R7, male, 58, hardware shop owner\n"
    "Transcribed verbatim; names of shops removed [in square brackets].\n\n"
    "Interviewer: How long was the shop closed after the flood?\n\n"
    "R7: Eleven weeks. The insurer took six of those to send an assessor.\n\n"
    "Interviewer: What helped you reopen?\n\n"
    "R7: The council's grant, two thousand pounds, and my brother-in-law's van.\n"
)


def test_a_qualitative_interviews_header_is_nobodys_though_a_value_is_in_sentence_case():
    _, paras = _parse("r7", QUAL)
    for words in ("Project:", "Interview ID:", "Participant:", "Interviewer: Dr Samir"):
        header = by_text(paras, words)
        assert header.kind == "paragraph" and header.speaker is None and header.section == "text", words
    asked = by_text(paras, "How long was the shop closed")
    assert asked.kind == "question" and asked.speaker == "Interviewer"
    answer = by_text(paras, "Eleven weeks.")
    assert answer.kind == "answer" and answer.speaker == "R7" and answer.question == asked.text


def test_a_conversations_first_turns_in_sentence_case_are_still_turns():
    # (the labels speak again: their first lines are turns, not a header's fields)
    text = ("Ann: Morning everyone\nBob: Morning Ann\n\nAnn: Shall we start with the budget?\n\n"
            "Bob: Yes, the ferry numbers first.\n\nAnn: Fine by me.\n")
    _, paras = _parse("sync", text)
    assert by_text(paras, "Morning everyone").speaker == "Ann"
    assert by_text(paras, "Morning Ann").speaker == "Bob"


MAGAZINE = """<html><head><title>Ferries at night: a Q&amp;A with Anna Berg | Harbour Weekly</title></head><body>
<article><h1>Ferries at night: a Q&amp;A with Anna Berg</h1>
<p>Anna Berg runs the island's ferry company. We met her on the quay.</p>
<p><strong>Why a night ferry?</strong></p>
<p>Nurses finish their shifts at midnight and have no way home.</p>
<p><b>What does it cost?</b></p>
<p>About two hundred thousand a year, paid by the hospital.</p>
<p>The hospital saves more than that on agency staff.</p>
<p><strong>A note on the timetable</strong></p>
<p><strong>Will it run in winter?</strong></p>
<p>Only on weekdays, from November.</p>
</article></body></html>"""


def test_a_magazines_bold_questions_pair_with_the_plain_answers_below_them(tmp_path):
    from conftest import parsed_file
    path = tmp_path / "berg.html"
    path.write_text(MAGAZINE)
    doc, paras = parsed_file(path)
    assert "**Why a night ferry?**" in doc.text and "**A note on the timetable**" not in doc.text   # (asks nothing)
    asked = by_text(paras, "What does it cost?")
    assert asked.kind == "question" and asked.text == "What does it cost?"      # the quote without the marks
    for words in ("About two hundred thousand", "agency staff"):
        answer = by_text(paras, words)
        assert (answer.kind, answer.question, answer.section, answer.speaker) == (
            "answer", "What does it cost?", asked.section, "Anna Berg")
    assert by_text(paras, "Only on weekdays").question == "Will it run in winter?"
    standfirst = by_text(paras, "runs the island's ferry company")
    assert standfirst.kind == "paragraph" and standfirst.speaker is None     # the magazine's, no opening statement


def test_markdown_bold_questions_pair_too_and_one_bold_question_is_no_interview():
    text = ("# Notes from the quay: an interview with Anna Berg\n\n**Why a night ferry?**\n\nNurses have no way home.\n\n"
            "__What does it cost?__\n\nTwo hundred thousand a year.\n")
    _, paras = _parse("quay", text)
    answer = by_text(paras, "Two hundred thousand")
    assert (answer.kind, answer.question, answer.speaker) == ("answer", "What does it cost?", "Anna Berg")
    _, paras = _parse("article", "# Ferries: an interview with Anna Berg\n\n**Why a night ferry?**\n\nNurses have no way home.\n")
    assert all(p.kind in ("heading", "paragraph") for p in paras)


EXPLAINER = ("# Channel crossings: the deal explained\n\n"
             "The prime minister held talks with Emmanuel Macron in Paris on Tuesday.\n\n"
             "**What is in the agreement?**\n\nBritain will pay France for more patrols.\n\n"
             "**Will it stop the crossings?**\n\nPrevious deals have not.\n")


def test_bold_subheads_with_no_interview_named_are_nobodys_paragraphs():
    # (a news explainer: "held talks with Emmanuel Macron" names no interviewee, and the paper's words are no answers)
    _, paras = _parse("explainer", EXPLAINER)
    assert all(p.kind in ("heading", "paragraph") and p.speaker is None for p in paras)
    # nor does a standfirst's "X talks with Y" (Y may be the one who asks), nor a line with no interview's formula
    for standfirst in ("Ingrid Solberg talks with Anna Berg about her years at the ministry.",
                       "Anna Berg speaks with Ingrid Solberg.", "Ingrid Solberg in conversation."):
        _, paras = _parse("fjords", EXPLAINER.replace(
            "The prime minister held talks with Emmanuel Macron in Paris on Tuesday.", standfirst))
        assert all(p.kind in ("heading", "paragraph") and p.speaker is None for p in paras), standfirst


def test_an_interviewees_name_ends_where_a_title_case_headline_goes_on():
    body = "\n\n**Why did you leave?**\n\nFor the fjords.\n\n**What worries you?**\n\nThe salmon farms.\n"
    for title, name in (("In Conversation with Ingrid Solberg About Fjords", "Ingrid Solberg"),
                        ("An Interview With Ingrid Solberg On the Salmon Farms", "Ingrid Solberg"),
                        ("Q&A with Ingrid Solberg Fjords", "Ingrid Solberg"),
                        ("In conversation with Mary Ann Oduya", "Mary Ann Oduya"),
                        ("An interview with Dr Amara Obi, glaciologist", "Dr Amara Obi"),
                        ("An interview with Ursula von der Leyen", "Ursula von der Leyen")):
        _, paras = _parse("fjords", f"# {title}{body}")
        assert {p.speaker for p in paras if p.kind == "answer"} == {name}, title


def _depo(*lines: str) -> str:
    return ("DEPOSITION OF KAREN BRANDT\n\nBY MR. ALVAREZ:\n\nQ. Where were you employed in 2021?\n\n"
            "A. At Lakeside Logistics.\n\nQ. Were you aware of the double payments?\n\n"
            "MS. CHEN: Objection. Assumes facts.\n\n" + "\n\n".join(lines) + "\n\nQ. How many invoices?\n\nA. About forty.\n")


def test_a_new_question_after_an_objection_opens_its_own_exchange():
    # (an instruction asks too: "Name everyone …", with no "?"; the withdrawn question is answered by nobody)
    for asked in ("Q. Withdrawn. Name everyone in billing who saw the invoices.",
                  "Q. Tell us who in billing saw the invoices.", "Q. State who saw the invoices."):
        _, paras = _parse("depo", _depo(asked, "A. Mr. Deakin, Ms. Oduya and me."))
        answer = by_text(paras, "Mr. Deakin, Ms. Oduya")
        assert answer.kind == "answer" and answer.question == asked[3:], asked
        assert by_text(paras, asked[3:]).kind == "question"
        assert not any(p.kind == "answer" and p.question == "Were you aware of the double payments?" for p in paras)
    # "Q. Withdrawn." on its own takes the question back: the next question is the one answered
    _, paras = _parse("depo", _depo("Q. Withdrawn.", "Q. Who saw the invoices?", "A. Mr. Deakin."))
    withdrawn = by_text(paras, "Withdrawn.")
    assert withdrawn.kind == "turn" and withdrawn.speaker == "MR. ALVAREZ" and not withdrawn.question
    assert by_text(paras, "Mr. Deakin.").question == "Who saw the invoices?"


def test_only_a_bare_instruction_to_answer_keeps_the_pending_question():
    for go_on in ("Q. You can answer.", "Q. Mr. Brandt, you may answer the question.", "Q. Answer the question, please.",
                  "Q. Go ahead. You can answer.", "Q. Subject to the objection, you can answer if you know."):
        _, paras = _parse("depo", _depo(go_on, "A. Yes, in March."))
        turn = by_text(paras, go_on[3:])
        assert turn.kind == "turn" and not turn.question, go_on
        assert by_text(paras, "Yes, in March.").question == "Were you aware of the double payments?", go_on
