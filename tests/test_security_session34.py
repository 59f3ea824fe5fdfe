"""Session 34's hostile review of the chat server: a visitor's upload passed for the document it copied (its title
one invisible character apart), questions of any size were read whole on the server, a malformed request wrote its
payload into the log, the REST search limit counted answers read, and a huge body was read before the password."""
from __future__ import annotations

from types import SimpleNamespace

from rag import cite
from rag.records import Document


def test_an_upload_whose_title_only_looks_the_same_is_told_apart():
    title = "Harbour Committee minutes, Portmere, March 3, 2024"
    forged = {"Har\u200bbour Committee minutes, Portmere, March 3, 2024",            # an invisible character
              "H\u0430rbour Committee minutes, Portmere, March 3, 2024",              # a Cyrillic "а"
              "Harbour  Committee minutes, Portmere, March 3, 2024 "}                 # spaces
    for other in forged:
        docs = {"minutes.txt": Document(id="minutes.txt", text="a", title=title),
                "minutes.txt (2)": Document(id="minutes.txt (2)", text="b", title=other)}
        index = SimpleNamespace(documents=docs)
        assert cite.doc_name(docs["minutes.txt"], index).endswith("(minutes.txt)"), other
        assert cite.doc_name(docs["minutes.txt (2)"], index).endswith("(minutes.txt (2))"), other
    docs = {"a.txt": Document(id="a.txt", text="a", title=title),
            "b.txt": Document(id="b.txt", text="b", title="Harbour Committee minutes, Portmere, May 5, 2024")}
    assert cite.doc_name(docs["a.txt"], SimpleNamespace(documents=docs)) == title      # titles that differ: as they are
