#!/usr/bin/env bash
# The import benchmark of issue #13: 100,000 stores, read by the app against pandas (calamine
# engine for xlsx, read_csv for GBK CSV), each with the same phone check; then the whole CLI
# import into a new database file against pandas' read alone. A B A B, medians and ratios pair by
# pair. Needs a release build (`cargo build --release --bin huixiao`) and Python 3 with venv.
#
#   tests/bench/import.sh [ROWS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-100000}
runs=${2:-5}
bin=${HUIXIAO_BIN:-target/release/huixiao}
venv=.venv-bench
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pandas, python_calamine, xlsxwriter' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pandas python-calamine xlsxwriter
fi
py="$venv/bin/python"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$py" tests/bench/import/generate.py "$rows" "$work"
xlsx="$work/stores-$rows.xlsx"
csv="$work/stores-$rows-gbk.csv"
cmp() { "$py" tests/bench/import/compare.py "$runs" "$1" "$2"; echo; }

echo "## $rows rows · $(nproc) cores · $(date -u +%F)"
echo "### xlsx: the app's read and check (a dry run) vs pandas' read (calamine) and phone check"
cmp "$bin import stores $xlsx --dry-run --db $work/dry.db" "$py tests/bench/import/pandas_read.py $xlsx"
echo "### GBK CSV: the app's read and check (a dry run) vs pandas' read_csv and phone check"
cmp "$bin import stores $csv --dry-run --db $work/dry.db" "$py tests/bench/import/pandas_read.py $csv"
echo "### the whole import into a new database file vs pandas' read alone (xlsx)"
cmp "sh -c 'rm -f $work/new.db*; exec $bin import stores $xlsx --db $work/new.db'" "$py tests/bench/import/pandas_read.py $xlsx --no-check"
echo "### the whole import into a new database file vs pandas' read alone (GBK CSV)"
cmp "sh -c 'rm -f $work/new.db*; exec $bin import stores $csv --db $work/new.db'" "$py tests/bench/import/pandas_read.py $csv --no-check"
