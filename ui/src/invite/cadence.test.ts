import { describe, expect, it } from "vitest";
import { dayLabel, insertAt, newStep, stepProblems, unknownVariables } from "./cadence";

const VARS = ["{姓名}", "{店名}", "{时间}", "{地址}", "{桌号}", "{票码}", "{行业}", "{邀约人}"];

describe("unknownVariables", () => {
  it("finds the variables that are not known, once each", () => {
    expect(unknownVariables("{姓名}您好，{名字}{名字} {店名} {xx}", VARS)).toEqual(["{名字}", "{xx}"]);
  });
  it("finds none in plain text or known variables", () => {
    expect(unknownVariables("您好 {时间} 见", VARS)).toEqual([]);
  });
});

describe("stepProblems", () => {
  it("flags an offset outside -90…90 and an unknown variable, on their fields", () => {
    const steps = [
      { ...newStep(), offset_days: -91 },
      { ...newStep(), message: "{姓名} {电话}" },
      { ...newStep(), offset_days: 90, message: "{票码}" },
    ];
    const p = stepProblems(steps, VARS);
    expect(p[0].map((x) => x.field)).toEqual(["offset_days"]);
    expect(p[1]).toEqual([{ field: "message", key: "invite.cadence.unknownVariable", params: { var: "{电话}", list: VARS.join(" ") } }]);
    expect(p[2]).toEqual([]);
  });
  it("refuses a day that is not a whole number", () => {
    expect(stepProblems([{ ...newStep(), offset_days: 1.5 }], VARS)[0][0].field).toBe("offset_days");
  });
});

describe("dayLabel", () => {
  it("writes days before, on and after the seminar", () => {
    expect([dayLabel(-10), dayLabel(0), dayLabel(3)]).toEqual(["D-10", "D0", "D+3"]);
  });
});

describe("insertAt", () => {
  it("inserts at the caret and puts the caret after", () => {
    expect(insertAt("您好", "{姓名}", 0)).toEqual({ value: "{姓名}您好", caret: 4 });
  });
  it("appends without a caret", () => {
    expect(insertAt("您好", "{姓名}")).toEqual({ value: "您好{姓名}", caret: 6 });
  });
});
