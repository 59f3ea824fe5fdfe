"""What a search says besides its quotes: the notices of an abstained search, of names the documents never
mention, of a count they never give, in the words of what the index holds ("the transcript", "the document", "the
documents"). Plain strings, no state; retrieve.py decides when each is said."""
from __future__ import annotations

NEAREST = "The nearest passages are shown, marked low-confidence."
REST = "The passages shown match the rest of the query."   # a notice's end when nothing is abstained
NOTHING_TO_SEARCH = "The index holds no passages to search."
# an abstained search with no passage at all (a speaker who speaks in none of the documents ticked): never "shown"
NONE_LEFT = "No passage is left to show."


def corpus_noun(index) -> str:
    """What the index holds, in the page's and the notices' words: "the transcript" (one document with questions
    and answers), "the document" (one without), "the documents" (several)."""
    if index is None or len(index.documents) != 1:
        return "the documents"
    return "the transcript" if any(p.kind == "question" for p in index.paragraphs) else "the document"


def _quoted(terms: list[str]) -> str:
    q = [f"'{t}'" for t in terms]
    return q[0] if len(q) == 1 else ", ".join(q[:-1]) + " or " + q[-1]


def missing_notice(noun: str, terms: list[str]) -> str:
    """"No document mentions 'Mongolia' or 'Ulaanbaatar'." (one document: "The transcript never mentions ...";
    some of them: "The documents searched never mention ...")."""
    if noun == "the documents":
        return f"No document mentions {_quoted(terms)}."
    verb = "mention" if noun.startswith("the documents") else "mentions"
    return f"{noun[0].upper()}{noun[1:]} never {verb} {_quoted(terms)}."


def abstain_notice(noun: str, missing: list[str]) -> str:
    """The notice of an abstained search: what is missing, or that the documents do not seem to address it."""
    if missing:
        return f"{missing_notice(noun, missing)} {NEAREST}"
    verb = "do" if noun.startswith("the documents") else "does"
    return f"{noun[0].upper()}{noun[1:]} {verb} not appear to address this. {NEAREST}"


def respelt_notice(noun: str, pairs: list[tuple[str, str]]) -> str:
    """"Searched for 'Kazakhstan' instead of 'Kazakstan', which the transcript never writes." (Vocabulary.respelled:
    each pair as typed, as searched)."""
    verb = "write" if noun.startswith("the documents") else "writes"
    searched = " and ".join(f"'{b}'" for _, b in pairs)
    typed = " and ".join(f"'{a}'" for a, _ in pairs)
    return f"Searched for {searched} instead of {typed}, which {noun} never {verb}."


def elsewhere_notice(terms: list[str]) -> str:
    """What the documents searched never mention but others of the index do."""
    return f"Other documents of the index mention {_quoted(terms)}."


def count_notice(noun: str, counted: str, shown: bool = True) -> str:
    """"The transcript gives no number of 'CSTO peacekeepers'." (asks.py), and what is shown instead."""
    verb = "give" if noun == "the documents" else "gives"
    said = f"{noun[0].upper()}{noun[1:]} {verb} no number of '{counted}' in the best passages."
    return f"{said} {NEAREST if shown else REST}"


def unsure_notice(counted: str) -> str:
    """The notice of a count question whose best passage gives a number near its other words, none next to
    what it counts ("140 employees" for "how many people")."""
    return f"No number stands next to '{counted}' in the best passages: check whether the numbers shown count it."


def language_notice(asked_in: str, theirs: list[str], noun: str) -> str:
    """The question seems to be in a language the documents are not (language names: "German", "English")."""
    return (f"The question seems to be in {asked_in}, {noun} in {' and '.join(theirs)}: its words are looked for as "
            f"they are written, so the quotes may miss what it asks. Ask in {' or '.join(theirs)} for a reliable "
            "answer.")


def unsaid_notice(who: str, words: str) -> str:
    """"What did Tom Brown say about the eelgrass?", where only Dr. Nguyen mentions it (`words`: listed)."""
    return f"{who} never says {words} in the passages searched: the quotes shown are theirs on the rest of the question."


def changed_notice(name: str) -> str:
    """A document's file edited on disk since it was indexed (store.changed_sources): the quotes are the index's."""
    return f"{name} changed on disk since it was indexed: the quotes come from the text as indexed."


def not_speaking_notice(who: str) -> str:
    """A speaker chosen who speaks in none of the documents chosen."""
    return f"{who} does not speak in the documents searched."


ABSTAIN_NOTICE = abstain_notice("the transcript", [])   # the default transcript's, when nothing is missing
