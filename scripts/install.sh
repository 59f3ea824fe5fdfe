#!/usr/bin/env bash
# Install the project with every extra (ui, summary, formats, fast) into .venv; idempotent: skipped when
# pyproject.toml has not changed since the last install.
# usage: scripts/install.sh [--test]   (--test adds the test tools and Debian's chromium)
#   RAG_TORCH_CPU=1 scripts/install.sh   installs torch from PyTorch's CPU-only wheel index first
#   (about 200 MB instead of PyPI's Linux build of torch, which brings CUDA: ~20 nvidia-* packages, GBs)
set -euo pipefail
cd "$(dirname "$0")/.."
extras="[all]"
stamp=.venv/.installed
if [ "${1:-}" = "--test" ]; then extras="[all,test]"; stamp=.venv/.installed-test; fi
# the test install holds all the chat's: after scripts/test.sh, scripts/start.sh installs nothing (nor needs the network)
if [ "$stamp" = .venv/.installed ] && [ -f .venv/.installed-test ] && [ ! pyproject.toml -nt .venv/.installed-test ]; then
  stamp=.venv/.installed-test
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment .venv ..."
  "${PYTHON:-python3}" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  pip=(.venv/bin/pip install --disable-pip-version-check)     # pip's own progress shows
  if [ ! -f .venv/.installed ] && [ ! -f .venv/.installed-test ]; then
    echo "Installing rag-quotes and its dependencies into .venv (first run only: ~2 GB, a few minutes)…"
  elif [ ! -f "$stamp" ]; then
    echo "Installing rag-quotes$extras into .venv …"
  else
    echo "pyproject.toml changed since the last install: updating .venv …"
  fi
  # torch is pinned to one version (torch==2.13.0), not to a build: from PyPI on Linux that is the
  # CUDA build (torch plus ~20 nvidia-* packages). Where a CPU wheel of it is already installed or
  # cached (as on the machine this was written on) pip keeps it; RAG_TORCH_CPU=1 asks PyTorch's
  # CPU-only index for it first, so the CUDA build is never downloaded.
  if [ "${RAG_TORCH_CPU:-}" = "1" ]; then
    echo "RAG_TORCH_CPU=1: installing torch==2.13.0 from https://download.pytorch.org/whl/cpu …"
    "${pip[@]}" "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu
  fi
  "${pip[@]}" -e ".$extras"
  touch "$stamp"
  echo "Installed into .venv (the command line: .venv/bin/rag)."
fi
if [ "$extras" = "[all,test]" ] && [ ! -x /usr/bin/chromium ]; then
  # browser tests drive Debian's chromium (never a downloaded browser)
  echo "Installing Debian's chromium for the browser tests …"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi
if [ "$extras" = "[all,test]" ] && [ ! -f .cache/axe/node_modules/axe-core/axe.min.js ]; then
  # the accessibility check: axe-core from the npm registry, injected into the page from this file
  if ! command -v npm >/dev/null; then
    echo "Installing Debian's npm for the accessibility check …"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq npm >/dev/null
  fi
  echo "Installing axe-core (npm) into .cache/axe for the accessibility tests …"
  npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4.14.1 >/dev/null
fi
