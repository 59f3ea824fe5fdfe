"""Session 33's parsing fixes: Markdown footnotes on consecutive lines, a lecture's captions whose host is labelled by
role (">> MODERATOR:"), a podcast's "Host: … Guest: …" header line."""
from rag.parse import parse
from rag.records import Document


def _parse(name: str, text: str):
    doc, passages = parse(Document.from_text(name, text))
    for p in passages:      # every quote is the document's text at its offsets
        assert text[p.start:p.end] == p.text
    return doc, passages


REPORT = """# Riverside Library Network — Annual Report 2024

## 1. Summary

The network's seven branches recorded 612,400 visits in 2024, up 8.3% on 2023.[^1] The Eastgate branch reopened.

## 2. Visits by branch

Millbrook was the only branch where visits fell. Its opening hours were cut in April.[^2]

## 3. Finances

Total spending was £4.82 million, of which staff costs were £3.35 million.

[^1]: Visit counts come from door counters; the Eastgate counter was offline for 19 days in July.
[^2]: Millbrook's hours will be restored once two library assistant posts are filled.
"""


def test_footnotes_on_consecutive_lines_are_each_cited_in_the_section_that_refers_to_it():
    _, passages = _parse("report.md", REPORT)
    notes = {p.text[:5]: p for p in passages if p.text.startswith("[^")}
    assert set(notes) == {"[^1]:", "[^2]:"}
    assert notes["[^1]:"].section == "1. Summary"
    assert notes["[^2]:"].section == "2. Visits by branch"
    assert notes["[^2]:"].text == "[^2]: Millbrook's hours will be restored once two library assistant posts are filled."


LECTURE = """1
00:00:01,000 --> 00:00:05,000
>> MODERATOR: Good evening and welcome to the library's autumn lecture.

2
00:00:11,000 --> 00:00:16,000
>> INGRID VASS: Thank you. The hoard contained 412 coins, most of them Arabic dirhams.

3
00:03:10,000 --> 00:03:15,000
>> Was any of the silver melted down locally?

4
00:03:15,500 --> 00:03:22,000
>> INGRID VASS: Yes. We found a small workshop with crucibles and scrap silver.

5
00:04:30,000 --> 00:04:35,000
>> MODERATOR: We have time for one more question. Yes, at the back.

6
00:04:36,000 --> 00:04:41,000
>> When will the finds go on display?

7
00:04:41,500 --> 00:04:48,000
>> INGRID VASS: The hoard will be shown at the Swedish History Museum from May 2026.
"""


def _captions(srt: str):
    from rag.subtitles import subtitle_text

    return _parse("lecture.srt", subtitle_text(srt))[1]


def test_a_moderator_who_only_hosts_makes_no_press_conference_of_a_lectures_captions():
    # (the same captions with the host labelled ">> HOST ANNA BERG:" were read so already)
    control = _captions(LECTURE.replace("MODERATOR", "HOST ANNA BERG"))
    passages = _captions(LECTURE)
    assert [(p.kind, p.speaker, p.time) for p in passages] == [
        (p.kind, p.speaker and p.speaker.replace("HOST ANNA BERG", "MODERATOR"), p.time) for p in control]
    said = {p.text: p for p in passages}
    assert said["Was any of the silver melted down locally?"].speaker is None
    assert said["When will the finds go on display?"].speaker is None
    assert said["When will the finds go on display?"].time == 276.0
    assert {p.kind for p in passages} == {"turn"}


def test_an_unnamed_speaker_in_a_q_and_a_is_not_the_speaker_before():
    # the moderator asks once: a Q&A, and the audience's ">>" question is nobody's named words, not the moderator's;
    # it opens the exchange its answer is in (below)
    passages = _captions(LECTURE.replace("We have time for one more question. Yes, at the back.", "Who has a question?"))
    said = {p.text: p for p in passages}
    for words in ("Was any of the silver melted down locally?", "When will the finds go on display?"):
        assert said[words].speaker is None and said[words].kind == "question"
    assert said["Who has a question?"].kind == "question"
    assert said["The hoard will be shown at the Swedish History Museum from May 2026."].speaker == "INGRID VASS"


PODCAST = """The Soil Matters Podcast — Episode 42: Regenerative farming on heavy clay
Host: Martin Alcock. Guest: Siobhan Kerrigan, who farms 180 hectares near Banbury.

Q: Siobhan, thanks for coming on. How did you end up farming?

A: My grandfather bought the farm in 1958. I took over the management in 2016.

Q: And when did you start moving away from ploughing?

A: We stopped ploughing altogether in the autumn of 2018, after a very wet winter.

Q: What about cover crops? Listeners always ask about those.

A: We grow a mix of phacelia, buckwheat and black oats after harvest.
"""


