"""The index in Milvus (rag/milvus.py) beyond the store contract (that is tests/test_store.py, run on both
backends): URIs, the same ranking as the folder, edits inside Milvus refused, the alias switch, migrate,
the CLI.

The Milvus tests share one Milvus Lite database per module (starting one takes ~2 s), one collection
(?collection=NAME) per test; they skip only where milvus-lite cannot be imported."""
import json
import sys
import threading
import time

import numpy as np
import pytest

from rag.calibration import CONFIDENCE

import rag.embed
from rag.migrate import migrate
from rag import build, milvus, milvus_search, store
from rag.errors import CannotWrite, IndexProblem, MissingExtra
from rag.retrieve import Retriever

from conftest import INTERVIEW, FakeEmbedder
from stores import OTHER, needs_milvus, new_uri, spans_exact

QUERIES = ["What will happen to water prices next year?", "Is the pipeline funded?", "reservoir rains",
           "north district pipeline", "grant of 4 million dollars", "council agreed in February"]


@pytest.fixture(scope="module")
def database(milvus_database):
    return milvus_database


# ---- Milvus only ---------------------------------------------------------------------------------

@needs_milvus
def test_uri_forms(database):
    t = milvus.parse(f"milvus-lite://{database}?collection=abc")
    assert t.lite and t.address == str(database) and t.collection == "abc"
    folded = milvus.parse(str(__import__("pathlib").Path(f"milvus-lite://{database}")))   # Path folds '//'
    assert folded.address == str(database) and folded.collection == milvus.DEFAULT_COLLECTION
    s = milvus.parse("milvus://bob:secret@db.example:19531/news?collection=press")
    assert (s.address, s.user, s.password, s.db, s.collection) == ("http://db.example:19531", "bob", "secret",
                                                                    "news", "press")
    assert "secret" not in s.uri and s.uri == "milvus://db.example:19531/news?collection=press"
    assert store.is_uri("milvus://h:1") and store.is_uri(__import__("pathlib").Path("milvus-lite:///a/b.db"))
    assert not store.is_uri("embeddings") and not store.is_uri("./milvus-lite")
    with pytest.raises(IndexProblem):
        milvus.parse("milvus-lite:///a/b.txt")


def test_env_credentials(monkeypatch):
    monkeypatch.setenv("RAG_MILVUS_USER", "u")
    monkeypatch.setenv("RAG_MILVUS_PASSWORD", "p")
    monkeypatch.setenv("RAG_MILVUS_DB", "d")
    t = milvus.parse("milvus://localhost:19530")
    assert (t.user, t.password, t.db) == ("u", "p", "d")


def test_without_the_extra_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "pymilvus", None)
    monkeypatch.setattr(milvus, "_clients", {})
    with pytest.raises(MissingExtra) as e:
        store.load("milvus-lite:///tmp/nowhere/x.db")
    assert "pip install -e '.[milvus]'" in str(e.value)


@needs_milvus
def test_same_ranking_as_the_folder(tmp_path, database, interview_file, fake_embedder):
    folder, uri = tmp_path / "idx", new_uri(database)
    second = tmp_path / "schools.txt"
    second.write_text(OTHER, encoding="utf-8")
    for where in (folder, uri):
        build.build([interview_file, second], fake_embedder, folder=where)
    a, b = store.load(folder, embedder=fake_embedder), store.load(uri, embedder=fake_embedder)
    assert a.passages == b.passages and a.paragraphs == b.paragraphs and a.fingerprint == b.fingerprint
    assert {k: d.text for k, d in a.documents.items()} == {k: d.text for k, d in b.documents.items()}
    np.testing.assert_array_equal(store.vectors_array(a.vectors), store.vectors_array(b.vectors))
    assert isinstance(b.parts, milvus_search.Parts) and a.parts is None
    for mode in ("hybrid", "dense", "lexical"):
        # Milvus's BM25 has no word neighbours (expand.py): the folder's are left out to compare the rest
        ra, rb = (Retriever(x, fake_embedder).with_settings(mode=mode, expand_words=False) for x in (a, b))
        for q in QUERIES:
            for docs in (None, {"briefing.txt"}):
                ha, hb = ra.search(q, 5, docs=docs), rb.search(q, 5, docs=docs)
                assert [h.passage for h in ha.hits] == [h.passage for h in hb.hits], (mode, q)
                assert ha.confidence == pytest.approx(hb.confidence, abs=1e-5)
                for x, y in zip(ha.hits, hb.hits):
                    px, py = x.provenance, y.provenance
                    # (dense ranks may differ among exactly tied cosines: FAISS orders ties its own way)
                    assert (px["lexical_rank"], px["fused_rank"]) == (py["lexical_rank"], py["fused_rank"])
                    for key in ("lexical_score", "dense_score"):
                        assert (px[key] is None) == (py[key] is None)
                        if px[key] is not None:
                            assert px[key] == pytest.approx(py[key], rel=1e-4, abs=1e-5)


