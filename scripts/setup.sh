#!/usr/bin/env bash
# Installs what taolab's build and tests need, idempotently: each step checks first and
# skips what is present. Everything comes from the package registries (Debian, crates.io,
# npm); nothing downloads a prebuilt binary from elsewhere.
#
#   scripts/setup.sh            # everything (Rust targets, wasm tools, browser, Vulkan)
#   scripts/setup.sh rust       # only the Rust side (wasm32 target)
#   scripts/setup.sh wasm       # + wasm-bindgen-cli, binaryen (wasm-opt)
#   scripts/setup.sh browser    # + chromium, chromium-driver, playwright-core
#   scripts/setup.sh gpu        # + mesa-vulkan-drivers (software Vulkan)
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132
what="${1:-all}"
log() { printf '[setup] %s\n' "$*" >&2; }

apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  if [ ! -f /tmp/.taolab-apt-updated ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && touch /tmp/.taolab-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_rust() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

setup_wasm() {
  setup_rust
  if ! command -v wasm-bindgen >/dev/null || ! wasm-bindgen --version | grep -q " $WASM_BINDGEN_VERSION\$"; then
    log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 minutes, once)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
  if [ ! -x tools/node_modules/.bin/wasm-opt ]; then
    log "npm install binaryen@$BINARYEN_VERSION (wasm-opt) into tools/"
    (cd tools && npm install --no-audit --no-fund --silent)
  fi
}

setup_browser() {
  apt_install chromium chromium-driver fonts-dejavu-core
  if [ ! -d tools/node_modules/playwright-core ]; then
    (cd tools && npm install --no-audit --no-fund --silent)
  fi
}

setup_gpu() {
  apt_install mesa-vulkan-drivers libvulkan1
}

case "$what" in
  rust) setup_rust ;;
  wasm) setup_wasm ;;
  browser) setup_browser ;;
  gpu) setup_gpu ;;
  all) setup_wasm; setup_browser; setup_gpu ;;
  *) echo "usage: scripts/setup.sh [all|rust|wasm|browser|gpu]" >&2; exit 2 ;;
esac
log "ready ($what)"
