#!/usr/bin/env bash
# Builds the release desktop app and a blank Tauri window, then measures both (startup.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup.sh test
npm --prefix ui run build --silent
cargo build --release -p huixiao -p huixiao-desktop
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}" cargo build --release --manifest-path tests/bench/blank-tauri/Cargo.toml
python3 tests/bench/startup.py "$@"
