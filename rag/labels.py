"""Speaker labels: the grammar of a name that opens a turn ("Jane Doe:", "PhD B:", "Right Hon. Justin
Trudeau:"), which subtitles.py writes and parse.py reads back, and the labels that are prose, not people. What it
leaves out: deciding which labels of a document are its speakers' (parse.py counts and checks them)."""
import re
from functools import lru_cache

from .paths import first_names

# a speaker's label, as subtitle_text writes it and parse.py reads it back: one to six words, each
# capitalised ("Project Manager", "PhD B", "Right Hon. Justin Trudeau", "MR. SMITH", "José Müller", "李明"),
# a number ("Speaker 2") or a particle between names ("Leader of the Opposition"); a word is "Smith",
# "O'Neil", "d'Entremont", "U.S", a title "Hon." or an initial "J." (a word ending a sentence, "Thanks.",
# is not one). Capitals: Latin, Greek, Cyrillic, Armenian, and the letters of scripts without case (Hebrew, Arabic,
# Devanagari, Thai, Georgian, Chinese, Japanese kana, Korean).
CAPITALS = ("A-ZÀ-ÖØ-ÞΑ-ΩА-ЯЁ\u0531-\u0556\u05d0-\u05ea\u0620-\u064a\u0671-\u06d3\u0904-\u0939\u0e01-\u0e2e"
            "\u0e40-\u0e44\u10d0-\u10fa\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af")
_TITLES = r"(?i:Mr|Mrs|Ms|Mx|Dr|Prof|Hon|Rt|Rev|Sen|Rep|Gov|Gen|Col|Capt|Lt|Sgt|St|Jr|Sr|Mme|Mlle|Messrs)"
# (a name's letters with their accents as combining marks, "Rene\u0301e" of a file in NFD, its hyphen a
# non-breaking one, "Al\u2011Farouq", Arabic's vowel marks, Devanagari's and Thai's vowel signs)
_WORD = rf"(?:{_TITLES}\.|[{CAPITALS}]\.|(?:[dl]['’])?[{CAPITALS}](?:[\w'’\u0300-\u036f\u2010\u2011\u064b-\u065f\u0900-\u097f\u0e00-\u0e7f-]|\.(?=\w))*)"
PARTICLE = r"(?:of|the|de|van|von|der|den|da|di|du|la|le|del|bin|al|y)"
# a parliament's record of members speaking together ("Some hon. members: Agreed.", "An hon. member: Shame!"): not
# the words of the chair before them
COLLECTIVE = r"(?:Some |An |(?=[Hh]))(?:[Hh]on\.|[Hh]onourable|[Hh]onorable) (?:[Mm]embers|[Mm]ember)"
LABEL = rf"(?:{COLLECTIVE}|{_WORD}(?: (?:{_WORD}|\d{{1,3}}|{PARTICLE}(?=(?: {PARTICLE})* [{CAPITALS}]))){{0,5}})"
# a time stamp before a label: in brackets its hours may be left out ("[12:31]", "[100:02:03]"), outside them not
CLOCK = r"(?:\d{1,3}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
HOURS_CLOCK = r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?"
MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"   # (a date's)
# no-break spaces read as spaces ("Ana\u00a0Li:" is a speaker's label, a word processor's or a web page's): one
# character for one, so every offset holds (spaced)
_NO_BREAK = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " "})


def spaced(text: str) -> str:
    """`text` with its no-break spaces as spaces, the same length (the same text where it has none)."""
    return _spaced(text) if "\u00a0" in text or "\u202f" in text or "\u2007" in text else text


@lru_cache(maxsize=4)       # (a document's windows each look for their first label in it)
def _spaced(text: str) -> str:
    return text.translate(_NO_BREAK)


SPEAKER_NAME = re.compile(rf"{LABEL}(?: \([^()\n]{{1,160}}\))?")     # "Ann (BBC)" too

