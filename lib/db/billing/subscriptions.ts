import "server-only";

// Applies the subscription events the engine plans (lib/billing/renewals.ts):
// renewals, scheduled downgrades, cancellations and monthly flex closes, each
// in one transaction with its invoice, its ledger entries and the new period.
// A crash between two events loses nothing: the next run plans again from
// the state that was committed, and every write is keyed so that it happens
// once (R8.6).
import { percentDiscountLine, type InvoiceLineDraft } from "@/lib/billing/invoice-lines";
import { invoiceLinesFor } from "@/lib/billing/subscriptions";
import { periodEndFor, type PlanTerms, type SubscriptionState } from "@/lib/billing/plan-terms";
import { nextEvents, type NextPeriod, type PlannedInvoice, type SubscriptionEvent } from "@/lib/billing/renewals";
import { FREE_PLAN_CODE } from "@/lib/catalog/schema";
import type { Tx } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { createInvoice, voidInvoice } from "@/lib/db/invoices";
import { activeDiscounts, withDiscount } from "./discounts";
import { forfeitIncluded, settleFlex, startIncludedPeriod } from "@/lib/db/ledger/grants";
import { withTransactionRetry } from "@/lib/db/ledger/retry";

export const planSelect = {
  id: true,
  code: true,
  name: true,
  rank: true,
  interval: true,
  feeCents: true,
  includedCredits: true,
  flexAllowed: true,
  payAsYouGo: true,
} as const;

type PlanRow = {
  id: string;
  code: string;
  name: string;
  rank: number;
  interval: "NONE" | "MONTH" | "YEAR";
  feeCents: number;
  includedCredits: bigint;
  flexAllowed: boolean;
  payAsYouGo: boolean;
};

export function planTerms(plan: PlanRow): PlanTerms & { id: string } {
  return {
    id: plan.id,
    code: plan.code,
    name: plan.name,
    rank: plan.rank,
    interval: plan.interval,
    feeCents: plan.feeCents,
    includedCredits: plan.includedCredits,
    flexAllowed: plan.flexAllowed,
    payAsYouGo: plan.payAsYouGo,
  };
}

export interface SubscriptionRunResult {
  events: string[];
  invoices: string[];
}

/** Subscriptions whose period (or annual flex month) may have ended by `now`. */
export async function dueSubscriptions(
  prisma: PrismaClient,
  now: Date,
  limit: number,
  afterWorkspaceId = "",
): Promise<{ workspaceId: string; id: string }[]> {
  // Annual plans bill flex every month, so they are looked at whenever their flex month may have ended.
  const flexMonthAgo = new Date(now.getTime() - 28 * 86_400_000);
  return prisma.$queryRaw<{ workspaceId: string; id: string }[]>`
    SELECT s."workspaceId", s."id" FROM "Subscription" s
    JOIN "Plan" p ON p."id" = s."planId"
    LEFT JOIN "CreditBalance" b ON b."workspaceId" = s."workspaceId"
    WHERE s."status" = 'ACTIVE' AND s."workspaceId" > ${afterWorkspaceId || "00000000-0000-0000-0000-000000000000"}::uuid
      AND (s."currentPeriodEnd" <= ${now}
           OR (p."interval" = 'YEAR' AND COALESCE(b."flexPeriodStart", s."currentPeriodStart") <= ${flexMonthAgo}))
    ORDER BY s."workspaceId"
    LIMIT ${limit}`;
}

/** Applies every event due for one subscription, one transaction per event. */
export async function advanceSubscription(
  prisma: PrismaClient,
  workspaceId: string,
  subscriptionId: string,
  now: Date,
  creditsPerUsd: bigint,
): Promise<SubscriptionRunResult> {
  const result: SubscriptionRunResult = { events: [], invoices: [] };
  for (let guard = 0; guard < 1000; guard += 1) {
    const applied = await withTransactionRetry(() =>
      prisma.$transaction((tx) => applyNextEvent(tx, workspaceId, subscriptionId, now, creditsPerUsd), {
        timeout: 60_000,
        maxWait: 60_000,
      }),
    );
    if (!applied) return result;
    result.events.push(applied.event);
    if (applied.invoice) result.invoices.push(applied.invoice);
    if (applied.ended) return result;
  }
  throw new Error(`subscription ${subscriptionId} did not settle after 1000 events`);
}

