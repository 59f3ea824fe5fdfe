from rag.parse import parse
from rag.records import Document

from conftest import CORPUS, INTERVIEW


def corpus():
    text = CORPUS.read_text(encoding="utf-8")
    return text, parse(Document.from_text(CORPUS.name, text))


def test_every_paragraph_is_an_exact_span():
    text, (doc, paras) = corpus()
    assert paras
    for p in paras:
        assert text[p.start:p.end] == p.text
        assert p.text == p.text.strip()


def test_title_and_date():
    _, (doc, _) = corpus()
    assert "news conference" in doc.title and "Moscow, January 14, 2022" in doc.title
    assert doc.date == "2022-01-14"


def test_29_exchanges_each_with_question_and_answer():
    _, (_, paras) = corpus()
    sections = {p.section for p in paras if p.section != "opening"}
    assert sections == {f"Q{i}" for i in range(1, 30)}
    for s in sections:
        kinds = {p.kind for p in paras if p.section == s}
        assert kinds == {"question", "answer"}, s
    answers = [p for p in paras if p.kind == "answer"]
    assert all(p.speaker == "Sergey Lavrov" and p.question for p in answers)
    assert not any(p.text.startswith("Sergey Lavrov:") for p in answers)


def test_multi_paragraph_question_is_kept_whole():
    _, (_, paras) = corpus()
    q6 = [p for p in paras if p.section == "Q6"]
    assert "Did you receive anything like that from Josep Borrell?" in q6[-1].question
    assert q6[-1].question.startswith("On January 10, The New York Times")


def test_outlet_named_by_journalist_is_kept():
    _, (_, paras) = corpus()
    q8 = [p for p in paras if p.section == "Q8"]
    assert all(p.outlet and "Mir Interstate Television" in p.outlet for p in q8)


def test_boilerplate_dropped_and_intro_kept_once():
    text, (_, paras) = corpus()
    bodies = [p.text for p in paras]
    assert len(bodies) == len(set(bodies))
    joined = "\n".join(bodies)
    for chrome in ("Rate this article", "Share this article", "Читать на русском", "For researchers",
                   "Chairman of Board of Trustees of RIAC", "(2 votes)"):
        assert chrome not in joined
    intro = "We had no time to spare after the holidays"
    assert text.count(intro) == 2 and joined.count(intro) == 1
    # the copy kept is the one inside the opening statement, after the greeting
    kept = next(p for p in paras if p.text.startswith(intro))
    assert kept.section == "opening" and kept.start > text.index("Good morning, colleagues")


def test_plain_document_parses_as_paragraphs():
    text = "First paragraph here.\n\nSecond one: with a colon.\n\n\nThird."
    doc, paras = parse(Document.from_text("plain.txt", text))
    assert [p.text for p in paras] == ["First paragraph here.", "Second one: with a colon.", "Third."]
    assert {p.kind for p in paras} == {"paragraph"} and doc.title == "plain.txt"


def test_other_transcript_with_outlet_label():
    doc, paras = parse(Document.from_text("b.txt", INTERVIEW))
    assert doc.date == "2023-03-03"
    q2 = [p for p in paras if p.section == "Q2"]
    assert q2[0].outlet == "Daily Bugle" and q2[-1].speaker == "Jane Doe"
    assert [p.kind for p in paras if p.section == "Q1"] == ["question", "answer", "answer"]


def test_default_transcript_parses_as_before_conversations_came():
    """Every passage of the shipped transcript, field by field, as parser version 3 made them (the
    digest was taken before turns, time stamps and conversations were recognised): none has a time."""
    import hashlib
    import json

    _, (_, paras) = corpus()
    key = [(p.start, p.end, p.section, p.kind, p.paragraph, p.speaker, p.question, p.outlet, p.page) for p in paras]
    assert len(paras) == 144 and all(p.time is None and p.speakers == () for p in paras)
    assert hashlib.sha256(json.dumps(key).encode()).hexdigest() == (
        "50a9c34377c9b5d62c6f8475b72268e3828ee44f56997961b1ac5ff00285d435")


