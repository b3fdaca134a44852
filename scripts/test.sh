#!/usr/bin/env bash
# Everything CI runs (`make test`): installs what is missing, then the Rust suites, the
# no_std build, the npm package tests, the browser tests of the site, and the GPU parity tests.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "setup"
scripts/setup.sh all

step "no_std build of core (wasm32-unknown-unknown, alloc + libm)"
cargo build -p taolab --no-default-features --target wasm32-unknown-unknown

step "Rust tests (core, cli, conformance suites)"
cargo test --workspace --release

for s in npm site gpu; do
  if [ -x "scripts/$s.sh" ]; then
    step "$s tests"
    "scripts/$s.sh" test
  fi
done

step "formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "done in $(( $(date +%s) - start ))s"
