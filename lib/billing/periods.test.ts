import { describe, expect, it } from "vitest";
import { addAnniversaryMonths, calendarMonthStart, nextCalendarMonthStart, periodEnd } from "./periods";

const utc = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const day = (d: Date) => d.toISOString().slice(0, 10);

describe("anniversary periods (R4.2)", () => {
  it.each([
    // R4.2 signed up on August 5 → first charge September 5, then October 5
    ["2026-08-05", 1, 5, "2026-09-05"],
    ["2026-08-05", 2, 5, "2026-10-05"],
    // R4.2 Jan 31 → Feb 28 → Mar 31 → Apr 30, anchor day kept
    ["2027-01-31", 1, 31, "2027-02-28"],
    ["2027-02-28", 1, 31, "2027-03-31"],
    ["2027-03-31", 1, 31, "2027-04-30"],
    ["2027-04-30", 1, 31, "2027-05-31"],
    // R4.2 leap year: Jan 31 → Feb 29
    ["2028-01-31", 1, 31, "2028-02-29"],
    ["2028-01-30", 1, 30, "2028-02-29"],
    ["2027-01-29", 1, 29, "2027-02-28"],
    // Across the year end
    ["2026-12-31", 1, 31, "2027-01-31"],
    ["2026-11-30", 3, 30, "2027-02-28"],
  ] as const)("%s + %i month(s), anchor %i → %s", (start, months, anchor, expected) => {
    expect(day(addAnniversaryMonths(utc(start), months, anchor))).toBe(expected);
  });

  it("keeps the time of day of the start", () => {
    const start = new Date("2026-01-31T13:45:10.123Z");
    expect(addAnniversaryMonths(start, 1).toISOString()).toBe("2026-02-28T13:45:10.123Z");
  });

  it("chains periods through short months without drifting the anchor (R4.2)", () => {
    let start = utc("2027-01-31");
    const ends: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      start = periodEnd(start, "MONTH", 31);
      ends.push(day(start));
    }
    expect(ends).toEqual(["2027-02-28", "2027-03-31", "2027-04-30", "2027-05-31"]);
  });
});

describe("annual periods (R4.3)", () => {
  it.each([
    ["2026-03-15", 15, "2027-03-15"],
    ["2028-02-29", 29, "2029-02-28"], // leap day → last day of February
  ] as const)("a year from %s → %s", (start, anchor, expected) => {
    expect(day(periodEnd(utc(start), "YEAR", anchor))).toBe(expected);
  });
});

describe("calendar months (R3.2)", () => {
  it("a month starts at 00:00 UTC on the 1st", () => {
    expect(calendarMonthStart(new Date("2026-07-31T23:59:59Z")).toISOString()).toBe("2026-07-01T00:00:00.000Z");
    expect(nextCalendarMonthStart(new Date("2026-12-15T10:00:00Z")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
  });
});
