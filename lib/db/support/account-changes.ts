import "server-only";

// Four of the support console's previewed actions (R11), as steps for
// lib/db/support/previewed.ts: read under the locks, a pure preview of the
// effect, the change. Previews hold only strings, numbers and booleans, so
// they cross to the browser and their digest is stable.
//   customRateLimitSteps  set or clear a custom limit per second / per hour (R9.3)
//   extendGraceSteps      move the grace deadline, and retention's with it (R8.3)
//   voidInvoiceSteps      an open invoice is no longer owed; arrears end when nothing overdue is left (R8.4)
//   discountSteps         a percentage off the next N subscription invoices
import { percentDiscountLine, invoiceTotals } from "@/lib/billing/invoice-lines";
import { periodEndEvent } from "@/lib/billing/renewals";
import { invoiceLinesFor } from "@/lib/billing/subscriptions";
import { writeWorkspaceRateLimit } from "@/lib/db/api-auth";
import type { Actor } from "@/lib/db/audit";
import { activeDiscounts } from "@/lib/db/billing/discounts";
import { lockSubscriptionState } from "@/lib/db/billing/subscriptions";
import { voidInvoice } from "@/lib/db/invoices";
import { restoreIfNothingOverdue } from "@/lib/db/payments/arrears";
import type { PreviewedSteps } from "./previewed";

const DAY_MS = 86_400_000;
const iso = (date: Date | null) => date?.toISOString() ?? null;

// ── Custom rate limit ────────────────────────────────────────────────────────

export interface RateLimitRequest {
  /** Requests per second; null: the plan's. */
  perSecond: number | null;
  /** Requests per hour; null: the plan's. */
  perHour: number | null;
}

interface LimitPair {
  perSecond: number | null;
  perHour: number | null;
}

export interface RateLimitPreview {
  plan: LimitPair;
  /** The custom limits now (null: none, the plan's applies). */
  customBefore: LimitPair;
  customAfter: LimitPair;
  /** What the API enforces now and after (null: unlimited). */
  effectiveBefore: LimitPair;
  effectiveAfter: LimitPair;
}

interface RateLimitState {
  plan: LimitPair;
  custom: LimitPair;
}

const effective = (custom: LimitPair, plan: LimitPair): LimitPair => ({
  perSecond: custom.perSecond ?? plan.perSecond,
  perHour: custom.perHour ?? plan.perHour,
});

export function customRateLimitSteps(
  workspaceId: string,
  wanted: RateLimitRequest,
  meta: { reason: string; actor: Actor; now: Date },
): PreviewedSteps<RateLimitState, RateLimitPreview> {
  return {
    async read(tx) {
      const workspace = await tx.workspace.findUnique({
        where: { id: workspaceId },
        select: {
          rateLimits: { select: { window: true, limit: true } },
          subscriptions: {
            where: { status: "ACTIVE" },
            take: 1,
            select: { plan: { select: { rateLimits: { select: { window: true, limit: true } } } } },
          },
        },
      });
      if (!workspace) return { missing: "This account no longer exists." };
      const pick = (rows: { window: string; limit: number }[]): LimitPair => ({
        perSecond: rows.find((row) => row.window === "SECOND")?.limit ?? null,
        perHour: rows.find((row) => row.window === "HOUR")?.limit ?? null,
      });
      return { plan: pick(workspace.subscriptions[0]?.plan.rateLimits ?? []), custom: pick(workspace.rateLimits) };
    },
    preview: (state) => ({
      plan: state.plan,
      customBefore: state.custom,
      customAfter: { perSecond: wanted.perSecond, perHour: wanted.perHour },
      effectiveBefore: effective(state.custom, state.plan),
      effectiveAfter: effective(wanted, state.plan),
    }),
    async apply(tx, _state, preview) {
      const windows = [
        ["SECOND", preview.customBefore.perSecond, preview.customAfter.perSecond],
        ["HOUR", preview.customBefore.perHour, preview.customAfter.perHour],
      ] as const;
      for (const [window, before, after] of windows) {
        if (before === after) continue;
        await writeWorkspaceRateLimit(tx, { workspaceId, window, limit: after, ...meta });
      }
      return { before: { ...preview.customBefore }, after: { ...preview.customAfter } };
    },
  };
}

// ── Extend a grace period ────────────────────────────────────────────────────

