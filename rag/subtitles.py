"""Subtitles (SRT, WebVTT) into a transcript's text.

Subtitles (``.srt``, ``.vtt``; UTF-8 or UTF-16 as text files): the cues merged into
turns, one paragraph each, opening with the start time of its first cue and its speaker:
``[00:12:31] Jane Doe: words...`` (``[00:12:31] >> words...`` when the captions mark a new
speaker without naming them; ``[00:12:31] words...`` when they mark none; ``[100:00:09]``
past 99 hours). Cue numbers, timing lines, a VTT file's header and its NOTE, STYLE and
REGION blocks, inline tags (``<i>``, ``<c.x>``, karaoke times, SRT's ``{\\an8}``, tags inside
tags) and a line the same speaker repeats in a cue starting at most ``ROLLING_GAP`` seconds
after the end of the cue it was in (rolling captions; said again later, or twice in one cue,
it is kept) are left out; entities (``&amp;``) are decoded. Loose clocks are read (``0:0:3,0``,
no milliseconds, ``:000`` milliseconds, no end time) and loose arrows (``->``, ``—>``, ``–>``,
``==>``, ``→`` between two clocks); a cue whose timing line cannot be read, or that has none
(lost, or words after a blank line inside a cue), keeps its words, on the turn before (left
out there: a cue number opening the block, a line of two clocks without an arrow; a block that
is only a number is a cue number). A new turn starts at a speaker change (a line opening with
``>>``, ``- ``, a name or role in brackets with words after it (``(Narrator) In 2021 …``, ``[ISLA] …``:
``_named_line``; the name stays in the words; a sound, ``[Wind howling]``, ``[Laughter] Which …``, is none),
``NAME:`` (``LABEL``: "Speaker 2", "ÉLODIE DURAND"; in capitals, or a name
that opens lines more than once, or, once one does, any; never a word of prose,
``NOT_SPEAKERS``: "Note:", "WARNING:") or a VTT voice ``<v Name>``, each voice tag of a line
its own, naming someone else) or a meeting app's display name opening nearly every cue (``_display_names``:
"jsmith2:", "John Smith (he/him):"; "iPhone de Lucía" written "IPhone de Lucía", ``_display_label``), at every
``NAME:`` taken for a speaker (so the label is written each time, never a word lost; but in a WebVTT file a display
name opening the same speaker's next cue is the app's, not said, and the turn goes on: ``_Turns.display``), and,
within one speaker's words, at the end of a sentence once
the turn is ``TURN_CHARS`` long or after a pause of ``PAUSE`` seconds or more, and at any cue
once it is ``LONGEST_TURN`` long or after a pause of ``LONG_PAUSE``, or once it spans ``LONGEST_SPAN`` seconds none of
which ended a sentence (captions without punctuation: a quote's time near its words). A line of
spaces right after a timing line (YouTube's) does not end the cue: its words keep its time. A voice's name is written as a
``LABEL`` that ``parse.py`` reads back (no colon or brackets, each word capitalised: "bob" ->
"Bob"); one that cannot be (``@user``, more than six words) is written ``[00:12:31] >> @user:
words``, an unnamed speaker whose name stays in the words, so that they are not taken for the
previous speaker's. The only speaker of a file, named by a voice or after ``>>``/``- `` and
with no unnamed speaker, is written ``[00:12:31] >> Name: words`` (parse.py takes one label
alone for a speaker's only after the mark). ``parse.py`` reads the stamps back as each
passage's ``time``. A plain text file of a speech recogniser's timed lines (Whisper's ``[00:00:21.680 -->
00:00:28.920]  words``) is read as these cues are (``timed_text``). Linear in the file (a 49 MB file of 918,000
tiny cues reads in 18 to 27 s
here).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .errors import DocumentError
from .labels import CAPITALS, LABEL, PARTICLE, SPEAKER_NAME, prose, reading_order

TURN_CHARS = 400     # a speaker's words over several cues are cut into paragraphs at a sentence end after this
LONGEST_TURN = 3 * TURN_CHARS    # captions without punctuation: a paragraph is cut at a cue after this anyway
LONGEST_SPAN = 30.0  # ... or once it spans this many seconds with no sentence ended in them (YouTube's automatic
                     # captions: a paragraph's time is its quotes' "at 00:00:50", within this of the words)
PAUSE = 3.0          # seconds of silence between cues after which a new paragraph starts (at a sentence end)
LONG_PAUSE = 10 * PAUSE     # ... and after which one starts anyway (captions without punctuation: the time is the
                            # citation's, and a turn would else run on over a gap of minutes at the first words' time)
# a cue's clock: "00:12:31,500", "12:31.500", "0:0:3,0" (loose writers), "00:00:07:000" (a colon before the ms)
_CUE_CLOCK = r"(?:\d+:)?\d{1,2}:\d{1,2}(?:[.,:]\d{1,3})?"
# the arrow of a timing line: "-->", and as loose writers garble it, "->", "—>", "–>", "==>", "- >", "→"
_ARROW = r"(?:[-–—=~]{1,3}[ \t]?>|[→⟶⇒])"
_CUE_TIME = re.compile(rf"(?P<start>{_CUE_CLOCK})[ \t]*{_ARROW}[ \t]*(?P<end>{_CUE_CLOCK})?")
_TIMING_LINE = re.compile(rf"[ \t]*{_CUE_CLOCK}[ \t]*{_ARROW}[ \t]*{_CUE_CLOCK}(?:[ \t].*)?")   # (settings after it)
# two clocks with no arrow between them ("00:00:07,000 00:00:09,000", "... to ..."): a garbled timing line
_CLOCK_PAIR = re.compile(rf"[ \t]*{_CUE_CLOCK}[ \t]*(?:[^\w\s]{{1,4}}|to|TO)?[ \t]*{_CUE_CLOCK}[ \t]*")
_CLOCK_PARTS = re.compile(r"(?:(?P<h>\d+):)?(?P<m>\d{1,2}):(?P<s>\d{1,2})(?:[.,:](?P<f>\d{1,3}))?")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?[ \t]+(?P<name>[^<>]+)>")
_TAG = re.compile(r"</?[^<>\n]*>|\{\\[^{}\n]*\}")
# "NAME: words" opening a caption's line (parse.py's LABEL: "Speaker 2:", "ÉLODIE DURAND:", "Dr. Ada Byron:"), also
# after ">>", "- " or a tag; the place is looked behind before the name is matched (matching first, inside a long
# word at every letter, was quadratic)
_CAPTION_LABEL = re.compile(rf"(?P<name>{LABEL}):[ \t]+(?=\S)")
_LINE_LABEL = re.compile(r"(?:^|(?<=[\n>])|(?<=[>\-–] ))" + _CAPTION_LABEL.pattern)
_SENTENCE_END = re.compile(r"[.!?…][\"”’»)\]]*$")
_ANY_END = re.compile(r"[.!?…][\"”’»)\]]*(?:\s|$)")     # a sentence's end anywhere in a cue's words


def _possible(value: str) -> bool:
    """Whether a cue's clock can be read as a time: seconds under 60, and minutes too when hours stand before them
    ("99:99:99,999" cannot; "75:10.000", 75 minutes, can)."""
    m = _CLOCK_PARTS.fullmatch(value)
    return m is not None and int(m.group("s")) < 60 and (m.group("h") is None or int(m.group("m")) < 60)


def _cue_seconds(value: str) -> float:
    """'00:12:31,500' -> 751.5; '00:00:07:000' (ms after a colon) -> 7.0."""
    m = _CLOCK_PARTS.fullmatch(value)
    return (int(m.group("h") or 0) * 3600 + int(m.group("m")) * 60 + int(m.group("s"))
            + (int(m.group("f")) / 10 ** len(m.group("f")) if m.group("f") else 0.0))


def is_timing(line: str) -> bool:
    """A cue's timing line: one holding "-->" (read, or garbled past reading), or two clocks with a
    looser arrow between them ("->", "—>", "==>")."""
    return "-->" in line or bool(_TIMING_LINE.fullmatch(line))


def _cues(block: str) -> list[str]:
    """A block of lines cut before each timing line after its first (with the cue number before it):
    some writers leave out the blank line between cues."""
    lines = block.strip("\n").split("\n")
    first = next((i for i, line in enumerate(lines) if is_timing(line)), None)
    if first is None:
        return [block]
    cuts = [0] + [i - 1 if i - 1 > first and lines[i - 1].strip().isdigit() else i
                  for i in range(first + 1, len(lines)) if _TIMING_LINE.fullmatch(lines[i])]
    return ["\n".join(lines[a:b]) for a, b in zip(cuts, cuts[1:] + [len(lines)])]


_NOT_CUE = re.compile(r"(?:WEBVTT|NOTE|STYLE|REGION)(?:[ \t].*)?")     # a VTT file's header and its blocks
_VTT_META = re.compile(r"[ \t]*(?i:kind|language|x-[\w-]+)[ \t]*[:=].*")   # header lines after a blank line


def _cue_lines(lines: list[str], vtt_head: bool) -> tuple[re.Match | None, list[str]] | None:
    """(the timing read off a block's timing line, or None; the block's lines of words). A block without a
    timing line (a cue whose line was lost, words after a blank line inside a cue) keeps its words, less
    a cue number opening it and a garbled line of two clocks ("00:00:07,000 00:00:09,000"). None for a
    block that holds no words: a VTT file's header (`vtt_head`: also its ``Kind:``, ``Language:`` lines
    before the first cue), its NOTE, STYLE and REGION blocks, a lone cue number."""
    timing = next((i for i, line in enumerate(lines) if is_timing(line)), None)
    if timing is not None:
        return _CUE_TIME.search(lines[timing]), lines[timing + 1:]
    if _NOT_CUE.fullmatch(lines[0]) or (vtt_head and all(_VTT_META.fullmatch(x) for x in lines)):
        return None
    start = 1 if lines[0].strip().isdigit() else 0
    if start < len(lines) and _CLOCK_PAIR.fullmatch(lines[start]):
        start += 1
    return (None, lines[start:]) if start < len(lines) and (start or len(lines) > 1 or
                                                              not lines[0].strip().isdigit()) else None


def _voice_name(name: str, directory: bool = False) -> str:
    """A VTT voice's name as a label parse.py reads back: no colon or brackets, its words capitalised
    ("bob" -> "Bob", "ann smith" -> "Ann Smith"; particles stay: "Leader of the Opposition"); a directory's "Last,
    First" (Teams' "Natarajan, Priya") in reading order, "Priya Natarajan" (labels.reading_order), and in a file of
    such voices (`directory`) one whose both parts are given names too ("James, Sarah": Sarah James)."""
    name = reading_order(name.strip(), one=directory)
    words = re.sub(r"[:\[\]{}]", " ", name).split()
    words = [w if re.fullmatch(PARTICLE, w) and 0 < i < len(words) - 1 else w[:1].upper() + w[1:]
             for i, w in enumerate(words)]
    return " ".join(words)


def _stamp(seconds: float) -> str:
    """'[00:12:31]', or '[00:12:31.500]' when the cue starts between seconds."""
    ms = round(seconds * 1000)
    s, ms = divmod(ms, 1000)
    return f"[{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{f'.{ms:03d}' if ms else ''}]"


def _caption_speakers(text: str) -> set[str]:
    """The names whose "NAME:" opening a caption line names who speaks: one in capitals or one that opens
    lines more than once, and, once one such name recurs (a conversation), one said once too ("Speaker 2:"
    after "Speaker 1:" twice), as parse.py reads a transcript's labels. Left out: the words of prose
    (NOT_SPEAKERS: "Note:", "WARNING:"), and a capitalised "Today:" said once where no name recurs."""
    named = Counter(m.group("name") for m in _LINE_LABEL.finditer(_TAG.sub("", text)))   # (also "<i>JONAS:</i>")
    named = {name: n for name, n in named.items() if not prose(name)}
    conversation = any(n >= 2 for n in named.values())
    return {name for name, n in named.items() if n >= 2 or name.isupper() or conversation}


# a meeting app's captions (Zoom's): every cue opens with its speaker's display name, whatever it is ("jsmith2:",
# "iPhone:", "John Smith (he/him):", "Amara Okafor - Coastal Lab:"), up to the first colon and a space
_DISPLAY_NAME = re.compile(r"(?P<name>[^\s:<>{}\[\]][^:\n<>{}]{0,59}?):[ \t]+(?=\S)")
DISPLAY_SHARE = 0.8     # ... when at least this share of the cues open so, with two names or more


def _display_names(text: str) -> set[str]:
    """The display names a meeting app's captions open every cue with (_DISPLAY_NAME, in DISPLAY_SHARE of the cues
    or more, two names or more, each without a sentence's end or a clock in it, none a word of prose); else none."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    firsts = [next((x.strip() for x in lines[i + 1:i + 3] if x.strip()), "")
              for i, line in enumerate(lines) if is_timing(line)]
    found = [m.group("name").strip() for m in map(_DISPLAY_NAME.match, firsts) if m]
    names = [n for n in found if not re.search(r"[.?!]$|\d:\d", n) and not prose(n)]
    if len(firsts) < 3 or len(names) < DISPLAY_SHARE * len(firsts) or len(set(names)) < 2:
        return set()
    return set(names)