def _client_and_version(uri):
    t = milvus.parse(uri)
    c = milvus.client(t)
    pname = milvus.current(t, c)
    return c, pname, pname.replace("_passages", "_blobs")


@needs_milvus
@pytest.mark.slow       # (a few seconds each: the full suite runs it)
def test_released_collections_are_loaded_again(database, interview_file, fake_embedder):
    """A Milvus Lite file opened by a new process (or a restarted server) has its collections released."""
    uri = new_uri(database)
    build.build([interview_file], fake_embedder, folder=uri)
    c, passages, blobs = _client_and_version(uri)
    for name in (passages, blobs):
        c.release_collection(name)
    milvus._loaded.clear()
    index = store.load(uri, embedder=fake_embedder)
    assert Retriever(index, fake_embedder).search("Is the pipeline funded?").hits


@needs_milvus
@pytest.mark.slow       # (a few seconds each: the full suite runs it)
def test_bm25_text_or_vector_edited_in_milvus_is_refused(database, interview_file, fake_embedder):
    uri = new_uri(database)
    build.build([interview_file], fake_embedder, folder=uri)
    c, passages, _ = _client_and_version(uri)
    row = c.query(passages, filter="row == 0", output_fields=["row", "vector", "text"])[0]
    c.upsert(passages, [{"row": 0, "vector": row["vector"], "text": row["text"] + " bribe"}])
    with pytest.raises(IndexProblem, match="damaged.*BM25"):
        store.load(uri, embedder=fake_embedder)
    c.upsert(passages, [{"row": 0, "vector": list(np.roll(row["vector"], 1)), "text": row["text"]}])
    with pytest.raises(IndexProblem, match="damaged.*vectors"):
        store.load(uri, embedder=fake_embedder)
    c.delete(passages, filter="row == 0")
    with pytest.raises(IndexProblem, match="damaged"):
        store.load(uri, embedder=fake_embedder)


@needs_milvus
@pytest.mark.slow       # (a few seconds each: the full suite runs it)
def test_foreign_collection_is_never_replaced(database, interview_file, fake_embedder):
    uri = new_uri(database)
    t = milvus.parse(uri)
    c = milvus.client(t, create=True)
    c.create_collection(t.collection, dimension=4)
    with pytest.raises(IndexProblem, match="not an index of ours"):
        build.build([interview_file], fake_embedder, folder=uri)
    assert c.has_collection(t.collection)
    # (a hostile review: a collection of the user's named like a version, behind an alias of theirs, had the alias
    # moved to the product's new version)
    mine = f"{t.collection}_mine"
    c.create_collection(f"{mine}{milvus.OURS}v9_passages", dimension=4)
    c.create_alias(collection_name=f"{mine}{milvus.OURS}v9_passages", alias=mine)
    with pytest.raises(IndexProblem, match="not an index of ours"):
        build.build([interview_file], fake_embedder, folder=f"{uri.split('?')[0]}?collection={mine}")
    assert c.describe_alias(alias=mine)["collection_name"] == f"{mine}{milvus.OURS}v9_passages"


