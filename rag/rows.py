"""What a search knows of an index's rows, worked out once per index and kept: each paragraph and each document's
rows, the speakers and where they speak, the askers of a Q&A, each row's window and place in its conversation, the
vocabulary, what a hit on a row quotes. A Retriever (retrieve.py) and those its with_settings makes share one."""
from __future__ import annotations

import re
import weakref
from dataclasses import replace
from functools import cached_property

import numpy as np

from .notices import corpus_noun
from .ranking import FEWEST_PASSAGES, REFERENCE_PASSAGES, idf_ceiling
from .records import Passage
from .store import Index

MAX_QUOTE_CHARS = 1000      # a conversation's turn longer than this is quoted by its window
MAX_PARAGRAPH_CHARS = 3 * MAX_QUOTE_CHARS   # and any paragraph longer than this (a page that lost its line breaks)


class Rows:
    """Where the passages sit, for a Retriever and those with_settings makes from it: each
    paragraph (a hit quotes its paragraph whole) and each document's rows (the docs filter)."""

    def __init__(self, index: Index):
        self.index = index

    @cached_property
    def alias_words(self) -> frozenset:
        """Every word of every name a speaker may be called by (speakers.aliases): a query with none
        of them names no speaker, and resolving it can be skipped."""
        from .speakers import _fold, aliases

        return frozenset(w for name, _ in self.speakers.values() for a in aliases(name) for w in a) | \
            frozenset(_fold(w) for name, _ in self.speakers.values() for w in re.findall(r"[^\W_]+", name)) | \
            frozenset(w for name in self.known_as.values() for a in aliases(name) for w in a) | \
            frozenset(self.roles.values())

    @cached_property
    def idf_scale(self) -> float:       # confidence's: BM25 as on an index of REFERENCE_PASSAGES passages
        return idf_ceiling(REFERENCE_PASSAGES) / idf_ceiling(max(len(self.index.passages), FEWEST_PASSAGES))

    @cached_property
    def paragraphs(self) -> dict[tuple[str, int], Passage]:
        return {(p.doc, p.paragraph): p for p in self.index.paragraphs}

    @cached_property
    def of_doc(self) -> dict[str, np.ndarray]:       # once per index, not per query (a mask over 100k rows)
        rows: dict[str, list[int]] = {}
        for i, p in enumerate(self.index.passages):
            rows.setdefault(p.doc, []).append(i)
        return {d: np.array(r, dtype=np.int64) for d, r in rows.items()}

    @cached_property
    def doc_ids(self) -> list[str]:     # the documents that have passages, in row order
        return list(self.of_doc)

    @cached_property
    def paragraph_of_row(self) -> np.ndarray:     # row -> its (document, paragraph) as a number
        ids: dict[tuple[str, int], int] = {}
        return np.array([ids.setdefault((p.doc, p.paragraph), len(ids)) for p in self.index.passages], dtype=np.int64)

    def quoted(self, row: int) -> Passage:
        """What a hit on passage `row` quotes when hits expand (Retriever.shown): its whole paragraph, but a
        window of a conversation's turn longer than MAX_QUOTE_CHARS, or of any paragraph longer than
        MAX_PARAGRAPH_CHARS (a press conference's longest answer is 2,675 characters), is quoted as it is."""
        window = self.index.passages[row]
        para = self.paragraphs.get((window.doc, window.paragraph))
        if para is None or not (para.start <= window.start and window.end <= para.end) or \
                len(para.text) > (MAX_QUOTE_CHARS if para.kind == "turn" else MAX_PARAGRAPH_CHARS):
            return window
        return para

    @cached_property
    def quote_of_row(self) -> np.ndarray:     # row -> the quote a hit on it shows (quoted) as a number
        ids: dict[tuple[str, int, int], int] = {}
        return np.array([ids.setdefault((q.doc, q.start, q.end), len(ids)) for q in map(self.quoted, range(
            len(self.index.passages)))], dtype=np.int64)

    @cached_property
    def keys(self) -> dict[bool, dict[int, int]]:    # expand -> row -> text_key of what a hit on it shows (_Shown)
        return {True: {}, False: {}}

    @cached_property
    def row_numbers(self) -> np.ndarray:
        return np.arange(len(self.index.passages))

    @cached_property
    def is_turn(self) -> np.ndarray:     # row -> whether it is a conversation's turn window
        return np.array([p.kind == "turn" for p in self.index.passages], dtype=bool)

    @cached_property
    def doc_of_row(self) -> np.ndarray:  # row -> its document's place in doc_ids
        out = np.zeros(len(self.index.passages), dtype=np.int64)
        for i, d in enumerate(self.doc_ids):
            out[self.of_doc[d]] = i
        return out

    def doc_vectors(self, vectors: np.ndarray) -> np.ndarray:
        """Each document's vector (row i: doc_ids[i]): the normalised mean of its passages' vectors."""
        if getattr(self, "_doc_vectors", None) is None:
            means = np.stack([vectors[self.of_doc[d]].mean(axis=0) for d in self.doc_ids]) if self.doc_ids \
                else np.zeros((0, vectors.shape[1]), dtype="float32")
            self._doc_vectors = means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
        return self._doc_vectors

    @cached_property
    def speakers(self) -> dict[str, tuple[str, np.ndarray]]:
        """Speaker name, case folded -> (the name as the index writes it, the rows where they speak)."""
        from .chunk import speakers_of

        rows: dict[str, list[int]] = {}
        names: dict[str, str] = {}
        for i, p in enumerate(self.index.passages):
            for name in speakers_of([p]):
                rows.setdefault(name.casefold(), []).append(i)
                names.setdefault(name.casefold(), name)
        for name, held in self._held().items():     # "The Acting Chair (Mr. Bruce Stanton)": his turns alone
            if name.casefold() not in rows:
                rows[name.casefold()], names[name.casefold()] = held, name
        return {key: (names[key], np.array(r, dtype=np.int64)) for key, r in rows.items()}

    def _held(self) -> dict[str, list[int]]:
        """speakers.known_as name -> the rows (windows) holding a turn of a label whose bracket names a person
        ("The Acting Chair (Mr. Bruce Stanton):", "Student (Ravi):"): a conversation's turns only (an answer's
        outlet is its question's)."""
        from .speakers import held_by

        out: dict[str, list[int]] = {}
        spans: dict[str, tuple] = {}    # a document -> its rows by start, their starts, ends and the ends' running max
        for para in self.index.paragraphs:
            name = held_by(para)
            if name is None:
                continue
            if para.doc not in spans:
                of = self.of_doc.get(para.doc, np.zeros(0, dtype=np.int64))
                se = np.array([(self.index.passages[r].start, self.index.passages[r].end) for r in of],
                              dtype=np.int64).reshape(-1, 2)
                order = np.argsort(se[:, 0], kind="stable")
                of, se = of[order], se[order]
                spans[para.doc] = (of, se[:, 0], se[:, 1], np.maximum.accumulate(se[:, 1]) if len(se) else se[:, 1])
            of, starts, ends, reach = spans[para.doc]
            # the rows that overlap the turn: starting before its end, from the first whose ends reach past its start
            lo, hi = np.searchsorted(reach, para.start, side="right"), np.searchsorted(starts, para.end, side="left")
            out.setdefault(name, []).extend(int(of[i]) for i in range(lo, hi) if ends[i] > para.start)
        return {name: sorted(set(r)) for name, r in out.items()}

    @cached_property
    def section_spans(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(document, "Q7") -> where its printed number's turns are in its text (_numbered_turns: from its line to
        the next number's)."""
        out = {}
        for doc, starts in self._numbered_turns().items():
            bounds = [start for _, start in starts[1:]] + [len(self.index.documents[doc].text)]
            out.update({(doc, f"Q{n}"): (start, end) for (n, start), end in zip(starts, bounds)})
        return out

    @cached_property
    def of_section(self) -> dict[str, np.ndarray]:
        """Each numbered exchange's section ("Q7") -> its rows; in a document whose speakers' turns are numbered in
        the text (written questions' "7. Siân Abernethy (Cardiff Bay South): To ask …", Hansard's "1. Helen
        Marchant (…):", a select committee's "Q3 Chair:", whose unnumbered follow-ups open exchanges of their own),
        each printed number's turn and the turns after it up to the next number's (the windows that start there, else
        those that hold any of them), as "Q7", in place of its exchanges' own numbers."""
        out: dict[str, list[int]] = {}
        printed = {doc for doc, _ in self.section_spans}
        for i, p in enumerate(self.index.passages):
            if p.section[:1] == "Q" and p.section[1:].isdigit() and p.doc not in printed:
                out.setdefault(p.section, []).append(i)
        for (doc, section), (start, end) in self.section_spans.items():
            passages = [(int(i), self.index.passages[i]) for i in self.of_doc.get(doc, ())]
            # (the windows that start inside it: a window of turns holds an answer and the next question)
            rows = [i for i, p in passages if start <= p.start < end] or \
                [i for i, p in passages if p.start < end and p.end > start]
            out.setdefault(section, []).extend(rows)
        return {section: np.array(rows, dtype=np.int64) for section, rows in out.items()}

    def _numbered_turns(self) -> dict[str, list[tuple[int, int]]]:
        """Per document, its speakers' turns whose line opens with a number ("7. ", "Q7 "), as (number, where the
        line starts), in order: where three or more do, their numbers rising."""
        found: dict[str, list[tuple[int, int]]] = {}
        for p in self.index.paragraphs:
            if p.speaker is None:
                continue
            text = self.index.documents[p.doc].text
            line = text.rfind("\n", 0, p.start) + 1
            m = re.match(r"(?:T?(\d{1,3})\.|Q(\d{1,4}))[ \t]", text[line:p.start])
            if m and (not found.get(p.doc) or found[p.doc][-1][1] != line):
                found.setdefault(p.doc, []).append((int(m.group(1) or m.group(2)), line))
        return {doc: starts for doc, starts in found.items()
                if len(starts) >= 3 and all(a < b for (a, _), (b, _) in zip(starts, starts[1:]))}

    @cached_property
    def questions(self) -> dict[tuple[str, str], list[Passage]]:    # (document, section) -> its question paragraphs
        out: dict[tuple[str, str], list[Passage]] = {}
        for p in self.index.paragraphs:
            if p.kind == "question":
                out.setdefault((p.doc, p.section), []).append(p)
        return out

    def question_of(self, answer: Passage) -> Passage | None:
        """The question `answer` answers, as a passage of its own (exact: its paragraphs before the answer, from the
        first to the last of the run of them nearest it); None where the answer has none."""
        if not answer.question:
            return None
        before = [q for q in self.questions.get((answer.doc, answer.section), ()) if q.paragraph < answer.paragraph]
        if not before:
            return None
        run = [before[-1]]
        for q in reversed(before[:-1]):
            if q.paragraph != run[0].paragraph - 1:
                break
            run.insert(0, q)
        start, end = run[0].start, run[-1].end
        return replace(run[0], start=start, end=end, text=self.index.documents[answer.doc].text[start:end],
                       question=None, outlet=answer.outlet, speakers=(), context="")

    def a_speaker(self, term: str, docs=None) -> bool:
        """Whether `term` (a name the query holds, "Chidi Okonkwo") is, word for word, the name of a speaker or an
        asker of the documents `docs` (None: all) as the index gives it: named by the labels, wherever the text
        writes it otherwise (Teams' "Okonkwo, Chidi")."""
        from .speakers import _fold

        words = {_fold(w) for w in re.findall(r"[^\W_]+", term)}
        return bool(words) and any(words <= name and (docs is None or where & set(docs))
                                   for name, where in self._speaker_words)

    @cached_property
    def _speaker_words(self) -> list[tuple[frozenset, frozenset]]:
        """Each speaker's and asker's name's words (folded), with the documents they speak or ask in."""
        from .speakers import _fold

        def words(name: str) -> frozenset:
            return frozenset(_fold(w) for w in re.findall(r"[^\W_]+", name))

        where = {name: frozenset(self.doc_ids[i] for i in np.unique(self.doc_of_row[rows]).tolist())
                 for name, rows in self.speakers.values()}
        out = [(words(name), docs) for name, docs in where.items()]
        out += [(words(name), docs) for name, docs in self.asked_in.items()]
        out += [(words(known), where.get(name, frozenset())) for name, known in self.known_as.items()]
        return out

    @cached_property
    def answers_to(self) -> dict[str, list[int]]:     # each asker -> the rows that answer their questions
        out: dict[str, list[int]] = {}
        for i, p in enumerate(self.index.passages):
            asked = self.question_of(p) if p.question else None
            if asked is not None and asked.speaker:
                # ("PRESENTER (AMOL RAJAN)" too, and "I" of "I = interviewer (Joe Brennan)")
                for name in filter(None, (asked.speaker, self.asked_as(asked))):
                    out.setdefault(name, []).append(i)
        return out

    @cached_property
    def keyed_askers(self) -> dict[tuple[str, str], str]:     # (document, letter) -> the asker its key line names
        from .speakers import keyed_askers
        return keyed_askers(self.index)

    @cached_property
    def role_holders(self) -> dict[tuple[str, str], str]:     # (document, role label) -> "Moderator (Rachel Adebayo)"
        from .speakers import role_holders
        return role_holders(self.index.paragraphs)

    def asked_as(self, p) -> str | None:
        """The name a question paragraph `p`'s asker is searched by beside its label, if any: the person a role's
        bracket names ("Moderator (Rachel Adebayo)", also where the document then writes "Moderator:"), or a letter's
        key line ("I" of "I = interviewer (Joe Brennan)")."""
        from .speakers import asked_by
        if p.kind != "question":
            return None
        key = (p.doc, p.speaker)
        return asked_by(p) or self.role_holders.get(key) or self.keyed_askers.get(key)

    @cached_property
    def askers(self) -> tuple[str, ...]:    # who asks the questions of a Q&A (their words are context, no passage)
        return tuple(self.asked_in)

    @cached_property
    def asked_in(self) -> dict[str, frozenset]:     # each asker -> the documents they ask in
        out: dict[str, set] = {}
        for p in self.index.paragraphs:
            if p.kind == "question" and p.speaker:
                # (and the person a role's bracket names: "PRESENTER (AMOL RAJAN)" asks his own questions)
                for name in filter(None, (p.speaker, self.asked_as(p))):
                    out.setdefault(name, set()).add(p.doc)
        return {name: frozenset(docs) for name, docs in out.items()}

    @cached_property
    def alias_table(self) -> tuple[dict, int]:     # speakers.alias_table of the index's speakers
        from .speakers import alias_table
        names = [name for name, _ in self.speakers.values()]
        docs = tuple((name, tuple(sorted({self.index.passages[i].doc for i in rows})))
                     for name, rows in self.speakers.values())
        return alias_table(names, tuple(sorted(self.known_as.items())) +
                           tuple(sorted((label, role) for label, role in self.roles.items() if label in names)), docs)

    @cached_property
    def roles(self) -> dict[str, str]:
        """Speakers and askers whose person a document's header gives a role (speakers.roles_given: "JOE" -> "host" of "Host: Joe
        Brennan"), the same in every document they speak in (a podcast's host may be another's guest): "What did
        the host say …" is theirs."""
        from .speakers import roles_given

        labels = self._speaks_in({name for name, _ in self.speakers.values()})
        for asker, docs in self.asked_in.items():       # (who asks the questions: "What did the host ask …")
            for doc in docs:
                labels.setdefault(doc, set()).add(asker)
        found: dict[str, set[str | None]] = {}
        for doc, said in labels.items():
            given = roles_given(self.index.documents[doc].text, said)
            for label in said:
                found.setdefault(label, set()).add(given.get(label))
        return {label: roles.pop() for label, roles in found.items() if len(roles) == 1 and None not in roles}

    def _speaks_in(self, labels: set[str]) -> dict[str, set[str]]:
        """Each document -> those of the speakers `labels` whose turns it holds."""
        out: dict[str, set[str]] = {}
        for p in self.index.passages if labels else ():
            said = labels.intersection((p.speaker, *p.speakers))
            if said:
                out.setdefault(p.doc, set()).update(said)
        return out

    @cached_property
    def known_as(self) -> dict[str, str]:
        """Speakers labelled by initials the documents give with a name ("DB": Dolores Barrios), or by a role that one
        document alone labels turns with and names in its header ("SUBJECT": "Subject: Walter Pennock, keeper …";
        a role several documents use may be a different person in each, so none); and a speaker named in the bracket
        of an office's label (speakers.offices_held: "Richard Halford": "The Minister for Roads and Local Transport",
        so "the Minister" is him)."""
        from .labels import INTERVIEW_ROLES, ROLES
        from .speakers import coded_roles, initials_named, keyed_labels, offices_held, role_named

        names = [name for name, _ in self.speakers.values()]
        labels = {name for name in names if re.fullmatch(r"[A-Z]{2,4}", name)}
        out: dict[str, str] = {}
        # (one name in every document whose turns the initials label: two oral histories' "DB", Dolores Barrios in one
        # and Daniel Brooks in the other, are no one's; the first document's name was given to both)
        initialled: dict[str, set[str | None]] = {}
        for doc, said in self._speaks_in(labels).items():
            named = initials_named(self.index.documents[doc].text, said)
            for label in said:
                initialled.setdefault(label, set()).add(named.get(label))
        out.update({label: found.pop() for label, found in initialled.items() if len(found) == 1 and None not in found})
        # (an interview's key line, "I = interviewer (Joe Brennan); R = respondent", or a header's role of a code,
        # "Participant: P3, female, 41": a speaker's letter or code too; not an asker's, whose questions are no passage)
        letters = {name for name in names if re.fullmatch(r"[A-Z]{1,4}\d{0,3}", name)} - set(out)
        speaks_in: dict[str, set[str]] = {}
        for p in self.index.passages if letters else ():
            if p.speaker in letters:
                speaks_in.setdefault(p.speaker, set()).add(p.doc)
        keyed: dict[str, list[str | None]] = {}
        for label, docs in speaks_in.items():
            for doc in docs:
                text = self.index.documents[doc].text
                keyed.setdefault(label, []).append(keyed_labels(text, {label}).get(label)
                                                   or coded_roles(text, {label}).get(label))
        # (one name in every document whose turns the label labels: two interviews' "R" are two respondents)
        out.update({label: found[0] for label, found in keyed.items() if found[0] and len(set(found)) == 1})
        roles = {name for name in names if name.lower() in ROLES | INTERVIEW_ROLES and name not in out}
        held: dict[str, set[str]] = {}
        for p in self.index.passages if roles else ():
            if p.speaker in roles:
                held.setdefault(p.speaker, set()).add(p.doc)
        for role, docs in held.items():
            person = role_named(self.index.documents[next(iter(docs))].text, role) if len(docs) == 1 else None
            if person:
                out[role] = person
        people = set(names) - set(out)      # a person an office's label names ("The Minister … (Richard Halford):")
        for doc in self.index.documents.values() if people else ():
            for person, office in offices_held(doc.text, people).items():
                out.setdefault(person, office)
        return out

    @cached_property
    def vocabulary(self):
        from .vocabulary import Vocabulary
        return Vocabulary(self.index)

    @cached_property
    def noun(self) -> str:
        return corpus_noun(self.index)

    @cached_property
    def languages(self) -> tuple[str, ...]:     # the documents' (language.language_of of each one's opening words)
        from .language import language_of

        first: dict[str, list[str]] = {}
        for p in self.index.paragraphs:
            if len(first.setdefault(p.doc, [])) < 20:
                first[p.doc].append(p.text)
        found = (language_of(" ".join(texts)[:5000], at_least=5) for texts in first.values())
        return tuple(sorted({code for code in found if code}))

    def warm_up(self) -> None:
        self.paragraphs, self.of_doc, self.noun, self.doc_of_row, self.is_turn, self.paragraph_of_row  # noqa: B018
        self.quote_of_row                                                         # noqa: B018
        self.speakers, self.alias_words, self.alias_table, self.askers, self.languages       # noqa: B018
        self.vocabulary.warm_up()
        self.vocabulary.everyday                                                  # noqa: B018

    def one_per_quote(self, order: list[int]) -> list[int]:
        """`order` with each quote (quoted: a paragraph, or a long turn's window) once, at the rank of its best
        window: two windows of one long turn are two quotes."""
        if not order:
            return []
        rows = np.asarray(order, dtype=np.int64)
        _, first = np.unique(self.quote_of_row[rows], return_index=True)
        return rows[np.sort(first)].tolist()

    def region(self, rows: np.ndarray, cosine, span: int) -> np.ndarray:
        """Each row's cosine with the query plus, for d = 1 .. span, the mean cosine of the windows d before and d
        after it in its document (a window past the document's ends counts 0): how much the place around it is
        about the query, not the window alone. `cosine`: rows (an array of any shape) -> their cosines."""
        offsets = np.arange(-span, span + 1)
        near = rows[:, None] + offsets                                      # each row and its neighbours
        inside = (near >= 0) & (near < len(self.doc_of_row))
        near = np.where(inside, near, rows[:, None])
        inside &= self.doc_of_row[near] == self.doc_of_row[rows][:, None]
        return (np.where(inside, cosine(near), 0.0) * np.where(offsets == 0, 1.0, 0.5)).sum(axis=1)

    def spread(self, picked: list[int], places: int) -> list[int]:
        """`picked` with its first `places` rows in as many places: a conversation's turn window next to one
        already among them (the window before or after it in its document) waits until they are filled, so
        that the first hits of a meeting hedge over several parts of its discussion (its neighbour, often
        the same topic, still follows)."""
        first: list[int] = []
        for r in picked:
            if len(first) == places:
                break
            if not any(self.is_turn[r] and self.is_turn[q] and abs(r - q) == 1 and
                       self.doc_of_row[r] == self.doc_of_row[q] for q in first):
                first.append(r)
        return first + [r for r in picked if r not in first]


CODE = re.compile(r"[A-Z]{1,4}\d{0,3}")        # a speaker's label of letters and digits: "R", "DB", "P3"
_CODED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def coded_speakers(index) -> dict[str, str]:
    """Speakers labelled by a code that the documents explain (Rows.known_as, as the search reads them) -> who they
    are: "R" -> "Walter Pennock" of a key line "R = respondent (Walter Pennock)", "DB" -> "Dolores Barrios", "P3" ->
    "Participant"; read once per index."""
    return _coded(index)[0]


def coded_askers(index) -> dict[tuple[str, str], str]:
    """(document, an asker's letter) -> who the document says asks so (Rows.keyed_askers: "I" of "I = interviewer
    (Joe Brennan)", "Q" below "Host: Martin Alcock."); read once per index."""
    return _coded(index)[1]


def _coded(index) -> tuple[dict, dict]:
    if index not in _CODED:
        rows = Rows(index)
        _CODED[index] = ({label: name for label, name in rows.known_as.items() if CODE.fullmatch(label)},
                         rows.keyed_askers)
    return _CODED[index]
