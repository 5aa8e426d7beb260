#!/usr/bin/env bash
# Runs every test of Huixiao (installs what is missing first). Fails when anything fails.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test || exit 1

failed=()
step() {
  local name=$1
  shift
  printf '\n\033[1;34m==> %s\033[0m\n' "$name"
  if "$@"; then
    echo "ok: $name"
  else
    echo "FAILED: $name"
    failed+=("$name")
  fi
}

step "cargo fmt --check" cargo fmt --all --check
step "forbidden markers (dbg!, todo!, unimplemented!)" bash -c '! grep -rnE "dbg!\(|todo!\(|unimplemented!\(" src src-tauri/src tests'
step "the core has no Tauri dependency" bash -c '! cargo tree -p huixiao -e normal --prefix none | grep -qE "^tauri( |-)"'
step "UI: i18n catalogues and literal strings" npm --prefix ui run --silent check:i18n
step "UI: build (type-check + bundle)" npm --prefix ui run --silent build
step "cargo clippy" cargo clippy --workspace --all-targets -- -D warnings
step "core: unit and integration tests" cargo test -p huixiao
step "UI: unit tests (vitest)" npm --prefix ui test --silent
step "build the desktop app (debug)" cargo build -p huixiao -p huixiao-desktop
step "OpenAPI document validates" bash -c '
  set -e; d=$(mktemp -d)
  ./target/debug/huixiao --db "$d/o.db" dev openapi > "$d/openapi.json"
  .venv/bin/openapi-spec-validator "$d/openapi.json"'
ops_dir=$(mktemp -d)
step "browser tests (Chromium, playwright-core)" env HUIXIAO_BIN="$PWD/target/debug/huixiao" HUIXIAO_OPS_DIR="$ops_dir" npm --prefix ui run --silent test:browser
step "every operation a person needs has a screen (ops the browser tests called)" env HUIXIAO_OPS_DIR="$ops_dir" node scripts/check-ops.mjs target/debug/huixiao
step "desktop end-to-end (tauri-driver, xvfb)" xvfb-run -a -s "-screen 0 1440x900x24" node --test --test-concurrency=1 tests/e2e/
# Last: `tauri build` rebuilds the debug window binary with the bundler's settings after the steps that use it.
step "installer: build the .deb, install it, start it on an older database, remove it" bash -c '
  scripts/package.sh --debug && xvfb-run -a -s "-screen 0 1440x900x24" node --test tests/package/'

echo
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED steps: ${failed[*]}"
  exit 1
fi
echo "All test steps passed."
