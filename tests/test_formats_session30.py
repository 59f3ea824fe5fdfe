"""Session 30: a researcher's review of ten transcript layouts (the Congressional Record as the GPO prints it, a Teams
Word export of "Last, First" display names, a CNN transcript, an oral history's header, a UN verbatim record, an
earnings call's closing lists). Each fixture here is small, written for these tests."""
from rag.parse import parse
from rag.records import Document
from rag.turns import label_start


def parsed(text, name="doc.txt"):
    doc, ps = parse(Document.from_text(name, text))
    for p in ps:
        assert doc.text[p.start:p.end] == p.text
    return doc, ps


def said(ps, words):
    found = [p for p in ps if words in p.text]
    assert len(found) == 1, (words, [p.text for p in found])
    return found[0]


RECORD = """[Congressional Record Volume 170, Number 12 (Tuesday, May 7, 2024)]
[House]

                  COASTAL FERRY SAFETY ACT

  Mr. BRANNIGAN. Mr. Speaker, I move to suspend the rules and pass the 
bill (H.R. 812) to improve the inspection of passenger ferries, and 
for other purposes, as amended.
  The Clerk read the title of the bill.
  The SPEAKER pro tempore. Pursuant to the rule, the gentleman from 
Maine (Mr. Brannigan) and the gentlewoman from Ohio (Ms. Pell) each 
will control 20 minutes.
  Mr. BRANNIGAN. Mr. Speaker, I yield myself such time as I may 
consume. Ferries carry four million passengers a year on the coast of 
Maine, and the inspectors who check them have not grown in number 
since 2009.

                              {time}  1415

  A ferry that waits for its inspection sits at the dock, and the 
island it serves waits with it. Mr. Speaker, I reserve the balance of 
my time.
  Ms. PELL. Mr. Speaker, I yield 2 minutes to the gentlewoman from 
Oregon (Ms. DeMARCO).
  Ms. DeMARCO. Mr. Speaker, the inspectors in Astoria work alone, and 
a ferry that waits a week for a hull check carries nobody that week. 
This bill hires forty more of them.

[[Page H2041]]

  I yield back the balance of my time.
  Mr. BRANNIGAN. Mr. Speaker, I yield back the balance of my time, 
and I urge my colleagues to support the bill.
  The SPEAKER pro tempore. The question is on the motion offered by 
the gentleman from Maine.
  There was no objection.
"""


def test_the_congressional_records_labels_open_turns_and_its_page_marks_are_nobodys():
    # (the review: no speaker at all in the Record: "Ms. DeLAURO." (a surname's prefix in lower case) and "The SPEAKER
    # pro tempore." were no labels, so too few paragraphs opened a turn for a conversation; "{time}  1415" and
    # "[[Page H1022]]" were a speaker's words)
    _, ps = parsed(RECORD)
    assert said(ps, "nobody that week").speaker == "Ms. DeMARCO"
    assert said(ps, "each \nwill control").speaker == "The SPEAKER pro tempore"
    assert said(ps, "four million").speaker == "Mr. BRANNIGAN"
    assert said(ps, "sits at the dock").speaker == "Mr. BRANNIGAN"
    assert not [p for p in ps if "{time}" in p.text or "[[Page" in p.text]
    # (the mark's paragraph is left out, its number too: no window of turns reaches over it)
    before, after = said(ps, "four million"), said(ps, "sits at the dock")
    assert after.paragraph == before.paragraph + 2
    for words in ("The Clerk read", "There was no objection."):
        assert said(ps, words).speaker is None and said(ps, words).kind == "paragraph"


