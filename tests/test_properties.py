"""Property tests: for any text, parsing and chunking never crash, and every span is exact."""
from hypothesis import HealthCheck, given, settings, strategies as st

from rag.chunk import ChunkSettings, chunk
from rag.parse import parse
from rag.records import Document

from conftest import FakeEmbedder

count = FakeEmbedder().count_tokens

line = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from("abc XYZ.!?,:;\n\r\t\u200b\u202eдаé—“”…0123456789"), max_size=400),
    st.builds(lambda who, t: f"{who}: {t}", st.sampled_from(["Question", "Q", "A", "Sergey Lavrov", "Jane Doe (BBC)"]),
              st.text(max_size=200)),
    st.sampled_from(["", "\n", "Rate this article", "Share this article", "Mr. Smith said no. Dr. Who agreed!",
                     "Moscow, January 14, 2022", "word " * 400]),
)
documents = st.lists(line, max_size=25).map(lambda ls: "\n".join(ls)) | st.text(max_size=2000)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_parse_and_chunk_spans_are_exact(text):
    doc, paras = parse(Document.from_text("doc.txt", text))
    last_end = -1
    for p in paras:
        assert text[p.start:p.end] == p.text and p.text.strip()
        assert p.start >= last_end, "paragraphs overlap: text would be shown twice"
        last_end = p.end
    limit = ChunkSettings().max_tokens
    chunks = chunk(paras, text, count)
    for c in chunks:
        assert text[c.start:c.end] == c.text and c.text.strip()
        assert count([c.text])[0] <= limit
        assert count([c.text + "\n" + c.context])[0] <= ChunkSettings().window + 2 if c.context else True
    # no text lost: every non-space character of every non-question paragraph lies in some chunk
    for p in paras:
        if p.kind == "question":
            continue
        inside = [c for c in chunks if c.doc == p.doc and p.start <= c.start and c.end <= p.end]
        covered = set()
        for c in inside:
            covered.update(range(c.start, c.end))
        missing = [i for i in range(p.start, p.end) if not text[i].isspace() and i not in covered]
        assert not missing, f"characters lost: {text[missing[0]:missing[0] + 20]!r}"
