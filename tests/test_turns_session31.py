"""Speaker labels of layouts a researcher found unread (session 31): podcast and transcription services' name-and-time
headers, Slack's copied channel, a role's label with the person in its bracket, a bold label said once, an editor's
note above the first turn, an interview's key line ("I = interviewer (…)") and a screenplay's character cues. Each
fixture is small and written here; every quote is checked to be the text's exact span."""
from __future__ import annotations

import re

import pytest

from rag.parse import parse
from rag.records import Document
from rag.turns import label_start

TURNS = [("Sarah Lee", "00:00:00", "Welcome back. Today two guests on saltmarsh carbon."),
         ("Tom Okafor", "00:00:24", "Saltmarsh buries carbon fast, about two tonnes a year."),
         ("Priya Raman", "00:00:39", "We breached the old sea wall in 2019."),
         ("Sarah Lee", "00:01:05", "What did it cost?"),
         ("Priya Raman", "00:01:08", "About one point two million pounds."),
         ("Tom Okafor", "00:01:31", "Monitoring is the part nobody budgets for.")]


def parsed(name: str, text: str):
    doc, ps = parse(Document.from_text(name, text))
    for p in ps:
        assert text[p.start:p.end] == p.text
    return doc, ps


def said(ps):
    return [(p.speaker, p.time, p.text) for p in ps if p.speaker]


@pytest.mark.parametrize("layout", ["{n} [{t}]\n{w}", "{n} ({t})\n{w}", "[{t}] {n}\n{w}", "{t} - {n}: {w}",
                                    "{n} - {t}\n{w}", "{n} [{t}]: {w}", "{n} ({m})\n{w}"])
def test_a_podcast_services_name_and_time_header_gives_the_speaker_and_the_time(layout):
    # (a researcher: "Sarah Lee [00:00:24]" or "[00:00:24] Sarah Lee" on its own line above the words, "00:00:24 -
    # Sarah Lee: words", gave no speaker, the header quoted as words; Otter's "Jane Doe  0:03" did)
    text = "Episode 7\n\n" + "\n\n".join(layout.format(n=n, t=t, m=t[3:], w=w) for n, t, w in TURNS) + "\n"
    _, ps = parsed("p.txt", text)
    assert said(ps) == [(n, float(int(t[:2]) * 3600 + int(t[3:5]) * 60 + int(t[6:])), w) for n, t, w in TURNS]
    for p in ps:        # (a quote of several turns opens with its first speaker's header)
        if p.speaker:
            assert text[label_start(text, p.start, p.speaker):p.start].lstrip("[(0123456789:] -").startswith(p.speaker)


@pytest.mark.parametrize("text", [
    # a caption's stamped lines, a capitalised word alone on its first line: no speaker's name
    "[00:00:01] Okay\nso we start.\n\n[00:00:05] Right\nthe budget.\n\n[00:00:09] Okay\nthe harbour.\n",
    # an agenda's items with their times, said once each
    "Agenda\n\nOpening Remarks (10:00)\nThe chair opens.\n\nCoffee Break [10:30]\nIn the hall.\n",
])
def test_times_beside_capitalised_lines_are_no_speakers_headers(text):
    _, ps = parsed("x.txt", text)
    assert not said(ps)


def test_a_slack_channel_copied_as_text_gives_each_message_its_sender_and_time_of_day():
    # (a researcher: "Amina Hassan  2:26 PM" above each message gave no sender, the header quoted as her words)
    text = ("#field-team — exported 3 October 2023\n\nGrace Wanjiru  9:02 AM\nThe rain gauge at Site 4 stopped.\n\n"
            "Amina Hassan  2:26 PM\nWe have spent 71% of the budget.\n\nGrace Wanjiru  12:05 PM\nLet's ask for more.\n\n"
            "Amina Hassan  12:10 AM\nWill do.\n")
    _, ps = parsed("s.txt", text)
    assert said(ps) == [("Grace Wanjiru", 9 * 3600 + 120.0, "The rain gauge at Site 4 stopped."),
                        ("Amina Hassan", 14 * 3600 + 26 * 60.0, "We have spent 71% of the budget."),
                        ("Grace Wanjiru", 12 * 3600 + 300.0, "Let's ask for more."),
                        ("Amina Hassan", 600.0, "Will do.")]