/**
 * Locks the workspace (its balance row) and reads its active subscription as
 * the engine sees it. `lock: false` only reads (a forecast on a page must not
 * queue behind debits, nor hold them up).
 */
export async function lockSubscriptionState(tx: Tx | PrismaClient, workspaceId: string, { lock = true }: { lock?: boolean } = {}) {
  type Row = { flexPeriodStart: Date | null; flexUsed: bigint; included: bigint };
  const balance = lock
    ? await tx.$queryRaw<Row[]>`
    SELECT "flexPeriodStart", "flexUsed", "included" FROM "CreditBalance" WHERE "workspaceId" = ${workspaceId}::uuid FOR UPDATE`
    : await tx.$queryRaw<Row[]>`
    SELECT "flexPeriodStart", "flexUsed", "included" FROM "CreditBalance" WHERE "workspaceId" = ${workspaceId}::uuid`;
  const subscription = await tx.subscription.findFirst({
    where: { workspaceId, status: "ACTIVE" },
    select: {
      id: true,
      anchorDay: true,
      currentPeriodStart: true,
      currentPeriodEnd: true,
      cancelAtPeriodEnd: true,
      plan: { select: planSelect },
      scheduledPlan: { select: planSelect },
    },
  });
  if (!subscription || !balance[0]) return null;
  const state: SubscriptionState = {
    plan: planTerms(subscription.plan),
    anchorDay: subscription.anchorDay,
    currentPeriodStart: subscription.currentPeriodStart,
    currentPeriodEnd: subscription.currentPeriodEnd,
    cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
    scheduledPlan: subscription.scheduledPlan ? planTerms(subscription.scheduledPlan) : null,
    flexPeriodStart: balance[0].flexPeriodStart,
  };
  return { subscriptionId: subscription.id, state, flexUsed: balance[0].flexUsed, included: balance[0].included };
}

async function applyNextEvent(tx: Tx, workspaceId: string, subscriptionId: string, now: Date, creditsPerUsd: bigint) {
  // The balance row is the workspace's lock: debits and these writes never interleave.
  const current = await lockSubscriptionState(tx, workspaceId);
  if (!current || current.subscriptionId !== subscriptionId) return null;
  const events = nextEvents(current.state, now);
  const [event] = events;
  if (!event) return null;
  const label = `${event.kind}@${event.at.toISOString()}`;
  const invoice = await applySubscriptionEvent(tx, { workspaceId, subscriptionId, event, creditsPerUsd });
  // The plan had only this event: nothing more is due, no need for a transaction that finds nothing.
  return { event: label, invoice, ended: event.kind === "cancel" || events.length === 1 };
}

export interface EventInput {
  workspaceId: string;
  subscriptionId: string;
  event: SubscriptionEvent;
  creditsPerUsd: bigint;
}

/**
 * Applies one planned event to the locked subscription: its invoice, its
 * ledger entries and the next period (a cancellation: back on Free). The
 * billing run applies the events it plans; support's "cancel now" applies the
 * cancellation of a period cut short at that instant. Returns the invoice number.
 */
