// Plan changes and the invoice preview (R4.5, R4.6). Pure planning: the
// database layer loads the subscription, asks what a change means, shows the
// preview, and on confirmation writes what these functions return.
import { DEFAULT_CREDITS_PER_USD } from "@/lib/money";
import { flexLine, invoiceTotals, planFeeLine, prorationLine, type InvoiceLineDraft } from "./invoice-lines";
import {
  classifyChange,
  currentPeriodEndOf,
  flexPeriodStartOf,
  periodEndFor,
  planName,
  proratedFeeCents,
  type Period,
  type PlanTerms,
  type SubscriptionState,
} from "./plan-terms";
import { nextEvents, type NextPeriod, type PlannedFee, type PlannedInvoice, type PlannedInvoiceKind } from "./renewals";

export * from "./plan-terms";
export * from "./renewals";

export interface UpgradePlan extends NextPeriod {
  at: Date;
  from: PlanTerms;
  /** The current period, closed early at `at` (PeriodCloseReason UPGRADED). */
  closedPeriod: Period;
  /** The proration / upfront invoice to issue now; null when there is nothing to bill (e.g. Free → Starter). */
  invoice: PlannedInvoice | null;
  /** The subscription after the upgrade; remaining included credits are forfeited and the new plan's granted. */
  state: SubscriptionState;
}

/**
 * R4.5: an upgrade takes effect at once. The current period closes at `at`:
 * - a monthly plan (billed in arrears) is invoiced pro rata for the elapsed part;
 * - an annual plan was paid upfront: no refund and no credit for the unused
 *   part (SPEC has no refunds: R4.6, R6.1, R7.3) — the preview says so before
 *   the customer confirms;
 * - pay-as-you-go and Free have no fee;
 * - the flex used so far in the current flex period is billed now (R5.3).
 * The new plan's period starts at `at` and the anniversary moves to that day;
 * an annual new plan is paid upfront on the same invoice.
 */
export function upgradeInvoiceLines(state: SubscriptionState, to: PlanTerms, at: Date): PlannedInvoice | null {
  assertInsideCurrentPeriod(state, at);
  const from = state.plan;
  const periodEnd = currentPeriodEndOf(state);
  const closedPeriod = { start: state.currentPeriodStart, end: at };
  const fees: PlannedFee[] = [];
  if (from.interval === "MONTH" && from.feeCents > 0) {
    const amountCents = proratedFeeCents(from.feeCents, state.currentPeriodStart, periodEnd, at);
    fees.push({ plan: from, timing: "prorated", periodStart: state.currentPeriodStart, periodEnd, closedAt: at, amountCents });
  }
  if (to.interval === "YEAR" && to.feeCents > 0) {
    fees.push({
      plan: to,
      timing: "upfront",
      periodStart: at,
      periodEnd: periodEndFor(to, at, at.getUTCDate()),
      amountCents: BigInt(to.feeCents),
    });
  }
  const flex = from.flexAllowed ? { start: flexPeriodStartOf(state), end: at } : null;
  if (fees.length === 0 && flex === null) return null;
  const kind: PlannedInvoiceKind = fees.some((fee) => fee.timing === "prorated") ? "PRORATION" : fees.length > 0 ? "PLAN_FEE" : "FLEX";
  return { kind, periodStart: closedPeriod.start, periodEnd: closedPeriod.end, fees, flex };
}

/** R4.5: everything an upgrade at `at` does. Throws unless `to` is an upgrade of the current plan. */
export function planUpgrade(state: SubscriptionState, to: PlanTerms, at: Date): UpgradePlan {
  if (classifyChange(state.plan, to) !== "upgrade") throw new RangeError(`${state.plan.code} → ${to.code} is not an upgrade`);
  const invoice = upgradeInvoiceLines(state, to, at);
  const anchorDay = at.getUTCDate();
  const periodEnd = periodEndFor(to, at, anchorDay);
  return {
    at,
    from: state.plan,
    closedPeriod: { start: state.currentPeriodStart, end: at },
    invoice,
    plan: to,
    periodStart: at,
    periodEnd,
    anchorDay,
    includedCredits: to.includedCredits,
    state: {
      plan: to,
      anchorDay,
      currentPeriodStart: at,
      currentPeriodEnd: periodEnd,
      cancelAtPeriodEnd: false,
      scheduledPlan: null,
      flexPeriodStart: at,
    },
  };
}

/** R4.5: a downgrade waits for the period end. Throws unless `to` is a downgrade. */
export function scheduleDowngrade(state: SubscriptionState, to: PlanTerms): SubscriptionState {
  if (classifyChange(state.plan, to) !== "downgrade") throw new RangeError(`${state.plan.code} → ${to.code} is not a downgrade`);
  return { ...state, scheduledPlan: to, cancelAtPeriodEnd: false };
}

/** R4.6: cancellation takes effect at the period end and can be undone until then. */
export function scheduleCancellation(state: SubscriptionState): SubscriptionState {
  return { ...state, cancelAtPeriodEnd: true, scheduledPlan: null };
}

export function undoCancellation(state: SubscriptionState): SubscriptionState {
  return { ...state, cancelAtPeriodEnd: false };
}

/**
 * The lines of a planned invoice once its flex is known: fees first, then
 * the flex of the window, added up and rounded once (R5.3). A zero flex line
 * is left out.
 */
