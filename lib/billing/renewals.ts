// What happens to a subscription as time passes (R4.2–R4.6, R5.3): the due
// renewals, scheduled downgrades, cancellations and flex closes up to `now`,
// each with the invoice it implies. Pure planning — the database layer applies
// the events in order, in one transaction each, and skips those it already
// applied (R8.6: running twice for the same instant changes nothing).
import {
  classifyChange,
  currentPeriodEndOf,
  flexPeriodContaining,
  flexPeriodStartOf,
  periodEndFor,
  type Period,
  type PlanTerms,
  type SubscriptionState,
} from "./plan-terms";

/** The database's InvoiceKind values that subscriptions produce. */
export type PlannedInvoiceKind = "PLAN_FEE" | "FLEX" | "FINAL" | "PRORATION";

export interface PlannedFee {
  plan: PlanTerms;
  /** arrears: R4.2 monthly fee after the period; upfront: R4.3 annual fee at its start; prorated: R4.5 upgrade. */
  timing: "arrears" | "upfront" | "prorated";
  periodStart: Date;
  periodEnd: Date;
  /** Set for prorated fees: where the period was closed early. */
  closedAt?: Date;
  amountCents: bigint;
}

/**
 * An invoice to issue. Fees are known; flex is not (it depends on usage):
 * the caller adds up the flex credits used in `flex` and prices them once
 * with flexLine (R5.3). An invoice whose lines come to nothing but a zero
 * flex line need not be issued, except FINAL (R4.6 always issues one).
 */
export interface PlannedInvoice {
  kind: PlannedInvoiceKind;
  /** The period the invoice closes (the upfront fee line carries its own, later, period). */
  periodStart: Date;
  periodEnd: Date;
  fees: PlannedFee[];
  flex: Period | null;
}

/** The period a transition opens, with the included credits it grants (expiring at periodEnd). */
export interface NextPeriod {
  plan: PlanTerms;
  periodStart: Date;
  periodEnd: Date;
  anchorDay: number;
  includedCredits: bigint;
}

export type SubscriptionEvent =
  /** R5.3: an annual plan's flex month ended; its flex is billed, nothing else changes. */
  | { kind: "flex"; at: Date; plan: PlanTerms; flexPeriod: Period; invoice: PlannedInvoice }
  /** R4.2–R4.4: the period ended; the next one starts with new included credits (the rest is forfeited). */
  | ({ kind: "renew"; at: Date; closedPeriod: Period; invoice: PlannedInvoice | null } & NextPeriod)
  /** R4.5: the scheduled downgrade takes effect at the period end. */
  | ({ kind: "downgrade"; at: Date; from: PlanTerms; to: PlanTerms; closedPeriod: Period; invoice: PlannedInvoice | null } & NextPeriod)
  /** R4.6: the paid plan ends; final invoice; included forfeited, prepaid kept; back on Free (`next`). */
  | { kind: "cancel"; at: Date; from: PlanTerms; closedPeriod: Period; invoice: PlannedInvoice; next: NextPeriod | null };

/** A subscription years behind is caught up in one call; more than this is a bug, not a backlog. */
const MAX_EVENTS = 10_000;

/**
 * Every transition due at or before `now`, in order. Without `freePlan` the
 * walk stops at a cancellation (the caller opens the Free subscription);
 * with it, the Free periods that follow are walked too.
 */
export function nextEvents(state: SubscriptionState, now: Date, freePlan?: PlanTerms): SubscriptionEvent[] {
  const events: SubscriptionEvent[] = [];
  let current: SubscriptionState | null = state;
  while (current) {
    if (events.length > MAX_EVENTS) throw new RangeError(`more than ${MAX_EVENTS} subscription events are due`);
    const end = currentPeriodEndOf(current);
    if (current.plan.interval === "YEAR" && current.plan.flexAllowed) {
      // R5.3 an annual plan's flex is billed each anniversary month inside the year.
      for (;;) {
        const flexPeriod = flexPeriodContaining(current, flexPeriodStartOf(current));
        if (flexPeriod.end >= end || flexPeriod.end > now) break;
        const invoice: PlannedInvoice = {
          kind: "FLEX",
          periodStart: flexPeriod.start,
          periodEnd: flexPeriod.end,
          fees: [],
          flex: flexPeriod,
        };
        const event: SubscriptionEvent = { kind: "flex", at: flexPeriod.end, plan: current.plan, flexPeriod, invoice };
        events.push(event);
        current = { ...current, flexPeriodStart: event.at };
      }
    }
    if (end > now) break;
    const event = periodEndEvent(current, end, freePlan);
    events.push(event);
    current = applyEvent(current, event);
  }
  return events;
}