@needs_milvus
@pytest.mark.slow
def test_searches_during_rebuilds_see_only_whole_versions(database, tmp_path, interview_file, fake_embedder):
    """A search loop in a thread while the index is rebuilt (alias switched) four times: every load is one
    complete version (one document set, its passage count, its exact quotes), never a mix or an error."""
    uri = new_uri(database)
    second = tmp_path / "schools.txt"
    second.write_text(OTHER, encoding="utf-8")
    versions = {}
    for files in ([interview_file], [interview_file, second]):
        index = build.build(files, fake_embedder, folder=uri)
        versions[frozenset(index.documents)] = len(index.passages)
    stop, seen, errors = threading.Event(), [], []

    def loop():
        while not stop.is_set():
            try:
                index = store.load(uri, embedder=fake_embedder)
                spans_exact(index)
                hits = Retriever(index, fake_embedder).search("Is the pipeline funded?", 3).hits
                assert hits and all(index.documents[h.passage.doc].text[h.passage.start:h.passage.end]
                                    == h.passage.text for h in hits)
                seen.append((frozenset(index.documents), len(index.passages)))
            except Exception as e:  # noqa: BLE001
                errors.append(e)

    t = threading.Thread(target=loop)
    t.start()
    try:
        for files in ([interview_file], [interview_file, second]) * 2:
            build.build(files, fake_embedder, folder=uri)
    finally:
        stop.set()
        t.join(60)
    assert not errors, errors
    assert seen and all(versions.get(docs) == n for docs, n in seen), seen
    # the current version and the one before are kept, older ones dropped
    t_ = milvus.parse(uri)
    ours = [n for n in milvus.client(t_).list_collections() if n.startswith(t_.collection + "__v")]
    assert len(ours) == 2 * milvus.KEEP


@needs_milvus
@pytest.mark.slow       # (a few seconds each: the full suite runs it)
def test_migrate_both_ways_equals_the_source(tiny_index, database, tmp_path, fake_embedder):
    uri = new_uri(database)
    (tiny_index / "calibration.json").write_text(json.dumps(
        {"model": "fake-v1", "chunking": json.loads((tiny_index / "manifest.json").read_text())["chunking"],
         "confidence": CONFIDENCE,
         "modes": {"hybrid": {"threshold": 0.5}}}))
    source = store.load(tiny_index, embedder=fake_embedder)
    fake_embedder.calls = 0
    migrate(tiny_index, uri)
    back = tmp_path / "back"
    migrate(uri, back)
    assert fake_embedder.calls == 0
    # (a hostile review: a copy onto an index replaced it, and the documents whose only copy it held, at once)
    for onto, there in ((tiny_index, uri), (uri, back)):
        before = store.load(there, embedder=fake_embedder).fingerprint
        with pytest.raises(IndexProblem, match="already holds an index: nothing was copied"):
            migrate(onto, there)
        assert store.load(there, embedder=fake_embedder).fingerprint == before
    for where in (uri, back):
        copy = store.load(where, embedder=fake_embedder)
        assert copy.passages == source.passages and copy.paragraphs == source.paragraphs
        assert {k: d.text for k, d in copy.documents.items()} == {k: d.text for k, d in source.documents.items()}
        assert copy.fingerprint == source.fingerprint and copy.calibration == source.calibration
        np.testing.assert_array_equal(store.vectors_array(copy.vectors), store.vectors_array(source.vectors))
        # relative document paths became absolute: the files are still found (not "missing")
        assert [d["source"] for d in build.list_documents(where)] == ["ok"]
        r = Retriever(copy, fake_embedder).search("Is the pipeline funded?")
        assert r.hits[0].passage == Retriever(source, fake_embedder).search("Is the pipeline funded?").hits[0].passage


@needs_milvus
@pytest.mark.slow
def test_migrate_of_a_hand_edited_manifest_or_onto_a_users_file_is_one_message(tmp_path, database, interview_file,
                                                                                fake_embedder, capsys, monkeypatch):
    """rag migrate crashed on what every other command says in one message: a chunking setting this version does
    not know, a NUL in a document's path; and a refused copy onto a user's file left `.notes.txt.lock` beside it."""
    from rag import cli
    from stores import Parts

    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)
    src = tmp_path / "src"
    build.build([interview_file], fake_embedder, folder=src)
    notes = tmp_path / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    assert cli.main(["migrate", str(src), str(notes)]) == 1         # (folder to folder: the CLI's own refusal)
    assert migrate_refused(lambda: migrate(src, notes), "is a file")
    assert ".notes.txt.lock" not in {p.name for p in tmp_path.iterdir()} and notes.read_text() == "mine"
    parts = Parts(src)
    entry = parts.manifest()["documents"][0]
    parts.edit_manifest(documents=[{**entry, "path": "x\0y"}])
    assert cli.main(["migrate", str(src), new_uri(database), "--verbose"]) == 0
    parts.edit_manifest(chunking={**parts.manifest()["chunking"], "foo": 1})
    capsys.readouterr()
    assert cli.main(["migrate", str(src), new_uri(database)]) == 1
    err = capsys.readouterr().err
    assert "chunked with settings this version does not know" in err and "Traceback" not in err