export async function applySubscriptionEvent(
  tx: Tx,
  { workspaceId, subscriptionId, event, creditsPerUsd }: EventInput,
): Promise<string | null> {
  const subKey = `sub:${subscriptionId}`;
  if (event.kind === "flex") {
    return issueClosingInvoice(
      tx,
      workspaceId,
      `${subKey}:flex:${event.flexPeriod.end.toISOString()}`,
      event.invoice,
      event.at,
      creditsPerUsd,
      event.flexPeriod.end,
    );
  }

  const closeReason = event.kind === "renew" ? "RENEWED" : event.kind === "downgrade" ? "DOWNGRADED" : "CANCELED";
  await tx.subscriptionPeriod.updateMany({
    where: { workspaceId, subscriptionId, startsAt: event.closedPeriod.start, closedAt: null },
    data: { closedAt: event.at, closeReason },
  });
  const invoiceKey = `${subKey}:close:${event.closedPeriod.end.toISOString()}`;
  // Last: the invoice number locks the deployment-wide counter row until commit.
  const closing = () =>
    event.invoice ? issueClosingInvoice(tx, workspaceId, invoiceKey, event.invoice, event.at, creditsPerUsd, event.at) : null;

  if (event.kind === "cancel") {
    // R4.6: included credits are forfeited, prepaid stays, the workspace goes back to Free.
    await forfeitIncluded(tx, { workspaceId, at: event.at, idempotencyKey: `${subKey}:cancel:forfeit` });
    await tx.subscription.update({
      where: { workspaceId_id: { workspaceId, id: subscriptionId } },
      data: { status: "ENDED", endedAt: event.at, cancelAtPeriodEnd: false },
    });
    const free = await tx.plan.findUniqueOrThrow({ where: { code: FREE_PLAN_CODE }, select: planSelect });
    const anchorDay = event.at.getUTCDate();
    const created = await tx.subscription.create({
      data: { workspaceId, planId: free.id, anchorDay, startedAt: event.at, currentPeriodStart: event.at, currentPeriodEnd: null },
      select: { id: true },
    });
    const freeTerms = planTerms(free);
    const next: NextPeriod = {
      plan: freeTerms,
      periodStart: event.at,
      periodEnd: periodEndFor(freeTerms, event.at, anchorDay),
      anchorDay,
      includedCredits: free.includedCredits,
    };
    await openPeriod(tx, workspaceId, created.id, free.id, next);
    return closing();
  }

  const plan = await tx.plan.findUniqueOrThrow({ where: { code: event.plan.code }, select: { id: true } });
  await openPeriod(tx, workspaceId, subscriptionId, plan.id, event);
  return closing();
}

/** The next period of a subscription: its row, its included credits (R5.1), and the subscription's dates. */
export async function openPeriod(tx: Tx, workspaceId: string, subscriptionId: string, planId: string, next: NextPeriod) {
  // An upgrade at the very instant a period started replaces that (empty) period.
  const fields = { planId, endsAt: next.periodEnd, includedGranted: next.includedCredits, closedAt: null, closeReason: null };
  const period = await tx.subscriptionPeriod.upsert({
    where: { workspaceId_subscriptionId_startsAt: { workspaceId, subscriptionId, startsAt: next.periodStart } },
    create: { workspaceId, subscriptionId, startsAt: next.periodStart, ...fields },
    update: fields,
    select: { id: true },
  });
  await startIncludedPeriod(tx, {
    workspaceId,
    periodId: period.id,
    credits: next.includedCredits,
    expiresAt: next.periodEnd,
    at: next.periodStart,
    idempotencyKey: `included:${period.id}:${planId}`,
  });
  await tx.subscription.update({
    where: { workspaceId_id: { workspaceId, id: subscriptionId } },
    data: {
      planId,
      anchorDay: next.anchorDay,
      currentPeriodStart: next.periodStart,
      currentPeriodEnd: next.periodEnd,
      scheduledPlanId: null,
    },
  });
  await tx.creditBalance.update({ where: { workspaceId }, data: { flexPeriodStart: next.periodStart } });
}

