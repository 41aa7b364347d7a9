import { describe, expect, it } from "vitest";
import {
  applyEvent,
  classifyChange,
  flexPeriodContaining,
  nextEvents,
  planUpgrade,
  previewNextInvoice,
  proratedFeeCents,
  scheduleCancellation,
  scheduleDowngrade,
  undoCancellation,
  upgradeInvoiceLines,
  type PlanTerms,
  type SubscriptionEvent,
  type SubscriptionState,
} from "./subscriptions";
import { day, plans, subscription, utc } from "./test-plans";

describe("upgrade or downgrade (R4.5)", () => {
  it.each<[string, PlanTerms, PlanTerms, string]>([
    ["R4.5 Starter → Growth is an upgrade", plans.starter, plans.growth, "upgrade"],
    ["R4.5 Growth → Starter is a downgrade", plans.growth, plans.starter, "downgrade"],
    ["R4.5 Starter monthly → Starter annual is an upgrade", plans.starter, plans.starterAnnual, "upgrade"],
    [
      "R4.5 monthly → annual is an upgrade even to a lower rank (Growth monthly → Starter annual)",
      plans.growth,
      plans.starterAnnual,
      "upgrade",
    ],
    ["R4.5 annual → monthly of a lower rank is a downgrade", plans.growthAnnual, plans.growth, "downgrade"],
    ["R4.5 Starter annual → Growth monthly (pricier) is an upgrade", plans.starterAnnual, plans.growth, "upgrade"],
    ["R4.1 Free → Starter is an upgrade", plans.free, plans.starter, "upgrade"],
    ["R4.6 Starter → Free is a downgrade", plans.starter, plans.free, "downgrade"],
    ["R4.4 Free → pay as you go is an upgrade", plans.free, plans.payg, "upgrade"],
    ["R4.4 pay as you go → Free is a downgrade", plans.payg, plans.free, "downgrade"],
    ["R4.5 the same plan is no change", plans.growth, plans.growth, "same"],
  ])("%s", (_rule, from, to, expected) => {
    expect(classifyChange(from, to)).toBe(expected);
  });
});

describe("the share of a fee for part of a period, rounded down (R4.5, R1.2)", () => {
  it.each([
    ["R4.5 half of a 30-day period at $30", 3_000, "2026-11-01", "2026-12-01", "2026-11-16", 1_500n],
    ["R4.5 10 of 30 days at $30", 3_000, "2026-11-01", "2026-12-01", "2026-11-11", 1_000n],
    ["R1.2 10 of 31 days at $30 = 967.74 ¢ → 967", 3_000, "2026-12-01", "2027-01-01", "2026-12-11", 967n],
    ["R1.2 one millisecond is less than a cent → 0", 3_000, "2026-11-01", "2026-12-01", "2026-11-01T00:00:00.001Z", 0n],
    ["R4.5 closed at the start: nothing", 30_000, "2026-11-01", "2026-12-01", "2026-11-01", 0n],
    ["R4.5 closed at the end: the whole fee", 30_000, "2026-11-01", "2026-12-01", "2026-12-01", 30_000n],
    ["R4.5 held inside the period", 30_000, "2026-11-01", "2026-12-01", "2027-01-01", 30_000n],
  ] as const)("%s", (_rule, fee, start, end, closedAt, expected) => {
    expect(proratedFeeCents(fee, utc(start), utc(end), utc(closedAt))).toBe(expected);
  });
});

type EventSummary = [kind: SubscriptionEvent["kind"], at: string, fees: string[], flex: string | null, next: string | null];

function summarize(events: SubscriptionEvent[]): EventSummary[] {
  return events.map((event) => {
    const fees =
      event.invoice?.fees.map(
        (fee) => `${fee.plan.code} ${fee.timing} ${fee.amountCents} ${day(fee.periodStart)}..${day(fee.periodEnd)}`,
      ) ?? [];
    const flex = event.invoice?.flex ? `${day(event.invoice.flex.start)}..${day(event.invoice.flex.end)}` : null;
    const next =
      event.kind === "renew" || event.kind === "downgrade"
        ? `${event.plan.code} ${day(event.periodStart)}..${day(event.periodEnd)} +${event.includedCredits}`
        : event.kind === "cancel" && event.next
          ? `${event.next.plan.code} ${day(event.next.periodStart)}..${day(event.next.periodEnd)} +${event.next.includedCredits}`
          : null;
    return [event.kind, day(event.at), fees, flex, next];
  });
}