def _display_label(name: str) -> str:
    """A display name (_display_names) as a label parse.py reads back, where it holds a capitalised word but a word
    of it opens in lower case: a phone's "iPhone de Lucía" is written "IPhone de Lucía" (particles stay: "de"), as a
    voice's "bob" is "Bob"; any other as it is (a handle in lower case, "jsmith2", stays an unnamed speaker's, its
    name in the words)."""
    if SPEAKER_NAME.fullmatch(name) or not re.search(rf"(?:^|\s)[{CAPITALS}]", name):
        return name
    words = name.split()
    label = " ".join(w if re.fullmatch(PARTICLE, w) and 0 < i < len(words) - 1 else w[:1].upper() + w[1:]
                     for i, w in enumerate(words))
    return label if SPEAKER_NAME.fullmatch(label) else name


REORDER = 60.0       # seconds: cues out of order by at most this are read by their start times (subtitle_text)
ROLLING_GAP = 1.0     # seconds: a line the same speaker repeats in a cue starting this soon after the last is a repeat


@dataclass(frozen=True)
class _Piece:
    """A speaker's words on a cue line: who says them (None: whoever spoke last, unless `change`),
    whether the captions mark a new speaker (">>", "- "), whether a voice or a marked label names them
    (`explicit`), whether a "NAME:" label named them (`labelled`)."""
    words: str
    speaker: str | None
    change: bool
    explicit: bool = False
    labelled: bool = False
    display: bool = False   # the label is a WebVTT meeting transcript's display name (_display_names, _Turns.display)