def _retriever(tmp_path, name: str, text: str):
    from conftest import FakeEmbedder

    from rag.build import build
    from rag.chunk import ChunkSettings
    from rag.retrieve import Retriever, SearchSettings
    from rag.store import Compat, load

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    embedder, settings = FakeEmbedder(), ChunkSettings(turn_tokens=12)     # (a window a turn or two)
    build([path], embedder, folder=tmp_path / f"{name}.idx", settings=settings)
    return Retriever(load(tmp_path / f"{name}.idx", embedder=embedder, compat=Compat.of(embedder, settings)), embedder,
                     SearchSettings())


def test_a_person_in_a_role_labels_bracket_is_that_speaker(tmp_path):
    # (a researcher: "PRESENTER (MISHAL HUSAIN):" and "PRESENTER (AMOL RAJAN):" were one speaker "PRESENTER", and
    # "What did Amol Rajan ask …" said he was no speaker; "Moderator (Rachel Adebayo)" too: a census first name)
    from rag.speakers import person_named

    radio = ("PRESENTER (MISHAL HUSAIN): Can you justify the bonus?\n\nFIONA CARRUTHERS: I gave part of it away.\n\n"
             "PRESENTER (AMOL RAJAN): Will you suspend dividends?\n\nFIONA CARRUTHERS: No dividend will be paid.\n\n"
             "PRESENTER (MISHAL HUSAIN): How many dry spills?\n\nFIONA CARRUTHERS: Fourteen.\n")
    r = _retriever(tmp_path, "today.txt", radio)
    found = r.search("dividends", 3, speaker="Amol Rajan", abstain=False)
    assert found.speaker == "PRESENTER (AMOL RAJAN)"
    assert "Will you suspend dividends?" in found.hits[0].passage.text
    assert not any("not a speaker" in n for n in r.search("What did Amol Rajan say about dividends?", 3).notices)
    # in a Q&A the moderator asks: each person in the bracket asks their own questions, answered in their name
    panel = ("**Moderator (Rachel Adebayo):** What is the hardest thing about a high street shop?\n\n"
             "**Martin Kowalski:** Business rates, full stop.\n\n**Moderator (Tom Becker):** Why did the library go?"
             "\n\n**Gareth Pryce:** To save money. It was a mistake.\n\n**Moderator (Rachel Adebayo):** What would "
             "you change?\n\n**Martin Kowalski:** Halve the rates for independent shops.\n")
    r = _retriever(tmp_path, "panel.md", panel)
    assert {"Moderator (Rachel Adebayo)", "Moderator (Tom Becker)"} <= set(r._rows.asked_in)
    found = r.search("rates", 6, speaker="Rachel Adebayo", abstain=False)
    assert found.speaker == "Moderator (Rachel Adebayo)"      # (each answer shown after its question)
    assert {h.passage.text for h in found.hits if h.passage.kind == "answer"} == {
        "Business rates, full stop.", "Halve the rates for independent shops."}
    assert not any("not a speaker" in n for n in r.search("What did Tom Becker ask about the library?", 3).notices)
    assert person_named("Rachel Adebayo", "Moderator") and person_named("MISHAL HUSAIN", "PRESENTER")
    # capitals, or a common first name, name no one beside a person's label: an outlet ("JOHN KING (ABC NEWS)")
    assert not person_named("ABC NEWS", "JOHN KING") and not person_named("Virginia Tech", "Jane Doe")
    assert not person_named("NEW YORK", "PRESENTER") and not person_named("Evening News", "Presenter")


@pytest.mark.parametrize("host", ["**Moderator:**", "Interviewer:", "MODERATOR:"])
def test_an_editors_note_above_a_hosts_first_turn_is_nobodys(host):
    # (a researcher: "Recorded at the Hay Festival, 30 May 2024. Edited for length." above the moderator's welcome was
    # the first panellist's opening statement)
    text = (f"# Panel: Who owns the high street?\n\nRecorded at the Hay Festival, 30 May 2024. Edited for length.\n\n"
            f"{host} Good afternoon. Martin, what is the hardest thing about running a shop?\n\n"
            "**Martin Kowalski:** Business rates, full stop.\n\n"
            f"{host} And the footfall, Leila?\n\n**Leila Haddad:** It fell where the services left.\n\n"
            f"{host} Martin, what would you change?\n\n**Martin Kowalski:** Halve the rates.\n")
    _, ps = parsed("panel.md", text.replace("**Martin", "Martin").replace("**Leila", "Leila").replace(":**", ":")
                   if not host.startswith("**") else text)
    note = next(p for p in ps if p.text.startswith("Recorded at"))
    assert note.speaker is None and note.kind == "paragraph"
    assert [p.speaker for p in ps if p.kind == "answer"] == ["Martin Kowalski", "Leila Haddad", "Martin Kowalski"]


