import { describe, expect, it } from "vitest";
import { fenToYuanText, MAX_FEN, parseYuan, times } from "./money";

describe("parseYuan", () => {
  it("reads the decimal string, never through floating point", () => {
    expect(parseYuan("19.99")).toBe(1999);
    expect(parseYuan("0.07")).toBe(7);
    expect(parseYuan("1.1")).toBe(110);
    expect(parseYuan("4.35")).toBe(435); // 4.35 * 100 = 434.99999999999994 in floating point
    expect(parseYuan("1005.02")).toBe(100502); // 1005.02 * 100 = 100501.99999999999
    expect(parseYuan("19800")).toBe(1980000);
  });
  it("accepts what people type: separators, ¥, 元, a trailing or leading point, full-width digits", () => {
    expect(parseYuan("1,299.9")).toBe(129990);
    expect(parseYuan("¥ 3,980")).toBe(398000);
    expect(parseYuan("￥3980")).toBe(398000);
    expect(parseYuan("3980元")).toBe(398000);
    expect(parseYuan("12.")).toBe(1200);
    expect(parseYuan(".5")).toBe(50);
    expect(parseYuan("１９８００．５")).toBe(1980050);
  });
  it("refuses what is not an amount", () => {
    for (const bad of ["", " ", "abc", "1.234", "1e5", "12.3.4", "--1", "0x10", "¥", "."]) expect(parseYuan(bad), bad).toBeNull();
  });
  it("refuses amounts the core refuses (¥100,000,000 and more)", () => {
    expect(parseYuan("99999999.99")).toBe(MAX_FEN);
    expect(parseYuan("100000000")).toBeNull();
    expect(parseYuan("123456789012345678")).toBeNull();
  });
  it("takes negative amounts only when allowed", () => {
    expect(parseYuan("-20.5")).toBe(-2050);
    expect(parseYuan("-20.5", { allowNegative: false })).toBeNull();
    expect(parseYuan("0", { allowNegative: false })).toBe(0);
  });
});

describe("fenToYuanText", () => {
  it("writes fen back as the yuan a user would type", () => {
    expect(fenToYuanText(1980000)).toBe("19800");
    expect(fenToYuanText(1999)).toBe("19.99");
    expect(fenToYuanText(1990)).toBe("19.90");
    expect(fenToYuanText(5)).toBe("0.05");
    expect(fenToYuanText(0)).toBe("0");
    expect(fenToYuanText(-2050)).toBe("-20.50");
  });
  it("round-trips with parseYuan", () => {
    for (const fen of [0, 1, 99, 100, 1999, 43_5, 100502, 1980050, MAX_FEN]) expect(parseYuan(fenToYuanText(fen))).toBe(fen);
  });
});

describe("times", () => {
  it("multiplies a price by a quantity exactly", () => {
    expect(times(1999, 3)).toBe(5997);
    expect(times(435, 7)).toBe(3045);
  });
});