def migrate_refused(copy, said: str) -> bool:
    with pytest.raises(IndexProblem, match=said):
        copy()
    return True


@needs_milvus
@pytest.mark.slow
def test_calibration_is_carried_into_a_rebuild(database, interview_file, fake_embedder):
    uri = new_uri(database)
    index = build.build([interview_file], fake_embedder, folder=uri)
    data = {"model": "fake-v1", "chunking": index.manifest["chunking"], "confidence": CONFIDENCE, "modes": {"hybrid": {"threshold": 9.0}}}
    milvus.save_calibration(uri, data)
    build.build([interview_file], fake_embedder, folder=uri)
    again = store.load(uri, embedder=fake_embedder)
    assert again.calibration == data
    assert Retriever(again, fake_embedder).search("Is the pipeline funded?").abstained


@needs_milvus
def test_rag_eval_calibrate_stores_with_a_milvus_index_as_with_a_folder(database, interview_file, fake_embedder):
    """calibration.save serves both backends (the command line had its own copy of it for Milvus)."""
    from rag import calibration

    uri = new_uri(database)
    index = build.build([interview_file], fake_embedder, folder=uri)
    stored = calibration.save(index, "hybrid", {"threshold": 0.4}, ["set.jsonl"])
    calibration.save(index, "lexical", {"threshold": 0.2}, ["set.jsonl"])
    modes = store.load_calibration(uri)["modes"]
    assert modes["hybrid"]["threshold"] == 0.4 and modes["lexical"]["threshold"] == 0.2
    assert stored["modes"]["hybrid"]["sets"] == ["set.jsonl"]


# ---- the command line ------------------------------------------------------------------------------

@needs_milvus
@pytest.mark.slow
def test_cli_search_json_same_quotes_as_the_folder(database, tmp_path, interview_file, capsys, monkeypatch):
    monkeypatch.setattr(rag.embed, "default_embedder", FakeEmbedder)
    from rag.cli import main

    uri = new_uri(database)
    folder = str(tmp_path / "idx")
    outputs = {}
    for where in (folder, uri):
        assert main(["index", str(interview_file), "--index", where, "--quiet"]) == 0
        capsys.readouterr()
        assert main(["search", "--json", "--index", where, "Is the pipeline funded?"]) == 0
        outputs[where] = json.loads(capsys.readouterr().out)
    a, b = outputs[folder]["passages"], outputs[uri]["passages"]
    assert [(p["text"], p["start"], p["end"]) for p in a] == [(p["text"], p["start"], p["end"]) for p in b]
    for p in b:
        assert INTERVIEW[p["start"]:p["end"]] == p["text"]
    assert main(["docs", "--index", uri]) == 0 and "briefing.txt" in capsys.readouterr().out
    assert main(["remove", "briefing.txt", "--index", uri]) == 0
    capsys.readouterr()
    back = str(tmp_path / "back")
    assert main(["migrate", folder, uri]) == 0 and main(["migrate", uri, back]) == 0
    assert "nothing re-embedded" in capsys.readouterr().out
    assert main(["search", "--json", "--index", back, "Is the pipeline funded?"]) == 0
    assert json.loads(capsys.readouterr().out)["passages"] == outputs[folder]["passages"]
    missing = f"milvus-lite://{tmp_path}/missing.db"
    assert main(["search", "--index", missing, "x"]) == 1
    err = capsys.readouterr().err
    assert "No index found" in err and f"rag index PATH... --index {missing}" in err


# ---- nothing of anyone else's is touched, and every bad URI or database is one message ----------------
# (found by a hostile test: each of these failed before the fix that came with it)

def _user_collection(database, name):
    """A user's own collection in the same Milvus Lite file, with one row."""
    c = milvus.client(milvus.parse(f"milvus-lite://{database}"), create=True)
    c.create_collection(name, dimension=4)
    c.insert(name, [{"id": 1, "vector": [0.0, 0.0, 0.0, 1.0]}])
    return c


