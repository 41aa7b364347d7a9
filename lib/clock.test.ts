import { describe, expect, it } from "vitest";
import { createClock } from "./clock";

describe("the clock (R8.7)", () => {
  it("starts at METERDESK_NOW and then runs on at the real pace", () => {
    let real = Date.parse("2026-11-21T10:00:00Z");
    const clock = createClock("2027-01-31T00:00:00Z", () => real);
    expect(clock.now().toISOString()).toBe("2027-01-31T00:00:00.000Z");
    real += 90_000;
    expect(clock.now().toISOString()).toBe("2027-01-31T00:01:30.000Z");
  });

  it("is the real time when METERDESK_NOW is unset", () => {
    const clock = createClock(undefined, () => Date.parse("2026-11-21T10:00:00Z"));
    expect(clock.now().toISOString()).toBe("2026-11-21T10:00:00.000Z");
  });
});
