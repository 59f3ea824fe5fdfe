"""Interviews and podcasts: an asker's thank-you, the header above the first words (a hostile tester's interviews,
session 23: "Interviewer: Thank you very much." was cited "Answer to Q7 — …", a host's "Dr. Osei, thank you for
joining us." opened a Q5, the interviewer's opening thanks and the respondent's reply were one "Opening statement"
credited to the interviewer, and a podcast's header lines were cited "Opening statement")."""
from rag.chunk import chunk
from rag.cite import where
from rag.parse import parse
from rag.records import Document

INTERVIEW = (
    "Interviewer: Thank you for agreeing to talk with us today.\n\n"
    "Respondent: It's a pleasure. I don't get asked about my work very often.\n\n"
    "Interviewer: How long have you worked on the ferries?\n\n"
    "Respondent: Twelve years, first as a deckhand and now as the mate.\n\n"
    "Interviewer: What would you change about the timetable?\n\n"
    "Respondent: A later crossing on Fridays, for the people who work in town.\n\n"
    "Interviewer: Thank you very much.\n\n"
    "Respondent: Thank you.\n"
)

PODCAST = (
    "Harbour Voices Podcast, Episode 3: Night Ferries\n"
    "Recorded 2 May 2025. Transcript corrected by hand.\n\n"
    "[00:00:05] Tom Reed: Welcome back. My guest is Anna Berg, who runs the ferry company. Anna, why a night ferry?\n\n"
    "[00:00:20] Anna Berg: Nurses finish their shifts at midnight and have no way home. The last bus leaves at "
    "eleven, and a taxi across the bay costs more than a nurse earns in two hours.\n\n"
    "[00:01:02] Tom Reed: What does it cost?\n\n"
    "[00:01:05] Anna Berg: About two hundred thousand a year, paid by the hospital, which saves more than that on "
    "the agency staff it no longer needs at night.\n\n"
    "[00:02:10] Tom Reed: Anna, thank you for joining us.\n\n"
    "[00:02:13] Anna Berg: Thank you, Tom.\n"
)


def _parse(name: str, text: str):
    doc, paras = parse(Document.from_text(name, text))
    for p in paras:
        assert p.text == text[p.start:p.end]       # every quote is exact
    return doc, paras


def _by_text(paras, words: str):
    return next(p for p in paras if words in p.text)


def test_an_askers_closing_thanks_is_no_answer_and_the_asker_answers_nothing():
    _, paras = _parse("fisher.txt", INTERVIEW)
    thanks = _by_text(paras, "Thank you very much.")
    assert (thanks.kind, thanks.speaker, thanks.section, thanks.question) == ("paragraph", None, "text", None)
    assert thanks.text == "Interviewer: Thank you very much."     # the quote says who thanks
    assert not where(thanks).startswith("Answer to")
    reply = paras[-1]
    assert (reply.text, reply.kind, reply.speaker, reply.section) == ("Thank you.", "turn", "Respondent", "text")
    assert not where(reply).startswith("Answer to")
    # the interviewer speaks in no passage: only asks
    assert {p.speaker for p in paras if p.kind != "question" and p.speaker} == {"Respondent"}
    assert [p.section for p in paras if p.kind == "question"] == ["Q1", "Q2"]
    assert [p.text for p in paras if p.kind == "answer"] == [
        "Twelve years, first as a deckhand and now as the mate.",
        "A later crossing on Fridays, for the people who work in town."]


def test_the_opening_thanks_and_the_reply_are_not_one_speakers_opening_statement():
    text = INTERVIEW
    _, paras = _parse("fisher.txt", text)
    first, second = paras[:2]
    assert (first.kind, first.speaker, first.section) == ("paragraph", None, "text")
    assert (second.kind, second.speaker, second.section) == ("statement", "Respondent", "opening")
    # the search's windows: the interviewer's thanks is not packed with the respondent's words
    windows = chunk(paras, text, lambda texts: [len(t.split()) for t in texts])
    for w in windows:
        said = set(getattr(w, "speakers", ()) or ()) | ({w.speaker} if w.speaker else set())
        if "It's a pleasure" in w.text:
            assert "Interviewer" not in w.text and said == {"Respondent"}
        assert "Interviewer" not in said


