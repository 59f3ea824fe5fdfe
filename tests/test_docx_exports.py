"""Word transcripts as transcription tools export them: each read as its text export is, every quote exact."""

import docx
import pytest
from hypothesis import given, settings, strategies as st

from rag.chunk import chunk
from rag.word import _docx_transcript

from conftest import parsed_file


def _save(d, tmp_path, name="t.docx"):
    path = tmp_path / name
    d.save(path)
    return path


def _said(paras):
    return [(p.speaker, p.time, p.text) for p in paras if p.kind == "turn"]


OTTER_TURNS = [("Maria Lopez", "0:03", 3.0, "Okay, let's get started with the renovation budget."),
               ("Daniel Kim", "0:19", 19.0, "Twelve percent over is a lot. Is it the roofing?"),
               ("Maria Lopez", "0:31", 31.0, "Mostly the roofing. They found asbestos."),
               ("Daniel Kim", "1:25", 85.0, "I can draft the grant letter by Friday.")]


def test_otter_and_teams_word_export_give_each_turn_its_speaker_and_time(tmp_path):
    # Otter's and Teams' Word download: "Name  0:03" a paragraph of its own, the words the next paragraph (the
    # text export has them on two lines; a Word paragraph each, they were one turn of nobody, at no time)
    d = docx.Document()
    for line in ["Library Board Meeting", "Tue, Mar 05, 2024 6:02PM • 2:58", "SUMMARY KEYWORDS",
                 "roofing, volunteers, grant", "SPEAKERS", "Maria Lopez, Daniel Kim"]:
        d.add_paragraph(line)
    for name, clock, _, words in OTTER_TURNS:
        d.add_paragraph(f"{name}  {clock}")
        d.add_paragraph(words)
    d.add_paragraph("Maria Lopez stopped transcription")       # Teams' note: no one's words
    doc, paras = parsed_file(_save(d, tmp_path))
    assert _said(paras) == [(name, seconds, words) for name, _, seconds, words in OTTER_TURNS]
    assert not any("stopped transcription" in p.text for p in paras)
    # the export's header is nobody's, and no window of turns starts with it
    header = [p for p in paras if "SUMMARY KEYWORDS" in p.text]
    assert header and all(p.speaker is None and p.kind == "paragraph" for p in header)
    windows = chunk([p for p in paras if p.kind != "heading"], doc.text, lambda ts: [len(t.split()) for t in ts])
    assert not any("SUMMARY" in w.text and w.speaker for w in windows)
    assert any(w.text.startswith("Maria Lopez 0:03\nOkay, let's get started") and w.speaker == "Maria Lopez"
               and w.time == 3.0
               for w in windows)


def test_teams_classic_word_export_reads_as_its_subtitles(tmp_path):
    # Teams' older download: a timing line, the speaker's name and the words, each its own paragraph
    d = docx.Document()
    d.add_paragraph("Payroll migration sync")
    for timing, name, words in [("0:0:4.120 --> 0:0:13.530", "Alex Turner", "Thanks for joining."),
                                ("0:0:15.120 --> 0:0:24.530", "Beatriz Costa", "The vendor moved the cutover."),
                                ("0:1:10.120 --> 0:1:19.530", "Alex Turner", "Then we run both systems.")]:
        for line in (timing, name, words):
            d.add_paragraph(line)
    doc, paras = parsed_file(_save(d, tmp_path))
    said = _said(paras)
    assert [(s, round(t)) for s, t, _ in said] == [("Alex Turner", 4), ("Beatriz Costa", 15), ("Alex Turner", 70)]
    assert said[1][2] == "The vendor moved the cutover."
    assert "-->" not in doc.text
    assert next(p for p in paras if p.text == "Payroll migration sync").speaker is None


