"""embed.Batcher: concurrent queries share one call, each caller gets its own answer or error."""
import threading
import time

import pytest

from rag.embed import Batcher

from conftest import at_once


def test_a_lone_call_is_answered_at_once():
    b = Batcher(lambda items: [x * 2 for x in items])
    assert b(21) == 42


def test_concurrent_calls_share_batches_and_get_their_own_results():
    calls = []

    def slow_double(items):
        calls.append(list(items))
        time.sleep(0.05)              # while one batch runs, the others queue up
        return [x * 2 for x in items]

    b = Batcher(slow_double)
    assert at_once(b, 12) == [2 * n for n in range(12)]
    assert sorted(x for batch in calls for x in batch) == list(range(12))   # each item once
    assert len(calls) < 12 and max(len(c) for c in calls) > 1               # some were batched


def test_max_batch_is_respected():
    sizes = []
    gate = threading.Event()

    def fn(items):
        gate.wait(5)
        sizes.append(len(items))
        return items

    b = Batcher(fn, max_batch=3)
    threads = [threading.Thread(target=b, args=(n,)) for n in range(7)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    gate.set()
    for t in threads:
        t.join(timeout=10)
    assert sum(sizes) == 7 and max(sizes) <= 3


def test_an_error_reaches_every_caller_of_its_batch_and_the_batcher_goes_on():
    def fn(items):
        if "bad" in items:
            raise ValueError("the model failed")
        return [s.upper() for s in items]

    b = Batcher(fn)
    with pytest.raises(ValueError, match="the model failed"):
        b("bad")
    assert b("good") == "GOOD"


def test_concurrent_first_use_constructs_the_model_once(monkeypatch):
    """Eight threads asking for .model at once, before it is loaded, get one model, constructed once."""
    import sys
    import types

    from rag.embed import SentenceTransformerEmbedder

    built = []

    class SlowModel:
        max_seq_length = 128

        def __init__(self, path, device=None):
            built.append(path)
            time.sleep(0.1)               # a load takes a while: every thread arrives during it

    fake = types.ModuleType("sentence_transformers")
    fake.SentenceTransformer = SlowModel
    monkeypatch.setitem(sys.modules, "sentence_transformers", fake)   # what embed.py imports on first use
    embedder = SentenceTransformerEmbedder("acme/no-such-model")    # (a hub name: no folder sought)
    got = at_once(lambda _: embedder.model, 8)
    assert len({id(m) for m in got}) == 1
    assert built == ["acme/no-such-model"] and embedder.max_tokens == 128


def test_a_short_answer_is_an_error_not_a_caller_waiting_for_ever():
    b = Batcher(lambda items: items[:-1])
    with pytest.raises(RuntimeError, match="0 results for 1 items"):
        b("lost")


def test_submit_returns_a_future_the_caller_takes_later():
    gate = threading.Event()
    b = Batcher(lambda items: [gate.wait(5) and x * 2 for x in items])
    future = b.submit(21)
    assert not future.done()          # the caller goes on while the batcher works
    gate.set()
    assert future.result(timeout=5) == 42


def test_one_callers_bad_item_fails_only_that_caller_not_its_batch():
    """A visitor's query the tokenizer refused (a lone surrogate) failed every search batched with it."""
    gate = threading.Event()
    calls = []

    def fn(items):
        gate.wait(5)
        calls.append(list(items))
        if "bad" in items:
            raise TypeError("TextEncodeInput must be Union[...]")
        return [s.upper() for s in items]

    b = Batcher(fn)
    first = b.submit("first")             # holds the thread while the others queue into one batch
    futures = [b.submit(x) for x in ("a", "bad", "c")]
    gate.set()
    assert first.result(timeout=5) == "FIRST"
    assert futures[0].result(timeout=5) == "A" and futures[2].result(timeout=5) == "C"
    with pytest.raises(TypeError):
        futures[1].result(timeout=5)
    assert any({"a", "bad", "c"} <= set(c) for c in calls)     # they were batched, then answered one by one


def test_a_lone_surrogate_in_a_query_is_replaced_not_passed_to_the_tokenizer():
    from rag.retrieve import clean_query

    text, _ = clean_query("caf\udce9 budget")
    assert text == "caf\ufffd budget"
    text.encode("utf-8")                  # what the tokenizer needs
