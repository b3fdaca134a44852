# taolab — the entry points. A new user and CI use the same words.
#   make serve   set up what is missing, build the playground, serve it on http://127.0.0.1:8080
#   make test    everything CI runs
#   make npm     the npm package, packed at dist/npm/taolab-<version>.tgz
#   make site    the static site in dist/site/ (playground at dist/site/playground/)
#   make bench   criterion benchmarks (and the wasm bench)
.PHONY: serve test npm site bench setup cli nostd fmt lint clean

serve:
	@scripts/serve.sh

test:
	@scripts/test.sh

npm:
	@scripts/setup.sh wasm
	@scripts/npm.sh build

site:
	@scripts/setup.sh wasm
	@scripts/site.sh build

bench:
	@scripts/bench.sh

setup:
	@scripts/setup.sh all

cli:
	cargo build --release -p taolab-cli
	@echo "built target/release/taolab"

nostd:
	@scripts/setup.sh rust
	cargo build -p taolab --no-default-features --target wasm32-unknown-unknown

fmt:
	cargo fmt --all

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p taolab-wasm -p taolab-playground --target wasm32-unknown-unknown --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

clean:
	cargo clean
	rm -rf dist