def test_line_breaks_inside_a_word_paragraph_keep_the_turns_apart(tmp_path):
    # a focus group pasted into Word as one paragraph with Shift+Enter line breaks: each line its own turn
    d = docx.Document()
    d.add_paragraph("Focus group 3")
    p = d.add_paragraph()
    lines = ["Moderator: How do you get to the market?", "P1: I drive, but parking is hard.",
             "P2: I take the number 14 bus.", "P3: I cycle there.", "Moderator: What would help?",
             "P2: More Saturday buses.", "P1: Cheaper parking.", "P3: Evening hours."]
    for i, line in enumerate(lines):
        run = p.add_run(line)
        if i < len(lines) - 1:
            run.add_break()
    doc, paras = parsed_file(_save(d, tmp_path))
    spoken = {p.text: p.speaker for p in paras if p.speaker}
    assert spoken["I take the number 14 bus."] == "P2"
    assert spoken["Evening hours."] == "P3"
    assert spoken["Cheaper parking."] == "P1"


def test_a_transcript_in_a_word_table_is_read_with_its_speakers_and_times(tmp_path):
    d = docx.Document()
    d.add_paragraph("Stakeholder call - exported transcript")
    rows = [("Speaker", "Time", "Text")] + [(name, clock, words) for name, clock, _, words in OTTER_TURNS]
    table = d.add_table(rows=len(rows), cols=3)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    doc, paras = parsed_file(_save(d, tmp_path))
    assert _said(paras) == [(name, seconds, words) for name, _, seconds, words in OTTER_TURNS]


