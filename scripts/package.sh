#!/usr/bin/env bash
# Builds the Linux installer: a .deb with the desktop app 会销助手 (huixiao-desktop, its icon and
# desktop entry) and the command line (huixiao), made by Tauri's bundler.
#   scripts/package.sh           the release package  → target/release/bundle/deb/huixiao_VERSION_amd64.deb
#   scripts/package.sh --debug   the debug package the tests install → target/debug/bundle/deb/…
# Install it with `sudo apt-get install ./huixiao_VERSION_amd64.deb` (apt pulls in WebKitGTK and the
# CJK font); `sudo apt-get remove huixiao` removes the programs and keeps every user's data.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=release
flags=()
if [ "${1:-}" = --debug ]; then
  profile=debug
  flags=(--debug)
fi
scripts/setup.sh run
npm --prefix ui run build --silent
# The CLI goes into the package beside the window (`huixiao backup …`, `huixiao serve --lan`).
if [ $profile = release ]; then
  cargo build --release -p huixiao --bin huixiao
else
  cargo build -p huixiao --bin huixiao
fi
cli_in_package="{\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"/usr/bin/huixiao\":\"../target/$profile/huixiao\"}}}}}"
cd src-tauri
../ui/node_modules/.bin/tauri build "${flags[@]}" --bundles deb --ci --config "$cli_in_package"
ls -1 "$PWD/../target/$profile/bundle/deb/"*.deb
