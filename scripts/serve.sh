#!/usr/bin/env bash
# `make serve`: set up what is missing, build the static site with the playground, and serve
# it on http://127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh wasm
if [ -x scripts/site.sh ]; then
  scripts/site.sh build
  exec scripts/site.sh serve
fi
# Until the playground lands: the CLI on the default case.
cargo build --release -p taolab-cli
exec target/release/taolab run --case 1 --variant yuma2 --format table