def test_a_word_table_that_is_no_transcript_is_kept_as_text_in_its_place(tmp_path):
    # a budget table between two turns: its figures were left out, "never mentioned" by the index
    d = docx.Document()
    d.add_paragraph("Maria Lopez: We need to settle the budget tonight.")
    table = d.add_table(rows=2, cols=2)
    for r, row in enumerate([("Line item", "Amount"), ("Roofing", "$40,000")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_paragraph("Daniel Kim: The roofing line worries me most.")
    d.add_paragraph("Maria Lopez: Then we start with the roofing.")
    doc, _ = parsed_file(_save(d, tmp_path))
    assert doc.text.index("We need to settle") < doc.text.index("Roofing | $40,000") < doc.text.index("worries me")


@pytest.mark.parametrize("header", [["Lookout Interview (Completed 03/14/24)", "Transcript by Rev.com"],
                                    ["Date: 14 May 2023. Location: Astoria, Oregon."]])
def test_an_exports_header_is_nobodys_answer(tmp_path, header):
    # Rev's title block and an interview's "Date: … Location: …" line were the answerer's opening statement
    d = docx.Document()
    for line in header:
        d.add_paragraph(line)
    for label, words in [("Speaker 1 (00:00:05):", "Welcome. What was the hardest season?"),
                         ("Speaker 2 (00:00:14):", "Probably 2017, the smoke was thick."),
                         ("Speaker 1 (00:00:27):", "How did you spot fires?"),
                         ("Speaker 2 (00:00:33):", "By listening to lightning reports."),
                         ("Speaker 1 (00:01:02):", "Did you ever think of leaving?"),
                         ("Speaker 2 (00:01:09):", "Every August."),
                         ("Speaker 2 (00:01:30):", "But I stayed eleven years.")]:
        d.add_paragraph(label)
        d.add_paragraph(words)
    _, paras = parsed_file(_save(d, tmp_path))
    for line in header:
        assert next(p for p in paras if p.text == line).speaker is None
    assert next(p for p in paras if p.text.startswith("Probably 2017")).speaker == "Speaker 2"


def _table(d, rows):
    table = d.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    return table


def test_tables_that_are_no_transcript_name_no_speakers(tmp_path):
    # (a second review: an action list, a conference programme and a vote were read as people's words)
    d = docx.Document()
    d.add_paragraph("Anna Berg: Let us go through the open points.")
    _table(d, [("Owner", "Action"), ("Bob Smith", "Fix the two failing reporting jobs"),
               ("Alice Brown", "Tell finance the migration date"), ("Bob Smith", "Archive the old reports")])
    _table(d, [("Speaker", "Time", "Session"), ("Dr. Anna Weber", "9:00", "Opening address and welcome"),
               ("Prof. Tom Hall", "14:00", "Antibiotic resistance in rural clinics"),
               ("Dr. Anna Weber", "16:00", "Closing remarks")])
    _table(d, [("Member", "Motion 1", "Motion 2"), ("Alice Brown", "Yes", "Yes"), ("Bob Smith", "No", "Yes")])
    for line in ["Tom Berg: Then we are done.", "Anna Berg: Not quite, the budget.", "Tom Berg: It is approved.",
                 "Anna Berg: Good.", "Tom Berg: And the audit?", "Anna Berg: In May.", "Tom Berg: Fine.",
                 "Anna Berg: Thank you all."]:
        d.add_paragraph(line)
    doc, paras = parsed_file(_save(d, tmp_path))
    assert {p.speaker for p in paras if p.speaker} == {"Anna Berg", "Tom Berg"}
    assert "Bob Smith | Fix the two failing reporting jobs" in doc.text
    assert "Alice Brown | Yes | Yes" in doc.text        # two equal cells side by side are two votes
    # and a table's rows are the document's, not more words of Anna Berg, who spoke before it
    assert next(p for p in paras if p.text.startswith("Bob Smith | Fix")).speaker is None


def test_a_two_column_table_is_never_a_transcript(tmp_path):
    # (a third review: a report's "Theme | Illustrative quote" table was read as turns, and the authors' findings
    # and recommendations after it became the last theme's words)
    d = docx.Document()
    d.add_paragraph("Tenants' views on repairs")
    _table(d, [("Theme", "Illustrative quote"), ("Repairs", "We waited four months for the boiler to be fixed."),
               ("Communication", "Nobody ever told us when the workers would come."),
               ("Repairs", "The damp came back a week after they painted over it."),
               ("Communication", "The letters were only in English, so my mother could not read them.")])
    d.add_paragraph("Repairs were the most common concern, raised by 17 of the 24 tenants.")
    d.add_paragraph("The council should require quarterly repair reports.")
    doc, paras = parsed_file(_save(d, tmp_path))
    assert not any(p.speaker for p in paras)
    assert "Communication | Nobody ever told us when the workers would come." in doc.text


@pytest.mark.parametrize("lines", [["Board day", "Welcome 9:00", "Finance report 9:15", "Welcome 11:00",
                                    "Please send any papers by Friday."],
                                   ["Heat 1", "Anna Berg 4:12", "Lisa Holm 4:20", "Heat 2", "Anna Berg 4:05",
                                    "Lisa Holm 4:22", "Anna Berg set a new club record."]])
def test_an_agendas_or_a_races_name_and_time_is_not_a_speakers_header(tmp_path, lines):
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    doc, _ = parsed_file(_save(d, tmp_path))
    assert f"{lines[-2]}\n\n{lines[-1]}" in doc.text


def test_teams_classic_cues_written_with_line_breaks_read_as_subtitles(tmp_path):
    d = docx.Document()
    for timing, name, words in [("0:0:4.120 --> 0:0:13.530", "Alex Turner", "Thanks for joining."),
                                ("0:0:15.120 --> 0:0:24.530", "Beatriz Costa", "The vendor moved the cutover.")]:
        p = d.add_paragraph()
        for i, line in enumerate((timing, name, words)):
            run = p.add_run(line)
            if i < 2:
                run.add_break()
    doc, paras = parsed_file(_save(d, tmp_path))
    assert "-->" not in doc.text
    assert {p.text: p.speaker for p in paras}["The vendor moved the cutover."] == "Beatriz Costa"


_BLOCKS = st.one_of(st.sampled_from(
    ["Maria Lopez 0:03", "Daniel Kim 1:25", "Welcome 9:00", "Okay, let's start.", "Agreed.", "P1: I drive.",
     "# Heading", "Bob Smith | Fix the jobs", "Moderator: Why?", "Line one\nP2: Line two"]),
    st.text(alphabet="abc .:|09", min_size=1, max_size=15).map(str.strip).filter(bool))


@settings(deadline=None, max_examples=300)
@given(st.lists(_BLOCKS, max_size=25))
def test_a_word_documents_paragraphs_are_all_kept_whatever_their_layout(blocks):
    # the Otter/Teams join only joins: every paragraph's text is in what is indexed, in order
    text = _docx_transcript(blocks)
    at = 0
    for block in blocks:
        for line in block.split("\n"):
            found = text.find(line, at)
            assert found >= 0, (line, text)
            at = found + len(line)