/** Fees and the flex of the window (R5.3: added up, then rounded down once). */
export async function issueClosingInvoice(
  tx: Tx,
  workspaceId: string,
  key: string,
  planned: PlannedInvoice,
  at: Date,
  creditsPerUsd: bigint,
  nextFlexStart: Date,
): Promise<string | null> {
  const flexUsed = planned.flex
    ? await settleFlex(tx, { workspaceId, at, idempotencyKey: `${key}:flex`, nextPeriodStart: nextFlexStart })
    : 0n;
  const billed = invoiceLinesFor(planned, flexUsed, creditsPerUsd);
  if (billed.length === 0 && planned.kind !== "FINAL") return null;
  // R11: support's discount covers what this period bills, not what a final invoice carries over.
  const lines = await withDiscount(tx, workspaceId, billed);
  if (planned.kind === "FINAL") lines.push(...(await supersedeOverdue(tx, workspaceId, key, at)));
  const invoice = await createInvoice(tx, {
    workspaceId,
    kind: planned.kind,
    lines,
    idempotencyKey: key,
    at,
    periodStart: planned.periodStart,
    periodEnd: planned.periodEnd,
  });
  return invoice.number;
}

/**
 * R4.6, R8.3: the final invoice of a cancellation takes over what is still
 * overdue. Each open invoice whose payment failed is voided (so it is never
 * charged again) and carried as a line of the final one, which is collected
 * in its place. Idempotent with the final invoice: once it exists, nothing
 * is voided again.
 */
/** The invoices a final invoice carries over: open, with a failed payment. The cancellation preview lists the same ones. */
export const overdueInvoicesOf = (workspaceId: string) => ({ workspaceId, status: "OPEN" as const, firstFailedAt: { not: null } });

async function supersedeOverdue(tx: Tx, workspaceId: string, finalKey: string, at: Date): Promise<InvoiceLineDraft[]> {
  const final = await tx.invoice.findUnique({
    where: { workspaceId_idempotencyKey: { workspaceId, idempotencyKey: finalKey } },
    select: { id: true },
  });
  if (final) return [];
  const overdue = await tx.invoice.findMany({
    where: overdueInvoicesOf(workspaceId),
    select: { id: true, number: true, totalCents: true },
    orderBy: { number: "asc" },
  });
  const lines: InvoiceLineDraft[] = [];
  for (const invoice of overdue) {
    if (!(await voidInvoice(tx, { workspaceId, invoiceId: invoice.id, at }))) continue;
    lines.push(carriedOverLine(invoice));
  }
  return lines;
}

/** R8.3: an overdue invoice as a line of the final invoice that takes it over. */
export function carriedOverLine(invoice: { number: string; totalCents: number }): InvoiceLineDraft {
  return {
    description: `Unpaid invoice ${invoice.number}, carried over`,
    source: null,
    rule: "R8.3",
    quantity: 1n,
    credits: null,
    amountCents: BigInt(invoice.totalCents),
  };
}

/**
 * The lines issueClosingInvoice writes for `billed` (the period's fees and
 * flex, invoiceLinesFor), worked out now without taking anything: the support
 * discount it would use (R11) and, on a final invoice, the overdue invoices it
 * would carry over (R8.3). Keep the two in step: support's "cancel now"
 * previews with this and refuses to commit an issued invoice that differs.
 */
export async function previewClosingLines(
  tx: Tx | PrismaClient,
  workspaceId: string,
  billed: InvoiceLineDraft[],
  kind: PlannedInvoice["kind"],
): Promise<InvoiceLineDraft[]> {
  const [discount] = await activeDiscounts(tx, workspaceId);
  const discountLine = discount ? percentDiscountLine(billed, discount.percent, discount.reason) : null;
  const lines = discountLine ? [...billed, discountLine] : [...billed];
  if (kind === "FINAL") {
    const overdue = await tx.invoice.findMany({
      where: overdueInvoicesOf(workspaceId),
      select: { number: true, totalCents: true },
      orderBy: { number: "asc" },
    });
    lines.push(...overdue.map(carriedOverLine));
  }
  return lines;
}
