#!/usr/bin/env bash
# Set up, build the sample site in content/ and serve it on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/site-builder serve --content content --out build "$@"