@dataclass(frozen=True)
class _Cue:
    """Where a piece was said: the cue's number among the blocks, its start and end (seconds), whether a pause
    of PAUSE or more came before it, and whether one of LONG_PAUSE did, before this piece (its first)."""
    number: int
    start: float
    end: float
    pause: bool
    long_pause: bool = False


def _voiced(raw: str) -> list[tuple[str | None, str]]:
    """A cue line cut before each VTT voice tag after its first: (the voice's name or None, its text);
    "<v Ann>Hi, Bob.</v> <v Bob>Hello, Ann.</v>" is Ann's words, then Bob's."""
    tags = list(_VOICE.finditer(raw))
    if not tags:
        return [(None, raw)]
    cuts = [0] + [t.start() for t in tags[1:]] + [len(raw)]
    return [(tag.group("name"), raw[a:b]) for tag, a, b in zip(tags, cuts, cuts[1:])]


def _dialogue_dash(piece: str) -> int:
    """Where a caption line's words start after a dialogue dash, 0 where it has none: "- Hi." and "– Hi." as
    always, and a dash without a space or an em dash before a capital or a quote ("-Under the mat.", "—Hi."; not
    "-5 degrees" nor "—but you never listen", a sentence going on)."""
    m = re.match(r"[-–] (?=\S)", piece) or re.match(r"[-–—] ?(?=[\"“'‘¿¡]|[^\W\d_])", piece)
    if m is None:
        return 0
    if m.group() in ("- ", "– ") or piece[m.end()] in "\"“'‘¿¡" or piece[m.end()].isupper():
        return m.end()
    return 0