def test_an_unlabelled_statement_before_the_questions_is_still_the_answerers():
    # (a press conference's opening statement, then "Question:" turns: the minister's words, as before)
    text = ("The minister opened with a statement on the harbour budget and its dredging.\n\n"
            "Question: Will the dredging start this year?\n\nMinister Lind: Yes, in May.\n\n"
            "Question: And the cost?\n\nMinister Lind: Two million.\n")
    _, ps = parsed("pc.txt", text)
    assert (ps[0].kind, ps[0].speaker) == ("statement", "Minister Lind")


def test_a_bold_label_in_sentence_case_said_once_is_a_turn_among_speakers():
    # (a researcher: "**Audience member:** … ?" was read as no label, its question quoted as the moderator's with
    # the raw label inside it, and the council leader's answer cited under the moderator's question before)
    text = ("# Panel\n**Moderator:** Martin, what is the hardest thing about running a shop?\n"
            "**Martin Kowalski:** Business rates, full stop.\n**Gareth Pryce:** We closed the library. A mistake.\n"
            "**Moderator:** Let's go to the audience.\n"
            "**Audience member:** Question for the council leader. Why are parking charges going up?\n"
            "**Gareth Pryce:** To pay for the chargers.\n**Martin Kowalski:** Every twenty pence is a customer lost.\n")
    _, ps = parsed("panel.md", text)
    asked = next(p for p in ps if "parking" in p.text)
    assert (asked.kind, asked.speaker, asked.text) == (
        "question", "Audience member", "Question for the council leader. Why are parking charges going up?")
    answer = next(p for p in ps if p.text == "To pay for the chargers.")
    assert (answer.speaker, answer.question) == ("Gareth Pryce", asked.text)


def test_a_pages_bold_lead_ins_in_sentence_case_are_no_speakers():
    text = ("# Harbour plan\n\n**Why it matters:** The dredging costs two million.\n\n**What happens next:** A vote "
            "in May.\n\n**Why it matters:** The ferry needs the depth.\n")
    _, ps = parsed("page.md", text)
    assert not said(ps) and any(p.text.startswith("**Why it matters:**") for p in ps)


def test_an_interviews_key_line_names_its_letter_labels(tmp_path):
    # (a researcher: "I = interviewer (Joe Brennan); R = respondent (retired bus driver, 68)" above "I:" / "R:"
    # turns was not read: "--speaker respondent" was refused, "Speakers: R")
    from rag.speakers import keyed_labels

    header = "Interview 11\nDate: 2 June 2023\nI = interviewer (Joe Brennan); R = respondent (retired bus driver, 68)\n"
    assert keyed_labels(header, {"I", "R"}) == {"I": "Joe Brennan", "R": "respondent"}
    assert keyed_labels("Key: INT = Interviewer, P = Participant\n", {"INT", "P"}) == {
        "INT": "Interviewer", "P": "Participant"}
    assert keyed_labels("Total = 42 (approx)\nA = the budget line\n", {"A"}) == {}   # (a sum, a note: no key)
    text = header + "".join(f"\nI: What about the {w}?\n\nR: The {w} is the hard part, every year.\n"
                            for w in ("water", "slugs", "rent"))
    r = _retriever(tmp_path, "ir.txt", text)
    found = r.search("water", 3, speaker="respondent", abstain=False)
    assert found.speaker == "R" and "water" in found.hits[0].passage.text
    # and the person the key names for the asker's letter asks its questions: "What did Joe Brennan ask about the
    # rent?" quotes I's question (he was "not a speaker in the transcript")
    asked = r.search("What did Joe Brennan ask about the rent?", 3, abstain=False)
    assert any("Joe Brennan asks the questions here" in n for n in asked.notices)
    assert not any("not a speaker" in n for n in asked.notices)
    assert asked.hits[0].passage.kind == "question" and asked.hits[0].passage.text == "What about the rent?"
    assert r.search("rent", 3, speaker="Joe Brennan", abstain=False).hits