def test_a_meeting_is_turns_with_speakers():
    text = ("Grad A: OK, we're on.\n\nProfessor B: Yeah.\n\nGrad A: So the first item is transcription.\n\n"
            "PhD C:\n\nProfessor B: Does anyone know the status?")
    _, paras = parse(Document.from_text("m.txt", text))
    assert [(p.kind, p.speaker, p.text) for p in paras] == [
        ("turn", "Grad A", "OK, we're on."), ("turn", "Professor B", "Yeah."),
        ("turn", "Grad A", "So the first item is transcription."),
        ("turn", "Professor B", "Does anyone know the status?")]
    assert all(text[p.start:p.end] == p.text for p in paras)


def test_passage_from_json_has_a_tuple_of_speakers():
    from rag.records import Passage

    p = Passage.from_dict({"doc": "d", "start": 0, "end": 1, "text": "x", "section": "text", "kind": "turn",
                           "paragraph": 1, "speakers": ["Grad A", "Grad B"], "time": 12.5, "unknown": 1})
    assert p.speakers == ("Grad A", "Grad B") and p.time == 12.5
    old = Passage.from_dict({"doc": "d", "start": 0, "end": 1, "text": "x", "section": "text", "kind": "paragraph",
                             "paragraph": 1})      # an index stored before these fields
    assert old.speakers == () and old.time is None


def test_answers_without_a_label_after_labelled_questions_are_answers():
    """A hostile reviewer's briefing: "Question: …?" then the answer unlabelled. Every paragraph was taken for more
    of the question, so the file had no passage and was refused."""
    text = ("Press briefing, 3 March 2024\n\nQuestion: What is the budget for roads?\n\n"
            "The budget for roads is ten million dollars this year. Most of it goes to repairs.\n\n"
            "Question: A word first about the schools.\n\nWho approved the budget? The council was divided.\n\n"
            "The council approved it on Monday after a long debate.\n\nIt was close.\n")
    doc, paras = parse(Document.from_text("briefing.txt", text))
    got = [(p.kind, p.section, p.text[:20]) for p in paras]
    assert got == [("question", "Q1", "What is the budget f"), ("answer", "Q1", "The budget for roads"),
                   ("question", "Q2", "A word first about t"), ("question", "Q2", "Who approved the bud"),
                   ("answer", "Q2", "The council approved"), ("answer", "Q2", "It was close.")]
    for p in paras:
        assert doc.text[p.start:p.end] == p.text
    assert paras[4].question == "A word first about the schools.\n\nWho approved the budget? The council was divided."
    # an exchange whose answer is labelled: unlabelled paragraphs before the label are more of the question (a
    # journalist's second paragraph), as before; the others' unlabelled answers are still answers
    labelled = text.replace("The council approved", "Jane Doe: The council approved").replace(
        "Who approved the budget? The council was divided.", "Who approved the budget?\n\nAnd when?")
    _, paras = parse(Document.from_text("b.txt", labelled))
    assert [(p.kind, p.section) for p in paras] == [("question", "Q1"), ("answer", "Q1"), ("question", "Q2"),
                                                    ("question", "Q2"), ("question", "Q2"), ("answer", "Q2"),
                                                    ("answer", "Q2")]
    assert paras[5].speaker == "Jane Doe"
    # a "?" that ends no sentence has asked nothing: a title ("Why Do Bridges Fail?" published …), an aside
    titled = ('Question: Have you read "Why Do Bridges Fail?" published by the council\n\nAnd do you agree with '
              'it.\n\nNo.\n\nQuestion: Is it late?\n\nIt is.\n')
    _, paras = parse(Document.from_text("t.txt", titled))
    assert [p.kind for p in paras if p.section == "Q1"] == ["question"] * 3


def test_a_title_over_two_lines_is_one_line():
    """A new user's minutes: "Graduate Curriculum Committee…\nMinutes and verbatim transcript, March 12, 2025" was
    the title with its line break, which split `rag docs` rows and the chat's table."""
    text = ("Graduate Curriculum Committee\nMinutes and verbatim transcript, March 12, 2025\n\n"
            "CHAIR: Good afternoon.\n\nDr. Amina Yusuf: Hello.\n\nCHAIR: First item.\n")
    doc, _ = parse(Document.from_text("m.txt", text))
    assert "\n" not in doc.title and doc.title.startswith("Graduate Curriculum Committee Minutes")