# a caption line opening with its speaker in brackets, words after it ("(Narrator) In 2021 …", "[JOHN] Hello.")
_BRACKETED = re.compile(rf"[(\[](?P<name>{LABEL})[)\]][ \t]+(?=\S)")


# what a caption's brackets say happened, not who speaks: a sound or an action ("[Laughter]", "(Sighs)",
# "[APPLAUSE]", "[Music Playing]", "(Speaking Spanish)", "[Indistinct Chatter]"): these verbs in any of their forms
# ("laugh", "laughs", "laughed", "laughing") and these nouns; whole words ("Singh", "Clapton", "Barker" are names)
_SOUND_VERBS = (
    "laugh", "chuckle", "giggle", "snicker", "sigh", "gasp", "cough", "sneeze", "sniff", "sniffle", "sob", "cry",
    "weep", "scream", "shout", "yell", "groan", "moan", "grunt", "whisper", "mutter", "murmur", "mumble", "stammer",
    "exhale", "inhale", "breathe", "yawn", "snore", "hiccup", "applaud", "cheer", "clap", "boo", "jeer", "whoop",
    "sing", "hum", "whistle", "pause", "overlap", "chatter", "beep", "ring", "knock", "crash", "bark", "speak",
    "continue", "play", "fade", "kiss", "slam", "buzz", "snort", "scoff", "smile", "nod", "gesture", "interpose",
    "interrupt", "clear", "blow", "thunder",
)
_SOUND_WORDS = {
    "laughter", "applause", "music", "song", "silence", "inaudible", "indistinct", "unintelligible",
    "incomprehensible", "crosstalk", "noise", "noises", "static", "footsteps", "gunshot", "gunshots", "gunfire",
    "explosion", "siren", "sirens", "upbeat", "dramatic", "background", "intro", "outro", "jingle", "unclear",
    "garbled", "offscreen", "off-screen", "voiceover", "throat", "breath", "breathing", "sobbing", "crying", "cries",
    "cried", "sobs", "tears", "chatter", "chattering", "mic", "overlapping", "cheers", "boos", "sighs", "laughs",
}
_SOUND = re.compile(
    rf"(?:{'|'.join(v[:-1] for v in _SOUND_VERBS if v.endswith('e'))})(?:e|es|ed|ing)"
    rf"|(?:{'|'.join(v for v in _SOUND_VERBS if not v.endswith('e'))})(?:s|es|ed|ing|ter|[bgmnpt](?:ing|ed))?",
    re.IGNORECASE)