def test_two_interviews_keyed_to_two_interviewers_keep_each_one_s_questions(tmp_path):
    """(the day's review: two interviews whose key lines give "I" to Joe Brennan and to Sara Malik: Sara Malik's
    question about the ovens was quoted as Joe Brennan's; what someone who asks asked is now searched among the
    answers to their own questions)"""
    from rag.build import build
    from rag.retrieve import Retriever
    from rag.store import load

    from conftest import FakeEmbedder

    folder = tmp_path / "two"
    folder.mkdir()
    for name, who, topics in (("i11.txt", "Joe Brennan", ("water", "slugs", "rent")),
                              ("i12.txt", "Sara Malik", ("pension", "canteen", "ovens"))):
        (folder / name).write_text(f"Interview\nDate: 2 June 2023\nI = interviewer ({who}); R = respondent (a cook)\n"
                                   + "".join(f"\nI: Tell me about the {w}?\n\nR: The {w} was never easy, to be "
                                             f"honest.\n" for w in topics), encoding="utf-8")
    build([folder], FakeEmbedder(), folder=tmp_path / "idx")
    r = Retriever(load(tmp_path / "idx", embedder=FakeEmbedder()), FakeEmbedder())
    joe = r.search("What did Joe Brennan ask about the ovens?", 3, abstain=False)
    assert joe.hits and all(h.passage.doc == "i11.txt" for h in joe.hits)
    sara = r.search("What did Sara Malik ask about the ovens?", 3, abstain=False)
    assert sara.hits[0].passage.kind == "question" and sara.hits[0].passage.text == "Tell me about the ovens?"
    assert not any("not a speaker" in n for n in sara.notices)


@pytest.mark.parametrize("label, outlet", [
    ("Reporter", "Sydney Morning Herald"), ("Reporter", "Houston Chronicle"), ("Journalist", "Charlotte Observer"),
    ("Correspondent", "Virginia Tech"), ("REPORTER", "GEORGIA PUBLIC BROADCASTING"), ("Moderator", "Virginia Tech"),
    ("Moderator", "Houston Chronicle"), ("PRESENTER", "GEORGIA PUBLIC BROADCASTING"), ("Host", "Charlotte Observer")])
def test_an_outlet_in_a_role_labels_bracket_is_no_person(label, outlet):
    # (a hostile review: "Reporter (Sydney Morning Herald):" was read as a reporter named Sydney Morning Herald, a
    # census first name before capitalised words: "What did the Sydney Morning Herald reporter ask …" abstained)
    from rag.speakers import person_named

    assert not person_named(outlet, label)


def test_a_person_in_a_role_labels_bracket_is_still_named():
    from rag.speakers import person_named

    assert person_named("Rachel Adebayo", "Moderator") and person_named("MISHAL HUSAIN", "PRESENTER")
    assert person_named("Joe Brennan", "interviewer") and person_named("Mr. Bruce Stanton", "The Acting Chair")
    assert not person_named("Jane Smith", "Reporter")       # (a reporter's bracket is their outlet, whatever it reads)


@pytest.mark.parametrize("text", [
    # an event programme's items with their times of day (a hostile review: "Keynote", "Lunch" were Slack senders)
    "Harbour Science Day\n\nRegistration 8:30 AM\nCoffee in the lobby.\n\nKeynote 9:00 AM\nDr Maria Lopez opens.\n\n"
    "Lunch 12:00 PM\nServed in the marquee.\n\nKeynote 1:30 PM\nProfessor Sam Okafor on tides.\n\n"
    "Lunch 12:30 PM\nThe second sitting.\n",
    "Programme\n\nOpening Remarks 9:00 AM\nThe chair opens.\n\nPanel Discussion 10:00 AM\nThree guests.\n\n"
    "Opening Remarks 2:00 PM\nDay two.\n\nPanel Discussion 3:00 PM\nThree more.\n",
    # a rota's names with a clock time each (a hostile review: "09:00" was read as 540 s into a recording)
    "Volunteer rota\n\nAnn Ruiz - 09:00\nOpens the shop.\n\nBen Cole - 12:00\nCovers lunch.\n\n"
    "Ann Ruiz - 15:00\nCloses the shop.\n\nBen Cole - 17:30\nEvening sorting.\n",
    "Rota\n\nAnn Ruiz (09:00)\nOpens the shop.\n\nBen Cole (12:15)\nCovers lunch.\n\nAnn Ruiz (15:00)\nCloses up.\n",
    # a lecture's stamped segment titles, each twice (a hostile review: "Worked Example" was a speaker)
    "Lecture 4\n\n[00:00:00] Course Overview\nToday we look at tides.\n\n[00:05:10] Worked Example\nWe take M2 first."
    "\n\n[00:12:40] Worked Example\nNow add S2.\n\n[00:20:00] Course Overview\nTo sum up.\n",
    "[00:00:00] Key Concepts\nTides.\n\n[00:04:00] Case Study\nThe Severn.\n\n[00:09:00] Key Concepts\nAgain.\n\n"
    "[00:12:00] Case Study\nThe Fundy.\n",
])
def test_a_programmes_rotas_or_lectures_times_beside_titles_are_no_speakers_headers(text):
    _, ps = parsed("x.txt", text)
    assert not said(ps)
    heads = [re.sub(r"^\[[\d:]+\] ", "", part.split("\n")[0]) for part in text.split("\n\n")[1:]]
    assert all(any(p.text.startswith(h) for p in ps) for h in heads)     # (each title and time kept in its quote)