def test_a_hosts_thank_you_opens_no_exchange():
    _, paras = _parse("pod.txt", PODCAST)
    thanks = _by_text(paras, "thank you for joining us")
    assert thanks.kind != "question" and thanks.section == "text" and thanks.speaker is None
    assert [p.section for p in paras if p.kind == "question"] == ["Q1", "Q2"]
    assert all("thank you" not in (p.question or "") for p in paras)
    reply = paras[-1]
    assert (reply.kind, reply.speaker, reply.section, reply.time) == ("turn", "Anna Berg", "text", 133.0)
    assert {p.speaker for p in paras if p.kind != "question" and p.speaker} == {"Anna Berg"}


def test_a_podcasts_header_lines_are_no_opening_statement():
    _, paras = _parse("pod.txt", PODCAST)
    header = paras[0]
    assert header.text.startswith("Harbour Voices Podcast") and header.text.endswith("by hand.")
    assert (header.kind, header.speaker, header.section) == ("paragraph", None, "text")
    assert where(header) != "Opening statement"


def test_thanks_that_go_on_to_ask_still_ask():
    """Only a turn that asks nothing and whose every sentence thanks is a courtesy: "Thank you. And the costs?",
    "Thank you. I would like to ask about the timetable." stay questions; a press conference's "Question: Thank
    you." alone is a courtesy there too."""
    text = ("Tom Reed: Thank you. I would like to ask about the timetable.\n\n"
            "Anna Berg: It changes in May, when the summer boats start and the night crossing moves to one o'clock.\n\n"
            "Tom Reed: Thanks. And the costs?\n\n"
            "Anna Berg: Small, because the hospital pays for most of the crew's hours.\n\n"
            "Tom Reed: Why now?\n\n"
            "Anna Berg: The hospital asked.\n")
    _, paras = _parse("t.txt", text)
    assert [(p.kind, p.section, p.speaker) for p in paras] == [
        ("question", "Q1", "Tom Reed"), ("answer", "Q1", "Anna Berg"),
        ("question", "Q2", "Tom Reed"), ("answer", "Q2", "Anna Berg"),
        ("question", "Q3", "Tom Reed"), ("answer", "Q3", "Anna Berg")]
    # a press conference's journalist who thanks and then asks opens an exchange as before
    press = ("Question: Thank you, Minister. Could you comment on the deficit.\n\n"
             "Minister: It is lower than last year.\n\n"
             "Question: Thank you.\n\n"
             "Minister: You are welcome.\n\n"
             "Question: And the debt?\n\n"
             "Minister: Also lower.\n")
    _, paras = _parse("p.txt", press)
    assert [(p.kind, p.section) for p in paras] == [
        ("question", "Q1"), ("answer", "Q1"), ("paragraph", "text"), ("turn", "text"), ("question", "Q2"),
        ("answer", "Q2")]


def test_a_thank_you_whose_next_paragraph_asks_is_a_question():
    # a code review: only the turn's first paragraph was read, so its question in the next paragraph became nobody's
    # and the guest's reply no answer
    text = ("Jane Smith: Dr. Osei, what does the dike protect?\n\n"
            "Amara Osei: The dike protects the polder and about four thousand residents.\n\n"
            "Jane Smith: What will it cost?\n\n"
            "Amara Osei: It will cost roughly 40 million euros.\n\n"
            "Jane Smith: Thank you, that is very clear.\n\n"
            "Turning to the pumps, when will they be replaced?\n\n"
            "Amara Osei: The pumps will be replaced in 2027, after the tender.\n")
    _, paras = _parse("i.txt", text)
    assert [(p.kind, p.section) for p in paras][-3:] == [("question", "Q3"), ("question", "Q3"), ("answer", "Q3")]


SUBJECT_INTERVIEW = (
    "THE LAST KEEPERS — Interview 4\n"
    "Subject: Walter Pennock, keeper at Cape Sorrow Light 1968–1991\n"
    "Recorded at his home in Port Aubrey, 3 February 2023\n\n"
    "INTERVIEWER: How did you end up at Cape Sorrow?\n\n"
    "SUBJECT: By accident, mostly. I was a radio operator in the merchant navy.\n\n"
    "INTERVIEWER: What was the station like?\n\n"
    "SUBJECT: Three keepers and their families, and no road.\n\n"
    "INTERVIEWER: Thank you, Walter.\n\n"
    "SUBJECT: Thank you. Turn that thing off and have a cup of tea.\n"
)


