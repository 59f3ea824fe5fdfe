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
exec "$root/.venv/bin/rag" serve "$@"