def _sound(word: str) -> bool:
    """A word of a sound or an action in a caption's brackets ("Laughter", "Sighs", "APPLAUSE", "Playing")."""
    return word.lower() in _SOUND_WORDS or bool(_SOUND.fullmatch(word))


def _named_line(piece: str) -> bool:
    """Whether a caption line opens with a speaker named in brackets or parentheses (a name or a role, four words at
    most, no word of prose, none a sound's or an action's: "[Laughter] Which is …" goes on with the turn before)
    and goes on with what they say: a speaker change, as ">>" is; the name stays in the words (not a label:
    "(Narradora)" and "(Narrator)" of a bilingual file name one speaker)."""
    m = _BRACKETED.match(piece)
    return m is not None and len(m.group("name").split()) <= 4 and bool(SPEAKER_NAME.fullmatch(m.group("name"))) \
        and not prose(m.group("name")) and not any(_sound(w) for w in m.group("name").split())


def _pieces(raw: str, names: set[str], display: set[str] = frozenset(), directory: bool = False) -> list[_Piece]:
    """The speakers' words on one cue line: cut at each voice tag and at ">>" mid-line, tags and
    entities gone, a dialogue dash or a "NAME:" of `names` read off the front (of `display`: a WebVTT meeting
    transcript's display name, _Turns.display); `directory`: the file's voices are written last name first."""
    import html

    out = []
    for voice, part in _voiced(raw):
        line = part
        for _ in range(3):      # tags inside tags ("<v <b>Ann</b>>") come off in turn
            line = _TAG.sub("", line)
        line = html.unescape(line).replace("\u00a0", " ")
        for n, piece in enumerate(re.split(r"\s*>>+\s*", line)):    # ">>" mid-line: another speaker
            piece = " ".join(piece.split())
            change = n > 0 or line.lstrip().startswith(">>")
            dash = _dialogue_dash(piece)
            if dash:        # dialogue dash: the other one answers
                piece, change = piece[dash:].strip(), True
            elif _named_line(piece):      # "(Narrator) In 2021 …": a speaker set apart in brackets speaks
                change = True
            if voice and n == 0:
                out.append(_Piece(piece, _voice_name(voice, directory), change, explicit=True))
                continue
            label = _CAPTION_LABEL.match(piece)
            if not (label and label.group("name") in names):
                label = _DISPLAY_NAME.match(piece)      # (a display name: names holds it only where cues open so)
                if label and label.group("name") in names:
                    out.append(_Piece(piece[label.end():], _display_label(label.group("name")), change, change,
                                      labelled=True, display=label.group("name") in display))
                    continue
            if label and label.group("name") in names:
                out.append(_Piece(piece[label.end():], label.group("name"), change, change, labelled=True,
                                  display=label.group("name") in display))
            else:
                out.append(_Piece(piece, None, change))
    return out


