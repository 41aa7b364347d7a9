import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ArrearsFacts } from "./arrears";
import { nextChargeDates } from "./plan-preview";
import { billingTimeline, monthEndMove, type TimelineEvent, type TimelineInput, type TimelinePackage } from "./timeline";
import { day, plans, subscription, utc } from "./test-plans";

const GOOD: ArrearsFacts = { billingState: "GOOD", arrearsSince: null, graceEndsAt: null, retentionEndsAt: null };

function timeline(overrides: Partial<TimelineInput> & Pick<TimelineInput, "now">) {
  return billingTimeline({ subscription: null, freePlan: plans.free, flexEnabled: true, packages: [], arrears: GOOD, ...overrides });
}

const ofKind = <K extends TimelineEvent["kind"]>(events: TimelineEvent[], kind: K) =>
  events.filter((event): event is Extract<TimelineEvent, { kind: K }> => event.kind === kind);

/** "2027-02-28 moved from 31" / "2027-03-31": the dates as the page shows them. */
const dated = (events: { at: Date; movedFromDay?: number | null }[]) =>
  events.map((event) => (event.movedFromDay ? `${day(event.at)} moved from ${event.movedFromDay}` : day(event.at)));

const pkg = (overrides: Partial<TimelinePackage> = {}): TimelinePackage => ({
  id: "p1",
  name: "100,000 predict · 1 month",
  validity: "MONTH",
  startsAt: utc("2027-01-31T10:00:00Z"),
  expiresAt: utc("2027-02-28T10:00:00Z"),
  remainingOperations: 40_000n,
  autoRenew: false,
  renewable: true,
  priceCents: 10_000,
  ...overrides,
});

describe("monthEndMove: which dates the month-end rule moved", () => {
  it.each([
    ["R4.2 Apr 30 of an anchor on the 31st", "2027-04-30", 31, 31],
    ["R4.2 Feb 28 of an anchor on the 31st", "2027-02-28", 31, 31],
    ["R4.2 Feb 28 of an anchor on the 29th in a common year", "2027-02-28", 29, 29],
    ["R4.2 Feb 29 of a leap year, anchored on the 30th", "2028-02-29", 30, 30],
    ["R4.2 Feb 28 of a leap year is not the month's last day", "2028-02-28", 31, null],
    ["R4.2 a day on its own anchor is not moved", "2027-03-31", 31, null],
    ["R4.2 nor the 30th of an anchor on the 30th", "2027-04-30", 30, null],
    ["a day before the month's end is not a month-end move", "2027-02-15", 31, null],
    ["R4.4 calendar months (no anchor) never move", "2027-04-30", null, null],
  ] as const)("%s", (_rule, date, anchor, expected) => {
    expect(monthEndMove(utc(date), anchor)).toBe(expected);
  });
});