# labels that are prose, not people: "Note: ...", "Example: ...", a header block's "Date: ..."; parse.py and
# subtitle_text never take them for speakers
NOT_SPEAKERS = {
    "note", "notes", "nb", "n.b", "ps", "p.s", "example", "examples", "e.g", "i.e", "warning", "caution",
    "tip", "hint", "important", "summary", "source", "sources", "update", "edit", "see", "also", "re",
    "subject", "from", "to", "cc", "date", "time", "location", "place", "title", "author", "by", "step",
    "result", "results", "output", "input", "usage", "definition", "remember", "todo", "fixme",
    "disclaimer", "abstract", "keywords", "tags", "conclusion", "introduction", "background",
    "objective", "method", "methods", "agenda", "attendees", "present", "absent", "participants",
    "speakers", "transcript", "duration", "recorded", "language", "url", "link", "http", "https",
    "email", "phone", "tel", "fax", "figure", "fig", "table", "chapter", "section", "part", "day",
    "phase", "status",
    # minutes and release notes: "Decision: the budget is approved.", "Action: Bob writes.", "Fixed: ..."
    "decision", "decisions", "action", "actions", "outcome", "outcomes", "resolved", "motion", "vote",
    "approved", "adopted",      # minutes' footer: "Approved: April 23, 2024"
    "fixed", "added", "changed", "removed", "deprecated", "security", "breaking", "known issues",
    "next steps", "action items", "action item",
    # a knowledge base's, a risk register's, a report's (a hostile review: "Problem:"/"Solution:" were two speakers)
    "problem", "problems", "solution", "solutions", "issue", "issues", "cause", "fix", "workaround", "symptom",
    "symptoms", "risk", "risks", "owner", "owners", "impact", "mitigation", "deadline", "priority", "goal", "goals",
    "bottom line", "key point", "key points", "takeaway", "takeaways", "pros", "cons", "finding", "findings",
    "recommendation", "recommendations", "lesson", "lessons", "lessons learned", "purpose", "scope", "requirement",
    "requirements", "assumption", "assumptions",
    # a title line that names the document's kind: "Interview: Flooding in Lagos, with Dr. Amara Okafor"
    "interview", "press conference", "briefing", "hearing", "meeting", "minutes", "q&a", "podcast", "episode",
    # minutes' and stand-ups' fields, a news page's (a hostile review: "Reason:", "Yesterday:", "Photo:" were speakers)
    "reason", "reasons", "option", "options", "alternative", "comment", "comments", "response", "responses", "reply",
    "yesterday", "today", "tomorrow", "blocker", "blockers", "done", "doing", "next", "progress",
    "photo", "photos", "image", "picture", "caption", "credit", "credits", "published", "updated", "posted",
    "modified", "correction", "corrections", "clarification", "read more", "related", "editor's note", "editor’s note",
    "category", "categories", "filed under", "topics",
    "appearances", "witnesses",     # a hearing's and a court record's lists of who appears
}

# words of prose that are also an interviewee's role in a research interview's labels ("INTERVIEWER:" / "SUBJECT:"):
# a speaker's where the label opens two paragraphs or more beside an asker's label that does too (turns.openings),
# else prose (an e-mail's "Subject: Budget")
INTERVIEW_ROLES = {"subject"}


# titles before a name ("Mr Kuleba", "Rt Hon Justin Trudeau"), lower case, without a full stop
TITLES = {"mr", "mrs", "ms", "mx", "miss", "dr", "prof", "hon", "honourable", "honorable", "right", "rt",
          "the", "sir", "dame", "lord", "lady", "sen", "senator", "rep", "gov", "rev", "mme", "m"}
# offices before a name (speakers.py: each also a mention of its own, "what did the mayor say")
OFFICES = {"mayor", "president", "minister", "premier", "chancellor", "governor", "judge", "justice",
           "chairman", "chairwoman", "chairperson", "commissioner", "secretary", "ambassador", "general",
           "captain", "professor", "director", "councillor", "councilor", "deputy", "inspector", "detective",
           "officer", "coach", "principal", "bishop", "father", "sister", "pastor", "rabbi", "imam"}


# what a label may call someone by role rather than name ("THE WITNESS:", "Moderator:", "The Chair:"): a query's
# "the witness" in lower case is a role, whoever holds it in each document (scope.py); "brown" is a name
ROLES = OFFICES | {
    "chair", "witness", "moderator", "interviewer", "interviewee", "host", "guest", "speaker", "clerk", "court",
    "presenter", "panelist", "panellist", "respondent", "narrator", "reporter", "journalist", "member", "audience",
    "caller", "participant", "facilitator", "interpreter", "translator", "operator", "chairperson", "defendant",
    "plaintiff", "counsel", "attorney", "lawyer", "juror", "bailiff", "applicant", "petitioner", "teacher", "student",
    "doctor", "nurse", "patient", "expert", "panel", "committee", "the"}