class _Turns:
    """Caption pieces merged into turns, and the stored text they make (subtitle_text's state)."""

    def __init__(self, names: set[str], display: set[str] = frozenset()):
        self.names = names | display
        self.display = display      # a WebVTT meeting transcript's display names, opening every cue (_display_names)
        self.turns: list[list] = []     # [start seconds, speaker or None, marked change, [words...], characters,
                                        #  the start of its last cue that ended a sentence, or None]
        self.marked: set[str] = set()   # speakers a voice or a marked label named
        self.previous = None            # the last piece kept and its cue: rolling captions repeat it

    def add(self, piece: _Piece, cue: _Cue) -> None:
        """`piece` on the turn it continues, or on a new one; a piece the same speaker said last, in an
        earlier cue ending at most ROLLING_GAP before this one, is a rolling caption's repeat and left out
        (the same words from someone else, "<v Ann>No." "<v Bob>No.", or said again later, are kept)."""
        said = (piece.words, piece.speaker, piece.change)
        if not piece.words or (self.previous and said == self.previous[0] and self.previous[1].number < cue.number
                               and cue.start - self.previous[1].end <= ROLLING_GAP):
            return
        self.previous = (said, cue)
        if piece.explicit:
            self.marked.add(piece.speaker)
        current = self.turns[-1] if self.turns else None
        speaker = piece.speaker
        if speaker is None and current is not None and not piece.change:
            speaker = current[1]
        # (only the last piece and the count are looked at: joining the turn at every line was quadratic)
        # (a labelled piece opens its own paragraph, so that the label is written again: never a word lost; but a
        # meeting app's display name opening the same speaker's next cue is no word said, and their words go on, as
        # any speaker's cues do, to a sentence's end past TURN_CHARS or a pause)
        new = (current is None or piece.change or speaker != current[1]
               or piece.labelled and not (piece.display and not current[2])
               or current[4] >= LONGEST_TURN or cue.long_pause
               or (cue.start - current[0] >= LONGEST_SPAN and cue.start - (current[5] or current[0]) >= LONGEST_SPAN)
               or (_SENTENCE_END.search(current[3][-1]) and (current[4] >= TURN_CHARS or cue.pause)))
        if new:
            self.turns.append([cue.start, speaker, piece.change and speaker is None, [piece.words], len(piece.words),
                               cue.start if _ANY_END.search(piece.words) else None])
        else:
            current[3].append(piece.words)
            current[4] += len(piece.words) + 1
            current[5] = cue.start if _ANY_END.search(piece.words) else current[5]

    def text(self) -> str:
        """The turns as paragraphs ``[hh:mm:ss] Name: words``. The one speaker of a file that a voice or a
        marked label names, when no unnamed speaker's ">>" is written, is written ``[hh:mm:ss] >> Name:
        words``: parse.py reads one speaker's label as a speaker's only after the captions' mark (a plain
        transcript's lone "Note:" is no speaker)."""
        named = {t[1] for t in self.turns if t[1] and SPEAKER_NAME.fullmatch(t[1])}
        marks = any(t[2] or (t[1] and t[1] not in named) for t in self.turns)    # ">>" written already
        lone = named.pop() if len(named) == 1 and named <= self.marked and not marks else None
        paragraphs = []
        for start, speaker, unnamed, words, *_ in self.turns:
            if speaker and (speaker == lone or not SPEAKER_NAME.fullmatch(speaker)):
                head = f"{_stamp(start)} >> {speaker}:"     # (also "@user", "7 of Nine": someone parse.py
            else:                                           # cannot name; their name stays in the words)
                head = _stamp(start) + (f" {speaker}:" if speaker else " >>" if unnamed else "")
            paragraphs.append(f"{head} {' '.join(words)}")
        return "\n\n".join(paragraphs) + "\n"


# a line of a speech recogniser's timed text (Whisper's): "[00:00:21.680 --> 00:00:28.920]  words", "[00:21.680 -> ...]"
_TIMED_LINE = re.compile(rf"[ \t]*\[[ \t]*(?P<start>{_CUE_CLOCK})[ \t]*{_ARROW}[ \t]*(?P<end>{_CUE_CLOCK})[ \t]*\]"
                         r"(?P<words>.*)")
TIMED_LINES = 3     # such lines a text holds at least to be read as cues


