#!/usr/bin/env bash
# Set up a virtual environment in .venv with site-builder and its pinned
# dependencies. Pass `test` to also install the test tools and Debian's
# Chromium (browser tests drive it with Playwright; nothing is downloaded
# by Playwright itself).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if [ "${1:-}" = "test" ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
  if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $([ -n "${CHROMIUM_PATH:-}" ] || echo chromium) fonts-noto-cjk fonts-liberation >/dev/null
  fi
  # Quality-gate tools (tests/test_html_valid.py, tests/test_lighthouse.py): the Nu HTML
  # Checker (npm vnu-jar, runs on Java) and Lighthouse, pinned in package-lock.json and
  # installed into node_modules/. --ignore-scripts: vnu-jar's postinstall would download
  # a JRE; Debian's is used instead.
  if ! command -v java >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
      $(command -v java >/dev/null 2>&1 || echo default-jre-headless) \
      $(command -v npm >/dev/null 2>&1 || echo nodejs npm) >/dev/null
  fi
  if [ ! package-lock.json -ot node_modules/.package-lock.json ]; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  fi
else
  .venv/bin/pip install --quiet --disable-pip-version-check -e .
fi