# everyday words of headings, a programme's items, a lecture's segments and minutes' lead-ins ("Keynote", "Worked
# Example", "Course Overview", "Key takeaway"): a label made of any of them alone on its line, or before a time, names
# no one (turns._a_person, not english.is_common: turns may not import a later stage)
EVERYDAY = set("""
a an the of and or for to in on at with by from about into over under after before up out off it its is are we our
my your this that these those what why how who when where which here there now then today next new old first second
third last final main general key big small short long quick simple basic advanced further more other special open
close closing opening start end wrap round free live time times day days week weeks morning afternoon evening night
noon midday keynote lunch dinner breakfast brunch tea coffee snack snacks break breaks registration reception
welcome welcoming remarks session sessions workshop workshops seminar seminars lecture lectures talk talks panel
panels discussion discussions debate plenary forum tour tours visit visits walk trip demo demos demonstration
poster posters presentation presentations networking ceremony awards award prize music show party social drinks
course courses overview overviews worked example examples exercise exercises practice practical problem problems
solution solutions question questions answer answers introduction intro summary summaries review recap
conclusion conclusions thoughts concept concepts case study studies part chapter section topic topics lesson
lessons module unit units theory method methods result results data analysis model models design test tests
testing quiz exam homework assignment reading readings notes note outline preview highlights highlight takeaway
takeaways fact facts check follow vote votes decision decisions action actions item items update updates news
report reports steps step matters matter background history context story stories team group groups q&a
schedule programme program agenda plan plans setup travel transfer departure arrival arrivals check-in sign
reflection reflections feedback comments wrap-up warm-up icebreaker announcements business other any
""".split())
# roles whose label's bracket names where they work, never who they are ("Reporter (Sydney Morning Herald)", "Journalist
# (Al Jazeera)": speakers.person_named)
PRESS_ROLES = {"reporter", "journalist", "correspondent"}
# words of a place's or an institution's name, not a person's ("Houston Chronicle", "Charlotte Observer", "Virginia
# Tech", "Georgia Public Broadcasting": a census first name before them names no one; speakers.person_named)
INSTITUTION_WORDS = {
    "herald", "chronicle", "observer", "tech", "broadcasting", "times", "news", "radio", "tv", "television",
    "university", "college", "institute", "school", "academy", "post", "journal", "tribune", "gazette", "telegraph",
    "guardian", "express", "mirror", "record", "courier", "dispatch", "examiner", "sentinel",
    "bulletin", "daily", "weekly", "media", "network", "channel", "magazine", "review", "reporter", "wire",
    "public", "state", "city", "county", "council", "hospital", "bank", "company", "group", "foundation", "trust",
    "association", "society", "union", "agency", "department", "ministry", "office", "service", "services", "centre",
    "center", "club", "fc", "inc", "ltd", "llc", "corp", "plc", "fm", "bbc", "cnn", "abc", "nbc", "cbs", "npr",
    "pbs", "morning", "evening", "online", "today", "world", "international", "national", "global",
}


def titled_person(text: str) -> bool:
    """Whether a label's bracket is a titled person's name ("Mr. Bruce Stanton", "Councillor Ingrid Halvorsen"): a
    title or an office, then capitalised words, none of them an office ("Minister of Finance", "Deputy Prime
    Minister" are offices; "Reuters", "Burnaby South, NDP" no title)."""
    words = text.split()
    if not 2 <= len(words) <= 5 or re.search(r"[,;/&()]", text):
        return False
    first = words[0].lower().rstrip(".")
    return first in (TITLES | OFFICES) - {"the", "right"} and all(
        w[0].isupper() and w.lower().rstrip(".") not in OFFICES for w in words[1:])


def prose(label: str) -> bool:
    """Whether a label is prose, not a person: one of NOT_SPEAKERS, also with a number or a letter after it
    ("Step 1", "Option A", "Part II"), any case, a full stop after it or not."""
    folded = label.lower().rstrip(".")
    base = re.sub(r" (?:\d{1,3}|[a-z]|[ivx]{1,4})$", "", folded)
    # (a court record's "For the Government: MICHAEL DAVIS, Assistant United States Attorney" is who appears for whom)
    return folded in NOT_SPEAKERS or base in NOT_SPEAKERS or folded.startswith("for ")