export interface GracePreview {
  days: number;
  graceEndsBefore: string;
  graceEndsAfter: string;
  retentionEndsBefore: string | null;
  retentionEndsAfter: string | null;
}

interface GraceState {
  graceEndsAt: Date;
  retentionEndsAt: Date | null;
}

export function extendGraceSteps(workspaceId: string, days: number): PreviewedSteps<GraceState, GracePreview> {
  if (!Number.isInteger(days) || days < 1) throw new RangeError("a grace extension is a whole number of days");
  const later = (date: Date) => new Date(date.getTime() + days * DAY_MS);
  return {
    async read(tx) {
      const workspace = await tx.workspace.findUnique({
        where: { id: workspaceId },
        select: { billingState: true, graceEndsAt: true, retentionEndsAt: true },
      });
      if (!workspace) return { missing: "This account no longer exists." };
      if (workspace.billingState !== "GRACE" || !workspace.graceEndsAt) {
        return { missing: "This account is not in a grace period, so there is no deadline to extend." };
      }
      return { graceEndsAt: workspace.graceEndsAt, retentionEndsAt: workspace.retentionEndsAt };
    },
    // Retention keeps its length: it starts when the (later) grace ends.
    preview: (state) => ({
      days,
      graceEndsBefore: state.graceEndsAt.toISOString(),
      graceEndsAfter: later(state.graceEndsAt).toISOString(),
      retentionEndsBefore: iso(state.retentionEndsAt),
      retentionEndsAfter: iso(state.retentionEndsAt && later(state.retentionEndsAt)),
    }),
    async apply(tx, _state, preview) {
      await tx.workspace.update({
        where: { id: workspaceId },
        data: {
          graceEndsAt: new Date(preview.graceEndsAfter),
          retentionEndsAt: preview.retentionEndsAfter ? new Date(preview.retentionEndsAfter) : null,
        },
      });
      return {
        before: { graceEndsAt: preview.graceEndsBefore, retentionEndsAt: preview.retentionEndsBefore },
        after: { graceEndsAt: preview.graceEndsAfter, retentionEndsAt: preview.retentionEndsAfter },
      };
    },
  };
}

// ── Void an invoice ──────────────────────────────────────────────────────────

export interface VoidPreview {
  number: string;
  status: string;
  totalCents: number;
  /** What the open invoices add up to, now and once this one is void. */
  openCentsBefore: number;
  openCentsAfter: number;
  billingState: string;
  /** True when it is the last overdue invoice of an account in arrears: service is restored. */
  endsArrears: boolean;
}

interface VoidState {
  invoice: { number: string; status: string; totalCents: number; overdue: boolean };
  openCents: number;
  overdueCount: number;
  billingState: string;
}

export function voidInvoiceSteps(workspaceId: string, invoiceId: string, meta: { now: Date }): PreviewedSteps<VoidState, VoidPreview> {
  return {
    async read(tx) {
      const workspace = await tx.workspace.findUnique({
        where: { id: workspaceId },
        select: {
          billingState: true,
          invoices: {
            where: { status: { in: ["OPEN", "DRAFT"] } },
            select: { id: true, number: true, status: true, totalCents: true, firstFailedAt: true },
          },
        },
      });
      if (!workspace) return { missing: "This account no longer exists." };
      const open = workspace.invoices;
      const target = open.find((invoice) => invoice.id === invoiceId);
      if (!target) {
        const exists = await tx.invoice.findUnique({
          where: { workspaceId_id: { workspaceId, id: invoiceId } },
          select: { number: true, status: true },
        });
        return {
          missing: exists
            ? `Invoice ${exists.number} is ${exists.status.toLowerCase()}: only an open or draft invoice can be voided.`
            : "This account has no such invoice.",
        };
      }
      return {
        invoice: { number: target.number, status: target.status, totalCents: target.totalCents, overdue: target.firstFailedAt !== null },
        openCents: open.filter((invoice) => invoice.status === "OPEN").reduce((sum, invoice) => sum + invoice.totalCents, 0),
        overdueCount: open.filter((invoice) => invoice.status === "OPEN" && invoice.firstFailedAt !== null).length,
        billingState: workspace.billingState,
      };
    },
    preview: (state) => ({
      number: state.invoice.number,
      status: state.invoice.status,
      totalCents: state.invoice.totalCents,
      openCentsBefore: state.openCents,
      openCentsAfter: state.openCents - (state.invoice.status === "OPEN" ? state.invoice.totalCents : 0),
      billingState: state.billingState,
      endsArrears:
        (state.billingState === "GRACE" || state.billingState === "RETENTION") &&
        state.invoice.status === "OPEN" &&
        state.invoice.overdue &&
        state.overdueCount === 1,
    }),
    async apply(tx, _state, preview) {
      if (!(await voidInvoice(tx, { workspaceId, invoiceId, at: meta.now }))) throw new Error(`invoice ${invoiceId} could not be voided`);
      // R8.4: with nothing overdue left the account is back in good standing (its own audit row, by the system).
      const restored = await restoreIfNothingOverdue(tx, { workspaceId, at: meta.now });
      return {
        before: { invoice: preview.number, status: preview.status, totalCents: preview.totalCents, billingState: preview.billingState },
        after: { invoice: preview.number, status: "VOID", billingState: restored ? "GOOD" : preview.billingState },
      };
    },
  };
}