def test_a_hosts_welcome_opens_no_exchange():
    """A new user's panel: "Moderator: Welcome to the panel on …" was Q1's question, so the panelist's first words
    were "Answer to Q1 — Welcome to the panel …"."""
    text = ("Moderator: Welcome to the panel on citizen science and water quality.\n\n"
            "Prof. Lena Novak: Volunteers collected over four thousand samples.\n\n"
            "Moderator: How did you check the samples?\n\nProf. Lena Novak: Every tenth sample was measured again.\n\n"
            "Moderator: Thank you. And the costs?\n\nProf. Lena Novak: Small.\n")
    doc, paras = parse(Document.from_text("panel.txt", text))
    got = [(p.kind, p.section, p.speaker) for p in paras]
    assert got[:2] == [("statement", "opening", "Moderator"), ("statement", "opening", "Prof. Lena Novak")]
    assert got[2:] == [("question", "Q1", "Moderator"), ("answer", "Q1", "Prof. Lena Novak"),
                       ("question", "Q2", "Moderator"), ("answer", "Q2", "Prof. Lena Novak")]


def test_a_header_block_above_the_first_label_is_nobodys_statement():
    """A hostile test's podcast and focus group: the two header lines above the host's first question were the
    guest's (the main answerer's) opening statement, cited as their words. An opening statement without a label
    (the default transcript's) is still the main speaker's."""
    qa = ("Maya Chen: Why dredge again?\n\nMaya Rodriguez: Silt from the river, forty thousand cubic metres.\n\n"
          "Maya Chen: Who paid?\n\nMaya Rodriguez: The port authority paid sixty percent of it.\n")
    for header in ('The Tideline Podcast — Episode 47: "Who Owns the Harbour?"\n'
                   "Recorded 3 March 2025. Transcript by Rev.com",
                   "Focus group: night ferry timetable\n"
                   "Session B, community hall, 4 April 2025. Eight participants, one moderator."):
        _, paras = parse(Document.from_text("pod.txt", f"{header}\n\n{qa}"))
        assert (paras[0].text, paras[0].kind, paras[0].speaker) == (header, "paragraph", None)
        assert [(p.kind, p.speaker) for p in paras[1:3]] == [("question", "Maya Chen"), ("answer", "Maya Rodriguez")]
    _, paras = parse(Document.from_text("pod.txt", f"Thanks for coming. We have a lot to cover today.\n\n{qa}"))
    assert (paras[0].kind, paras[0].speaker) == ("statement", "Maya Rodriguez")     # one line: a statement


def test_a_transcribers_note_in_brackets_is_nobodys_words():
    """A hostile test's hearing: "[Inaudible interjection from the public gallery.]" on a line of its own was
    paragraph 16 of Ms. Priya Raman's turn, her words in a quote. A note alone in brackets is the document's; the
    turn goes on after it."""
    text = ("The Chair: I call this hearing to order.\n\nMs. Priya Raman: We accept the condition.\n\n"
            "[Inaudible interjection from the public gallery.]\n\nShe continues: the coaches will be capped.\n\n"
            "The Chair: Order in the gallery, please.\n\n(Laughter)\n\nMs. Priya Raman: Thank you, Chair.\n")
    _, paras = parse(Document.from_text("hearing.txt", text))
    got = [(p.text, p.kind, p.speaker) for p in paras]
    assert ("[Inaudible interjection from the public gallery.]", "paragraph", None) in got
    assert ("(Laughter)", "paragraph", None) in got
    assert ("She continues: the coaches will be capped.", "turn", "Ms. Priya Raman") in got


def test_a_dateline_heading_is_a_title_without_its_marker():
    """A hostile test's "# Harbour Committee, 12 March 2025" (a .txt; a .md's and a Word heading's too) was the
    title with its "# " in every citation, the filter and the documents table."""
    for marker in ("# ", "## ", "#\t"):
        doc, _ = parse(Document.from_text("c.txt", f"{marker}Harbour Committee, 12 March 2025\n\n"
                                                   "The Chair: Good evening.\n\nAmira Haddad: Hello.\n"))
        assert (doc.title, doc.date) == ("Harbour Committee, 12 March 2025", "2025-03-12")