describe("the charge dates and resets of a plan anchored on the 31st", () => {
  const starter31 = (year: number) =>
    subscription({ plan: plans.starter, currentPeriodStart: utc(`${year}-01-31T09:00:00Z`), anchorDay: 31 });

  it("R4.2 Jan 31 → Feb 28 → Mar 31 → Apr 30 …: twelve charges, the short months marked as moved", () => {
    const { events, until } = timeline({ subscription: starter31(2027), now: utc("2027-02-01") });
    const charges = ofKind(events, "charge");
    expect(dated(charges)).toEqual([
      "2027-02-28 moved from 31",
      "2027-03-31",
      "2027-04-30 moved from 31",
      "2027-05-31",
      "2027-06-30 moved from 31",
      "2027-07-31",
      "2027-08-31",
      "2027-09-30 moved from 31",
      "2027-10-31",
      "2027-11-30 moved from 31",
      "2027-12-31",
      "2028-01-31",
    ]);
    // R4.2 the fee in arrears, $30.00 each, with the period's flex (R5.3).
    expect(charges.every((c) => c.feeCents === 3_000n && c.withFlex && c.what === "plan_fee" && c.planName === "Starter")).toBe(true);
    expect(day(until)).toBe("2028-02-01");
  });

  it("R4.2 in a leap year the first charge is Feb 29", () => {
    const charges = ofKind(timeline({ subscription: starter31(2028), now: utc("2028-02-01") }).events, "charge");
    expect(dated(charges.slice(0, 3))).toEqual(["2028-02-29 moved from 31", "2028-03-31", "2028-04-30 moved from 31"]);
  });

  it("R4.2 the included credits reset at each period start, on the same moved dates", () => {
    const resets = ofKind(timeline({ subscription: starter31(2027), now: utc("2027-02-01") }).events, "included_reset");
    expect(dated(resets.slice(0, 3))).toEqual(["2027-02-28 moved from 31", "2027-03-31", "2027-04-30 moved from 31"]);
    expect(resets.every((r) => r.credits === 70_000_000n && r.interval === "MONTH")).toBe(true);
  });

  it("R4.2 the charge comes before the reset of the same instant", () => {
    const [first, second] = timeline({ subscription: starter31(2027), now: utc("2027-02-01") }).events;
    expect([first!.kind, second!.kind]).toEqual(["charge", "included_reset"]);
  });

  it("R4.2 the charges are the Plan page's own next charge dates", () => {
    const state = starter31(2027);
    const now = utc("2027-02-01");
    expect(ofKind(timeline({ subscription: state, now }).events, "charge").map((c) => [c.at, c.feeCents, c.withFlex])).toEqual(
      nextChargeDates(state, now, plans.free, 12).map((c) => [c.at, c.feeCents, c.withFlex]),
    );
  });

  it("R5.5 with flex billing off the fees are still charged, without flex", () => {
    const charges = ofKind(timeline({ subscription: starter31(2027), now: utc("2027-02-01"), flexEnabled: false }).events, "charge");
    expect(charges).toHaveLength(12);
    expect(charges.some((c) => c.withFlex)).toBe(false);
  });
});

describe("an annual plan", () => {
  const annual = subscription({ plan: plans.starterAnnual, currentPeriodStart: utc("2027-03-15"), anchorDay: 15 });

  it("R4.3 R5.3 flex is billed each anniversary month and the next year's fee upfront at the year's end", () => {
    const charges = ofKind(timeline({ subscription: annual, now: utc("2027-03-16") }).events, "charge");
    expect(charges).toHaveLength(12);
    expect(charges.slice(0, 11).every((c) => c.what === "flex" && c.feeCents === 0n && c.withFlex)).toBe(true);
    expect(day(charges[0]!.at)).toBe("2027-04-15");
    expect(charges[11]).toMatchObject({ what: "annual_fee", feeCents: 30_000n, planName: "Starter annual" });
    expect(day(charges[11]!.at)).toBe("2028-03-15");
  });

  it("R4.3 the year's included credits reset once, at the anniversary", () => {
    const resets = ofKind(timeline({ subscription: annual, now: utc("2027-03-16") }).events, "included_reset");
    expect(resets.map((r) => [day(r.at), r.credits, r.interval])).toEqual([["2028-03-15", 840_000_000n, "YEAR"]]);
  });

  it("R4.3 R5.5 flex off: the one charge of the year is the upfront fee", () => {
    const { events } = timeline({ subscription: annual, now: utc("2027-03-16"), flexEnabled: false });
    expect(ofKind(events, "charge").map((c) => [day(c.at), c.what, c.feeCents])).toEqual([["2028-03-15", "annual_fee", 30_000n]]);
  });

  it("R4.3 anchored on Feb 29, the next year falls on Feb 28, moved", () => {
    const leap = subscription({ plan: plans.starterAnnual, currentPeriodStart: utc("2028-02-29"), anchorDay: 29 });
    const charges = ofKind(timeline({ subscription: leap, now: utc("2028-03-01"), flexEnabled: false }).events, "charge");
    expect(dated(charges)).toEqual(["2029-02-28 moved from 29"]);
  });
});