// ── Discount the next N subscription invoices ────────────────────────────────

export interface DiscountPreview {
  percent: number;
  invoices: number;
  /** Discounts already waiting: theirs are used first, oldest first. */
  queuedBehind: { percent: number; invoicesRemaining: number }[];
  /** The subscription's next invoice as it stands now (flex used so far), with the discount it will carry. */
  nextInvoice: {
    at: string | null;
    subtotalCents: number;
    discountPercent: number | null;
    discountCents: number;
    totalCents: number;
  } | null;
}

interface DiscountState {
  queued: { percent: number; invoicesRemaining: number; reason: string }[];
  next: { at: Date; lines: ReturnType<typeof invoiceLinesFor> } | null;
}

export function discountSteps(
  workspaceId: string,
  wanted: { percent: number; invoices: number },
  meta: { reason: string; actor: Actor; now: Date; creditsPerUsd: bigint },
): PreviewedSteps<DiscountState, DiscountPreview> {
  return {
    async read(tx) {
      const exists = await tx.workspace.findUnique({ where: { id: workspaceId }, select: { id: true } });
      if (!exists) return { missing: "This account no longer exists." };
      const subscription = await lockSubscriptionState(tx, workspaceId, { lock: false });
      if (!subscription) return { missing: "This account has no subscription, so it has no invoices to discount." };
      const queued = await activeDiscounts(tx, workspaceId);
      const end = subscription.state.currentPeriodEnd;
      const event = end ? periodEndEvent(subscription.state, end) : null;
      const next =
        end && event?.invoice ? { at: end, lines: invoiceLinesFor(event.invoice, subscription.flexUsed, meta.creditsPerUsd) } : null;
      return { queued: queued.map(({ percent, invoicesRemaining, reason }) => ({ percent, invoicesRemaining, reason })), next };
    },
    preview(state) {
      // The next invoice takes the oldest waiting discount, or this one when none waits.
      const first = state.queued[0] ?? { percent: wanted.percent, reason: meta.reason };
      const line = state.next ? percentDiscountLine(state.next.lines, first.percent, first.reason) : null;
      const totals = state.next ? invoiceTotals(line ? [...state.next.lines, line] : state.next.lines) : null;
      return {
        percent: wanted.percent,
        invoices: wanted.invoices,
        queuedBehind: state.queued.map(({ percent, invoicesRemaining }) => ({ percent, invoicesRemaining })),
        nextInvoice:
          state.next && totals
            ? {
                at: state.next.at.toISOString(),
                subtotalCents: Number(totals.subtotalCents),
                discountPercent: line ? first.percent : null,
                discountCents: Number(totals.discountCents),
                totalCents: Number(totals.totalCents),
              }
            : null,
      };
    },
    async apply(tx, _state, preview) {
      await tx.workspaceDiscount.create({
        data: {
          workspaceId,
          percent: preview.percent,
          invoices: preview.invoices,
          invoicesRemaining: preview.invoices,
          reason: meta.reason,
          createdById: meta.actor.id,
          createdAt: meta.now,
        },
      });
      return {
        before: { waitingDiscounts: preview.queuedBehind },
        after: { waitingDiscounts: [...preview.queuedBehind, { percent: preview.percent, invoicesRemaining: preview.invoices }] },
      };
    },
  };
}