def test_a_chair_named_in_brackets_is_no_journalist():
    """A council meeting whose chair is written "The Chair (Councillor Ingrid Halvorsen):" was read as a press
    conference: a bracket made the label an asker (a journalist's outlet), so the chair's turns were questions (no
    passages of their own) and everyone else's words "Answer to Q1 — Welcome. First item, the ferry." A titled name
    in the bracket is no outlet; a journalist's outlet still makes an asker."""
    council = ("The Chair (Councillor Ingrid Halvorsen): Welcome. First item, the ferry.\n\n"
               "Amira Haddad: The night ferry will run on Fridays and Saturdays at one and three in the morning, and "
               "the hospital staff get a crossing at half past eleven.\n\n"
               "The Chair: Thank you. Jonas, the parking?\n\n"
               "Jonas Lindqvist: The station car park is full by eight every weekday morning and we need a second one "
               "near the harbour.\n\n"
               "The Chair: Noted. Any other business?\n\n"
               "Amira Haddad: The pier needs paint before the summer season starts, and the budget for it is already "
               "approved.\n")
    _, paras = parse(Document.from_text("council.txt", council))
    assert {p.kind for p in paras} == {"turn"} and paras[2].speaker == "The Chair"
    press = ("Minister: We met today.\n\nJOHN SMITH (Reuters): Will the talks go on?\n\nMinister: Yes, in May.\n\n"
             "MARY JONES (AP): And the sanctions?\n\nMinister: They stay.\n")
    _, paras = parse(Document.from_text("press.txt", press))
    assert [p.kind for p in paras if p.speaker != "Minister"] == ["question", "question"]


def test_a_markdown_footnote_is_cited_in_the_section_that_refers_to_it():
    # a reviewer's report: "[^3]: The settlement terms are confidential." was cited as "6. Recommendations", the last
    # heading above the notes at the document's end, where section 2.2 refers to it
    text = ("# Review\n\n## 2. Port Ellis seawall\n\nThe cost rose after a dispute with the contractor.[^3]\n\n"
            "## 6. Recommendations\n\nRe-scope the seawall.\n\n[^3]: The dispute was settled in April.\n\n"
            "[^x]: A note nothing refers to.\n")
    _, passages = parse(Document.from_text("report.md", text))
    sections = {p.text.split(":")[0]: p.section for p in passages if p.text.startswith("[^")}
    assert sections == {"[^3]": "2. Port Ellis seawall", "[^x]": "6. Recommendations"}
    assert all(p.text == text[p.start:p.end] for p in passages)


def test_a_cover_pages_dotted_lines_are_nobodys_and_a_language_note_is_no_outlet():
    # a reviewer's UN Security Council record (S/PV): "President:" and "Members:" on the cover page became speakers,
    # the agenda and the record's note were credited to "Members", and "(spoke in French)" was the President's outlet
    text = ("Security Council\n9612th meeting\n\n"
            "President:      Mr. Delaunay  . . . . . . . . . . . . (France)\n\n"
            "Members:        Algeria . . . . . . . . . . . . Mr. Benmansour\n"
            "                China . . . . . . . . . . . . . Mr. Geng\n\n"
            "Agenda\n\nThis record contains the text of speeches delivered in English.\n\n"
            "The President (spoke in French): I give the floor to Mr. Geng.\n\n"
            "Mr. Geng (China) (spoke in Chinese): We thank the briefers.\n\n"
            "The President (spoke in French): I now give the floor to Mr. Benmansour.\n\n"
            "Mr. Benmansour (Algeria): Thank you, Mr. President.\n")
    _, passages = parse(Document.from_text("spv.txt", text))
    said = {p.speaker for p in passages if p.kind == "turn"}
    assert said == {"The President", "Mr. Geng", "Mr. Benmansour"}
    assert all(p.speaker is None for p in passages if "Agenda" in p.text or "This record" in p.text or ". . ." in p.text)
    outlets = {p.speaker: p.outlet for p in passages if p.kind == "turn"}
    assert outlets == {"The President": None, "Mr. Geng": "China", "Mr. Benmansour": "Algeria"}
    # an ellipsis in words said is no leader
    _, said_so = parse(Document.from_text("t.txt", "Ana: Well... I mean. . . no.\n\nBo: Yes.\n\nAna: Fine.\n"))
    assert [p.speaker for p in said_so] == ["Ana", "Bo", "Ana"]