describe("a scheduled downgrade and a cancellation", () => {
  const growth = subscription({ plan: plans.growth, currentPeriodStart: utc("2027-03-31"), anchorDay: 31 });

  it("R4.5 the downgrade at the period end: Growth's last fee, the switch, Starter's credits, then Starter's fees", () => {
    const { events } = timeline({ subscription: { ...growth, scheduledPlan: plans.starter }, now: utc("2027-04-10") });
    const atSwitch = events.filter((e) => day(e.at) === "2027-04-30");
    expect(atSwitch.map((e) => e.kind)).toEqual(["charge", "downgrade", "included_reset"]);
    expect(atSwitch[0]).toMatchObject({ planName: "Growth", feeCents: 30_000n, movedFromDay: 31 });
    expect(atSwitch[1]).toMatchObject({ fromPlanName: "Growth", toPlanName: "Starter", movedFromDay: 31 });
    expect(atSwitch[2]).toMatchObject({ credits: 70_000_000n });
    // R4.5 the anniversary is kept: Starter is charged on May 31, June 30 …
    const after = ofKind(events, "charge").slice(1, 3);
    expect(after.map((c) => [day(c.at), c.feeCents, c.planName])).toEqual([
      ["2027-05-31", 3_000n, "Starter"],
      ["2027-06-30", 3_000n, "Starter"],
    ]);
  });

  it("R4.6 the cancellation: the final invoice, the move to Free, then the Free plan's own cycle from that day", () => {
    const { events } = timeline({ subscription: { ...growth, cancelAtPeriodEnd: true }, now: utc("2027-04-10") });
    const charges = ofKind(events, "charge");
    expect(charges.map((c) => [day(c.at), c.what, c.feeCents, c.withFlex])).toEqual([["2027-04-30", "final", 30_000n, true]]);
    expect(ofKind(events, "cancellation")).toMatchObject([{ fromPlanName: "Growth", toPlanName: "Free", movedFromDay: 31 }]);
    // The Free subscription starts on Apr 30 and is anchored on the 30th, as the billing run opens it.
    const resets = ofKind(events, "included_reset");
    expect(resets.slice(0, 4).map((r) => [day(r.at), r.credits])).toEqual([
      ["2027-04-30", 5_000_000n],
      ["2027-05-30", 5_000_000n],
      ["2027-06-30", 5_000_000n],
      ["2027-07-30", 5_000_000n],
    ]);
    expect(resets.slice(1, 4).every((r) => r.movedFromDay === null)).toBe(true);
    // …and its February is moved from the 30th.
    expect(dated(resets.filter((r) => r.movedFromDay !== null))).toEqual(["2027-04-30 moved from 31", "2028-02-29 moved from 30"]);
  });

  it("R4.6 an annual plan's final invoice is issued even with nothing on it", () => {
    const annual = subscription({
      plan: plans.growthAnnual,
      currentPeriodStart: utc("2027-01-10"),
      anchorDay: 10,
      cancelAtPeriodEnd: true,
    });
    const charges = ofKind(timeline({ subscription: annual, now: utc("2027-12-20"), flexEnabled: false }).events, "charge");
    expect(charges.map((c) => [day(c.at), c.what, c.feeCents])).toEqual([["2028-01-10", "final", 0n]]);
  });
});

