#!/usr/bin/env bash
# The GPU path (core's `gpu` feature, wgpu + WGSL):
#   scripts/gpu.sh test    parity of the GPU scorer with the CPU float path (release), on
#                          whatever adapter there is: lavapipe (software Vulkan) in CI
#   scripts/gpu.sh bench   the consensus-map grid on the CPU and GPU backends
#   scripts/gpu.sh web     the scorer in headless Chromium through WebGPU, in a page and a
#                          module worker (tests/gpu-web), against the CPU path
# Builds go to target/gpu so that they do not hold the main target directory's lock; in CI
# (CI set) they share target/, where the workspace build has already compiled wgpu.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${CI:-}" ]; then default_dir=target; else default_dir=target/gpu; fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$default_dir}"
# Mesa's Vulkan drivers print "XDG_RUNTIME_DIR is invalid" when it is unset (CI): give them one.
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then export XDG_RUNTIME_DIR="$(mktemp -d)"; fi
what="${1:-test}"
shift || true

case "$what" in
  test)
    scripts/setup.sh gpu
    cargo test --release -p taolab --features gpu --lib gpu:: "$@"
    cargo test --release -p taolab-tests --features gpu --test gpu_parity "$@" -- --nocapture
    ;;
  bench)
    scripts/setup.sh gpu
    cargo bench -p taolab --features gpu,parallel --bench gpu "$@"
    ;;
  web)
    scripts/setup.sh wasm
    scripts/setup.sh browser
    cargo build --release --target wasm32-unknown-unknown --manifest-path tests/gpu-web/Cargo.toml
    wasm-bindgen --target web --out-dir "$CARGO_TARGET_DIR/web-pkg" \
      "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/taolab_gpu_web.wasm"
    node tests/gpu-web/run.mjs "$CARGO_TARGET_DIR/web-pkg" "$@"
    ;;
  *)
    echo "usage: scripts/gpu.sh [test|bench|web]" >&2
    exit 2
    ;;
esac
