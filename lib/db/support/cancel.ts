import "server-only";

// Support cancels a paid subscription (R11, R4.6), as steps for
// lib/db/support/previewed.ts: read under the workspace's locks, a pure
// preview, the change.
// - At the period end: the customer's own cancellation
//   (scheduleCancelAtPeriodEnd). Service runs to the end; then the billing
//   run issues the final invoice and moves the workspace to Free.
// - Now: the current period is cut short at `now` and closed exactly as the
//   billing run closes a period that ends with a cancellation — the engine's
//   own event (nextEvents on the period ending now) applied by the billing
//   run's own code (applySubscriptionEvent). The final invoice bills what a
//   period close bills: the plan fee of the period (a monthly fee in arrears,
//   in full: the period's included credits were granted in full at its start,
//   and nothing is refunded — support can waive it with a discount or a void;
//   an annual fee was paid upfront and is not refunded), the flex used so far,
//   a waiting support discount, and the overdue invoices it takes over.
//   Included credits left are forfeited, the workspace is on Free with Free's
//   included credits from now; prepaid credits and packages are kept.
// The final invoice's lines are worked out before the change with the engine's
// line builders (invoiceLinesFor, previewClosingLines) and the issued invoice
// is checked against them: what is written is what was previewed, or nothing.
import { invoiceTotals, type InvoiceLineDraft } from "@/lib/billing/invoice-lines";
import {
  currentPeriodEndOf,
  invoiceLinesFor,
  nextEvents,
  periodEndEvent,
  periodEndFor,
  planName,
  type PlanTerms,
  type SubscriptionEvent,
  type SubscriptionState,
} from "@/lib/billing/subscriptions";
import { ActionError } from "@/lib/actions/safe-action";
import { FREE_PLAN_CODE } from "@/lib/catalog/schema";
import { cancelRefusal, scheduleCancelAtPeriodEnd } from "@/lib/db/billing/plan-changes";
import { applySubscriptionEvent, lockSubscriptionState, planSelect, planTerms, previewClosingLines } from "@/lib/db/billing/subscriptions";
import type { PreviewedSteps } from "./previewed";

export type CancelMode = "period_end" | "now";

type CancelEvent = Extract<SubscriptionEvent, { kind: "cancel" }>;

export interface CancelPreview {
  mode: CancelMode;
  plan: { code: string; name: string };
  /** period_end: the instant the period ends; now: today's date (yyyy-mm-dd): the instant is when it is applied. */
  endsAt: string;
  /** "now" on a subscription already set to end at its period end. */
  cancelWasScheduled: boolean;
  /** A scheduled downgrade the cancellation drops (its plan's name). */
  downgradeDropped: string | null;
  finalInvoice: {
    /** period_end: the period end; now: today's date. */
    issuedAt: string;
    lines: { description: string; amountCents: string }[];
    totalCents: string;
    /**
     * period_end: as it stands now — the flex used until the end is added when
     * it is issued, and the discount and overdue invoices are those of then.
     */
    estimate: boolean;
    /** period_end on a plan with flex: the flex used until the end is added. */
    flexToCome: boolean;
  };
  /** Included credits forfeited: exact now; null at the period end (what is left then). */
  includedForfeited: string | null;
  /** What the workspace is on afterwards. */
  after: { planName: string; includedCredits: string; firstResetAt: string };
  /** Kept, and used until they expire. */
  packages: { name: string; expiresAt: string; autoRenew: boolean }[];
}

interface CancelState {
  subscriptionId: string;
  state: SubscriptionState;
  included: bigint;
  event: CancelEvent;
  lines: InvoiceLineDraft[];
  free: PlanTerms;
  packages: { name: string; expiresAt: Date; autoRenew: boolean }[];
}

const longDate = new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: "UTC" });
const utcDay = (date: Date) => date.toISOString().slice(0, 10);

/**
 * R4.6 with the period cut short: the cancellation the billing run would
 * apply if the current period ended at `now` — its final invoice (fees of the
 * period, flex so far) and its close. The subscription must be caught up
 * (nothing due at `now`).
 */
export function cancelNowEvent(state: SubscriptionState, now: Date): CancelEvent {
  const cut: SubscriptionState = { ...state, cancelAtPeriodEnd: true, scheduledPlan: null, currentPeriodEnd: now };
  const events = nextEvents(cut, now);
  const [event] = events;
  if (events.length !== 1 || event?.kind !== "cancel")
    throw new RangeError("the subscription has events due before now: run the billing first");
  return event;
}

/** R4.6: the cancellation the billing run applies at the period end, once it is scheduled. */
function cancelAtEndEvent(state: SubscriptionState, periodEnd: Date): CancelEvent {
  const event = periodEndEvent({ ...state, cancelAtPeriodEnd: true, scheduledPlan: null }, periodEnd);
  if (event.kind !== "cancel") throw new RangeError("a scheduled cancellation ends the period with a cancel");
  return event;
}

