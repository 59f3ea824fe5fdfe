"""Speaker labels of layouts a researcher found unread (session 31): podcast and transcription services' name-and-time
headers, Slack's copied channel, a role's label with the person in its bracket, a bold label said once, an editor's
note above the first turn, an interview's key line ("I = interviewer (…)") and a screenplay's character cues. Each
fixture is small and written here; every quote is checked to be the text's exact span."""
from __future__ import annotations

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