def test_a_research_interviews_subject_is_the_interviewee():
    # (a reviewer's interview, session 28: "subject" is prose, an e-mail's "Subject:", so every SUBJECT turn was
    # nobody's, its label in the quote, and the last one was the interviewer's)
    _, paras = _parse("keeper", SUBJECT_INTERVIEW)
    said = {p.text: p for p in paras}
    radio = said["By accident, mostly. I was a radio operator in the merchant navy."]
    assert (radio.kind, radio.speaker, radio.section) == ("answer", "SUBJECT", "Q1")
    tea = said["Thank you. Turn that thing off and have a cup of tea."]
    assert tea.speaker == "SUBJECT"
    # the header above the first words (its "Subject:" line once, in Title Case) is nobody's, no opening statement
    header = next(p for p in paras if p.text.startswith("Subject: Walter Pennock"))
    assert (header.kind, header.speaker, header.section) == ("paragraph", None, "text")


def test_a_subject_line_alone_is_still_prose():
    # an e-mail's "Subject:" once, or "Subject:" recurring with no interviewer beside it, is nobody's
    text = ("Subject: Budget for the spring term\n\nHi all, the numbers are below.\n\n"
            "Subject: Second draft\n\nThe second draft is attached.\n")
    _, paras = _parse("mail", text)
    assert all(p.speaker is None for p in paras)


def test_a_rev_exports_header_above_a_page_line_is_nobodys():
    # (a reviewer's Rev export, session 28: the title and "Transcript by Rev.com", above "Page 1 of 3", were the
    # interviewee's opening statement)
    text = ("Harbor Lane Oral Interviews - Episode 3 (Completed 04/11/24)\nTranscript by Rev.com\n\nPage 1 of 3\n\n"
            "Speaker 1 (00:00:03):\nCan you say your name?\n\n"
            "Gloria Medina (00:00:08):\nSure. My name is Gloria Medina.\n\n"
            "Speaker 1 (00:00:19):\nWhat was the sliming line?\n\n"
            "Gloria Medina (00:00:22):\nWe cleaned out the cavity with a spoon and cold water.\n\n"
            "Speaker 1 (00:00:41):\nHow much were you paid?\n\n"
            "Gloria Medina (00:00:44):\nTwo dollars and ten cents an hour.\n")
    _, paras = _parse("rev", text)
    header = paras[0]
    assert header.text.endswith("Transcript by Rev.com")
    assert (header.kind, header.speaker, header.section) == ("paragraph", None, "text")
    assert [p.speaker for p in paras if p.kind == "answer"] == ["Gloria Medina"] * 3


def test_a_second_interviewers_questions_ask():
    # (the same Rev export: "Speaker 3", a second interviewer, asked, and their question was quoted as an answer, and
    # the answer to it was cited to the handover before it, "Go ahead, Danny.")
    text = ("Speaker 1 (00:00:03):\nCan you say your name?\n\n"
            "Gloria Medina (00:00:08):\nSure. My name is Gloria Medina.\n\n"
            "Speaker 1 (00:00:58):\nWas there a union?\n\n"
            "Gloria Medina (00:01:01):\nThere was, but the women didn't go to the meetings at first.\n\n"
            "Speaker 3 (00:01:24):\nCan I ask something? Sorry. [crosstalk 00:01:25]\n\n"
            "Speaker 1 (00:01:26):\nGo ahead, Danny.\n\n"
            "Speaker 3 (00:01:27):\nWas Rosa the one who organized the strike in '79?\n\n"
            "Gloria Medina (00:01:31):\nYes. The strike was eleven days in August 1979.\n\n"
            "Speaker 1 (00:01:54):\nHow did it end?\n\n"
            "Gloria Medina (00:01:57):\nWe got the speed back to seventy.\n")
    _, paras = _parse("rev", text)
    said = {p.text: p for p in paras}
    rosa = said["Was Rosa the one who organized the strike in '79?"]
    assert (rosa.kind, rosa.speaker) == ("question", "Speaker 3")
    strike = said["Yes. The strike was eleven days in August 1979."]
    assert (strike.kind, strike.speaker, strike.question) == ("answer", "Gloria Medina", rosa.text)
    assert not any(p.kind == "answer" and p.speaker == "Speaker 3" for p in paras)
