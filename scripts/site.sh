#!/usr/bin/env bash
# The static site: landing page, the playground (Yew + plotters, wasm) and the npm example.
#
#   scripts/site.sh build   # → dist/site/ (the playground at dist/site/playground/)
#   scripts/site.sh serve   # serve dist/site on http://127.0.0.1:8080 (PORT to change)
#   scripts/site.sh test    # build, then the browser tests (Playwright + Chromium)
#   scripts/site.sh bench   # build, then time the first chart and a slider recompute
#
# wasm builds use their own target dir (target/site) so they do not fight the native ones.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/site}"
# Keep the target_features section for wasm-bindgen; wasm-opt strips the names afterwards.
export CARGO_PROFILE_WASM_RELEASE_STRIP=false
OUT=dist/site
WASM="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/taolab_playground.wasm"
log() { printf '[site] %s\n' "$*" >&2; }

build() {
  scripts/setup.sh wasm
  log "cargo build (wasm32, wasm-release) -p taolab-playground"
  cargo build --target wasm32-unknown-unknown --profile wasm-release -p taolab-playground
  rm -rf "$OUT.tmp"
  mkdir -p "$OUT.tmp/playground"
  wasm-bindgen --target web --no-typescript --out-dir "$OUT.tmp/playground" "$WASM"
  local bg="$OUT.tmp/playground/taolab_playground_bg.wasm"
  log "wasm-opt -Oz"
  tools/node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-sign-ext \
    --enable-nontrapping-float-to-int --enable-mutable-globals --enable-reference-types \
    --enable-multivalue -o "$bg.opt" "$bg"
  mv "$bg.opt" "$bg"
  cp playground/static/* "$OUT.tmp/playground/"
  cp www/site/* "$OUT.tmp/"
  if [ -d www/example ]; then
    # The plain-JS example imports the npm package's web build; build it once if missing.
    if [ ! -f www/example/taolab/index.js ] && [ -x scripts/npm.sh ]; then
      log "building the npm package for the example (scripts/npm.sh build)"
      scripts/npm.sh build >&2
    fi
    mkdir -p "$OUT.tmp/example"
    cp -r www/example/. "$OUT.tmp/example/"
    rm -rf "$OUT.tmp/example/node_modules"
  fi
  rm -rf "$OUT"
  mv "$OUT.tmp" "$OUT"
  local size gz
  size=$(stat -c %s "$OUT/playground/taolab_playground_bg.wasm")
  gz=$(gzip -9 -c "$OUT/playground/taolab_playground_bg.wasm" | wc -c)
  log "built $OUT (playground wasm: $size bytes, $gz gzipped)"
}

built() { [ -f "$OUT/playground/taolab_playground_bg.wasm" ]; }

# Starts the server on a free port for tests; sets SERVER_PID and SITE_URL.
start_server() {
  local port="${SITE_TEST_PORT:-18080}"
  node www/serve.mjs "$OUT" "$port" 127.0.0.1 > "dist/site-server.log" 2>&1 &
  SERVER_PID=$!
  trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
  for _ in $(seq 1 50); do
    if node -e "fetch('http://127.0.0.1:$port/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
      SITE_URL="http://127.0.0.1:$port"
      return 0
    fi
    sleep 0.2
  done
  log "the test server did not start:"; cat dist/site-server.log >&2
  exit 1
}

case "${1:-}" in
  build) build ;;
  serve)
    built || build
    exec node www/serve.mjs "$OUT" "${PORT:-8080}" 127.0.0.1
    ;;
  test)
    scripts/setup.sh browser
    build
    start_server
    mkdir -p dist/test-artifacts
    SITE_URL="$SITE_URL" timeout 300 node www/tests/playground.test.mjs
    ;;
  bench)
    scripts/setup.sh browser
    built || build
    start_server
    SITE_URL="$SITE_URL" timeout 180 node www/tests/bench.mjs
    ;;
  *) echo "usage: scripts/site.sh build|serve|test|bench" >&2; exit 2 ;;
esac