CALL = ("Acme Q3 2024 Earnings Call Transcript\n\nContents:\nPrepared Remarks\nQuestions and Answers\n\n"
        "Prepared Remarks:\n\nOperator\n\nGood day, and welcome to the call. I will now turn it over to Dan.\n\n"
        "Daniel Reyes -- Chief Executive Officer\n\nThanks. Q3 was a solid quarter.\n\nRevenue grew 6%.\n\n"
        "Sophie Marchetti -- Chief Financial Officer\n\nThank you, Dan. Free cash flow was $96 million.\n\n"
        "Operator\n\nOur first question comes from Michael Grant with Barclays.\n\n"
        "Michael Grant -- Analyst, Barclays\n\nDoes the guidance assume a recovery?\n\n"
        "Sophie Marchetti -- Chief Financial Officer\n\nNo. We are looking at tuck-in acquisitions instead.\n\n"
        "Duration: 0 minutes\n\nCall participants:\n\nDaniel Reyes -- Chief Executive Officer\n\n"
        "Sophie Marchetti -- Chief Financial Officer\n\nMichael Grant -- Analyst, Barclays\n")


def test_a_conference_calls_speakers_named_on_lines_of_their_own_speak_the_paragraphs_below():
    # a reviewer's earnings call in the common layout ("Name -- Title" on a paragraph of its own, "Operator" alone):
    # no passage had a speaker, each mixed the operator, an analyst and an executive; and a name printed above each of
    # her turns was dropped as a repeated paragraph after the first
    _, passages = parse(Document.from_text("call.txt", CALL))
    by = {p.text: (p.speaker, p.outlet) for p in passages}
    assert by["Revenue grew 6%."] == ("Daniel Reyes", "Chief Executive Officer")
    assert by["No. We are looking at tuck-in acquisitions instead."] == ("Sophie Marchetti", "Chief Financial Officer")
    assert by["Does the guidance assume a recovery?"] == ("Michael Grant", "Analyst, Barclays")
    assert by["Our first question comes from Michael Grant with Barclays."] == ("Operator", None)
    # the contents, and the list of participants at the end, name nobody speaking
    assert by["Contents:\nPrepared Remarks\nQuestions and Answers"] == (None, None)
    assert all(p.text == CALL[p.start:p.end] for p in passages)
    # two such lines are not enough: a report's "Smith -- see below" stays prose
    _, prose_ = parse(Document.from_text("r.txt", "Ann Lee -- Director\n\nShe spoke.\n\nBo Chan -- Editor\n\nHe wrote.\n"))
    assert all(p.speaker is None for p in prose_)


def test_this_sessions_shapes_leave_ordinary_documents_alone():
    """A hostile review of the call, leader and second-asker rules: a list of quotations each followed by
    "Mark Twain -- Notebook" had every quote credited to the next attribution; a speaker trailing off ("The
    winters.......... the winters") lost their label; a panelist whose answers open "Can I add something?" had every
    answer turned into a question."""
    quotes = ('# Favourite quotations\n\n"The secret of getting ahead is getting started."\n\nMark Twain -- Notebook, 1898\n\n'
              '"To live is the rarest thing in the world."\n\nOscar Wilde -- The Soul of Man\n\n"Kindness is a language."\n\n'
              'Mark Twain -- attributed\n\n"Be yourself."\n\nOscar Wilde -- attributed\n')
    _, passages = parse(Document.from_text("quotes.md", quotes))
    assert all(p.speaker is None for p in passages) and sum("Twain" in p.text for p in passages) == 2
    chat = ("Anna: When did you start?\n\nTom: Back in 1971.\n\nAnna: What was the hardest part?\n\n"
            "Tom: The winters.......... the winters were brutal, you know.\n\nAnna: Did you think of leaving?\n\n"
            "Tom: Many times . . . . . but the sea keeps you.\n")
    _, passages = parse(Document.from_text("chat.txt", chat))
    brutal = next(p for p in passages if "brutal" in p.text)
    assert brutal.speaker == "Tom" and not brutal.text.startswith("Tom:")
    panel = ("Question: What will it cost?\n\nMayor Lind: The council has set aside 40 million.\n\n"
             "Engineer Okafor: Can I add something? The cost includes the dredging, which is about a quarter of it, "
             "and the new quay.\n\nQuestion: Is the old quay safe?\n\nMayor Lind: It is inspected every month.\n\n"
             "Engineer Okafor: Why would we keep it open if it were not? We closed the north end last year for "
             "exactly that reason.\n\nQuestion: Thank you.\n")
    _, passages = parse(Document.from_text("panel.txt", panel))
    dredging = next(p for p in passages if "dredging" in p.text)
    assert dredging.kind != "question" and dredging.speaker == "Engineer Okafor"


