#!/usr/bin/env bash
# `make bench`: the criterion benches of core (each reports ratios against a baseline in the
# same run), then any face-specific benches (wasm, site) that exist.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p taolab "$@"
for s in npm site; do
  if [ -x "scripts/$s.sh" ]; then "scripts/$s.sh" bench; fi
done
