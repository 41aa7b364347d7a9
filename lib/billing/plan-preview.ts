// What a plan change or a cancellation means, as the Plan page shows it
// before the customer confirms (R4.5, R4.6): what is charged today, what
// happens to the included credits, the anniversary after the change and the
// next charge dates (the month-end rule applied). Pure: the invoice itself
// comes from previewNextInvoice (the function the change applies with), and
// every instant is an argument.
import { nextEvents, type SubscriptionEvent } from "./renewals";
import {
  classifyChange,
  planUpgrade,
  scheduleCancellation,
  scheduleDowngrade,
  type InvoicePreview,
  type PlanTerms,
  type PreviewChange,
  type SubscriptionState,
} from "./subscriptions";

export interface ChargeDate {
  at: Date;
  /** The plan fees due on that date (monthly in arrears, annual upfront), in cents. */
  feeCents: bigint;
  /** Flex usage of the period closing that day is billed too (unknown until then). */
  withFlex: boolean;
}

export interface PlanChangeSummary {
  change: InvoicePreview["change"];
  effectiveAt: Date;
  /** Charged to the card on file as soon as the change is confirmed (an upgrade's closing invoice). */
  chargedTodayCents: bigint;
  includedNow: bigint;
  /** Included credits forfeited when the change takes effect. */
  includedForfeited: bigint;
  /** The included credits the plan in force after the change grants for its first period. */
  includedAfter: bigint;
  /** The plan in force once the change has taken effect. */
  planAfter: PlanTerms;
  /** The day of the month periods renew on after the change; null for pay as you go (calendar months). */
  anniversaryDay: number | null;
  /** The next dates an invoice is issued after today, at most `count`. */
  nextChargeDates: ChargeDate[];
}

const YEAR_MS = 366 * 86_400_000;

/** The subscription as it will stand once the change is confirmed (an upgrade applies at `now`). */
export function stateAfterChange(state: SubscriptionState, change: PreviewChange, now: Date): SubscriptionState {
  if (change.kind === "cancel") return scheduleCancellation(state);
  if (change.kind === "none") return state;
  const direction = classifyChange(state.plan, change.to);
  if (direction === "upgrade") return planUpgrade(state, change.to, now).state;
  if (direction === "downgrade") return scheduleDowngrade(state, change.to);
  return state;
}

function chargeOf(event: SubscriptionEvent): ChargeDate | null {
  const invoice = event.invoice;
  if (!invoice) return null;
  const feeCents = invoice.fees.reduce((sum, fee) => sum + fee.amountCents, 0n);
  // A final invoice is issued even at zero; anything else only when a fee or flex can be on it.
  if (feeCents === 0n && !invoice.flex && invoice.kind !== "FINAL") return null;
  return { at: event.at, feeCents, withFlex: invoice.flex !== null };
}

/**
 * The next `count` dates after `now` on which the subscription issues an
 * invoice, walking its periods (and, after a cancellation, the Free plan's).
 * Looks at most three years ahead: an annual plan without flex has one date.
 */
export function nextChargeDates(state: SubscriptionState, now: Date, freePlan: PlanTerms | undefined, count = 3): ChargeDate[] {
  const horizon = new Date(now.getTime() + 3 * YEAR_MS);
  const dates: ChargeDate[] = [];
  for (const event of nextEvents(state, horizon, freePlan)) {
    if (event.at <= now) continue;
    const charge = chargeOf(event);
    if (charge) dates.push(charge);
    if (dates.length >= count) break;
  }
  return dates;
}

export function summarizePlanChange(input: {
  state: SubscriptionState;
  change: PreviewChange;
  now: Date;
  preview: InvoicePreview;
  includedRemaining: bigint;
  freePlan: PlanTerms;
  count?: number;
}): PlanChangeSummary {
  const { state, change, now, preview } = input;
  const after = stateAfterChange(state, change, now);
  const planAfter =
    preview.change === "cancel"
      ? input.freePlan
      : preview.change === "upgrade" || preview.change === "downgrade"
        ? (change as { to: PlanTerms }).to
        : (state.scheduledPlan ?? state.plan);
  const anniversaryDay =
    planAfter.interval === "NONE"
      ? null
      : preview.change === "upgrade"
        ? after.anchorDay
        : state.plan.interval === "NONE"
          ? preview.effectiveAt.getUTCDate()
          : state.anchorDay;
  return {
    change: preview.change,
    effectiveAt: preview.effectiveAt,
    chargedTodayCents: preview.change === "upgrade" && preview.issuedAt ? preview.totalCents : 0n,
    includedNow: input.includedRemaining,
    includedForfeited: preview.forfeitsIncluded,
    includedAfter: planAfter.includedCredits,
    planAfter,
    anniversaryDay,
    nextChargeDates: nextChargeDates(after, now, input.freePlan, input.count ?? 3),
  };
}