describe("due transitions up to now (R4.2–R4.6)", () => {
  it.each<[string, SubscriptionState, string, EventSummary[]]>([
    [
      "R4.2 signed up Aug 5 → first charge Sep 5, in arrears",
      subscription({ plan: plans.starter, currentPeriodStart: utc("2026-08-05") }),
      "2026-09-05",
      [
        [
          "renew",
          "2026-09-05",
          ["starter_monthly arrears 3000 2026-08-05..2026-09-05"],
          "2026-08-05..2026-09-05",
          "starter_monthly 2026-09-05..2026-10-05 +70000000",
        ],
      ],
    ],
    [
      "R4.2 nothing is due the day before",
      subscription({ plan: plans.starter, currentPeriodStart: utc("2026-08-05") }),
      "2026-09-04T23:59:59.999Z",
      [],
    ],
    [
      "R4.2 then October 5",
      subscription({ plan: plans.starter, currentPeriodStart: utc("2026-08-05") }),
      "2026-10-05",
      [
        [
          "renew",
          "2026-09-05",
          ["starter_monthly arrears 3000 2026-08-05..2026-09-05"],
          "2026-08-05..2026-09-05",
          "starter_monthly 2026-09-05..2026-10-05 +70000000",
        ],
        [
          "renew",
          "2026-10-05",
          ["starter_monthly arrears 3000 2026-09-05..2026-10-05"],
          "2026-09-05..2026-10-05",
          "starter_monthly 2026-10-05..2026-11-05 +70000000",
        ],
      ],
    ],
    [
      "R4.2 Jan 31 → Feb 28 → Mar 31 → Apr 30, anchor kept",
      subscription({ plan: plans.starter, currentPeriodStart: utc("2027-01-31") }),
      "2027-05-01",
      [
        [
          "renew",
          "2027-02-28",
          ["starter_monthly arrears 3000 2027-01-31..2027-02-28"],
          "2027-01-31..2027-02-28",
          "starter_monthly 2027-02-28..2027-03-31 +70000000",
        ],
        [
          "renew",
          "2027-03-31",
          ["starter_monthly arrears 3000 2027-02-28..2027-03-31"],
          "2027-02-28..2027-03-31",
          "starter_monthly 2027-03-31..2027-04-30 +70000000",
        ],
        [
          "renew",
          "2027-04-30",
          ["starter_monthly arrears 3000 2027-03-31..2027-04-30"],
          "2027-03-31..2027-04-30",
          "starter_monthly 2027-04-30..2027-05-31 +70000000",
        ],
      ],
    ],
    [
      "R4.2 Jan 31 → Feb 29 in a leap year",
      subscription({ plan: plans.starter, currentPeriodStart: utc("2028-01-31") }),
      "2028-03-01",
      [
        [
          "renew",
          "2028-02-29",
          ["starter_monthly arrears 3000 2028-01-31..2028-02-29"],
          "2028-01-31..2028-02-29",
          "starter_monthly 2028-02-29..2028-03-31 +70000000",
        ],
      ],
    ],
    [
      "R4.1 Free renews its included credits with no invoice",
      subscription({ plan: plans.free, currentPeriodStart: utc("2026-11-14") }),
      "2026-12-14",
      [["renew", "2026-12-14", [], null, "free 2026-12-14..2027-01-14 +5000000"]],
    ],
    [
      "R4.4 pay as you go: flex invoiced per calendar month",
      subscription({ plan: plans.payg, currentPeriodStart: utc("2027-01-10"), anchorDay: 10 }),
      "2027-03-01",
      [
        ["renew", "2027-02-01", [], "2027-01-10..2027-02-01", "payg 2027-02-01..2027-03-01 +0"],
        ["renew", "2027-03-01", [], "2027-02-01..2027-03-01", "payg 2027-03-01..2027-04-01 +0"],
      ],
    ],
    [
      "R4.5 a scheduled downgrade takes effect at the period end",
      subscription({ plan: plans.growth, currentPeriodStart: utc("2026-11-14"), scheduledPlan: plans.starter }),
      "2026-12-20",
      [
        [
          "downgrade",
          "2026-12-14",
          ["growth_monthly arrears 30000 2026-11-14..2026-12-14"],
          "2026-11-14..2026-12-14",
          "starter_monthly 2026-12-14..2027-01-14 +70000000",
        ],
      ],
    ],
    [
      "R4.5 + R4.3 a downgrade to an annual plan is paid upfront at the period end",
      subscription({
        plan: plans.growthAnnual,
        currentPeriodStart: utc("2026-03-15"),
        scheduledPlan: plans.starterAnnual,
        flexPeriodStart: utc("2027-02-15"),
      }),
      "2027-03-15",
      [
        [
          "downgrade",
          "2027-03-15",
          ["starter_annual upfront 30000 2027-03-15..2028-03-15"],
          "2027-02-15..2027-03-15",
          "starter_annual 2027-03-15..2028-03-15 +840000000",
        ],
      ],
    ],
    [
      "R4.6 cancel on day 10: service to the period end, then a final invoice and Free",
      scheduleCancellation(subscription({ plan: plans.growth, currentPeriodStart: utc("2026-11-14") })),
      "2026-12-14",
      [
        [
          "cancel",
          "2026-12-14",
          ["growth_monthly arrears 30000 2026-11-14..2026-12-14"],
          "2026-11-14..2026-12-14",
          "free 2026-12-14..2027-01-14 +5000000",
        ],
      ],
    ],
    [
      "R4.6 cancelled, the day before the period end: nothing yet",
      scheduleCancellation(subscription({ plan: plans.growth })),
      "2026-12-13T23:59:59Z",
      [],
    ],
    [
      "R4.6 cancellation undone before the end: a renewal",
      undoCancellation(scheduleCancellation(subscription({ plan: plans.growth }))),
      "2026-12-14",
      [
        [
          "renew",
          "2026-12-14",
          ["growth_monthly arrears 30000 2026-11-14..2026-12-14"],
          "2026-11-14..2026-12-14",
          "growth_monthly 2026-12-14..2027-01-14 +750000000",
        ],
      ],
    ],
    [
      "R4.6 cancelling an annual plan: final invoice holds the last flex month only (fee was upfront, no refund)",
      scheduleCancellation(
        subscription({ plan: plans.starterAnnual, currentPeriodStart: utc("2026-03-15"), flexPeriodStart: utc("2027-02-15") }),
      ),
      "2027-03-15",
      [["cancel", "2027-03-15", [], "2027-02-15..2027-03-15", "free 2027-03-15..2027-04-15 +5000000"]],
    ],
  ])("%s", (_rule, state, now, expected) => {
    expect(summarize(nextEvents(state, utc(now), plans.free))).toEqual(expected);
  });

  it("R4.3 an annual plan: flex billed each anniversary month, the next year paid upfront at the start", () => {
    const events = nextEvents(subscription({ plan: plans.starterAnnual, currentPeriodStart: utc("2026-03-15") }), utc("2027-03-15"));
    expect(events.map((event) => `${event.kind} ${day(event.at)}`)).toEqual([
      ...["04", "05", "06", "07", "08", "09", "10", "11", "12"].map((month) => `flex 2026-${month}-15`),
      "flex 2027-01-15",
      "flex 2027-02-15",
      "renew 2027-03-15",
    ]);
    expect(summarize(events.slice(-1))).toEqual([
      [
        "renew",
        "2027-03-15",
        ["starter_annual upfront 30000 2027-03-15..2028-03-15"],
        "2027-02-15..2027-03-15",
        "starter_annual 2027-03-15..2028-03-15 +840000000",
      ],
    ]);
    expect(events[0]?.invoice).toMatchObject({ kind: "FLEX", fees: [], flex: { start: utc("2026-03-15"), end: utc("2026-04-15") } });
  });

  it("R4.6 the final invoice is issued even when it comes to nothing", () => {
    const [event] = nextEvents(
      scheduleCancellation(subscription({ plan: plans.payg, currentPeriodStart: utc("2027-01-01") })),
      utc("2027-02-01"),
      plans.free,
    );
    expect(event?.kind).toBe("cancel");
    expect(event?.invoice?.kind).toBe("FINAL");
  });

  it("R4.6 without a Free plan to continue on, the walk stops at the cancellation", () => {
    const events = nextEvents(scheduleCancellation(subscription()), utc("2027-06-01"));
    expect(events.map((event) => event.kind)).toEqual(["cancel"]);
    expect(events[0]?.kind === "cancel" && events[0].next).toBe(null);
  });

  it("R8.6 applying the due events and asking again at the same instant finds nothing more", () => {
    const now = utc("2027-09-01");
    let state: SubscriptionState | null = subscription({ plan: plans.starterAnnual, currentPeriodStart: utc("2026-03-15") });
    for (const event of nextEvents(state, now, plans.free)) state = state && applyEvent(state, event);
    expect(state && nextEvents(state, now, plans.free)).toEqual([]);
    expect(state && flexPeriodContaining(state, now)).toEqual({ start: utc("2027-08-15"), end: utc("2027-09-15") });
  });
});