def test_a_teams_word_export_with_last_first_display_names_keeps_its_speakers(tmp_path):
    # (the review: Teams writes a directory's display names "Okonkwo, Chidi": no label's grammar has a comma, so the
    # name and time paragraphs were words inside the turn before, every turn of the interviewer was lost, and
    # "Okonkwo, Chidi   started transcription" was no note of the app's)
    import docx

    from rag import read

    d = docx.Document()
    d.add_paragraph("Branch interview")
    d.add_paragraph("Okonkwo, Chidi   started transcription")
    for name, clock, words in [
            ("Okonkwo, Chidi", "0:05", "Thanks for joining. What changed for your staff after the pandemic?"),
            ("Heather Lindgren", "0:19", "The help desk turned into a tech support desk, and half the questions are "
                                         "about government portals now."),
            ("Okonkwo, Chidi", "1:41", "And the hotspot lending programme, how has that gone?"),
            ("Heather Lindgren", "1:46", "That's been the success story. We have forty hotspots and a waiting list.")]:
        d.add_paragraph(f"{name}   {clock}")
        d.add_paragraph(words)
    d.add_paragraph("Okonkwo, Chidi   stopped transcription")
    d.save(tmp_path / "teams.docx")
    doc = read.read(tmp_path / "teams.docx")
    _, ps = parse(doc)
    for p in ps:
        assert doc.text[p.start:p.end] == p.text
        assert "transcription" not in p.text and not any(line.endswith(("0:05", "1:41")) for line in p.text.split("\n"))
    assert (said(ps, "hotspot lending").speaker, said(ps, "hotspot lending").time) == ("Chidi Okonkwo", 101.0)
    assert (said(ps, "success story").speaker, said(ps, "success story").time) == ("Heather Lindgren", 106.0)
    assert said(ps, "What changed").speaker == "Chidi Okonkwo"


def test_a_last_first_header_above_its_words_in_a_text_export_is_a_speaker_in_reading_order():
    _, ps = parsed("Okonkwo, Chidi  0:05\nWhat changed for your staff?\n\nLindgren, Heather  0:19\nEverything did.\n\n"
                   "Okonkwo, Chidi  0:28\nHow so?\n\nLindgren, Heather  0:30\nThe help desk is a tech desk now.\n")
    assert [(p.speaker, p.time, p.text) for p in ps][-1] == ("Heather Lindgren", 30.0, "The help desk is a tech desk now.")
    assert said(ps, "Everything did.").speaker == "Heather Lindgren"


BROADCAST = """Return to Transcripts main page

THE EVENING DESK

Storm Makes Landfall Near Galveston; Interview With Mayor Ruiz. Aired 6-7p ET

Aired May 2, 2025 - 18:00   ET

[18:00:05]

DANA WHITFIELD, CNN ANCHOR: Good evening. We begin on the coast, where the storm made landfall an hour ago.

Our Theo Marsh is in Galveston. Theo, what are you seeing?

THEO MARSH, CNN CORRESPONDENT: Dana, the surge came over the seawall at about five o'clock.

(BEGIN VIDEOTAPE)

MARSH (voice-over): The water reached the second step of the courthouse within twenty minutes.

UNIDENTIFIED MALE: We never saw it come up this fast.

(END VIDEOTAPE)

WHITFIELD: Theo, stay safe.

[18:15:40]

WHITFIELD: Welcome back. Our meteorologist is in the Weather Center.

IRIS VANCE, CNN METEOROLOGIST: The storm will stall over Houston, and the rain will not stop before Sunday.

WHITFIELD: Iris, thank you.

END
"""


def test_a_broadcast_transcripts_name_and_role_label_is_the_speaker_its_surname_labels_name_later():
    # (the review: after "[17:15:40]", "JONAH PRUITT, CNN METEOROLOGIST: …" was the anchor's words, no label's grammar
    # having a comma; the anchor's first turn, "MARCUS HALE, CNN ANCHOR:", was nobody's; the closing "END" his)
    _, ps = parsed(BROADCAST)
    stall = said(ps, "will stall over Houston")
    assert (stall.speaker, stall.outlet, stall.text[:9]) == ("IRIS VANCE", "CNN METEOROLOGIST", "The storm")
    assert said(ps, "We begin on the coast").speaker == "DANA WHITFIELD"
    thanks = said(ps, "Iris, thank you.")
    assert thanks.speaker == "DANA WHITFIELD"      # "WHITFIELD:" is the anchor introduced above
    at = label_start(BROADCAST, thanks.start, thanks.speaker)     # (a window opening there quotes the label)
    assert at is not None and BROADCAST[at:thanks.end] == "WHITFIELD: Iris, thank you."
    assert said(ps, "Welcome back").speaker == "DANA WHITFIELD"
    second = said(ps, "second step")     # "(voice-over)" says how he is heard: his role stays his outlet
    assert (second.speaker, second.outlet) == ("THEO MARSH", "CNN CORRESPONDENT")
    assert said(ps, "never saw it").speaker == "UNIDENTIFIED MALE"
    end = ps[-1]
    assert end.text == "END" and end.speaker is None and end.kind == "paragraph"


