#!/usr/bin/env bash
# The npm package `taolab` (wasm/): build, test, bench. `make npm|test|bench` call this.
#
#   scripts/npm.sh build   cargo (wasm32, profile wasm-release) → wasm-bindgen (web, nodejs
#                          ESM, bundler) → wasm-opt -Oz → package in dist/npm/pkg/ → npm pack
#                          → dist/npm/taolab-<version>.tgz
#   scripts/npm.sh test    wasm-bindgen tests (Node, headless Chromium), tsc --noEmit on the
#                          types, size check, packaging tests (fresh Node ESM project, a plain
#                          <script type="module"> page and a Web Worker in Chromium), the
#                          determinism test against the CLI
#   scripts/npm.sh bench   the 22 cases and a 256×4096 epoch in Node (wasm) against native
#
# Nothing is downloaded but crates and npm packages: no prebuilt binaries (no wasm-pack).
# Builds use CARGO_TARGET_DIR=target/npm so they do not contend with the other crates' builds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export CARGO_TARGET_DIR="$ROOT/target/npm"
# Keep the target_features section for wasm-bindgen and wasm-opt; wasm-opt strips afterwards.
export CARGO_PROFILE_WASM_RELEASE_STRIP=false
# Built for size (opt-level "z"), LLVM inlines almost nothing: small generic helpers (slice
# indexing, Vec::resize, fixed-point compares) stay calls in the hot loops. A higher inline
# threshold buys back most of the speed for a little size: on `scripts/npm.sh bench` the
# world steps about 20 % faster and the 22 cases 15-25 %, for 6.9 KB gzipped.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:--C llvm-args=-inline-threshold=30}"
OUT=dist/npm
PKG=$OUT/pkg
TOOLS=$ROOT/tools/node_modules/.bin
MAX_GZIP_BYTES=300000  # "300 KB", read strictly (decimal)
log() { printf '[npm] %s\n' "$*" >&2; }

version() {
  sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -n1
}

build() {
  scripts/setup.sh wasm >/dev/null 2>&1 || scripts/setup.sh wasm
  local v; v=$(version)
  log "cargo build -p taolab-wasm (wasm32, wasm-release)"
  cargo build -q -p taolab-wasm --target wasm32-unknown-unknown --profile wasm-release
  local wasm=$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/taolab_wasm.wasm
  rm -rf "$PKG"
  mkdir -p "$PKG"
  local dir target
  for pair in web:web node:experimental-nodejs-module bundler:bundler; do
    dir=${pair%%:*}; target=${pair#*:}
    log "wasm-bindgen --target $target → $dir/"
    wasm-bindgen --target "$target" --weak-refs --no-typescript --out-dir "$PKG/$dir" "$wasm"
    rm -f "$PKG/$dir/package.json"
    "$TOOLS/wasm-opt" -Oz --strip-debug --strip-producers \
      "$PKG/$dir/taolab_wasm_bg.wasm" -o "$PKG/$dir/taolab_wasm_bg.wasm"
    cp wasm/js/api.js "$PKG/$dir/api.js"
  done
  cp wasm/js/index.web.js "$PKG/web/index.js"
  sed 's/BUILD build/node build/' wasm/js/index.ready.js >"$PKG/node/index.js"
  sed 's/BUILD build/bundler build/' wasm/js/index.ready.js >"$PKG/bundler/index.js"
  cp wasm/js/taolab.d.ts "$PKG/taolab.d.ts"
  cp wasm/README.md "$PKG/README.md"
  sed "s/@VERSION@/$v/" wasm/js/package.json >"$PKG/package.json"
  # The plain-JS example (www/example/) imports the web build from beside itself.
  rm -rf www/example/taolab
  cp -r "$PKG/web" www/example/taolab
  rm -f "$OUT/taolab-$v.tgz"
  (cd "$PKG" && npm pack --silent --pack-destination "$ROOT/$OUT" >/dev/null)
  log "packed $OUT/taolab-$v.tgz ($(wc -c <"$OUT/taolab-$v.tgz") bytes); wasm $(gzip_size "$PKG/web/taolab_wasm_bg.wasm") bytes gzipped"
}

gzip_size() { gzip -9 -c "$1" | wc -c; }

size_check() {
  local n; n=$(gzip_size "$PKG/web/taolab_wasm_bg.wasm")
  local raw; raw=$(wc -c <"$PKG/web/taolab_wasm_bg.wasm")
  awk -v raw="$raw" -v n="$n" -v max="$MAX_GZIP_BYTES" 'BEGIN {
    printf "[npm] size: taolab_wasm_bg.wasm is %d bytes, %d bytes (%.1f KiB) gzipped; limit %d\n", raw, n, n / 1024, max }' 
  if [ "$n" -gt "$MAX_GZIP_BYTES" ]; then
    echo "[npm] size check FAILED: over 300 KB gzipped" >&2
    return 1
  fi
}

cli() {
  if [ ! -x target/release/taolab ] || [ -n "$(find cli/src core/src -newer target/release/taolab -name '*.rs' -print -quit)" ]; then
    log "cargo build --release -p taolab-cli"
    cargo build -q --release -p taolab-cli --target-dir "$ROOT/target"
  fi
}

# Runs a command quietly: its summary lines on success, its tail on failure.
summarised() {
  local out
  if out=$("$@" 2>&1); then
    grep -E '^(running|test result|Running headless|Executing)' <<<"$out" || true
  else
    tail -n 80 <<<"$out"
    return 1
  fi
}

wasm_bindgen_tests() {
  local runner=(--config "target.wasm32-unknown-unknown.runner='wasm-bindgen-test-runner'")
  log "wasm-bindgen tests in Node"
  summarised env -u WASM_BINDGEN_USE_BROWSER cargo test -p taolab-wasm \
    --target wasm32-unknown-unknown --release --test api "${runner[@]}"
  log "wasm-bindgen tests in headless Chromium (wasm/webdriver.json passes --no-sandbox)"
  (cd wasm && summarised env CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
    WASM_BINDGEN_USE_BROWSER=1 WASM_BINDGEN_TEST_TIMEOUT=120 cargo test -p taolab-wasm \
    --target wasm32-unknown-unknown --release --test api "${runner[@]}")
}

test_all() {
  scripts/setup.sh browser >/dev/null 2>&1 || scripts/setup.sh browser
  build
  size_check
  log "tsc --noEmit on the types"
  "$TOOLS/tsc" -p wasm/test-pkg/tsconfig.json
  wasm_bindgen_tests
  cli
  log "packaging and determinism tests (fresh Node ESM project, Chromium page and worker)"
  TAOLAB_TGZ="$ROOT/$OUT/taolab-$(version).tgz" TAOLAB_CLI="$ROOT/target/release/taolab" \
    node --test wasm/test-pkg/node.test.mjs wasm/test-pkg/browser.test.mjs
}

bench() {
  build
  cli
  log "native side: cargo run --release -p taolab-wasm --example bench_native"
  local native
  native=$(cargo run -q --release -p taolab-wasm --example bench_native)
  TAOLAB_PKG="$ROOT/$PKG" TAOLAB_CLI="$ROOT/target/release/taolab" TAOLAB_NATIVE="$native" \
    node wasm/test-pkg/bench.mjs
}

case "${1:-}" in
  build) build ;;
  test) test_all ;;
  bench) bench ;;
  size) size_check ;;
  *) echo "usage: scripts/npm.sh build|test|bench|size" >&2; exit 2 ;;
esac