describe("upgrades take effect at once (R4.5)", () => {
  const starterSince = subscription({ plan: plans.starter, currentPeriodStart: utc("2026-11-01") });

  it.each<[string, SubscriptionState, PlanTerms, string, object | null]>([
    [
      "R4.5 Starter → Growth halfway: Starter invoiced pro rata, flex so far billed",
      starterSince,
      plans.growth,
      "2026-11-16",
      {
        kind: "PRORATION",
        fees: [{ timing: "prorated", amountCents: 1_500n, closedAt: utc("2026-11-16") }],
        flex: { start: utc("2026-11-01"), end: utc("2026-11-16") },
      },
    ],
    [
      "R4.5 + R4.3 Starter monthly → Growth annual: pro rata Starter and the year upfront",
      starterSince,
      plans.growthAnnual,
      "2026-11-16",
      {
        kind: "PRORATION",
        fees: [
          { timing: "prorated", amountCents: 1_500n },
          { timing: "upfront", amountCents: 300_000n, periodStart: utc("2026-11-16"), periodEnd: utc("2027-11-16") },
        ],
      },
    ],
    [
      "R4.5 + R4.6 from an annual plan: no refund of the unused part, the new year upfront",
      subscription({ plan: plans.starterAnnual, currentPeriodStart: utc("2026-03-15"), flexPeriodStart: utc("2026-06-15") }),
      plans.growthAnnual,
      "2026-07-01",
      {
        kind: "PLAN_FEE",
        fees: [{ timing: "upfront", amountCents: 300_000n }],
        flex: { start: utc("2026-06-15"), end: utc("2026-07-01") },
      },
    ],
    [
      "R4.1 Free → Starter: nothing to bill now (Starter is billed in arrears)",
      subscription({ plan: plans.free }),
      plans.starter,
      "2026-11-20",
      null,
    ],
    [
      "R4.3 Free → Starter annual: the year upfront",
      subscription({ plan: plans.free }),
      plans.starterAnnual,
      "2026-11-20",
      { kind: "PLAN_FEE", fees: [{ timing: "upfront", amountCents: 30_000n }], flex: null },
    ],
    [
      "R4.4 pay as you go → Starter: the month's flex so far",
      subscription({ plan: plans.payg, currentPeriodStart: utc("2026-11-01") }),
      plans.starter,
      "2026-11-20",
      { kind: "FLEX", fees: [], flex: { start: utc("2026-11-01"), end: utc("2026-11-20") } },
    ],
  ])("%s", (_rule, state, to, at, expected) => {
    const invoice = upgradeInvoiceLines(state, to, utc(at));
    if (expected === null) expect(invoice).toBeNull();
    else expect(invoice).toMatchObject(expected);
  });

  it("R4.5 the new period starts now, with the new included credits, and the anniversary moves to today", () => {
    const upgrade = planUpgrade(scheduleCancellation(starterSince), plans.growth, utc("2026-11-16T09:30:00Z"));
    expect(upgrade.closedPeriod).toEqual({ start: utc("2026-11-01"), end: utc("2026-11-16T09:30:00Z") });
    expect(upgrade.state).toEqual({
      plan: plans.growth,
      anchorDay: 16,
      currentPeriodStart: utc("2026-11-16T09:30:00Z"),
      currentPeriodEnd: utc("2026-12-16T09:30:00Z"),
      cancelAtPeriodEnd: false,
      scheduledPlan: null,
      flexPeriodStart: utc("2026-11-16T09:30:00Z"),
    });
    expect(upgrade.includedCredits).toBe(750_000_000n);
  });

  it("R4.5 a downgrade is not applied as an upgrade, and an upgrade is not scheduled", () => {
    expect(() => planUpgrade(subscription({ plan: plans.growth }), plans.starter, utc("2026-11-20"))).toThrow(RangeError);
    expect(() => scheduleDowngrade(subscription({ plan: plans.starter }), plans.growth)).toThrow(RangeError);
    expect(scheduleDowngrade(subscription({ plan: plans.growth }), plans.starter).scheduledPlan).toBe(plans.starter);
  });

  it("R8.6 an upgrade after the period end waits for the due renewal to be applied", () => {
    expect(() => upgradeInvoiceLines(subscription({ plan: plans.starter }), plans.growth, utc("2026-12-14"))).toThrow(/nextEvents/);
  });
});

