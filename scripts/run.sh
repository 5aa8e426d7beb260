#!/usr/bin/env bash
# Starts the Huixiao desktop app on the demo data (installs what is missing first).
# The database is huixiao.db in the app's data directory (~/.local/share/huixiao on Linux);
# pass --db PATH to use another file.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run

echo "==> building the UI and the app (release; the first build takes a few minutes)"
npm --prefix ui run build --silent
cargo build --release -p huixiao -p huixiao-desktop

db="${HUIXIAO_DB:-}"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--db" ] && db="${args[$((i + 1))]}"
done
if [ -z "$db" ]; then
  db="$(./target/release/huixiao --lang en dev data-dir)/huixiao.db"
fi
if [ ! -s "$db" ]; then
  echo "==> filling $db with demo data"
  ./target/release/huixiao --db "$db" demo
fi

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "==> no display: running in a virtual X server (xvfb-run)"
  command -v xvfb-run >/dev/null || scripts/setup.sh test
  exec xvfb-run -a -s "-screen 0 1440x900x24" ./target/release/huixiao-desktop --db "$db"
fi
exec ./target/release/huixiao-desktop --db "$db"