/** The transition at the end of the current period: cancel wins over a scheduled downgrade, which wins over a renewal. */
export function periodEndEvent(state: SubscriptionState, end: Date, freePlan?: PlanTerms): SubscriptionEvent {
  const closedPeriod = { start: state.currentPeriodStart, end };
  const flexWindow = { start: flexPeriodStartOf(state), end };
  // Pay-as-you-go has no anniversary; a plan that follows it is anchored on the day it starts.
  const anchorDay = state.plan.interval === "NONE" ? end.getUTCDate() : state.anchorDay;
  const open = (plan: PlanTerms): NextPeriod => ({
    plan,
    periodStart: end,
    periodEnd: periodEndFor(plan, end, anchorDay),
    anchorDay,
    includedCredits: plan.includedCredits,
  });

  if (state.cancelAtPeriodEnd) {
    const next = freePlan ? open(freePlan) : null;
    const invoice = closingInvoice(state.plan, closedPeriod, flexWindow, null, "FINAL");
    return { kind: "cancel", at: end, from: state.plan, closedPeriod, invoice, next };
  }
  const scheduled = state.scheduledPlan;
  if (scheduled && classifyChange(state.plan, scheduled) !== "same") {
    const next = open(scheduled);
    const invoice = closingInvoice(state.plan, closedPeriod, flexWindow, next, null);
    return { kind: "downgrade", at: end, from: state.plan, to: scheduled, closedPeriod, invoice, ...next };
  }
  const next = open(state.plan);
  return { kind: "renew", at: end, closedPeriod, invoice: closingInvoice(state.plan, closedPeriod, flexWindow, next, null), ...next };
}

/** The state after `event`; null once a cancelled subscription has no Free period to continue on. */
export function applyEvent(state: SubscriptionState, event: SubscriptionEvent): SubscriptionState | null {
  switch (event.kind) {
    case "flex":
      return { ...state, flexPeriodStart: event.at };
    case "renew":
    case "downgrade":
      return openedState(event);
    case "cancel":
      return event.next ? openedState(event.next) : null;
  }
}

function openedState(next: NextPeriod): SubscriptionState {
  return {
    plan: next.plan,
    anchorDay: next.anchorDay,
    currentPeriodStart: next.periodStart,
    currentPeriodEnd: next.periodEnd,
    cancelAtPeriodEnd: false,
    scheduledPlan: null,
    flexPeriodStart: next.periodStart,
  };
}

/**
 * The invoice a period's end implies:
 * - R4.2 a monthly plan's fee in arrears for the period that ended (Aug 5 → charged Sep 5);
 * - R4.3 an annual plan that follows: its fee upfront for the new year;
 * - R5.3 the flex of the flex period that ended (every plan that allows flex);
 * - R4.6 FINAL on cancellation, issued even when it comes to $0.
 * Free (no fee, no flex) produces no invoice.
 */
export function closingInvoice(
  plan: PlanTerms,
  closedPeriod: Period,
  flexWindow: Period,
  next: NextPeriod | null,
  kind: "FINAL",
): PlannedInvoice;
export function closingInvoice(
  plan: PlanTerms,
  closedPeriod: Period,
  flexWindow: Period,
  next: NextPeriod | null,
  kind: null,
): PlannedInvoice | null;
export function closingInvoice(
  plan: PlanTerms,
  closedPeriod: Period,
  flexWindow: Period,
  next: NextPeriod | null,
  kind: "FINAL" | null,
): PlannedInvoice | null {
  const fees: PlannedFee[] = [];
  if (plan.interval === "MONTH" && plan.feeCents > 0) {
    fees.push({
      plan,
      timing: "arrears",
      periodStart: closedPeriod.start,
      periodEnd: closedPeriod.end,
      amountCents: BigInt(plan.feeCents),
    });
  }
  if (next && next.plan.interval === "YEAR" && next.plan.feeCents > 0) {
    fees.push({
      plan: next.plan,
      timing: "upfront",
      periodStart: next.periodStart,
      periodEnd: next.periodEnd,
      amountCents: BigInt(next.plan.feeCents),
    });
  }
  const flex = plan.flexAllowed ? flexWindow : null;
  if (kind !== "FINAL" && fees.length === 0 && flex === null) return null;
  return {
    kind: kind ?? (fees.length > 0 ? "PLAN_FEE" : "FLEX"),
    periodStart: closedPeriod.start,
    periodEnd: closedPeriod.end,
    fees,
    flex,
  };
}