export function cancelSubscriptionSteps(
  workspaceId: string,
  mode: CancelMode,
  meta: { now: Date; creditsPerUsd: bigint },
): PreviewedSteps<CancelState, CancelPreview> {
  const { now, creditsPerUsd } = meta;
  return {
    async read(tx) {
      const exists = await tx.workspace.findUnique({ where: { id: workspaceId }, select: { id: true } });
      if (!exists) return { missing: "This account no longer exists." };
      const current = await lockSubscriptionState(tx, workspaceId);
      if (!current) return { missing: "This account has no subscription to cancel." };
      const { state } = current;
      if (cancelRefusal(state.plan)) {
        return { missing: `This account is on the ${planName(state.plan)} plan, which is not a paid plan: there is nothing to cancel.` };
      }
      const periodEnd = currentPeriodEndOf(state);
      if (periodEnd <= now || nextEvents(state, now).length > 0) {
        return { missing: "The billing run has not closed this account's last period yet. Try again in a minute." };
      }
      if (mode === "period_end" && state.cancelAtPeriodEnd) {
        return {
          missing: `This subscription is already set to cancel at the end of its period, on ${longDate.format(periodEnd)}. To end it sooner, cancel now.`,
        };
      }
      const event = mode === "now" ? cancelNowEvent(state, now) : cancelAtEndEvent(state, periodEnd);
      // Now: the flex used so far is on the invoice. At the period end it is not known yet.
      const billed = invoiceLinesFor(event.invoice, mode === "now" ? current.flexUsed : 0n, creditsPerUsd);
      const lines = await previewClosingLines(tx, workspaceId, billed, event.invoice.kind);
      const free = await tx.plan.findUniqueOrThrow({ where: { code: FREE_PLAN_CODE }, select: planSelect });
      const packages = await tx.packagePurchase.findMany({
        where: { workspaceId, status: "ACTIVE" },
        orderBy: [{ expiresAt: "asc" }, { id: "asc" }],
        select: { expiresAt: true, autoRenew: true, package: { select: { name: true } } },
      });
      return {
        subscriptionId: current.subscriptionId,
        state,
        included: current.included,
        event,
        lines,
        free: planTerms(free),
        packages: packages.map((row) => ({ name: row.package.name, expiresAt: row.expiresAt, autoRenew: row.autoRenew })),
      };
    },

    preview(read) {
      const { state, event, free } = read;
      const endsAt = mode === "now" ? utcDay(now) : event.at.toISOString();
      // The Free period opens where the paid one ends, anchored on that day (applySubscriptionEvent).
      const freeEnd = periodEndFor(free, event.at, event.at.getUTCDate());
      return {
        mode,
        plan: { code: state.plan.code, name: planName(state.plan) },
        endsAt,
        cancelWasScheduled: mode === "now" && state.cancelAtPeriodEnd,
        downgradeDropped: state.scheduledPlan ? planName(state.scheduledPlan) : null,
        finalInvoice: {
          issuedAt: endsAt,
          lines: read.lines.map((line) => ({ description: line.description, amountCents: line.amountCents.toString() })),
          totalCents: invoiceTotals(read.lines).totalCents.toString(),
          estimate: mode === "period_end",
          flexToCome: mode === "period_end" && state.plan.flexAllowed,
        },
        includedForfeited: mode === "now" ? read.included.toString() : null,
        after: {
          planName: planName(free),
          includedCredits: free.includedCredits.toString(),
          firstResetAt: mode === "now" ? utcDay(freeEnd) : freeEnd.toISOString(),
        },
        packages: read.packages.map((row) => ({ name: row.name, expiresAt: row.expiresAt.toISOString(), autoRenew: row.autoRenew })),
      };
    },

    async apply(tx, read, preview) {
      const before = {
        plan: read.state.plan.code,
        status: "ACTIVE",
        periodStart: read.state.currentPeriodStart.toISOString(),
        periodEnd: currentPeriodEndOf(read.state).toISOString(),
        cancelAtPeriodEnd: read.state.cancelAtPeriodEnd,
        scheduledPlan: read.state.scheduledPlan?.code ?? null,
      };
      if (mode === "period_end") {
        const endsAt = await scheduleCancelAtPeriodEnd(tx, workspaceId, read, now);
        return {
          before,
          after: { mode, plan: read.state.plan.code, cancelAtPeriodEnd: true, scheduledPlan: null, endsAt: endsAt.toISOString() },
        };
      }

      // The period is cut short: the ended subscription says so, as one that ran to its end does.
      await tx.subscription.update({
        where: { workspaceId_id: { workspaceId, id: read.subscriptionId } },
        data: { currentPeriodEnd: now },
      });
      const number = await applySubscriptionEvent(tx, {
        workspaceId,
        subscriptionId: read.subscriptionId,
        event: read.event,
        creditsPerUsd,
      });
      const issued = number
        ? await tx.invoice.findUnique({
            where: { workspaceId_number: { workspaceId, number } },
            select: { totalCents: true, lines: { orderBy: { position: "asc" }, select: { description: true, amountCents: true } } },
          })
        : null;
      const written = issued?.lines.map((line) => ({ description: line.description, amountCents: line.amountCents.toString() }));
      if (!issued || JSON.stringify(written) !== JSON.stringify(preview.finalInvoice.lines)) {
        // Rolls the whole cancellation back: nothing is written unless it is the preview.
        throw new ActionError("The final invoice came out different from the preview, so nothing was changed. Preview again.");
      }
      return {
        before: { ...before, includedLeft: read.included.toString() },
        after: {
          mode,
          plan: FREE_PLAN_CODE,
          status: "ENDED",
          endedAt: now.toISOString(),
          finalInvoice: number,
          totalCents: String(issued.totalCents),
          includedForfeited: read.included.toString(),
        },
      };
    },
  };
}