def test_a_surname_label_shared_by_two_introduced_names_stays_as_written():
    _, ps = parsed("ANN SMITH, HOST: Welcome.\n\nBOB SMITH, GUEST: Thanks for having me.\n\nSMITH: Happy to.\n\n"
                   "ANN SMITH: Let us start.\n")
    assert said(ps, "Happy to.").speaker == "SMITH"


ORAL_HISTORY = """HARBOUR TOWNS ORAL HISTORY PROJECT
Interview No. HT-2021-007

Interviewee: Nora Keane (NK)
Interviewer: Paul Devlin (PD)
Date of interview: 4 May 2021
Location: Interviewee's home, Howth, Co. Dublin
Recording: 1 audio file (WAV), 48 min
Transcriber: B. Walsh
Transcript reviewed by interviewee: Yes, with minor corrections

Abstract: Nora Keane (b. 1939) mended nets in Howth for forty years. She describes the winter of 1963 and the co-op.

Keywords: net mending; fishing co-operatives; Howth

[Begin audio file 1]

PD: Could you tell me how you started mending nets?

NK: My mother brought me down to the pier when I was twelve. You learned by watching.

PD: And the winter of 1963?

NK: The harbour froze at the edges. Nobody had seen that before.
"""


def test_an_oral_historys_header_block_is_nobodys_and_names_the_initials_labels():
    # (the review: "Interviewee:", "Interviewer:", "Recording:", "Transcriber:" were speakers and the abstract and
    # keywords their words: the header's run of labelled lines ended at "Interviewer: … (JS)" over "Date of
    # interview: …" (two lines) and at "Location: Interviewee's home, …" (a value in lower case))
    from rag.speakers import initials_named

    _, ps = parsed(ORAL_HISTORY)
    for words in ("Nora Keane (NK)", "Paul Devlin", "Recording:", "B. Walsh", "Abstract:", "Keywords:", "Location:"):
        p = said(ps, words)
        assert p.speaker is None and p.kind == "paragraph", words
    assert {p.speaker for p in ps if p.speaker} == {"PD", "NK"}
    assert said(ps, "harbour froze").speaker == "NK"
    # (the header names the initials: "Interviewee: Nora Keane (NK)", so a search for Nora Keane finds NK's turns)
    assert initials_named(ORAL_HISTORY, {"NK", "PD"}) == {"NK": "Nora Keane", "PD": "Paul Devlin"}


def test_otters_summary_keywords_and_speakers_blocks_are_nobodys():
    # (the review: Otter's "SUMMARY KEYWORDS" and "SPEAKERS" blocks were the answerer's opening statement)
    text = ("Tenant Interview 07 - Eastgate Estate\nTue, Mar 10, 2026 6:31PM • 12:44\n\n"
            "SUMMARY KEYWORDS\ndamp, repairs, housing association, rent\n\n"
            "SPEAKERS\nLeonie Brandt, Samuel Adeyemi\n\n"
            "Leonie Brandt  0:04\nCould you start by telling me how long you've lived here?\n\n"
            "Samuel Adeyemi  0:19\nTwelve years, in a two bedroom flat on the fourth floor.\n\n"
            "Leonie Brandt  0:41\nAnd when did the damp start?\n\n"
            "Samuel Adeyemi  0:45\nAbout 2019, when the black mould started in the children's bedroom, behind the "
            "wardrobe first and then on the ceiling.\n")
    _, ps = parsed(text)
    for words in ("SUMMARY KEYWORDS", "SPEAKERS"):
        p = said(ps, words)
        assert p.speaker is None and p.kind == "paragraph" and p.section == "text", words
    assert (said(ps, "Twelve years").speaker, said(ps, "Twelve years").kind) == ("Samuel Adeyemi", "answer")