describe("preview of the next invoice (R4.5, R10)", () => {
  const growth = subscription({ plan: plans.growth, currentPeriodStart: utc("2026-11-14") });
  const now = utc("2026-11-24");
  const base = { state: growth, now, flexCreditsSoFar: 155_419_999n, includedRemaining: 400_000_000n };

  it.each([
    [
      "R4.2 no change: the fee in arrears and the flex so far, at the anniversary",
      { ...base },
      { change: "none", issuedAt: utc("2026-12-14"), kind: "PLAN_FEE", totalCents: 37_770n, flexIsEstimate: true, forfeitsIncluded: 0n },
      [
        "Growth plan, Nov 14 – Dec 14, 2026 · billed at the end of the period",
        "Flex: 155,419,999 credits used in the period → $77.70, rounded down to the cent",
      ],
    ],
    [
      "R4.6 cancel: the final invoice at the period end; included forfeited",
      { ...base, change: { kind: "cancel" } as const },
      { change: "cancel", effectiveAt: utc("2026-12-14"), kind: "FINAL", totalCents: 37_770n, forfeitsIncluded: 400_000_000n },
      [
        "Growth plan, Nov 14 – Dec 14, 2026 · billed at the end of the period",
        "Flex: 155,419,999 credits used in the period → $77.70, rounded down to the cent",
      ],
    ],
    [
      "R4.5 downgrade to Starter: Growth's last period at the period end",
      { ...base, change: { kind: "plan", to: plans.starter } as const },
      { change: "downgrade", effectiveAt: utc("2026-12-14"), kind: "PLAN_FEE", totalCents: 37_770n },
      [
        "Growth plan, Nov 14 – Dec 14, 2026 · billed at the end of the period",
        "Flex: 155,419,999 credits used in the period → $77.70, rounded down to the cent",
      ],
    ],
    [
      "R4.5 upgrade to Growth annual: 10 of 30 days pro rata, the flex so far, the year upfront — now",
      { ...base, change: { kind: "plan", to: plans.growthAnnual } as const },
      {
        change: "upgrade",
        effectiveAt: now,
        issuedAt: now,
        kind: "PRORATION",
        totalCents: 10_000n + 300_000n + 7_770n,
        flexIsEstimate: false,
      },
      [
        "Growth plan, Nov 14 – Nov 24, 2026 · upgraded: the part used of $300.00 for Nov 14 – Dec 14, 2026, rounded down to the cent",
        "Growth annual plan, Nov 24, 2026 – Nov 24, 2027 · paid in advance",
        "Flex: 155,419,999 credits used in the period → $77.70, rounded down to the cent",
      ],
    ],
    [
      "R4.1 Free: nothing will be billed",
      { ...base, state: subscription({ plan: plans.free }), flexCreditsSoFar: 0n },
      { change: "none", issuedAt: null, kind: null, totalCents: 0n },
      [],
    ],
  ])("%s", (_rule, input, expected, descriptions) => {
    const preview = previewNextInvoice(input);
    expect(preview).toMatchObject(expected);
    expect(preview.lines.map((line) => line.description)).toEqual(descriptions);
  });

  it("R4.3 an annual plan with no change: the next invoice is this month's flex", () => {
    const preview = previewNextInvoice({
      state: subscription({ plan: plans.growthAnnual, currentPeriodStart: utc("2026-03-15") }),
      now: utc("2026-07-20"),
      flexCreditsSoFar: 40_000n,
    });
    expect(preview).toMatchObject({ issuedAt: utc("2026-08-15"), kind: "FLEX", totalCents: 2n });
  });
});
