import { describe, expect, it } from "vitest";
import { formatDate, formatDateShort, formatDateTime, formatMoney, formatRate, formatVenueTime, formatWeekday, maskPhone, parseYuan } from "./format";

describe("formatDate", () => {
  it("shows dates the Chinese way in zh", () => {
    expect(formatDate("2026-11-22", "zh-CN")).toBe("2026年11月22日");
    expect(formatDate("2026-01-05", "zh-CN")).toBe("2026年1月5日");
  });
  it("shows dates in English in en", () => {
    expect(formatDate("2026-11-22", "en")).toBe("Nov 22, 2026");
  });
  it("keeps the compact form and odd input", () => {
    expect(formatDateShort("2026-11-22")).toBe("2026-11-22");
    expect(formatDateShort(null)).toBe("—");
    expect(formatDate("garbage", "zh-CN")).toBe("garbage");
    expect(formatDate(null, "en")).toBe("—");
  });
  it("gives the weekday", () => {
    expect(formatWeekday("2026-11-22", "zh-CN")).toBe("周日");
    expect(formatWeekday("2026-11-22", "en")).toBe("Sun");
  });
  it("formats timestamps in local time", () => {
    expect(formatDateTime("not a date")).toBe("not a date");
    expect(formatDateTime("2026-11-22T06:30:00Z")).toMatch(/^2026-11-2[12] \d\d:30$/);
  });
});

describe("formatMoney", () => {
  it("converts fen to yuan with two decimals and ¥", () => {
    expect(formatMoney(0)).toBe("¥0.00");
    expect(formatMoney(5)).toBe("¥0.05");
    expect(formatMoney(129900)).toBe("¥1,299.00");
    expect(formatMoney(123456789)).toBe("¥1,234,567.89");
    expect(formatMoney(-2050)).toBe("-¥20.50");
  });
  it("shows a dash for missing values", () => {
    expect(formatMoney(null)).toBe("—");
    expect(formatMoney(undefined)).toBe("—");
  });
  it("parses yuan typed by a user back into fen exactly", () => {
    expect(parseYuan("1,299.9")).toBe(129990);
    expect(parseYuan("¥0.07")).toBe(7);
    expect(parseYuan("19.99")).toBe(1999);
    expect(parseYuan("1.234")).toBeNull();
    expect(parseYuan("abc")).toBeNull();
  });
});

describe("rates", () => {
  it("shows fractions as percentages and null as a dash", () => {
    expect(formatRate(0.625)).toBe("62.5%");
    expect(formatRate(1)).toBe("100%");
    expect(formatRate(1.2)).toBe("120%");
    expect(formatRate(null)).toBe("—");
  });
});

describe("maskPhone", () => {
  it("keeps only the first 3 and last 4 digits", () => {
    expect(maskPhone("13812345678")).toBe("138****5678");
    expect(maskPhone(null)).toBe("—");
  });
});

describe("formatVenueTime", () => {
  it("shows the venue's clock, not UTC", () => {
    expect(formatVenueTime("2026-11-22T06:30:00Z", "Asia/Shanghai", "2026-11-22")).toBe("14:30");
    expect(formatVenueTime("2026-11-22T06:30:00Z", "Europe/London", "2026-11-22")).toBe("06:30");
  });
  it("names the date when it is not the seminar's day", () => {
    expect(formatVenueTime("2026-11-21T17:05:00Z", "Asia/Shanghai", "2026-11-21")).toBe("2026-11-22 01:05");
    expect(formatVenueTime("2026-11-22T06:30:00Z", "Asia/Shanghai")).toBe("2026-11-22 14:30");
  });
  it("copes with missing input and an unknown zone", () => {
    expect(formatVenueTime(null, "Asia/Shanghai")).toBe("—");
    expect(formatVenueTime("garbage", "Asia/Shanghai")).toBe("garbage");
    expect(formatVenueTime("2026-11-22T06:30:00Z", "Not/AZone")).toMatch(/^2026-11-2[12] \d\d:30$/);
  });
});
