import "server-only";

// The Plan page's preview of a change (R4.5, R4.6): the invoice from the same
// engine function the change applies with (previewChange), plus what the page
// shows around it (card, included credits, anniversary, next charge dates);
// and withdrawing a scheduled downgrade, the one plan change plan-changes.ts
// has no function for.
import { summarizePlanChange, type PlanChangeSummary } from "@/lib/billing/plan-preview";
import { classifyChange, type InvoicePreview, type PreviewChange } from "@/lib/billing/subscriptions";
import { FREE_PLAN_CODE } from "@/lib/catalog/schema";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { writeAudit, type Actor } from "@/lib/db/audit";
import { collectDueInvoices } from "@/lib/payments/collect";
import type { PaymentGateway } from "@/lib/payments/gateway";
import { cancelAtPeriodEnd, changePlan, PlanChangeError, previewChange } from "./plan-changes";
import { lockSubscriptionState, overdueInvoicesOf, planSelect, planTerms } from "./subscriptions";

export type PlanPreviewRequest = { kind: "cancel" } | { kind: "plan"; toPlanCode: string };

export interface PlanChangePreview {
  fromPlanCode: string;
  scheduledPlanCode: string | null;
  cancelScheduled: boolean;
  toPlan: { code: string; name: string; requiresCard: boolean } | null;
  invoice: InvoicePreview;
  summary: PlanChangeSummary;
  card: { brand: string; last4: string; expMonth: number; expYear: number } | null;
  /** Prepaid credits: kept whatever the change. */
  prepaid: bigint;
  /** A cancellation's final invoice carries the invoices still overdue when it is issued (R8.3): these, unless paid before. */
  carriedOver: { number: string; totalCents: number }[];
}

export async function loadPlanChangePreview(
  prisma: PrismaClient,
  input: { workspaceId: string; request: PlanPreviewRequest; at: Date; creditsPerUsd: bigint },
): Promise<PlanChangePreview> {
  const invoice = await previewChange(prisma, {
    workspaceId: input.workspaceId,
    change: input.request,
    at: input.at,
    creditsPerUsd: input.creditsPerUsd,
  });
  const [loaded, free, target, card, carriedOver] = await Promise.all([
    prisma.$transaction(async (tx) => {
      const current = await lockSubscriptionState(tx, input.workspaceId);
      const balance = await tx.creditBalance.findUniqueOrThrow({ where: { workspaceId: input.workspaceId }, select: { prepaid: true } });
      return current ? { ...current, prepaid: balance.prepaid } : null;
    }),
    prisma.plan.findUniqueOrThrow({ where: { code: FREE_PLAN_CODE }, select: planSelect }),
    input.request.kind === "plan"
      ? prisma.plan.findUnique({ where: { code: input.request.toPlanCode }, select: { ...planSelect, requiresCard: true } })
      : null,
    prisma.paymentMethod.findFirst({
      where: { workspaceId: input.workspaceId },
      orderBy: [{ isDefault: "desc" }, { createdAt: "desc" }],
      select: { brand: true, last4: true, expMonth: true, expYear: true },
    }),
    input.request.kind === "cancel"
      ? prisma.invoice.findMany({
          where: overdueInvoicesOf(input.workspaceId),
          select: { number: true, totalCents: true },
          orderBy: { number: "asc" },
        })
      : [],
  ]);
  if (!loaded) throw new PlanChangeError("This workspace has no active subscription.");
  const change: PreviewChange = target
    ? { kind: "plan", to: planTerms(target) }
    : input.request.kind === "cancel"
      ? { kind: "cancel" }
      : { kind: "none" };
  const summary = summarizePlanChange({
    state: loaded.state,
    change,
    now: input.at,
    preview: invoice,
    includedRemaining: loaded.included,
    freePlan: planTerms(free),
  });
  return {
    fromPlanCode: loaded.state.plan.code,
    scheduledPlanCode: loaded.state.scheduledPlan?.code ?? null,
    cancelScheduled: loaded.state.cancelAtPeriodEnd,
    toPlan: target ? { code: target.code, name: target.name, requiresCard: target.requiresCard } : null,
    invoice,
    summary,
    card,
    prepaid: loaded.prepaid,
    carriedOver,
  };
}

