// Plans, their periods and the share of a fee for part of a period (R4).
// Pure: every instant is an argument.
import { addAnniversaryMonths, calendarMonthStart, nextCalendarMonthStart, periodEnd } from "./periods";

export type PlanInterval = "NONE" | "MONTH" | "YEAR";

/** What the engine needs to know of a catalog plan. */
export interface PlanTerms {
  code: string;
  /** For invoice lines ("Growth plan, …"); the code is used when absent. */
  name?: string;
  /** R4.5: a higher rank is pricier. */
  rank: number;
  interval: PlanInterval;
  feeCents: number;
  includedCredits: bigint;
  flexAllowed: boolean;
  payAsYouGo: boolean;
}

/** The subscription as the database keeps it (Subscription + CreditBalance.flexPeriodStart). */
export interface SubscriptionState {
  plan: PlanTerms;
  /** R4.2: the anniversary day, kept across short months. */
  anchorDay: number;
  currentPeriodStart: Date;
  /** null: derived from the start (pay-as-you-go: the next calendar month, R4.4). */
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  /** R4.5: a downgrade waiting for the period end. */
  scheduledPlan: PlanTerms | null;
  /** R5.3: where the current flex period started; absent or null = the period start. */
  flexPeriodStart?: Date | null;
}

/** A half-open interval of time [start, end). */
export interface Period {
  start: Date;
  end: Date;
}

export type PlanChange = "upgrade" | "downgrade" | "same";

/**
 * R4.5: a pricier plan (higher rank) is an upgrade, and so is monthly →
 * annual even to a lower rank (Growth monthly → Starter annual: the customer
 * commits to a year, which takes effect at once). Anything else that changes
 * the plan is a downgrade, which waits for the period end.
 */
export function classifyChange(from: PlanTerms, to: PlanTerms): PlanChange {
  if (from.code === to.code) return "same";
  if (from.interval === "MONTH" && to.interval === "YEAR") return "upgrade";
  return to.rank > from.rank ? "upgrade" : "downgrade";
}

export function planName(plan: PlanTerms): string {
  return plan.name ?? plan.code;
}

/**
 * R4.5: the share of a period's fee for [periodStart, closedAt), by
 * milliseconds, rounded down: the customer never pays a fraction of a cent
 * (R1.2). closedAt is held inside the period.
 */
export function proratedFeeCents(feeCents: number | bigint, periodStart: Date, periodEnd: Date, closedAt: Date): bigint {
  if (typeof feeCents === "number" && !Number.isSafeInteger(feeCents)) throw new RangeError("feeCents must be a whole number");
  const fee = BigInt(feeCents);
  if (fee < 0n) throw new RangeError("feeCents must not be negative");
  const start = BigInt(periodStart.getTime());
  const end = BigInt(periodEnd.getTime());
  if (end <= start) throw new RangeError("a period must end after it starts");
  const closed = BigInt(closedAt.getTime());
  const elapsed = closed < start ? 0n : closed > end ? end - start : closed - start;
  return (fee * elapsed) / (end - start);
}

/** The end of a period of `plan` starting at `start` (R4.2, R4.3; R4.4 pay-as-you-go: the calendar month). */
export function periodEndFor(plan: PlanTerms, start: Date, anchorDay: number): Date {
  if (plan.interval === "NONE") return nextCalendarMonthStart(start);
  return periodEnd(start, plan.interval, anchorDay);
}

/** The subscription's current period end, derived when the state leaves it null. */
export function currentPeriodEndOf(state: SubscriptionState): Date {
  return state.currentPeriodEnd ?? periodEndFor(state.plan, state.currentPeriodStart, state.anchorDay);
}

/** Where the current flex period started: never before the subscription period. */
export function flexPeriodStartOf(state: SubscriptionState): Date {
  const flexStart = state.flexPeriodStart;
  return flexStart && flexStart > state.currentPeriodStart ? flexStart : state.currentPeriodStart;
}

/**
 * R5.3 / R14.2: the flex period that holds `at`. Flex is billed about monthly
 * on every plan: a monthly plan's period; an annual plan's anniversary month
 * (its fee is upfront, its flex is not left unbilled for a year); the
 * calendar month for pay-as-you-go (R4.4). The spend cap (R14.2) runs over
 * the same period.
 */
export function flexPeriodContaining(state: SubscriptionState, at: Date): Period {
  const end = currentPeriodEndOf(state);
  if (state.plan.interval === "MONTH") return { start: state.currentPeriodStart, end };
  if (state.plan.interval === "NONE") {
    const monthStart = calendarMonthStart(at);
    return { start: monthStart > state.currentPeriodStart ? monthStart : state.currentPeriodStart, end: nextCalendarMonthStart(at) };
  }
  let start = state.currentPeriodStart;
  for (let month = 1; month < 12; month += 1) {
    const boundary = addAnniversaryMonths(state.currentPeriodStart, month, state.anchorDay);
    if (boundary >= end) break;
    if (boundary > at) return { start, end: boundary };
    start = boundary;
  }
  return { start, end };
}
