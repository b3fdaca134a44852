#!/usr/bin/env bash
# Everything CI runs (`make test`): installs what is missing, then the Rust suites, the
# no_std build, the GPU parity tests, the npm package tests, the browser tests of the site,
# then formatting, clippy and the API docs (rustdoc -D warnings).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }

step "setup"
scripts/setup.sh all

step "no_std build of core (wasm32-unknown-unknown, alloc + libm)"
cargo build -p taolab --no-default-features --target wasm32-unknown-unknown

step "Rust tests (core, cli, conformance suites, GPU parity on whatever adapter exists)"
# Mesa's software Vulkan wants a runtime dir; CI has none.
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then export XDG_RUNTIME_DIR="$(mktemp -d)"; fi
# One build for everything: the GPU parity suite joins the workspace run, so wgpu compiles once.
# Profile `checked`: release speed, with overflow checks (Cargo.toml).
cargo test --workspace --profile checked --features taolab-tests/gpu

for s in npm site; do
  if [ -x "scripts/$s.sh" ]; then
    step "$s tests"
    "scripts/$s.sh" test
  fi
done

step "formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "lint (cargo clippy -D warnings, every crate and target)"
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --workspace --all-targets -- -D warnings
  # The browser faces' web code compiles for wasm32 only: lint it there too.
  cargo clippy -p taolab-wasm -p taolab-playground --target wasm32-unknown-unknown --all-targets -- -D warnings
else
  echo "clippy is not part of this toolchain (rustup component add clippy); lint skipped" >&2
fi

step "API docs (cargo doc -D warnings: every intra-doc link resolves)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

step "done in $(( $(date +%s) - start ))s"