def test_a_zoom_chat_export_names_each_messages_sender():
    # a reviewer's Zoom "saved chat": no message had a sender, each quote opened "From Tom Becker to …"
    text = ("15:04:11 From Dana Whitfield to Everyone:\n\tAgenda: https://docs.example.org/d/1\n"
            "15:06:40 From Tom Becker (he/him) to Everyone:\n\tsorry my mic is acting up, rejoining\n"
            "15:12:19 From iPhone de Lucía to Everyone:\n\tI will send the methods draft by email tonight\n"
            "15:14:03 From Tom Becker (he/him) to Dana Whitfield(Direct Message):\n\tcan we talk about my contract?\n")
    _, passages = parse(Document.from_text("meeting_saved_chat.txt", text))
    said = {p.text.strip(): (p.speaker, p.time) for p in passages}
    assert said["Agenda: https://docs.example.org/d/1"] == ("Dana Whitfield", 54251.0)
    assert said["I will send the methods draft by email tonight"] == ("iPhone de Lucía", 54739.0)
    assert said["can we talk about my contract?"][0] == "Tom Becker"
    assert all(p.kind == "turn" and p.outlet is None for p in passages)
    assert all(p.text == text[p.start:p.end] for p in passages)
    # one such line in prose names nobody
    _, prose_ = parse(Document.from_text("n.txt", "10:00:00 From Ann to Everyone:\nthe meeting starts now\n"))
    assert all(p.speaker is None for p in prose_)


def test_prose_ending_with_a_date_is_no_title_and_stays_searchable():
    """Session 32's review: a paragraph of two sentences whose last ends with a date was taken for a dateline
    title, and its words left the passages (no search could find "postcode")."""
    text = ("Public consultation on the harbour plan, Elling Council\n\n"
            "The council proposes a new breakwater and a marina with 200 berths.\n\n"
            "Responses to this consultation must include your name and postcode. The consultation closes on "
            "30 June 2025.\n\n"
            "The council will publish a report on the responses in the autumn.\n")
    doc, passages = parse(Document(id="c.txt", path="c.txt", text=text))
    assert "postcode" not in (doc.title or "")
    assert any("postcode" in p.text for p in passages)
    assert all(p.text == text[p.start:p.end] for p in passages)
    # a dateline title of one line is still the title
    doc, passages = parse(Document(id="d.txt", path="d.txt", text="Harbour Committee, 12 March 2025\n\n" + text))
    assert doc.title == "Harbour Committee, 12 March 2025" and doc.date == "2025-03-12"


def test_a_title_and_its_dateline_in_one_paragraph_stay_the_title():
    """The day's review of the rule above: a title's sentence then its place and date is the commonest dateline."""
    for title, date in [("Remarks by the Minister. Moscow, 14 January 2022", "2022-01-14"),
                        ("Remarks by President Biden on the Economy. Washington, D.C., March 3, 2023", "2023-03-03"),
                        ("PRESS CONFERENCE. Geneva, 2 February 2024", "2024-02-02")]:
        text = f"{title}\n\nThe minister opened the conference with a statement on the talks.\n"
        doc, _ = parse(Document(id="t.txt", path="t.txt", text=text))
        assert doc.title == title and doc.date == date, (doc.title, doc.date)