VERBATIM = """The President (spoke in French): I now give the floor to Ms. Ferrand.

Ms. Ferrand (Belgium): I thank the President. Belgium welcomes the agreement reached in Luanda.

We call on all parties to allow humanitarian convoys along the road to the north.

3/8                                                                     25-04417

04/06/2025                 The situation in the Sahel              S/PV.9701

Mr. Okoro (Nigeria): Nigeria supports the regional mechanisms.

The President (spoke in French): There are no more names inscribed on the list of speakers.

The meeting rose at 11.40 a.m.
"""


def test_a_un_records_page_foot_and_running_head_are_left_out_and_its_closing_note_is_nobodys():
    # (the review: "2/4 … 26-06512" and "12/03/2026 The situation in … S/PV.9812" were paragraphs of the speaker's
    # turn, so quoted as her words; "The meeting rose at 11.40 a.m." was the President's)
    _, ps = parsed(VERBATIM)
    assert not [p for p in ps if "25-04417" in p.text or "S/PV.9701" in p.text]
    convoys, nigeria = said(ps, "convoys"), said(ps, "Nigeria supports")
    assert (convoys.speaker, nigeria.speaker) == ("Ms. Ferrand", "Mr. Okoro")
    assert nigeria.paragraph == convoys.paragraph + 3
    rose = said(ps, "The meeting rose")
    assert rose.speaker is None and rose.kind == "paragraph"
    # (a formula's words in a speaker's paragraph of their own stay theirs)
    _, ps = parsed(VERBATIM.replace("There are no more", "The meeting resumed its work on the draft in May.\n\nThere "
                                    "are no more"))
    assert said(ps, "resumed its work").speaker == "The President"


def test_a_table_row_set_out_in_columns_is_no_running_head():
    _, ps = parsed("Results by region\n\nNorth          3/4          12.5\n\nSouth          2/4          8.0\n\n"
                   "The South grew fastest.\n")
    assert said(ps, "North").text.startswith("North") and said(ps, "South  ").text.startswith("South")


CALL = """Prepared Remarks:

Operator

Good morning, and welcome to the Norrland Ferries second-quarter earnings call.

Anna Berg -- Chief Executive Officer

Thanks, operator. Bookings rose 12% in the quarter.

Lars Holm -- Chief Financial Officer

Thank you, Anna. We are keeping our margin guidance unchanged.

Questions & Answers:

Operator

Our first question comes from Eva Lind with Fjord Capital.

Eva Lind -- Fjord Capital -- Analyst

Lars, how much of the fuel cost is hedged for next year?

Lars Holm -- Chief Financial Officer

About two thirds, at prices below today's.

Eva Lind -- Fjord Capital -- Analyst

And the new route to Gdansk?

Anna Berg -- Chief Executive Officer

It opens in March, with two sailings a day.

Operator

That concludes our question-and-answer session.

Anna Berg -- Chief Executive Officer

Thank you all for joining.

Operator

[Operator signoff]

Duration: 32 minutes

Call participants:

Anna Berg -- Chief Executive Officer

Lars Holm -- Chief Financial Officer

Eva Lind -- Fjord Capital -- Analyst

More NRF analysis

All earnings call transcripts
"""


def test_an_earnings_calls_section_headings_and_closing_lists_are_nobodys():
    # (the review: "Questions & Answers:" was the end of the CFO's quote, and "Duration: 41 minutes", "Call
    # participants:", the list of who took part and the page's links after it were the operator's words)
    _, ps = parsed(CALL)
    guidance, qa = said(ps, "margin guidance"), said(ps, "Questions & Answers:")
    # (no window of turns reaches over a heading: it is in a section of its own)
    assert (guidance.speaker, qa.kind, qa.speaker) == ("Lars Holm", "heading", None)
    assert guidance.section != qa.section != said(ps, "Bookings rose").section
    for words in ("Duration:", "Call participants:", "Anna Berg -- Chief", "Eva Lind -- Fjord", "More NRF analysis",
                  "All earnings call"):
        p = said(ps, words)
        assert p.speaker is None and p.kind == "paragraph", words
    # a call nobody asks in: its parts are named by their headings
    talk = CALL[:CALL.index("Operator\n\nOur first")] + "Lars Holm -- Chief Financial Officer\n\nFuel is hedged.\n"
    _, ps = parsed(talk)
    assert [(p.section, p.speaker) for p in ps if "guidance" in p.text or "hedged" in p.text] == [
        ("Prepared Remarks", "Lars Holm"), ("Questions & Answers", "Lars Holm")]