def test_a_podcasts_host_and_guest_header_line_is_nobodys():
    _, passages = _parse("podcast.txt", PODCAST)
    header = next(p for p in passages if "Martin Alcock" in p.text)
    assert (header.kind, header.speaker, header.section) == ("paragraph", None, "text")
    assert header.text.startswith("Host: Martin Alcock.")     # (its label quoted: a header line, no turn)
    assert not any(p.speaker == "Host" or p.kind == "statement" for p in passages)
    assert [p.section for p in passages if p.kind == "question"] == ["Q1", "Q2", "Q3"]
    assert [p.section for p in passages if p.kind == "answer"] == ["Q1", "Q2", "Q3"]


def test_a_speakers_first_turn_with_a_field_inside_it_stays_theirs():
    # (the labels of a header's line open no later paragraph; Ann speaks again, so her first turn is hers)
    text = ("Ann Lee: Morning all. Agenda: the budget first, then the rota.\n\nBob Hart: Fine by me.\n\n"
            "Ann Lee: Good. The budget is down four per cent.\n\nBob Hart: Then the rota waits.\n")
    _, passages = _parse("meeting.txt", text)
    assert [(p.kind, p.speaker) for p in passages] == [("turn", "Ann Lee"), ("turn", "Bob Hart"),
                                                        ("turn", "Ann Lee"), ("turn", "Bob Hart")]


def test_the_guest_a_header_names_says_the_unnamed_answers():
    """The same podcast: its "A:" answers named no one ("What did Siobhan Kerrigan say about cover crops?" was told
    she is no speaker); the header's "Guest: Siobhan Kerrigan, who farms …" says whose they are."""
    _, passages = _parse("podcast.txt", PODCAST)
    answers = [p for p in passages if p.kind == "answer"]
    assert answers and {p.speaker for p in answers} == {"Siobhan Kerrigan"}
    assert {p.speaker for p in passages if p.kind == "question"} == {"Q"}
    # no header, or one naming two guests: the answers stay nobody's
    bare = PODCAST.split("\n", 2)[2]
    assert {p.speaker for p in _parse("bare.txt", bare)[1] if p.kind == "answer"} == {None}
    two = PODCAST.replace("Guest: Siobhan Kerrigan,", "Guests: Siobhan Kerrigan and Tom Reid,")
    assert {p.speaker for p in _parse("two.txt", two)[1] if p.kind == "answer"} == {None}


def test_a_speakers_only_turn_with_a_field_inside_it_stays_theirs():
    """The day's review of the header line rule: a chair who speaks once, "Chair: Thanks all for coming. Apologies:
    Tom and Priya, …", and "Mr. Speaker: Order. Order. Question: that …" were read as header lines of fields, nobody's
    words. A header's field names something (a name, a date), it says no sentence."""
    meeting = ("Chair: Thanks all for coming. Apologies: Tom and Priya, who are both at the depot today.\n\n"
               "Ann Lee: Shall we start with the budget?\n\nBob Hart: Yes, the budget is down four per cent.\n\n"
               "Ann Lee: Then the rota waits until March.\n\nBob Hart: Agreed, the rota waits.\n")
    _, passages = _parse("meeting.txt", meeting)
    assert passages[0].speaker == "Chair" and passages[0].kind == "turn"
    house = ("Mr. Speaker: Order. Order. Question: that the bill be now read a second time.\n\n"
             "Ann Lee: I beg to move that the bill be read.\n\nBob Hart: The bill is flawed.\n\n"
             "Ann Lee: It is not.\n\nBob Hart: It is.\n")
    _, passages = _parse("house.txt", house)
    assert passages[0].speaker == "Mr. Speaker"
    # the podcast's header line is still nobody's
    _, passages = _parse("podcast.txt", PODCAST)
    assert next(p for p in passages if p.text.startswith("Host:")).speaker is None


def test_an_unnamed_captions_question_opens_the_exchange_its_answer_is_in():
    """The day's review: once an unnamed ">>" was nobody's turn (not the moderator's words), the audience's question
    fell out of the exchange, and the lecturer's answer was quoted under the moderator's "Any questions?"."""
    passages = _captions(LECTURE.replace("We have time for one more question. Yes, at the back.",
                                         "Thank you, Ingrid. Any questions?"))
    asked = next(p for p in passages if p.text == "When will the finds go on display?")
    assert asked.kind == "question" and asked.speaker is None
    answer = next(p for p in passages if "Swedish History Museum" in p.text)
    assert answer.kind == "answer" and answer.speaker == "INGRID VASS"
    assert answer.question == "When will the finds go on display?"
