#!/usr/bin/env bash
# `make serve`: set up what is missing, build the static site with the playground, and serve
# it on http://127.0.0.1:8080 (the playground at /playground/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh wasm
scripts/site.sh build
exec scripts/site.sh serve
