"""Turn hits into citations: labels, JSON records, Markdown and CSV, each quote checked against its source."""
from __future__ import annotations

import csv
import io

from .errors import IndexProblem
from .records import Document, Hit, Passage
from .store import Index


def shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def checked(p: Passage, doc: Document) -> str:
    """The quote, exactly as the document has it; refuses to quote anything else."""
    quote = doc.text[p.start:p.end]
    if quote != p.text:
        raise IndexProblem(f"Passage {p.id} does not match its document; the index must be rebuilt.")
    return quote


def where(p: Passage) -> str:
    """'Answer to Q7 — Polls conducted…', 'Opening statement', or 'Paragraph 12'."""
    if p.section.startswith("Q") and p.question:
        role = "Question" if p.kind == "question" else "Answer to"
        label = f"{role} {p.section} — {shorten(p.question)}"
        return label + (f" ({p.outlet})" if p.outlet else "")
    if p.section == "opening":
        return "Opening statement"
    return f"Paragraph {p.paragraph}"


def hit_json(hit: Hit, index: Index) -> dict:
    p = hit.passage
    doc = index.documents[p.doc]
    return {
        "rank": hit.rank, "text": checked(p, doc), "score": round(hit.score, 4),
        "source": doc.path or doc.id, "document": doc.title, "date": doc.date,
        "start": p.start, "end": p.end, "section": p.section, "question": p.question,
        "speaker": p.speaker, "outlet": p.outlet, "paragraph": p.paragraph, "page": p.page,
        "low_confidence": hit.low_confidence, **hit.provenance,
    }


def reference(p: Passage, doc: Document) -> str:
    """A ready citation line: speaker, event, date, section, paragraph."""
    parts = [p.speaker or "", doc.title, doc.date or "", where(p), f"para. {p.paragraph}"]
    if p.page:
        parts.append(f"p. {p.page}")
    parts.append(f"chars {p.start}–{p.end}")
    return ", ".join(x for x in parts if x)


def markdown(hits: list[Hit], index: Index) -> str:
    out = []
    for h in hits:
        doc = index.documents[h.passage.doc]
        quote = checked(h.passage, doc).replace("\n", "\n> ")
        out.append(f"> {quote}\n\n— [{h.rank}] {reference(h.passage, doc)}\n")
    return "\n".join(out)


def csv_text(hits: list[Hit], index: Index) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["rank", "quote", "speaker", "document", "date", "section", "question", "paragraph",
                "source", "start", "end", "score"])
    for h in hits:
        p, doc = h.passage, index.documents[h.passage.doc]
        w.writerow([h.rank, checked(p, doc), p.speaker or "", doc.title, doc.date or "", p.section,
                    p.question or "", p.paragraph, doc.path or doc.id, p.start, p.end, f"{h.score:.4f}"])
    return buf.getvalue()
