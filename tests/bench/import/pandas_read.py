"""The yardstick for the import: pandas reads the sheet and checks every phone, as the import
must (a mainland mobile: 11 digits starting with 1, after removing spaces, dashes and +86).

    python pandas_read.py FILE [--no-check]
"""
import sys

import pandas as pd

MOBILE = r"^1[3-9]\d{9}$"


def main():
    path = sys.argv[1]
    if path.endswith(".xlsx"):
        df = pd.read_excel(path, engine="calamine", dtype=str)
    else:
        df = pd.read_csv(path, encoding="gbk", dtype=str)
    if "--no-check" not in sys.argv:
        phones = df["手机"].fillna("").str.replace(r"[\s\-]", "", regex=True).str.removeprefix("+86")
        bad = (~phones.str.match(MOBILE)).sum()
        print(len(df), "rows,", int(bad), "bad phones")
    else:
        print(len(df), "rows")


if __name__ == "__main__":
    main()
