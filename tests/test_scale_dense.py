"""rag.dense's search within a few documents (only their rows are multiplied) gives what the search
over all rows, restricted to them, gives: same rows, same order, same scores."""
from types import SimpleNamespace

import numpy as np

from rag import store
from rag.dense import DenseSearch


def test_a_small_filter_and_a_large_one_rank_as_the_brute_force_does():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2000, 32)).astype("float32")
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    x[700] = x[650]                                 # a tie: the stable order (lower row first) must hold
    dense = DenseSearch(SimpleNamespace(vectors=store.vectors_index(x), passages=range(len(x))), None)
    q = x[650] + 0.01 * rng.standard_normal(32).astype("float32")
    q /= np.linalg.norm(q)
    for lo, hi in ((600, 900), (0, 1800)):          # one document of several (rows only), most of them (all)
        allowed = np.zeros(len(x), dtype=bool)
        allowed[lo:hi] = True
        got = dense.search(q, allowed, 20)
        sims = x @ q
        want = [int(r) for r in np.flatnonzero(allowed)[np.argsort(-sims[lo:hi], kind="stable")[:20]]]
        assert got.rows == want
        assert all(abs(got.scores[r] - float(sims[r])) < 1e-5 for r in want)
    assert dense.search(q, np.zeros(len(x), dtype=bool), 5).rows == []