export function invoiceLinesFor(
  invoice: PlannedInvoice,
  flexCredits: bigint,
  creditsPerUsd: bigint = DEFAULT_CREDITS_PER_USD,
): InvoiceLineDraft[] {
  const lines = invoice.fees.map((fee) =>
    fee.timing === "prorated"
      ? prorationLine({
          planName: planName(fee.plan),
          periodStart: fee.periodStart,
          periodEnd: fee.periodEnd,
          closedAt: fee.closedAt ?? fee.periodEnd,
          feeCents: fee.plan.feeCents,
          amountCents: fee.amountCents,
        })
      : planFeeLine({
          planName: planName(fee.plan),
          periodStart: fee.periodStart,
          periodEnd: fee.periodEnd,
          feeCents: fee.amountCents,
          timing: fee.timing,
        }),
  );
  if (invoice.flex && flexCredits > 0n) lines.push(flexLine(flexCredits, creditsPerUsd));
  return lines;
}

export type PreviewChange = { kind: "none" } | { kind: "plan"; to: PlanTerms } | { kind: "cancel" };

export interface InvoicePreviewInput {
  state: SubscriptionState;
  now: Date;
  /** Flex credits used so far in the current flex period. */
  flexCreditsSoFar: bigint;
  /** Included credits left now: what a change would forfeit (R4.5, R4.6). */
  includedRemaining?: bigint;
  change?: PreviewChange;
  creditsPerUsd?: bigint;
}

export interface InvoicePreview {
  change: "none" | "upgrade" | "downgrade" | "cancel";
  /** When the change takes effect (now for an upgrade, the period end otherwise). */
  effectiveAt: Date;
  /** When the previewed invoice is issued; null when nothing will be billed (Free). */
  issuedAt: Date | null;
  kind: PlannedInvoiceKind | null;
  lines: InvoiceLineDraft[];
  totalCents: bigint;
  /** The flex line holds usage so far; more usage before issuedAt adds to it. */
  flexIsEstimate: boolean;
  /** Included credits forfeited when the change takes effect (as of now; an estimate for later dates). */
  forfeitsIncluded: bigint;
}

/**
 * R4.5 / R10: what the next invoice will hold — with no change, the next one
 * the subscription issues; with a plan change or cancellation, the one that
 * change produces — so the customer sees it before confirming.
 */
export function previewNextInvoice(input: InvoicePreviewInput): InvoicePreview {
  const { state, now } = input;
  const change = input.change ?? { kind: "none" };
  const creditsPerUsd = input.creditsPerUsd ?? DEFAULT_CREDITS_PER_USD;
  const periodEnd = currentPeriodEndOf(state);
  const included = input.includedRemaining ?? 0n;

  if (change.kind === "plan" && classifyChange(state.plan, change.to) === "upgrade") {
    const invoice = upgradeInvoiceLines(state, change.to, now);
    const lines = invoice ? invoiceLinesFor(invoice, input.flexCreditsSoFar, creditsPerUsd) : [];
    return {
      change: "upgrade",
      effectiveAt: now,
      issuedAt: invoice ? now : null,
      kind: invoice?.kind ?? null,
      lines,
      totalCents: invoiceTotals(lines).totalCents,
      flexIsEstimate: false,
      forfeitsIncluded: included,
    };
  }

  let simulated: SubscriptionState = { ...state, cancelAtPeriodEnd: false, scheduledPlan: null };
  let kind: InvoicePreview["change"] = "none";
  if (change.kind === "cancel") {
    simulated = { ...simulated, cancelAtPeriodEnd: true };
    kind = "cancel";
  } else if (change.kind === "plan" && classifyChange(state.plan, change.to) === "downgrade") {
    simulated = { ...simulated, scheduledPlan: change.to };
    kind = "downgrade";
  } else {
    // No change asked for (or the same plan): the subscription as it stands, its own schedule included.
    simulated = state;
  }

  // Everything up to the period end; a change shows the invoice of that end, no change the first invoice due.
  // Events at or before now are due already (the caller applies them with nextEvents); the preview looks ahead.
  const upcoming = nextEvents(simulated, periodEnd).filter((candidate) => candidate.at > now);
  const event =
    kind === "none" ? upcoming.find((candidate) => candidate.invoice !== null) : upcoming.find((candidate) => candidate.kind !== "flex");
  const invoice = event?.invoice ?? null;
  const flexNow = invoice?.flex && invoice.flex.start <= now && now < invoice.flex.end ? input.flexCreditsSoFar : 0n;
  const lines = invoice ? invoiceLinesFor(invoice, flexNow, creditsPerUsd) : [];
  return {
    change: kind,
    effectiveAt: periodEnd,
    issuedAt: invoice && event ? event.at : null,
    kind: invoice?.kind ?? null,
    lines,
    totalCents: invoiceTotals(lines).totalCents,
    flexIsEstimate: invoice?.flex != null,
    forfeitsIncluded: kind === "none" ? 0n : included,
  };
}

function assertInsideCurrentPeriod(state: SubscriptionState, at: Date): void {
  if (at < state.currentPeriodStart) throw new RangeError("the change is before the current period");
  if (at >= currentPeriodEndOf(state)) throw new RangeError("the current period has ended: apply the due events (nextEvents) first");
}
