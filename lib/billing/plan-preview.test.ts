import { describe, expect, it } from "vitest";
import { nextChargeDates, summarizePlanChange } from "./plan-preview";
import { previewNextInvoice, type PreviewChange, type SubscriptionState } from "./subscriptions";
import { day, plans, subscription, utc } from "./test-plans";

function summary(state: SubscriptionState, change: PreviewChange, now: Date, includedRemaining = 1_000n) {
  const preview = previewNextInvoice({ state, now, flexCreditsSoFar: 0n, includedRemaining, change });
  return summarizePlanChange({ state, change, now, preview, includedRemaining, freePlan: plans.free });
}

describe("the charge dates of a plan (the month-end rule)", () => {
  it("Starter from January 31 is charged Feb 28, Mar 31 and Apr 30", () => {
    const state = subscription({ plan: plans.starter, currentPeriodStart: utc("2027-01-31"), anchorDay: 31 });
    const dates = nextChargeDates(state, utc("2027-01-31T00:00:01Z"), plans.free);
    expect(dates.map((d) => day(d.at))).toEqual(["2027-02-28", "2027-03-31", "2027-04-30"]);
    expect(dates.map((d) => d.feeCents)).toEqual([3_000n, 3_000n, 3_000n]);
  });

  it("in a leap year the first charge is February 29", () => {
    const state = subscription({ plan: plans.starter, currentPeriodStart: utc("2028-01-31"), anchorDay: 31 });
    expect(nextChargeDates(state, utc("2028-02-01"), plans.free).map((d) => day(d.at))).toEqual(["2028-02-29", "2028-03-31", "2028-04-30"]);
  });

  it("Free is never charged", () => {
    const state = subscription({ plan: plans.free, currentPeriodStart: utc("2027-01-10") });
    expect(nextChargeDates(state, utc("2027-01-11"), plans.free)).toEqual([]);
  });
});

describe("what the page shows for a change", () => {
  const starter = subscription({
    plan: plans.starter,
    currentPeriodStart: utc("2026-11-01"),
    currentPeriodEnd: utc("2026-12-01"),
    anchorDay: 1,
  });

  it("an upgrade on day 10 of 30 charges the old plan pro rata today and moves the anniversary to today", () => {
    const s = summary(starter, { kind: "plan", to: plans.growth }, utc("2026-11-11"));
    expect(s.change).toBe("upgrade");
    expect(s.chargedTodayCents).toBe(1_000n);
    expect(s.includedForfeited).toBe(1_000n);
    expect(s.includedAfter).toBe(plans.growth.includedCredits);
    expect(s.anniversaryDay).toBe(11);
    expect(s.nextChargeDates.map((d) => [day(d.at), d.feeCents])).toEqual([
      ["2026-12-11", 30_000n],
      ["2027-01-11", 30_000n],
      ["2027-02-11", 30_000n],
    ]);
  });

  it("a downgrade charges nothing today, takes effect at the anniversary and keeps it", () => {
    const s = summary(starter, { kind: "plan", to: plans.free }, utc("2026-11-11"));
    expect(s).toMatchObject({ change: "downgrade", chargedTodayCents: 0n, anniversaryDay: 1, includedAfter: plans.free.includedCredits });
    expect(day(s.effectiveAt)).toBe("2026-12-01");
    // The last Starter fee is charged at the change; Free is not charged after.
    expect(s.nextChargeDates.map((d) => [day(d.at), d.feeCents])).toEqual([["2026-12-01", 3_000n]]);
  });

  it("a cancellation shows the final invoice date, then Free", () => {
    const s = summary(starter, { kind: "cancel" }, utc("2026-11-11"));
    expect(s).toMatchObject({ change: "cancel", chargedTodayCents: 0n, includedForfeited: 1_000n, planAfter: plans.free });
    expect(s.nextChargeDates.map((d) => day(d.at))).toEqual(["2026-12-01"]);
  });

  it("monthly → annual is paid upfront today, with the old month pro rata", () => {
    const s = summary(starter, { kind: "plan", to: plans.starterAnnual }, utc("2026-11-16"));
    expect(s.chargedTodayCents).toBe(1_500n + 30_000n);
    expect(s.anniversaryDay).toBe(16);
    // The annual plan's flex months, then the next year's fee.
    expect(day(s.nextChargeDates[0]!.at)).toBe("2026-12-16");
    expect(s.nextChargeDates[0]!.withFlex).toBe(true);
  });

  it("pay as you go renews on calendar months", () => {
    const s = summary(
      subscription({ plan: plans.free, currentPeriodStart: utc("2026-11-05") }),
      { kind: "plan", to: plans.payg },
      utc("2026-11-07"),
    );
    expect(s.anniversaryDay).toBeNull();
    expect(s.nextChargeDates.map((d) => day(d.at))).toEqual(["2026-12-01", "2027-01-01", "2027-02-01"]);
  });
});
