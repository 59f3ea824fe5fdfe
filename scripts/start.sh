#!/usr/bin/env bash
# Install (first run only) and start the chat on the default corpus: http://127.0.0.1:7860
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False
exec .venv/bin/rag serve "$@"
