#!/usr/bin/env bash
# Install (first run only) and start the chat on the default corpus: http://127.0.0.1:7860
# (run from anywhere: a relative --index is the caller's, as with `rag`)
set -euo pipefail
here="$PWD"
cd "$(dirname "$0")/.."
root="$PWD"
bash scripts/install.sh
cd "$here"
export HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False
# the summary model, prepared once before the first start (about a minute) rather than by the seminar's first summary
if ! "$root/.venv/bin/rag" models --check >/dev/null 2>&1; then
  echo "Preparing the summary model (first start only, about a minute; quotes never wait for it) …"
  "$root/.venv/bin/rag" models >/dev/null || echo "warning: the summary model could not be prepared: the chat starts without it; its first summary will try again" >&2
fi
exec "$root/.venv/bin/rag" serve "$@"
