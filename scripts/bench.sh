#!/usr/bin/env bash
# `make bench`: the criterion benches of core (each reports ratios against a baseline in the
# same run), then any face-specific benches (wasm, site) that exist. The epoch bench runs
# twice: on one thread (the library's default build) and with rayon (`parallel`, the CLI's
# build), each ending with its ratio report; the study bench needs `parallel`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p taolab "$@"
cargo bench -p taolab --features parallel --bench epoch --bench study "$@"
for s in npm site; do
  if [ -x "scripts/$s.sh" ]; then "scripts/$s.sh" bench; fi
done