# an editor's note on the recording above a transcript's first words, each sentence of it so: "Recorded at the Hay
# Festival, 30 May 2024. Edited for length.", "This interview has been edited for length and clarity." (not a
# speaker's "We recorded a profit.": the note's verb opens its sentence, or follows the transcript it is about)
_NOTE_SENTENCE = (r"(?:(?:This|The) (?:transcript|interview|conversation|recording|panel|discussion|episode|session|text)"
                  r"(?: [\w'’-]+){0,2} (?:has been|have been|was|were|is|are) )?(?:lightly |heavily )?"
                  r"(?:recorded|taped|filmed|transcribed|edited|condensed|abridged|translated)\b[^.!?\n]*[.!]")
_EDITORS_NOTE = re.compile(rf"(?i:{_NOTE_SENTENCE})(?:[ \t]+(?i:{_NOTE_SENTENCE})){{0,2}}")
NOTE_CHARS = 240    # the longest such note


def editors_note(body: str) -> bool:
    """Whether a paragraph is an editor's note on the recording (_EDITORS_NOTE), nobody's words."""
    return len(body) <= NOTE_CHARS and _EDITORS_NOTE.fullmatch(body) is not None


_OPENING = re.compile(rf"(?:\[{CLOCK}\]\s*)?(?:Q\d{{1,4}} )?(?P<label>{LABEL})(?: \([^()\n]{{1,160}}\))?[ \u00a0\u202f]?:\s")


def opens_turn(text: str) -> bool:
    """Whether `text` opens with a speaker's label ("Jane Smith: …", "[00:01:02] Tom Reed: …"), not prose
    ("Note: …"): a reader puts no list number before it (a hearing laid out as a numbered list is its speakers')."""
    m = _OPENING.match(text)
    return m is not None and not prose(m.group("label"))


# a directory's "Last, First" (Teams' display names, "Natarajan, Priya", "van der Berg, Anna", "Okonkwo, Chidi
# (External)"): any words (a VTT voice's), and as a label in a text (INVERTED: capitalised words, turns.py)
_INVERTED = re.compile(rf"(?P<last>(?:{PARTICLE} )*[^\W\d_][\w'’-]*(?: [^\W\d_][\w'’-]*)?), (?P<first>[^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*)?)"
                       r"(?P<rest> \([^()]{1,60}\))?")
INVERTED = rf"(?:{PARTICLE} )*{_WORD}(?: {_WORD})?, {_WORD}(?: {_WORD})?"
_SUFFIX = re.compile(r"(?i:jr|sr|ii|iii|iv|phd|md|esq|obe|mbe|cbe|kc|qc)\.?")


def reading_order(name: str, one: bool = False) -> str:
    """A directory's "Last, First" in reading order, "Priya Natarajan" ("Okonkwo, Chidi (External)" -> "Chidi Okonkwo
    (External)"); any other name as it is: not two people ("Bob, Alice": the part before the comma a first name,
    unless the name is `one` person's, a VTT voice's: Teams' "James, Sarah" is Sarah James), a role before or after
    the comma ("Host, Jane", "Sarah, Interpreter"), or a suffix or a title after a name ("Smith, Jr.", "Jones, MP")."""
    inverted = _INVERTED.fullmatch(name)
    last = inverted.group("last").split()[-1].casefold() if inverted else ""
    if inverted and not _SUFFIX.fullmatch(inverted.group("first")) and not inverted.group("first").isupper() \
            and (one or last not in first_names()) and last not in ROLES and not a_role(inverted.group("first")):
        return f"{inverted.group('first')} {inverted.group('last')}{inverted.group('rest') or ''}"
    return name


def a_role(label: str) -> bool:
    """Whether a label is a role's (ROLES: "Moderator", "The Chair"), or of one to three words the last of which is
    ("TEACHING ASSISTANT", "Audience Member", "Research Assistant")."""
    from .paths import first_names

    words = label.lower().removeprefix("the ").split()
    return " ".join(words) in ROLES or 1 < len(words) <= 3 and words[-1] in (ROLES | {"assistant"}) - {"the"} and \
        not any(w.strip(".") in first_names() - TITLES for w in words[:-1])     # (not "Tom Bishop"; "Lady Chair" is)