def test_titles_and_dates_from_an_exports_header_lines():
    # (the review: Otter's title and date lines, CNN's "Aired April 14, 2026 - 17:00 ET" and a call transcript's title
    # over its "… for the period ending …" line were not read: the file's name was the title, no date, or the subtitle)
    doc, _ = parsed("Tenant Interview 07 - Eastgate Estate\nTue, Mar 10, 2026 6:31PM • 1:08:44\n\n"
                    "Leonie Brandt  0:04\nShall we start?\n\nSamuel Adeyemi  0:19\nYes.\n\n"
                    "Leonie Brandt  0:21\nHow long have you lived here?\n\nSamuel Adeyemi  0:25\nTwelve years.\n")
    assert (doc.title, doc.date) == ("Tenant Interview 07 - Eastgate Estate", "2026-03-10")
    doc, _ = parsed(BROADCAST)
    assert doc.date == "2025-05-02"
    doc, _ = parsed("Norrland Ferries (NRF) Q2 2025 Earnings Call Transcript\n\n"
                    "NRF earnings call for the period ending June 30, 2025.\n\n" + CALL)
    assert (doc.title, doc.date) == ("Norrland Ferries (NRF) Q2 2025 Earnings Call Transcript", "2025-06-30")
    doc, _ = parsed("Sergey Lavrov\n\nRemarks by the minister at a news conference in Moscow, January 14, 2022.\n\n"
                    "Good afternoon. We had no time to spare after the holidays.\n")
    assert doc.title == "Remarks by the minister at a news conference in Moscow, January 14, 2022"


def test_captions_in_capitals_with_a_comma_before_a_colon_have_no_roled_label():
    _, ps = parsed(">> WELL, LOOK: THE WATER CAME UP FAST.\n\n>> WE LEFT AT NOON.\n\n>> WELL, LOOK: NOBODY WARNED US.\n")
    assert said(ps, "NOBODY WARNED").text.startswith("WELL, LOOK:") and not any(p.outlet for p in ps)


def test_a_calls_list_of_participants_at_the_top_leaves_its_last_speakers_short_lines_theirs():
    top = ("Call participants:\n\nAnna Berg -- Chief Executive Officer\n\nLars Holm -- Chief Financial Officer\n\n"
           + CALL[:CALL.index("Operator\n\n[Operator signoff]")] + "Operator\n\nGoodbye now\n")
    _, ps = parsed(top)
    assert said(ps, "Goodbye now").speaker == "Operator"


def test_a_heading_in_capitals_with_a_comma_is_no_broadcast_label():
    """A hostile review: a council's minutes' "PUBLIC COMMENT, OPEN FLOOR:" became a speaker "PUBLIC COMMENT" (the
    broadcast rule's "MARCUS HALE, CNN ANCHOR:"), its paragraph quoted as theirs. A label's name is a person's: a
    given name first, or a word English does not use."""
    _, ps = parsed("Chair Lopez: We move to the next item.\n\n"
                   "PUBLIC COMMENT, OPEN FLOOR:\n\n"
                   "Residents asked that the pool stay open through September.\n\n"
                   "Dana Patel: The pool budget allows that.\n\n"
                   "JONAH PRUITT, CNN METEOROLOGIST: Very unusual weather for September.\n\n"
                   "WOLF BLITZER, CNN ANCHOR: Thank you, Jonah.\n\nBLITZER: And now to the council.\n")
    assert not any(p.speaker == "PUBLIC COMMENT" for p in ps)
    assert said(ps, "Very unusual weather").speaker == "JONAH PRUITT"      # a given name first
    assert said(ps, "Thank you, Jonah").speaker == "WOLF BLITZER"          # a surname labelled alone later