describe("the Free plan and pay as you go", () => {
  it("R4.1 Free is never charged; its included credits reset each month for a year", () => {
    const free = subscription({ plan: plans.free, currentPeriodStart: utc("2026-10-31T09:00:00Z"), anchorDay: 31 });
    const { events } = timeline({ subscription: free, now: utc("2026-12-02") });
    expect(ofKind(events, "charge")).toEqual([]);
    const resets = ofKind(events, "included_reset");
    expect(resets).toHaveLength(12);
    expect(dated(resets.slice(0, 4))).toEqual(["2026-12-31", "2027-01-31", "2027-02-28 moved from 31", "2027-03-31"]);
  });

  it("R4.4 pay as you go has no fee and no included credits: flex billed on each calendar month", () => {
    const payg = subscription({ plan: plans.payg, currentPeriodStart: utc("2026-11-20"), anchorDay: 20 });
    const { events } = timeline({ subscription: payg, now: utc("2026-12-02") });
    const charges = ofKind(events, "charge");
    expect(charges).toHaveLength(12);
    expect(day(charges[0]!.at)).toBe("2027-01-01");
    expect(charges.every((c) => c.what === "flex" && c.feeCents === 0n && c.movedFromDay === null)).toBe(true);
    expect(ofKind(events, "included_reset")).toEqual([]);
  });

  it("R4.4 R5.5 pay as you go with flex off has nothing to charge", () => {
    const payg = subscription({ plan: plans.payg, currentPeriodStart: utc("2026-11-20"), anchorDay: 20 });
    expect(timeline({ subscription: payg, now: utc("2026-12-02"), flexEnabled: false }).events).toEqual([]);
  });
});

describe("packages", () => {
  it("R6.1 a one-month package bought on Jan 31 expires on Feb 28, moved, with what is left", () => {
    const { events } = timeline({ now: utc("2027-02-10"), packages: [pkg()] });
    expect(events).toEqual([
      {
        kind: "package_expiry",
        at: utc("2027-02-28T10:00:00Z"),
        packageName: "100,000 predict · 1 month",
        remainingOperations: 40_000n,
        movedFromDay: 31,
      },
    ]);
  });

  it("R6.3 with auto-renewal on: a renewal at each expiry, at the package's price, for the year ahead", () => {
    const renewals = ofKind(timeline({ now: utc("2027-02-10"), packages: [pkg({ autoRenew: true })] }).events, "package_renewal");
    // Each renewal lasts a month from the previous expiry (Feb 28 → Mar 28), as the billing run renews.
    expect(dated(renewals.slice(0, 3))).toEqual(["2027-02-28 moved from 31", "2027-03-28", "2027-04-28"]);
    expect(renewals).toHaveLength(12);
    expect(renewals.every((r) => r.priceCents === 10_000n && !r.onlyIfPaidUp)).toBe(true);
  });

  it("R6.3 a one-year package renews once in the year ahead", () => {
    const yearly = pkg({
      validity: "YEAR",
      startsAt: utc("2026-06-01"),
      expiresAt: utc("2027-06-01"),
      autoRenew: true,
      priceCents: 90_000,
    });
    const renewals = ofKind(timeline({ now: utc("2027-02-10"), packages: [yearly] }).events, "package_renewal");
    expect(renewals.map((r) => [day(r.at), r.priceCents])).toEqual([["2027-06-01", 90_000n]]);
  });

  it("R6.3 R8.3 in arrears an auto-renewal happens only once the overdue invoice is paid", () => {
    const arrears: ArrearsFacts = {
      billingState: "GRACE",
      arrearsSince: utc("2027-02-05"),
      graceEndsAt: utc("2027-02-20"),
      retentionEndsAt: utc("2027-03-07"),
    };
    const renewals = ofKind(timeline({ now: utc("2027-02-10"), arrears, packages: [pkg({ autoRenew: true })] }).events, "package_renewal");
    expect(renewals[0]!.onlyIfPaidUp).toBe(true);
  });

  it("R6.3 a package no longer on sale is not renewed: it expires", () => {
    const { events } = timeline({ now: utc("2027-02-10"), packages: [pkg({ autoRenew: true, renewable: false })] });
    expect(events.map((e) => e.kind)).toEqual(["package_expiry"]);
  });

  it("R6.1 a used-up package that does not renew has nothing to lapse; an expired one is past", () => {
    const { events } = timeline({
      now: utc("2027-02-10"),
      packages: [pkg({ remainingOperations: 0n }), pkg({ id: "p2", expiresAt: utc("2027-02-01") })],
    });
    expect(events).toEqual([]);
  });
});