def test_a_slack_channel_of_one_word_senders_or_one_sender_gives_no_senders():
    # (a Slack header needs two senders, each named as a person: not "Keynote 9:00 AM" twice)
    text = "#ops\n\nGrace Wanjiru  9:02 AM\nThe gauge stopped.\n\nGrace Wanjiru  9:30 AM\nFixed it.\n"
    _, ps = parsed("s.txt", text)
    assert not said(ps)


def test_a_podcast_header_with_minutes_and_seconds_still_gives_the_speaker():
    text = ("Ep 3\n\nSarah Lee - 00:00\nWelcome back.\n\nTom Okafor - 00:24\nSaltmarsh buries carbon.\n\n"
            "Sarah Lee - 01:05\nWhat did it cost?\n\nTom Okafor - 01:08\nA million pounds.\n")
    _, ps = parsed("p.txt", text)
    assert [(p.speaker, p.time) for p in ps if p.speaker] == [
        ("Sarah Lee", 0.0), ("Tom Okafor", 24.0), ("Sarah Lee", 65.0), ("Tom Okafor", 68.0)]


@pytest.mark.parametrize("lead", ["Decision taken", "Key takeaway", "Fact check", "Why it matters", "Follow up",
                                  "Open question", "Vote result", "Background reading"])
def test_a_bold_lead_in_in_sentence_case_among_speakers_is_no_speaker(lead):
    # (a hostile review: in minutes with bold speakers' labels, "**Decision taken:**" said the decision)
    text = ("# Parish council\n\n**Chair:** Good evening. First, the playground.\n\n**Ann Ruiz:** The quotes came "
            "back.\n\n**Ben Cole:** Can we phase it?\n\n**Ann Ruiz:** Phasing adds ten percent.\n\n"
            f"**{lead}:** Phasing costs more.\n\n**Chair:** Thank you all.\n")
    _, ps = parsed("minutes.md", text)
    assert lead not in {p.speaker for p in ps}
    assert any(p.text.startswith(f"**{lead}:**") for p in ps)


def test_a_header_s_role_of_a_code_names_its_turns(tmp_path):
    """(a researcher's qualitative interview: "Participant: P3, female, 41, intensive care nurse" above "P3:" turns;
    "What did the participant say about caffeine?" named nobody, and searched the interviewer's words too)"""
    from rag.speakers import coded_roles

    header = ("Project: Night-shift nurses and sleep (NSNS study)\nInterview ID: P3\nDate: 14 March 2024\n"
              "Interviewer: Dr Hannah Kerr (HK)\nParticipant: P3, female, 41, intensive care nurse\n")
    assert coded_roles(header, {"P3"}) == {"P3": "Participant"}          # (not "Interview ID: P3")
    assert coded_roles("Interview ID: P3\n", {"P3"}) == {}
    text = header + "".join(f"\nInterviewer: And the {w}?\n\nP3: The {w} is the hard part of nights, honestly.\n"
                            for w in ("caffeine", "rota", "sleep"))
    r = _retriever(tmp_path, "p3.txt", text)
    found = r.search("What did the participant say about caffeine?", 3, abstain=False)
    assert found.speaker == "P3" and "Only passages where P3 (Participant) speaks." in found.notices
    assert "caffeine" in found.hits[0].passage.text
