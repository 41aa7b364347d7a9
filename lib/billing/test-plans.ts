// Test factories: the default catalog's plans (R3.4) as PlanTerms, and a
// subscription state with overrides. Used by the tests beside this file only.
import type { PlanTerms, SubscriptionState } from "./plan-terms";

export const plans = {
  free: {
    code: "free",
    name: "Free",
    rank: 0,
    interval: "MONTH",
    feeCents: 0,
    includedCredits: 5_000_000n,
    flexAllowed: false,
    payAsYouGo: false,
  },
  payg: {
    code: "payg",
    name: "Pay as you go",
    rank: 1,
    interval: "NONE",
    feeCents: 0,
    includedCredits: 0n,
    flexAllowed: true,
    payAsYouGo: true,
  },
  starter: {
    code: "starter_monthly",
    name: "Starter",
    rank: 2,
    interval: "MONTH",
    feeCents: 3_000,
    includedCredits: 70_000_000n,
    flexAllowed: true,
    payAsYouGo: false,
  },
  starterAnnual: {
    code: "starter_annual",
    name: "Starter annual",
    rank: 3,
    interval: "YEAR",
    feeCents: 30_000,
    includedCredits: 840_000_000n,
    flexAllowed: true,
    payAsYouGo: false,
  },
  growth: {
    code: "growth_monthly",
    name: "Growth",
    rank: 4,
    interval: "MONTH",
    feeCents: 30_000,
    includedCredits: 750_000_000n,
    flexAllowed: true,
    payAsYouGo: false,
  },
  growthAnnual: {
    code: "growth_annual",
    name: "Growth annual",
    rank: 5,
    interval: "YEAR",
    feeCents: 300_000,
    includedCredits: 9_000_000_000n,
    flexAllowed: true,
    payAsYouGo: false,
  },
} satisfies Record<string, PlanTerms>;

/** An instant at 00:00 UTC, or the full ISO string when it has a time. */
export function utc(iso: string): Date {
  return new Date(iso.includes("T") ? iso : `${iso}T00:00:00.000Z`);
}

export function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function subscription(overrides: Partial<SubscriptionState> = {}): SubscriptionState {
  const currentPeriodStart = overrides.currentPeriodStart ?? utc("2026-11-14");
  return {
    plan: plans.growth,
    anchorDay: currentPeriodStart.getUTCDate(),
    currentPeriodStart,
    currentPeriodEnd: null,
    cancelAtPeriodEnd: false,
    scheduledPlan: null,
    ...overrides,
  };
}
