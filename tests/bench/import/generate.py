"""Writes the import benchmark's store lists: N rows of stores as an organizer's sheet holds them
(门店名称, 联系人, 手机, 角色, 城市, 区县, 地址, 行业, 级别), as .xlsx and as a GBK CSV.

    python generate.py N OUT_DIR
"""
import csv
import random
import sys
from pathlib import Path

import xlsxwriter

HEADERS = ["门店名称", "联系人", "手机", "角色", "城市", "区县", "地址", "行业", "级别"]
CITIES = {"长沙": ["岳麓区", "雨花区", "开福区"], "武汉": ["洪山区", "武昌区"], "南昌": ["东湖区", "西湖区"], "株洲": ["天元区", "芦淞区"]}
INDUSTRIES = ["超市", "母婴", "餐饮", "美容", "五金", "服装", "药店"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
ROLES = ["老板", "老板娘", "店长", "员工"]


def rows(n):
    rng = random.Random(13)
    for i in range(n):
        city = rng.choice(list(CITIES))
        district = rng.choice(CITIES[city])
        industry = rng.choice(INDUSTRIES)
        surname = rng.choice(SURNAMES)
        yield [
            f"{surname}记{industry}{i}号店",
            surname + rng.choice("明华丽强军芳燕伟"),
            f"1{rng.choice('3578')}{i:09d}",
            rng.choice(ROLES),
            city,
            district,
            f"{city}市{district}人民路{rng.randint(1, 999)}号",
            industry,
            rng.choice("ABC"),
        ]


def main():
    n, out = int(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    data = list(rows(n))
    book = xlsxwriter.Workbook(out / f"stores-{n}.xlsx", {"constant_memory": True})
    sheet = book.add_worksheet("门店名单")
    sheet.write_row(0, 0, HEADERS)
    for r, row in enumerate(data, start=1):
        sheet.write_row(r, 0, row)
    book.close()
    with open(out / f"stores-{n}-gbk.csv", "w", encoding="gbk", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADERS)
        w.writerows(data)


if __name__ == "__main__":
    main()