@needs_milvus
@pytest.mark.slow
def test_a_users_collection_named_like_our_calibration_is_never_dropped(database, interview_file, fake_embedder):
    uri = new_uri(database)
    name = milvus.parse(uri).collection + "__calibration"
    c = _user_collection(database, name)
    with pytest.raises(IndexProblem, match="not ours: nothing was written"):
        build.build([interview_file], fake_embedder, folder=uri)
    assert c.query(name, filter="id == 1", output_fields=["id"]) and not store.exists(uri)
    with pytest.raises(IndexProblem, match="not ours"):
        milvus.save_calibration(uri, {"model": "m"})
    assert c.describe_collection(name)["fields"][0]["name"] == "id"


@needs_milvus
def test_a_name_with_a_double_underscore_is_refused(database):
    """x__calibration as an index's NAME was the calibration collection of index x: the two destroyed each other."""
    with pytest.raises(IndexProblem, match="cannot name an index"):
        milvus.parse(f"milvus-lite://{database}?collection=x__calibration")


@needs_milvus
@pytest.mark.slow
def test_a_users_collection_named_like_an_old_version_is_never_dropped(database, interview_file, fake_embedder):
    uri = new_uri(database)
    name = milvus.parse(uri).collection + "__v1_passages"
    c = _user_collection(database, name)
    for _ in range(3):
        build.build([interview_file], fake_embedder, folder=uri)
    assert c.has_collection(name) and c.query(name, filter="id == 1", output_fields=["id"])


