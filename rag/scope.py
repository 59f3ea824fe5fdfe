"""Where a search looks: the documents asked for (by id, or as a citation names them) and the speaker chosen or named
in the query ("what did the Project Manager say"), as a mask of the index's rows, with the notices that say so.
What it leaves out: ranking (retrieve.py), how a name is resolved to a speaker (speakers.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .errors import QueryError, listing
from .english import HONORIFICS
from .labels import OFFICES


SPEAKERS_JOIN = " or "      # a search restricted to several speakers names them so ("Anna Berg or Tom Berg": Result.speaker)


def one_of(speaker: str) -> list[str]:
    """The speakers a Result.speaker names: "Anna Berg or Tom Berg" -> both (SPEAKERS_JOIN)."""
    return [n.strip() for n in speaker.split(SPEAKERS_JOIN) if n.strip()]


_FILTER_WORDS = HONORIFICS | {"the", "a", "an"}     # words of a --speaker filter no name need hold


def _name_words(name: str) -> set[str]:
    """A name's words folded, accents dropped: "Muller" is José Müller's."""
    from .speakers import _fold
    return {_fold(w) for w in re.findall(r"[^\W_]+", name)}


def _meant(asked: str, doc_id: str) -> bool:
    """Whether a document id asked for that is not in the index means `doc_id`: a citation's path (its file
    name), or the name in other case, without its extension or with spaces around it ("PODCAST.TXT", "podcast")."""
    name = re.split(r"[\\/]", asked)[-1].strip().casefold()
    return name in (doc_id.casefold(), doc_id.casefold().rsplit(".", 1)[0])


# a question named by its number, as the citations number them ("Answer to Q7"): "question 7", "question no. 7",
# "question number 7", "question #7", "Q7", "Q 7"
_NUMBERED = re.compile(r"\b(?:(?i:question)[ \t]*(?:(?i:no)\.?[ \t]*|(?i:number)[ \t]*|#[ \t]*)?|(?P<q>Q)[ \t]?)"
                       r"(?P<n>\d{1,3})\b(?![ \t]*[:)\]]|[ \t]*(?i:and|or|to|-|–)[ \t]*\d|[ \t]+(?i:of|in|on)\b)")
# what names one of them inside a longer question: "… in question 7", "the answer to question 7" (not "Question 3:" of
# the user's own list, "more than question 20", "questions 2 and 3", "question 2 of the survey")
_REFERRED = re.compile(r"\b(?i:in|to|under)[ \t]+$")
# the words a query naming a question by its number may hold beside it and ask nothing more ("What is the answer to
# question 7?", "Show me Q7")
REFERENCE_FRAME = frozenset("what is was were are the answer answers answered reply replies response responses to in "
                             "of show me give read quote which who asked ask asks did does do say said says tell "
                             "please and its for there".split())


def _only_reference(text: str, m: re.Match) -> bool:
    """Whether `text` asks nothing but the question its reference `m` names."""
    rest = text[:m.start()] + " " + text[m.end():]
    return all(w.lower() in REFERENCE_FRAME for w in re.findall(r"[^\W\d_]+", rest))


class Scope:
    """The documents and speakers a search over one index is restricted to (Retriever._scope), read from its rows'
    caches (rows.Rows: each speaker's rows, the askers, the alias table)."""

    def __init__(self, index, rows):
        self.index = index
        self._rows = rows

    def _allowed(self, docs) -> np.ndarray | None:
        """The rows of the passages of `docs` as a mask (None: all documents)."""
        if docs is None:
            return None
        try:
            docs = set(docs)
        except TypeError:     # not a collection, or ids that cannot be hashed
            raise QueryError(f"The documents to search must be a set of document ids, not {docs!r:.80}.") from None
        bad = sorted(repr(d)[:80] for d in docs if not isinstance(d, str))
        if bad:
            raise QueryError(f"Document ids must be text, not {', '.join(bad)}.")
        unknown = docs - set(self.index.documents)
        if unknown:     # said with what was meant (a citation's path: its file name) and what there is
            ids = sorted(self.index.documents)
            meant = sorted({i for u in unknown for i in ids if _meant(u, i)})
            raise QueryError(f"No such document in the index: {', '.join(repr(u) for u in sorted(unknown))}."
                             + (f" Did you mean {', '.join(meant)}?" if meant else "")
                             + f" Its documents: {listing(ids, 5)} (`rag docs` lists them).")
        mask = np.zeros(len(self.index.passages), dtype=bool)
        for d in docs:
            mask[self._rows.of_doc.get(d, np.zeros(0, dtype=np.int64))] = True
        return mask

    def _shown(self, names: list[str]) -> str:
        """Speakers as a notice names them, each with the name the document gives a label of initials or a code ("DB
        (Dolores Barrios)", "R (Walter Pennock)": rows.Rows.known_as)."""
        known = self._rows.known_as
        return SPEAKERS_JOIN.join(f"{n} ({known[n]})" if n in known else n for n in names)

    def _of_searched(self, names: list[str], allowed) -> list[str]:
        """Those of `names` (speakers as the index names them) who speak in the documents searched (`allowed`), when
        one does: "the Professor" of one meeting is its own; else all of them (the search then says where they do not
        speak)."""
        if allowed is None:
            return names
        speak = [n for n in names if allowed[self._rows.speakers[n.casefold()][1]].any()]
        return speak or names

    def _speaker(self, speaker, allowed=None) -> tuple[str, np.ndarray, str, bool]:
        """(the speaker as the index names them, a mask of the rows where they speak; among several that fit, those of
        the documents searched, `allowed`; the notice that says so, and who else the name fits among those who ask
        the questions; whether they are one who asks: then the rows are the answers to their questions, which the
        search quotes before them); QueryError naming the speakers there are when the index has no such speaker."""
        if not isinstance(speaker, str) or not speaker.strip():
            raise QueryError(f"The speaker must be a name, not {speaker!r:.80}.")
        found = self._rows.speakers.get(" ".join(speaker.split()).casefold())
        several = [self._rows.speakers.get(" ".join(n.split()).casefold()) for n in one_of(speaker)]
        if found is None and len(several) > 1 and all(several):     # as a search said them: "Anna Berg or Tom Berg"
            found = (SPEAKERS_JOIN.join(name for name, _ in several), np.concatenate([rows for _, rows in several]))
        # as a question names them, the filter's words all its mention: "Senator Holloway" (SEN. PATRICIA HOLLOWAY or
        # HOLLOWAY), "Commissioner Jimenez" (Rosa Jimenez), "Holloway" (the label HOLLOWAY, and as a question has it)
        asked = self._as_asked(speaker)
        if asked and (found is None or found[0] in asked):
            names = self._of_searched(asked, allowed)
            found = (SPEAKERS_JOIN.join(names), np.concatenate([self._rows.speakers[n.casefold()][1] for n in names]))
        if found is None:       # as a query names them: "Berg" (Anna Berg), "the PhD" (PhD A or PhD B)
            from .speakers import resolve_in

            known = self._rows.known_as

            def words(n: str) -> set[str]:      # (a label of initials is also the name the document gives them)
                return _name_words(n) | _name_words(known.get(n, ""))

            every = [name for name, _ in self._rows.speakers.values()]
            asked = words(speaker)
            given = asked - _FILTER_WORDS
            # as a query names them, else by any words of their label ("Amina" of "Dr. Amina Yusuf")
            names = resolve_in(speaker, *self._rows.alias_table, named=True).speakers \
                or [n for n in every if given and given <= words(n)]
            # each word of the filter is theirs: not "Emeka Okafor" for Amara Okafor, "Maria Lavrov" for Sergey
            names = [n for n in names if given <= words(n)]
            # and a title it gives narrows to those who carry it ("Dr Amina": Dr. Amina Yusuf, not Amina Bello)
            titled = [n for n in names if asked & HONORIFICS & words(n)]
            names = self._of_searched(titled or names, allowed)
            if names:
                rows = np.concatenate([self._rows.speakers[name.casefold()][1] for name in names])
                found = (SPEAKERS_JOIN.join(names), rows)
        # those who ask the questions (an interviewer, a host) that the name fits too: their questions are context
        asking = [a for a in self._rows.askers if self._fits(speaker, a)
                  and (found is None or a not in found[0].split(SPEAKERS_JOIN))]
        # one person once: "Moderator" asks as "Moderator (Rachel Adebayo)" too (rows.Rows.asked_as), and "Moderator"
        # chosen said "Only the answers to Moderator or Moderator (Rachel Adebayo)'s questions"
        asking = [a for a in asking if not any(b.startswith(a + " (") for b in asking)]
        if found is None:
            known = sorted(name for name, _ in self._rows.speakers.values())
            named = listing(known, 12)
            from .exchanges import UNNAMED_LABELS

            named_askers = [a for a in asking if a.casefold() not in UNNAMED_LABELS]
            answers = [r for a in named_askers for r in self._rows.answers_to.get(a, ())]
            if answers:     # an interviewer chosen: the answers to their questions, each question quoted before them
                who = SPEAKERS_JOIN.join(named_askers)
                mask = np.zeros(len(self.index.passages), dtype=bool)
                mask[answers] = True
                return who, mask, (f"Only the answers to {who}'s questions, each question quoted before its "
                                   "answer."), True
            if asking:
                raise QueryError(f"{SPEAKERS_JOIN.join(asking)} {'asks' if len(asking) == 1 else 'ask'} the questions "
                                 "here: a question is shown with the answer it got, not searched as a passage of its "
                                 "own. Search without the speaker filter"
                                 + (f", or choose one who answers: {named}." if known else "."))
            raise QueryError(f"No passage is spoken by {speaker.strip()!r:.80}. "
                             + (f"Speakers: {named}." if known else "The index names no speakers."))
        mask = np.zeros(len(self.index.passages), dtype=bool)
        mask[found[1]] = True
        said = f"Only passages where {self._shown(one_of(found[0]))} speaks." + (
            f" ({SPEAKERS_JOIN.join(asking)} {'asks' if len(asking) == 1 else 'ask'} the questions: shown with the "
            f"answers, not searched.)" if asking else "")
        return found[0], mask, said, False

    def _as_asked(self, speaker: str) -> list[str]:
        """The speakers a speaker filter names as a question would (speakers.resolve_in), where its mention is the
        whole filter, "the", titles and offices aside ("Senator", "Commissioner"); a title it gives narrowing to
        those who carry it (as in _speaker); else []."""
        from .speakers import _NAME_TITLES, resolve_in

        resolution = resolve_in(speaker, *self._rows.alias_table)
        rest = "".join(speaker[a:b] for a, b in zip((0, *(e for _, e in resolution.spans)),
                                                     (*(s for s, _ in resolution.spans), len(speaker))))
        if not resolution.speakers or _name_words(rest) - _FILTER_WORDS - _NAME_TITLES - OFFICES:
            return []
        titled = [n for n in resolution.speakers if _name_words(speaker) & HONORIFICS & _name_words(n)]
        return titled or list(resolution.speakers)

    def _other_named(self, text: str, who: str) -> list[str]:
        """A notice when the query names speakers other than `who`, the speaker chosen ("What did Jonas say …?" with
        Amira Haddad chosen in the chat): the choice holds, and says so."""
        from .speakers import _fold, resolve_in

        if not any(_fold(w) in self._rows.alias_words for w in re.findall(r"[^\W_]+", text)):
            return []
        chosen = set(who.split(SPEAKERS_JOIN))
        named = resolve_in(text, *self._rows.alias_table).speakers
        others = [n for n in named if n not in chosen]
        if not others or chosen & set(named):   # ("Berg", Anna Berg chosen: it names her too)
            return []
        return [f"The query names {SPEAKERS_JOIN.join(others)}; the speaker chosen, {who}, decides whose passages "
                f"are searched."]

    @staticmethod
    def _fits(asked: str, name: str) -> bool:
        """Whether each word of a speaker filter (titles aside) is one of `name`'s, accents and case aside."""
        given = _name_words(asked) - _FILTER_WORDS
        return bool(given) and given <= _name_words(name)

    def _named(self, text: str, allowed) -> tuple[str | None, np.ndarray | None, str, str, bool]:
        """The speakers `text` names (speakers.resolve against the index's), when they speak in the
        documents searched: (their names, a mask of their rows, the query without the mention, the
        notice that says so, whether the rows are the answers to an asker's questions: _put_to); else (None, None,
        text, "", False), or _asked_by's."""
        from .speakers import asks_of, query_without, resolve_in

        from .speakers import _fold

        found = self._rows.speakers
        if not any(_fold(w) in self._rows.alias_words for w in re.findall(r"[^\W_]+", text)):
            return (*self._asked_by(text, allowed), False)
        resolution = resolve_in(text, *self._rows.alias_table)
        if not resolution.speakers:
            return (*self._asked_by(text, allowed), False)
        if asks_of(text, resolution) and set(resolution.speakers) <= set(self._rows.asked_in):
            # what one who asks the questions asked ("What did the moderator ask about the helmets?"): their
            # questions are no passage, but the context of the answers, searched (their own few other words are not)
            asked = self._asked_by(text, allowed)
            if asked[2] != text:
                return (*asked, False)
        speakers = self._of_searched(list(resolution.speakers), allowed)
        mask = np.zeros(len(self.index.passages), dtype=bool)
        for name in speakers:
            mask[found[name.casefold()][1]] = True
        put = self._put_to(text, resolution, speakers, mask, allowed)
        if put is not None:
            return put
        if allowed is not None and not (mask & allowed).any():
            # a role no speaker of the documents searched is called ("the witness" of a court record, a hearing
            # searched): the passages are ranked, and judged, by what was asked of it
            return None, None, query_without(text, resolution) if resolution.role else text, "", False
        names = SPEAKERS_JOIN.join(speakers)
        said = f"Only passages where {self._shown(speakers)} speaks" + (
            f" (\u201c{resolution.mention}\u201d could be any of them)." if len(speakers) > 1 and resolution.ambiguous
            else ".")
        searched = np.ones_like(mask) if allowed is None else allowed
        if (mask & searched).sum() == searched.sum() and not (len(speakers) > 1 and resolution.ambiguous):
            said = ""       # they speak every passage searched (a press conference's one answerer): nothing to say
        if resolution.role:     # "the witness" of a court record is no one's in a hearing whose witnesses are named
            said = self._elsewhere(mask, searched, names, resolution.mention) or said
        return names, mask, query_without(text, resolution), said, False

    def _put_to(self, text: str, resolution, speakers: list[str], mask: np.ndarray, allowed):
        """A question put to a speaker by one who asks, both named ("What did the Chair ask Ms. Okafor about the
        investigations?"): the speaker is whom it was put to (speakers.put_to), the one who asked is the one asked
        about; the answers they gave to that asker's questions are searched, each question quoted before its answer,
        by the query without either mention. _named's tuple, with `speakers` as who; where that asker put no question to
        them, their passages, and a notice that says so; None else (the search was restricted to Ms. Okafor's answers,
        and the Chair's words counted against the confidence)."""
        from .speakers import put_to, query_without

        if not put_to(text, resolution):
            return None
        rest = query_without(text, resolution)
        askers = self._askers(rest, allowed)
        answers = self._answers_to(askers.speakers) if askers else None
        if askers and (answers is None or not (answers & mask).any()) and (allowed is None or (mask & allowed).any()):
            # (the one asked about never put a question to them: their passages, and a notice that says so)
            return (SPEAKERS_JOIN.join(speakers), mask, query_without(rest, askers),
                    f"{SPEAKERS_JOIN.join(askers.speakers)} {'puts' if len(askers.speakers) == 1 else 'put'} no "
                    f"question to {self._shown(speakers)} here: all their passages are searched.", False)
        if answers is None or not (answers & mask).any():
            return None
        return (SPEAKERS_JOIN.join(speakers), answers & mask, query_without(rest, askers),
                f"Only the answers of {self._shown(speakers)} to {SPEAKERS_JOIN.join(askers.speakers)}'s questions, each question "
                "quoted before its answer.", True)

    def _askers(self, text: str, allowed):
        """Who asks the questions among those `text` names (speakers.resolve against the index's askers), when they
        ask in the documents searched (`allowed`: rows, None for all): their Resolution, else None."""
        from .exchanges import UNNAMED_LABELS
        from .speakers import alias_table, resolve_in

        askers = [a for a in self._rows.askers if a.casefold() not in UNNAMED_LABELS]
        roles = tuple(sorted((a, role) for a, role in self._rows.roles.items() if a in askers))    # "the host"
        resolution = resolve_in(text, *alias_table(askers, roles)) if askers else None
        if resolution and resolution.speakers and allowed is not None:      # (and ask in the documents searched)
            searched = {self._rows.doc_ids[i] for i in np.unique(self._rows.doc_of_row[allowed])}
            if not any(self._rows.asked_in[a] & searched for a in resolution.speakers):
                resolution = None
        return resolution if resolution and resolution.speakers else None

    def _answers_to(self, askers) -> np.ndarray | None:
        """The rows that answer the questions of `askers` (another interviewer's are not theirs: two interviews' "I"
        keyed to two people, a panel's moderator and its audience) as a mask, None when they got none."""
        answers = [r for a in askers for r in self._rows.answers_to.get(a, ())]
        if not answers:
            return None
        mask = np.zeros(len(self.index.passages), dtype=bool)
        mask[answers] = True
        return mask

    def _asked_by(self, text: str, allowed) -> tuple[None, np.ndarray | None, str, str]:
        """A query that names only someone who asks the questions in the documents searched (`allowed`: rows, None
        for all) ("What did the moderator ask about smartphones?"): their questions are the context of the answers,
        no passage of their own, so the answers to their questions are searched (every passage where they got none),
        by the query without the mention: (None, those rows or None, that query, the notice that says so); else
        (None, None, text, "")."""
        from .speakers import query_without

        resolution = self._askers(text, allowed)
        if resolution is None:
            return None, None, text, self._no_speaker(text)
        who = SPEAKERS_JOIN.join(resolution.speakers)
        mask = self._answers_to(resolution.speakers)
        return None, mask, query_without(text, resolution), (
            f"{who} {'asks' if len(resolution.speakers) == 1 else 'ask'} the questions here: the answers "
            f"{'to their questions ' if mask is not None else ''}are searched, each shown with its question.")

    def _no_speaker(self, text: str) -> str:
        """A notice when the query asks what someone said ("What did Putin say about NATO?") who is no speaker of an
        index that has speakers: the passages shown are others' words, which may quote or mention them; "" else."""
        from .speakers import asked_to_speak

        name = asked_to_speak(text) if self._rows.speakers else None
        have = self._rows.vocabulary.words
        # (a role's letter or number, "Professor C", "Speaker 3", is no word a document need mention)
        if not name or not all(re.sub(r"['’]s$", "", w) in have for w in re.findall(r"[^\W_][\w'’]*", name.lower())
                               if len(w) > 1 and not w.isdigit()):
            return ""       # (one the documents never mention: the names rule says so)
        return (f"{name} is not a speaker in {self._rows.noun}: the passages shown are others' words, which may quote "
                f"or mention {name}.")

    def _elsewhere(self, mask: np.ndarray, searched: np.ndarray, names: str, mention: str) -> str | None:
        """The notice of a role the query names ("the witness") whose speakers speak in only some of the documents
        searched: their passages are searched, and the notice says where, and how to search the others, where the role
        may be a named person's (a hearing's witnesses); None where they speak in every document searched. (Searching
        the others whole as well, tried in session 27, lost meetings' answers: val's "What did the professor think
        about scheduling meetings going forward?" found other meetings' scheduling instead, R@5 0.60 -> 0.58 in the
        Academic meetings.)"""
        doc_of_row, ids = self._rows.doc_of_row, self._rows.doc_ids
        theirs = np.unique(doc_of_row[mask & searched])
        if not (searched & ~np.isin(doc_of_row, theirs)).any():
            return None
        where = listing([ids[i] for i in theirs.tolist()], 3)
        return (f"Only passages where {names} speaks, in {where}; in the other documents no speaker is called "
                f"\u201c{mention}\u201d: to search them for it, choose them (--doc; in the chat, Search only in).")

    def _numbered(self, text: str, allowed) -> tuple[str, np.ndarray, str] | None:
        """A question the citations number that the query names ("What is the answer to question 7?", "Q7",
        "What did Lavrov say about NATO in question 7?"): (its section, "Q7"; the rows of that section in the
        documents searched, `allowed`; the query without the reference), where a document searched has one; else None.
        A reference is the whole query's, or "question N" after "in", "to", "under" or "from"; "Q4" beside other words
        is an earnings call's quarter, "Question 3:" the user's own list."""
        m = _NUMBERED.search(text)
        if m is None or not (_only_reference(text, m) or not m.group("q") and _REFERRED.search(text[:m.start()])):
            return None
        section = f"Q{int(m.group('n'))}"
        rows = self._rows.of_section.get(section)
        if rows is None:
            return None
        mask = np.zeros(len(self.index.passages), dtype=bool)
        mask[rows] = True
        if allowed is not None:
            mask &= allowed
        if not mask.any():
            return None
        return section, mask, re.sub(r"\s+", " ", text[:m.start()] + " " + text[m.end():]).strip()

    def where(self, text: str, docs: set[str] | None, speaker: str | None, resolve: bool = True) -> "Where":
        """Where a search looks (Where): the documents `docs` (None: all); a question the citations number that the
        query names ("question 7": _numbered); a `speaker` given, or one the query names (`resolve`:
        SearchSettings.resolve_speakers)."""
        allowed, who, asked, name_only, said, others, asker = self._allowed(docs), None, text, False, "", [], False
        numbered = self._numbered(text, allowed)
        if numbered is not None:
            section, allowed, text = numbered
            asked = text
        if speaker is not None:
            who, mask, said, asker = self._speaker(speaker, allowed)
            allowed = mask if allowed is None else allowed & mask
            others = self._other_named(text, who)
        elif resolve and self._rows.speakers:
            who, mask, asked, said, asker = self._named(text, allowed)
            if who:
                allowed = mask if allowed is None else allowed & mask
                name_only = asked == text       # (speakers.query_without leaves a query that is only a mention)
            elif mask is not None:              # one who asks: the answers to their questions (_asked_by)
                allowed, asker = mask if allowed is None else allowed & mask, True
        if numbered is not None:
            said = " ".join(filter(None, [f"Only the answers to question {numbered[0][1:]} ({numbered[0]}).", said]))
        return Where(allowed, who, asked, name_only, said, tuple(others), asker,
                     numbered[0] if numbered is not None else None, text)


@dataclass(frozen=True)
class Where:
    """Where a search looks (Scope.where)."""
    allowed: np.ndarray | None      # the rows searched, None for all
    who: str | None                 # the speaker it is restricted to, as the index names them
    asked: str                      # the query the passages are ranked by, a speaker's mention taken out
    name_only: bool                 # whether the query was that mention alone ("Sergey Lavrov")
    said: str                       # the notice of the speaker ("Only passages where … speaks."), or ""
    others: tuple[str, ...] = ()    # the notice of other speakers the query names while one is chosen
    asker: bool = False             # the speaker chosen asks the questions: the rows are the answers they got
    numbered: str | None = None     # the question the query names by its number ("Q7"), whose answers are searched
    text: str = ""                  # the query without that number's reference (its words are no topic)

    @property
    def notices(self) -> list[str]:
        return ([self.said] if self.said else []) + list(self.others)
