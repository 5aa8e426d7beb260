#!/usr/bin/env bash
# Installs what Huixiao needs on a Debian/Ubuntu machine that has only Rust, Node and apt.
# Idempotent: installs only what is missing. Usage: scripts/setup.sh run|test
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-run}

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

# Debian packages: Tauri's WebKitGTK stack and the CJK font for the app;
# for tests also Xvfb, WebKit's WebDriver, Chromium, poppler, and PostgreSQL's server (the tests start
# their own cluster on loopback in a temporary folder; the packaged cluster is not used).
pkgs=(libwebkit2gtk-4.1-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev librsvg2-dev
      libayatana-appindicator3-dev libxdo-dev libssl-dev build-essential pkg-config file fonts-noto-cjk)
if [ "$purpose" = test ]; then
  pkgs+=(xvfb xauth webkit2gtk-driver chromium poppler-utils python3-venv unzip postgresql)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm packages of the UI, at the versions in package-lock.json. Not `npm ci`: with this machine's
# `omit-lockfile-registry-resolved` the lock records only this platform's optional packages
# (rollup's native binaries), and `npm ci` refuses such a lock as out of sync.
if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  say "npm install (ui, as locked)"
  npm --prefix ui install --no-audit --no-fund
fi

if [ "$purpose" = test ]; then
  # tauri-driver drives the real desktop window through WebKitWebDriver.
  if ! command -v tauri-driver >/dev/null 2>&1; then
    say "cargo install tauri-driver"
    cargo install tauri-driver --locked --version 2.1.0
  fi
  # A real OpenAPI validator for the served document.
  if [ ! -x .venv/bin/openapi-spec-validator ]; then
    say "pip install openapi-spec-validator (.venv)"
    python3 -m venv .venv
    .venv/bin/pip install -q openapi-spec-validator==0.7.2
  fi
fi
