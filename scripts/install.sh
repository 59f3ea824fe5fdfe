#!/usr/bin/env bash
# Install the project into .venv (idempotent: skipped when pyproject.toml has not changed).
# usage: scripts/install.sh [--test]   (--test adds the test tools and Debian's chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
extras=""
stamp=.venv/.installed
if [ "${1:-}" = "--test" ]; then extras="[test]"; stamp=.venv/.installed-test; fi
if [ ! -x .venv/bin/python ]; then "${PYTHON:-python3}" -m venv .venv; fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  # torch is pinned to the CPU build (torch==2.13.0); an unpinned torch pulls a multi-GB CUDA build
  .venv/bin/pip install --quiet --disable-pip-version-check -e ".$extras"
  touch "$stamp"
fi
if [ -n "$extras" ] && [ ! -x /usr/bin/chromium ]; then
  # browser tests drive Debian's chromium (never a downloaded browser)
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
fi