describe("arrears deadlines", () => {
  const since = utc("2027-02-05T09:00:00Z");

  it("R8.3 R8.4 in grace: the end of grace, then the end of retention", () => {
    const arrears: ArrearsFacts = {
      billingState: "GRACE",
      arrearsSince: since,
      graceEndsAt: utc("2027-02-20"),
      retentionEndsAt: utc("2027-03-07"),
    };
    expect(timeline({ now: utc("2027-02-10"), arrears }).events).toEqual([
      { kind: "grace_ends", at: utc("2027-02-20") },
      { kind: "retention_ends", at: utc("2027-03-07") },
    ]);
  });

  it("R8.4 in retention: only the deletion is ahead", () => {
    const arrears: ArrearsFacts = {
      billingState: "RETENTION",
      arrearsSince: since,
      graceEndsAt: utc("2027-02-20"),
      retentionEndsAt: utc("2027-03-07"),
    };
    expect(timeline({ now: utc("2027-02-25"), arrears }).events).toEqual([{ kind: "retention_ends", at: utc("2027-03-07") }]);
  });

  it("R8.3 R8.4 without stored deadlines they are counted from the failure (15 + 15 days)", () => {
    const arrears: ArrearsFacts = { billingState: "GRACE", arrearsSince: since, graceEndsAt: null, retentionEndsAt: null };
    expect(timeline({ now: utc("2027-02-10"), arrears }).events.map((e) => [e.kind, e.at.toISOString()])).toEqual([
      ["grace_ends", "2027-02-20T09:00:00.000Z"],
      ["retention_ends", "2027-03-07T09:00:00.000Z"],
    ]);
  });

  it("R8.3 in good standing, or once the data is deleted, there is no deadline", () => {
    expect(timeline({ now: utc("2027-02-10") }).events).toEqual([]);
    const deleted: ArrearsFacts = {
      billingState: "DELETED",
      arrearsSince: since,
      graceEndsAt: utc("2027-02-20"),
      retentionEndsAt: utc("2027-03-07"),
    };
    expect(timeline({ now: utc("2027-03-10"), arrears: deleted }).events).toEqual([]);
  });
});

describe("the timeline as a whole", () => {
  it("R4.2 R6.1 R8.3 is sorted by date, whatever its sources", () => {
    const arrears: ArrearsFacts = { billingState: "GRACE", arrearsSince: utc("2027-02-05"), graceEndsAt: null, retentionEndsAt: null };
    const { events } = timeline({
      now: utc("2027-02-10"),
      subscription: subscription({ plan: plans.growth, currentPeriodStart: utc("2027-01-31"), anchorDay: 31 }),
      packages: [pkg({ autoRenew: true })],
      arrears,
    });
    const times = events.map((e) => e.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(events.map((e) => e.kind))).toEqual(
      new Set(["charge", "included_reset", "package_renewal", "grace_ends", "retention_ends"]),
    );
  });

  it("R4.2 property: every charge of a monthly plan falls on its anchor day, or on the last day of a shorter month (marked)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 4 }), fc.integer({ min: 1, max: 40 }), (offsetDays, daysIn) => {
        const start = new Date(utc("2026-01-01").getTime() + offsetDays * 86_400_000);
        const anchorDay = start.getUTCDate();
        const now = new Date(start.getTime() + (daysIn % 28) * 86_400_000 + 1);
        const { events } = timeline({ now, subscription: subscription({ plan: plans.starter, currentPeriodStart: start, anchorDay }) });
        const charges = ofKind(events, "charge");
        expect(charges).toHaveLength(12);
        for (const charge of charges) {
          const dayOfMonth = charge.at.getUTCDate();
          if (charge.movedFromDay === null) expect(dayOfMonth).toBe(anchorDay);
          else {
            expect(charge.movedFromDay).toBe(anchorDay);
            expect(dayOfMonth).toBeLessThan(anchorDay);
            expect(new Date(charge.at.getTime() + 86_400_000).getUTCDate()).toBe(1);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