def _same_fields_as_ours(c, name: str, fields: list[str]) -> None:
    """A user's collection with our field names (Milvus's full-text tutorial's) but its own types, sizes and data."""
    from pymilvus import DataType

    s = c.create_schema(auto_id=False, enable_dynamic_field=False)
    ip = c.prepare_index_params()
    for f in fields:
        if f in ("row", "seq"):
            s.add_field(f, DataType.INT64, is_primary=True)
        elif f in ("vector", "v"):
            s.add_field(f, DataType.FLOAT_VECTOR, dim=8)
            ip.add_index(field_name=f, index_type="FLAT", metric_type="L2")
        elif f == "sparse":
            s.add_field(f, DataType.SPARSE_FLOAT_VECTOR)
            ip.add_index(field_name=f, index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
        elif f == "part":
            s.add_field(f, DataType.INT64)
        else:
            s.add_field(f, DataType.VARCHAR, max_length=100)
    c.create_collection(name, schema=s, index_params=ip)
    c.insert(name, [{f: 0 if f in ("row", "seq", "part") else [0.1] * 8 if f in ("vector", "v") else
                     {1: 0.5} if f == "sparse" else "user data" for f in fields}])
    c.flush(name)


@needs_milvus
@pytest.mark.slow
def test_a_users_collections_with_our_field_names_or_a_version_they_named_are_never_dropped(
        database, interview_file, fake_embedder):
    """Old versions are dropped only where the whole schema is ours (the field names alone let a build drop a user's
    `NAME__v1_passages` of their own rows), and never one an alias of someone else's names (it went, alias and all)."""
    uri = new_uri(database)
    name = milvus.parse(uri).collection
    c = milvus.client(milvus.parse(f"milvus-lite://{database}"), create=True)
    _same_fields_as_ours(c, f"{name}__v1_passages", ["row", "vector", "text", "sparse"])
    _same_fields_as_ours(c, f"{name}__v2_blobs", ["seq", "name", "part", "data", "v"])
    build.build([interview_file], fake_embedder, folder=uri)
    first = milvus.current(milvus.parse(uri), c)
    c.create_alias(collection_name=first, alias=f"{name}_snapshot")      # the user keeps that version
    for _ in range(3):
        build.build([interview_file], fake_embedder, folder=uri)
    assert c.has_collection(f"{name}__v1_passages") and c.has_collection(f"{name}__v2_blobs")
    assert c.query(f"{name}__v1_passages", filter="row == 0", output_fields=["text"])[0]["text"] == "user data"
    assert c.has_collection(first) and c.describe_alias(f"{name}_snapshot")["collection_name"] == first
    assert c.has_collection(first.replace("_passages", "_blobs"))
    # and the versions nobody named are still dropped: the current one, the one before, and the user's
    ours = [n for n in c.list_collections() if n.startswith(f"{name}__v") and n.endswith("_passages")]
    assert len(ours) == 4, ours


@needs_milvus
@pytest.mark.slow
def test_a_calibration_write_killed_midway_leaves_the_one_before(database, interview_file, fake_embedder,
                                                                  monkeypatch):
    """A calibration is written whole into a new collection before the old one goes (it was dropped first, then
    written: a process killed between the two, after every build's switch or in `rag eval --calibrate`, lost the
    user's threshold). And the one collection of earlier releases, NAME__calibration, is read, then replaced."""
    uri = new_uri(database)
    build.build([interview_file], fake_embedder, folder=uri)
    target = milvus.parse(uri)
    c = milvus.client(target)
    legacy = f"{target.collection}__calibration"            # as an earlier release wrote it
    s, ip = milvus._blob_schema(c)
    c.create_collection(legacy, schema=s, index_params=ip)
    milvus._write_blobs(c, legacy, {"calibration.json": json.dumps({"modes": {"hybrid": {"threshold": 0.5}}}).encode()})
    c.flush(legacy)
    assert milvus.load_calibration(uri) == {"modes": {"hybrid": {"threshold": 0.5}}}
    store.save_calibration(uri, {"modes": {"hybrid": {"threshold": 0.7}}})
    assert milvus.load_calibration(uri)["modes"]["hybrid"]["threshold"] == 0.7 and not c.has_collection(legacy)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed")
    monkeypatch.setattr(milvus, "_write_blobs", killed)
    with pytest.raises(KeyboardInterrupt):
        store.save_calibration(uri, {"modes": {"hybrid": {"threshold": 0.9}}})
    assert milvus.load_calibration(uri)["modes"]["hybrid"]["threshold"] == 0.7


@needs_milvus
@pytest.mark.slow
def test_a_document_with_a_word_longer_than_a_milvus_field_is_indexed(database, tmp_path, interview_file,
                                                                      fake_embedder, monkeypatch):
    """One "word" of 70,000 characters (a base64 blob in a text file) overflowed the BM25 text's 64 KiB field: a
    pymilvus traceback where the folder indexes it. Its token is left out of the BM25 text; the quote is exact.
    And a write Milvus refuses is one message (CannotWrite), the index as it was."""
    blob = tmp_path / "blob.txt"
    blob.write_text("Attachment follows.\n\n" + "QUJD" * 17_500 + "\n\nThe council agreed on the budget.\n",
                    encoding="utf-8")
    uri = new_uri(database)
    build.add_documents([interview_file, blob], fake_embedder, uri)
    index = store.load(uri, embedder=fake_embedder)
    spans_exact(index)
    hits = Retriever(index, fake_embedder).search("council budget", k=10, abstain=False).hits
    assert any(h.passage.doc == "blob.txt" and "budget" in h.passage.text for h in hits)
    from pymilvus.exceptions import MilvusException

    def refused(*args, **kwargs):
        raise MilvusException(message="the database is read-only")
    c = milvus.client(milvus.parse(uri))
    monkeypatch.setattr(type(c), "insert", refused)
    version = milvus.current(milvus.parse(uri), c)
    with pytest.raises(CannotWrite, match="Milvus refused to write the index .* read-only.*nothing was changed"):
        build.add_documents([interview_file], fake_embedder, uri, rebuild=True)
    assert milvus.current(milvus.parse(uri), c) == version


@needs_milvus
@pytest.mark.slow
def test_an_unreadable_calibration_is_said(database, interview_file, fake_embedder, caplog):
    """As the folder's calibration.json: a calibration that cannot be read is said on stderr, not dropped silently."""
    import logging

    uri = new_uri(database)
    build.build([interview_file], fake_embedder, folder=uri)
    target = milvus.parse(uri)
    milvus._write_calibration(milvus.client(target), target, b'{"modes": {"hybrid": {"thresh')
    with caplog.at_level(logging.WARNING, logger="rag"):
        assert store.load(uri, embedder=fake_embedder).calibration == {}
    assert any("cannot be read" in r.getMessage() and "rag eval --calibrate" in r.getMessage() for r in caplog.records)


@needs_milvus
@pytest.mark.slow
def test_a_killed_builds_leftovers_do_not_push_out_the_version_a_process_still_searches(
        database, tmp_path, interview_file, fake_embedder):
    """A build killed before its switch leaves a newer version behind; the next build kept the two newest
    (that leftover and its own) and dropped the one another process had loaded and was searching."""
    uri = new_uri(database)
    build.build([interview_file], fake_embedder, folder=uri)
    loaded = Retriever(store.load(uri, embedder=fake_embedder), fake_embedder)
    target = milvus.parse(uri)
    c = milvus.client(target)
    leftover = f"v{time.time_ns() // 1000 + 10**9}"            # newer than any real one, never switched to
    for name, schema in zip(milvus._names(target, leftover), (milvus._passage_schema(c, 64), milvus._blob_schema(c))):
        c.create_collection(name, schema=schema[0], index_params=schema[1])
    second = tmp_path / "schools.txt"
    second.write_text(OTHER, encoding="utf-8")
    build.add_documents([second], fake_embedder, uri)
    assert loaded.search("Is the pipeline funded?").hits              # its version is still there
    assert not any(c.has_collection(n) for n in milvus._names(target, leftover))   # the leftover is gone
    assert set(store.load(uri, embedder=fake_embedder).documents) == {"briefing.txt", "schools.txt"}


@needs_milvus
@pytest.mark.slow
def test_a_failed_switch_leaves_the_old_calibration(database, interview_file, fake_embedder, monkeypatch):
    uri = new_uri(database)
    index = build.build([interview_file], fake_embedder, folder=uri)
    old = {"model": "fake-v1", "chunking": index.manifest["chunking"], "confidence": CONFIDENCE, "modes": {"hybrid": {"threshold": 0.5}}}
    milvus.save_calibration(uri, old)
    c = milvus.client(milvus.parse(uri))

    def refuse(**kw):
        raise RuntimeError("the switch failed")

    monkeypatch.setattr(c, "alter_alias", refuse)
    new = {**old, "modes": {"hybrid": {"threshold": 9.0}}}
    import dataclasses
    with pytest.raises(RuntimeError):
        store.save(dataclasses.replace(store.load(uri, embedder=fake_embedder), calibration=new), uri)
    assert milvus.load_calibration(uri) == old


@needs_milvus
@pytest.mark.parametrize("uri", ["milvus://[::1", "milvus://host:99999", "milvus://u:p@host:abc",
                                 "milvus-lite://[oops/x.db", "milvus-lite://rel.db", "milvus-lite:rel.db",
                                 "milvus-lite://./x.db"])
def test_a_malformed_or_relative_uri_is_one_message(uri):
    with pytest.raises(IndexProblem, match="milvus-lite:///abs/path/index.db"):
        milvus.parse(uri)


@needs_milvus
@pytest.mark.parametrize("uri, said", [("milvus://u:s3cret@host:abc", "is not a Milvus URI"),
                                       ("milvus-lite:///tmp/a\nb.db", "line break"),
                                       ("milvus-lite:///tmp/a.db?collection=x&collection=y", "collection twice"),
                                       ("milvus://user:p@s3cret@host:abc", "is not a Milvus URI")])
def test_a_uri_is_never_read_otherwise_than_written_nor_said_with_its_password(uri, said):
    """A hostile review: a password was repeated in the error, "a\nb.db" silently became "ab.db", and of two
    collections named the first was used without a word."""
    with pytest.raises(IndexProblem, match=said) as e:
        milvus.parse(uri)
    assert "s3cret" not in str(e.value)


@needs_milvus
def test_reading_a_missing_database_creates_nothing(tmp_path, fake_embedder):
    uri = f"milvus-lite://{tmp_path}/nest/deeper/typo.db"
    assert not store.exists(uri)
    with pytest.raises(IndexProblem, match="No index found"):
        store.load(uri, embedder=fake_embedder)
    assert store.sources(uri) == [] and milvus.load_calibration(uri) == {}
    assert not (tmp_path / "nest").exists()


@needs_milvus
@pytest.mark.slow
def test_a_users_file_or_folder_at_the_db_path_is_refused_and_untouched(tmp_path, interview_file, fake_embedder):
    photos = tmp_path / "photos.db"
    photos.mkdir()
    (photos / "pic.txt").write_text("holiday")
    notes = tmp_path / "notes.db"
    notes.write_text("my notes")
    folder_index = tmp_path / "same.db"                     # a folder index whose name ends in .db
    build.build([interview_file], fake_embedder, folder=folder_index)
    before = sorted(p.name for p in folder_index.iterdir())
    for path, kind in ((photos, "folder"), (notes, "file"), (folder_index, "folder")):
        for act in (lambda u: build.build([interview_file], fake_embedder, folder=u),
                    lambda u: store.load(u, embedder=fake_embedder)):
            with pytest.raises(IndexProblem, match=f"is a {kind} that is not a Milvus Lite database"):
                act(f"milvus-lite://{path}")
        with pytest.raises(IndexProblem, match="not a Milvus Lite database"):
            migrate(folder_index, f"milvus-lite://{path}")
    assert [p.name for p in photos.iterdir()] == ["pic.txt"] and notes.read_text() == "my notes"
    assert sorted(p.name for p in folder_index.iterdir()) == before


@needs_milvus
def test_a_db_under_a_file_is_one_message(tmp_path):
    (tmp_path / "afile").write_text("x")
    # (a hostile review: it said "Cannot create …: File exists (…/afile)", which the parent is not)
    with pytest.raises(IndexProblem, match=r"Cannot create .*: .*afile is a file, not a folder$"):
        milvus.client(milvus.parse(f"milvus-lite://{tmp_path}/afile/x.db"), create=True)


@needs_milvus
@pytest.mark.slow
def test_missing_stored_files_name_the_rebuild_from_files(database, interview_file, fake_embedder):
    uri = new_uri(database)
    build.build([interview_file], fake_embedder, folder=uri)
    c, _, blobs = _client_and_version(uri)
    c.drop_collection(blobs)
    with pytest.raises(IndexProblem) as e:
        store.load(uri, embedder=fake_embedder)
    msg = str(e.value)
    assert "damaged" in msg and "missing" in msg and f"rag index --rebuild PATH... --index {milvus.parse(uri).uri}" in msg
    assert store.sources(uri) == []                     # what `rag index --index URI` asks: no traceback
    build.build([interview_file], fake_embedder, folder=uri)          # the named way out works
    assert store.load(uri, embedder=fake_embedder).passages


@needs_milvus
@pytest.mark.slow
def test_a_database_another_process_holds_is_one_message(tmp_path):
    import subprocess
    import time as clock

    db = tmp_path / "held.db"
    holder = subprocess.Popen([sys.executable, "-c", f"from pymilvus import MilvusClient; import time; "
                               f"MilvusClient({str(db)!r}); print('open', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        started = clock.monotonic()
        with pytest.raises(IndexProblem, match="another process has this Milvus Lite database open"):
            milvus.client(milvus.parse(f"milvus-lite://{db}"))
        assert clock.monotonic() - started < 60
    finally:
        holder.kill()
        holder.wait()


@needs_milvus
def test_a_write_milvus_lite_raced_is_tried_again(database, interview_file, fake_embedder, monkeypatch):
    """A CI run of searches during four rebuilds: Milvus Lite once said a new version's collection had "no index on
    collection …" (its index, made with it, asked for while another client searched), and the rebuild failed. That
    write is tried again, whole; any other refusal is said at once, nothing changed."""
    from pymilvus.exceptions import MilvusException

    uri = new_uri(database)
    real, calls = milvus._write_version, []

    def raced(*args):
        calls.append(args[6])       # (the passages' collection of this try)
        if len(calls) == 1:
            raise MilvusException(message=f"no index on collection {args[6]!r}")
        return real(*args)

    monkeypatch.setattr(milvus, "_write_version", raced)
    index = build.build([interview_file], fake_embedder, folder=uri)
    assert len(calls) == 2 and calls[0] != calls[1]
    assert Retriever(store.load(uri, embedder=fake_embedder), fake_embedder).search("Is the pipeline funded?", 3).hits
    assert len(index.passages) == len(store.load(uri, embedder=fake_embedder).passages)

    def refused(*args):
        raise MilvusException(message="collection not found")

    monkeypatch.setattr(milvus, "_write_version", refused)
    with pytest.raises(CannotWrite, match="collection not found"):
        build.build([interview_file], fake_embedder, folder=uri)