def timed_text(text: str) -> str | None:
    """The text of a plain text file of timed lines (Whisper's, ``[00:00:21.680 --> 00:00:28.920]  words``, each line
    a cue; a line without a stamp goes on with the cue above it) read as subtitles are (subtitle_text): merged into
    turns, ``[00:00:21.680] words``, the stamps and arrows not quoted. None for any other text: its first line with
    words not so stamped, or fewer than TIMED_LINES of them."""
    cues: list[list[str]] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        m = _TIMED_LINE.fullmatch(line)
        if m:
            if not all(_possible(c) for c in m.group("start", "end")):
                return None
            cues.append([f"{m.group('start')} --> {m.group('end')}", m.group("words").strip()])
        elif line.strip():
            if not cues:
                return None
            cues[-1].append(line.strip())
    if len(cues) < TIMED_LINES:
        return None
    return subtitle_text("\n\n".join("\n".join(cue) for cue in cues) + "\n")


def subtitle_text(text: str) -> str:
    """The text of an SRT or WebVTT file: its cues merged into turns, one paragraph each,
    ``[hh:mm:ss] Name: words`` (see the module's docstring). DocumentError when it has no cue."""
    blocks = [cue for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
              for cue in _cues(block)]
    vtt = text.startswith("WEBVTT")
    display = _display_names(text)
    # (a WebVTT file's display names, Zoom's and Teams' transcripts: a speaker's next cue goes on in their turn)
    merged = _Turns(_caption_speakers(text) | display, display if vtt else set())
    last_end = None
    cues = 0
    waiting = None      # a timed cue with no words yet: a line of spaces after its timing line (YouTube's) cut it off
    said: list[list] = []   # [start, end, timed, words, number] of each cue, in the file's order
    for number, block in enumerate(blocks):
        cue = _cue_lines(block.strip("\n").split("\n"), vtt_head=vtt and not cues)
        if cue is None:         # WEBVTT header, NOTE, STYLE, REGION, a lone cue number
            continue
        m, words = cue
        if m and not all(_possible(c) for c in m.group("start", "end") if c):
            m = None            # "99:99:99,999": no time a clock shows, so garbled
        timed = m is not None or waiting is not None
        if m:
            cues += 1
            start = _cue_seconds(m.group("start"))
            end = _cue_seconds(m.group("end")) if m.group("end") else start
        elif waiting is not None:       # the words of the timed cue before, after its line of spaces
            start, end = waiting
        else:                   # a garbled or lost timing line: its words go on the turn before, at no new time
            start = end = last_end if last_end is not None else 0.0
        waiting = (start, end) if m and not any(w.strip() for w in words) else None
        if waiting:
            continue            # (the silence before it is counted when its words come)
        said.append([start, end, timed, words, number])
        last_end = end
    # in the order they are said: a file's cues out of order (cue 3 before cue 2, as an edited file may have them) are
    # read by their start times, as a player shows them; words whose timing line was lost stay after the cue before.
    # A file whose times go back further than REORDER (two recordings one after the other, each from 00:00:01; a
    # mistyped hour) is read in its own order: no cue of one part is moved into the other
    groups: list[list[list]] = []
    for cue in said:
        if cue[2] or not groups:
            groups.append([cue])
        else:
            groups[-1].append(cue)
    latest = float("-inf")
    back = 0.0
    for group in groups:
        back, latest = max(back, latest - group[0][0]), max(latest, group[0][0])
    if back <= REORDER:
        groups.sort(key=lambda group: group[0][0])      # stable: cues that start together keep the file's order
    # voices written last name first (Teams' "Nguyen, Minh Anh"): then a voice whose both parts are given names is
    # too ("James, Sarah" is Sarah James, who was nobody, her words under ">>"), else it stays as written ("Bob, Alice")
    voices = {v.strip() for raw in (w for cue in said for w in cue[3]) for v in _VOICE.findall(raw)}
    directory = any(reading_order(v) != v for v in voices)
    last_end = None
    for start, end, timed, words, number in (cue for group in groups for cue in group):
        silence = start - last_end if timed and last_end is not None else 0.0
        first = True
        for raw in words:
            for piece in _pieces(raw, merged.names, merged.display, directory):
                merged.add(piece, _Cue(number, start, end, silence >= PAUSE, first and silence >= LONG_PAUSE))
                first = False
        last_end = end
    if not cues:
        raise DocumentError("no subtitle cues (timing lines '00:00:01,000 --> 00:00:04,000') found")
    if not merged.turns:
        raise DocumentError(f"the subtitles' {cues} cue(s) hold no words")
    return merged.text()