/** Withdraws a scheduled downgrade: the current plan renews as before. Unchanged when none is scheduled. */
export async function withdrawScheduledDowngrade(
  prisma: PrismaClient,
  input: { workspaceId: string; at: Date; actor: Actor; expectedScheduledPlanCode: string },
): Promise<{ kind: "downgrade_withdrawn" } | { kind: "unchanged" }> {
  return prisma.$transaction(async (tx) => {
    const current = await lockSubscriptionState(tx, input.workspaceId);
    if (!current) throw new PlanChangeError("This workspace has no active subscription.");
    const scheduled = current.state.scheduledPlan;
    if (!scheduled || scheduled.code !== input.expectedScheduledPlanCode || classifyChange(current.state.plan, scheduled) === "same")
      return { kind: "unchanged" } as const;
    await tx.subscription.update({
      where: { workspaceId_id: { workspaceId: input.workspaceId, id: current.subscriptionId } },
      data: { scheduledPlanId: null },
    });
    await writeAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      now: input.at,
      action: "subscription.downgrade_withdrawn",
      detail: { plan: current.state.plan.code, was: scheduled.code },
    });
    return { kind: "downgrade_withdrawn" } as const;
  });
}

export type ConfirmOutcome =
  | { kind: "upgraded"; invoiceNumber: string | null; chargedCents: bigint; paid: boolean | null }
  | { kind: "downgrade_scheduled"; effectiveAt: Date }
  | { kind: "already_applied" }
  | { kind: "preview_changed"; preview: PlanChangePreview };

/**
 * Confirms a previewed plan change. The confirmation names the plan it was
 * previewed on and the amount shown for today: a second click or a second
 * tab finds the plan already changed (or the downgrade already scheduled)
 * and applies nothing; an amount that moved since the preview (a pro-rata
 * share moves by the minute) is shown again instead of charged. An upgrade's
 * closing invoice is collected at once through the gateway.
 */
export async function confirmPlanChange(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  input: {
    workspaceId: string;
    fromPlanCode: string;
    toPlanCode: string;
    expectedTodayCents: bigint;
    at: Date;
    creditsPerUsd: bigint;
    actor: Actor;
  },
): Promise<ConfirmOutcome> {
  const request = { kind: "plan", toPlanCode: input.toPlanCode } as const;
  const fresh = await loadPlanChangePreview(prisma, {
    workspaceId: input.workspaceId,
    request,
    at: input.at,
    creditsPerUsd: input.creditsPerUsd,
  });
  const scheduledAlready = fresh.scheduledPlanCode === input.toPlanCode && !fresh.cancelScheduled;
  if (fresh.fromPlanCode !== input.fromPlanCode || fresh.fromPlanCode === input.toPlanCode || scheduledAlready) {
    return { kind: "already_applied" };
  }
  if (fresh.invoice.change === "upgrade") {
    if (fresh.summary.chargedTodayCents !== input.expectedTodayCents) return { kind: "preview_changed", preview: fresh };
    if (fresh.toPlan?.requiresCard && !fresh.card)
      throw new PlanChangeError("Add a card on the Credits page first: this plan is charged to the card on file.");
  }
  const outcome = await changePlan(prisma, {
    workspaceId: input.workspaceId,
    toPlanCode: input.toPlanCode,
    at: input.at,
    creditsPerUsd: input.creditsPerUsd,
    actor: input.actor,
  });
  if (outcome.kind === "downgrade_scheduled") return outcome;
  if (outcome.kind !== "upgraded") return { kind: "already_applied" };
  let paid: boolean | null = null;
  if (outcome.invoiceNumber) {
    try {
      await collectDueInvoices(prisma, gateway, input.at, { workspaceId: input.workspaceId, creditsPerUsd: input.creditsPerUsd });
    } catch (error) {
      // The change is committed; the billing clock retries the collection.
      console.error("[plan] collecting the upgrade invoice failed", error);
    }
    const invoice = await prisma.invoice.findFirst({
      where: { workspaceId: input.workspaceId, number: outcome.invoiceNumber },
      select: { status: true },
    });
    paid = invoice ? invoice.status === "PAID" : null;
  }
  return { kind: "upgraded", invoiceNumber: outcome.invoiceNumber, chargedCents: fresh.summary.chargedTodayCents, paid };
}

/** Schedules the cancellation previewed on `fromPlanCode`; a second confirmation changes nothing. */
export async function confirmCancellation(
  prisma: PrismaClient,
  input: { workspaceId: string; fromPlanCode: string; at: Date; actor: Actor; reason?: string },
): Promise<{ kind: "cancel_scheduled"; effectiveAt: Date } | { kind: "already_applied" }> {
  const current = await prisma.subscription.findFirst({
    where: { workspaceId: input.workspaceId, status: "ACTIVE" },
    select: { cancelAtPeriodEnd: true, plan: { select: { code: true } } },
  });
  if (!current || current.plan.code !== input.fromPlanCode || current.cancelAtPeriodEnd) return { kind: "already_applied" };
  const outcome = await cancelAtPeriodEnd(prisma, input);
  return outcome.kind === "cancel_scheduled" ? outcome : { kind: "already_applied" };
}
