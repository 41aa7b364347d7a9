import "server-only";

// Plan changes a customer (or support) asks for (R4.5, R4.6): an upgrade at
// once with the early close and its invoice, a downgrade or a cancellation at
// the period end, undoing a cancellation, and the preview of the next invoice
// shown before any of them is confirmed. Each change writes its audit row in
// the same transaction.
import { arrearsRefusal } from "@/lib/billing/arrears";
import {
  classifyChange,
  planUpgrade,
  previewNextInvoice,
  scheduleCancellation,
  scheduleDowngrade,
  undoCancellation,
  type InvoicePreview,
  type PlanTerms,
  type PreviewChange,
  type SubscriptionState,
} from "@/lib/billing/subscriptions";
import type { Tx } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { writeAudit, type Actor } from "@/lib/db/audit";
import { withTransactionRetry } from "@/lib/db/ledger/retry";
import { issueClosingInvoice, lockSubscriptionState, openPeriod, planSelect, planTerms } from "./subscriptions";

export class PlanChangeError extends Error {}

async function loadSubscription(tx: Tx, workspaceId: string) {
  const current = await lockSubscriptionState(tx, workspaceId);
  if (!current) throw new PlanChangeError("This workspace has no active subscription.");
  return current;
}

async function findPlan(tx: Tx, code: string) {
  const plan = await tx.plan.findUnique({ where: { code }, select: { ...planSelect, active: true } });
  if (!plan || !plan.active) throw new PlanChangeError(`There is no plan called ${code}.`);
  return plan;
}

/** What the next invoice will hold with the change (or none): shown before confirming. */
export async function previewChange(
  prisma: PrismaClient,
  input: {
    workspaceId: string;
    change: { kind: "none" } | { kind: "cancel" } | { kind: "plan"; toPlanCode: string };
    at: Date;
    creditsPerUsd: bigint;
  },
): Promise<InvoicePreview> {
  return prisma.$transaction(async (tx) => {
    const { state, flexUsed, included } = await loadSubscription(tx, input.workspaceId);
    const change: PreviewChange =
      input.change.kind === "plan" ? { kind: "plan", to: planTerms(await findPlan(tx, input.change.toPlanCode)) } : input.change;
    return previewNextInvoice({
      state,
      now: input.at,
      flexCreditsSoFar: flexUsed,
      includedRemaining: included,
      change,
      creditsPerUsd: input.creditsPerUsd,
    });
  });
}

export type ChangeOutcome =
  | { kind: "upgraded"; invoiceNumber: string | null }
  | { kind: "downgrade_scheduled"; effectiveAt: Date }
  | { kind: "cancel_scheduled"; effectiveAt: Date }
  | { kind: "cancel_undone" }
  | { kind: "unchanged" };

/** R4.5: upgrade now, or schedule a downgrade for the period end. */
export async function changePlan(
  prisma: PrismaClient,
  input: { workspaceId: string; toPlanCode: string; at: Date; creditsPerUsd: bigint; actor: Actor; reason?: string },
): Promise<ChangeOutcome> {
  return withTransactionRetry(() =>
    prisma.$transaction(async (tx) => {
      const { subscriptionId, state } = await loadSubscription(tx, input.workspaceId);
      const target = await findPlan(tx, input.toPlanCode);
      const to = planTerms(target);
      const direction = classifyChange(state.plan, to);
      if (direction === "same") return { kind: "unchanged" } as const;
      if (direction === "upgrade") {
        // R8.3, R8.4: in arrears no plan can be subscribed to or upgraded (a downgrade only lowers what is owed).
        const { billingState } = await tx.workspace.findUniqueOrThrow({ where: { id: input.workspaceId }, select: { billingState: true } });
        const refusal = arrearsRefusal(
          billingState,
          state.plan.feeCents === 0 && state.plan.interval !== "YEAR" ? "subscribe" : "change_plan",
        );
        if (refusal) throw new PlanChangeError(refusal);
      }
      const audit = { workspaceId: input.workspaceId, actor: input.actor, reason: input.reason, now: input.at };

      // The same downgrade confirmed twice (two tabs at once): applied once.
      if (direction === "downgrade" && state.scheduledPlan?.code === to.code && !state.cancelAtPeriodEnd)
        return { kind: "unchanged" } as const;
      if (direction === "downgrade") {
        const next = scheduleDowngrade(state, to);
        await tx.subscription.update({
          where: { workspaceId_id: { workspaceId: input.workspaceId, id: subscriptionId } },
          data: { scheduledPlanId: target.id, cancelAtPeriodEnd: next.cancelAtPeriodEnd },
        });
        const effectiveAt = state.currentPeriodEnd ?? input.at;
        await writeAudit(tx, {
          ...audit,
          action: "subscription.downgrade_scheduled",
          detail: { from: state.plan.code, to: to.code, effectiveAt: effectiveAt.toISOString() },
        });
        return { kind: "downgrade_scheduled", effectiveAt } as const;
      }

      const upgrade = planUpgrade(state, to, input.at);
      await tx.subscriptionPeriod.updateMany({
        where: { workspaceId: input.workspaceId, subscriptionId, startsAt: state.currentPeriodStart, closedAt: null },
        data: { closedAt: input.at, closeReason: "UPGRADED" },
      });
      const invoiceNumber = upgrade.invoice
        ? await issueClosingInvoice(
            tx,
            input.workspaceId,
            `sub:${subscriptionId}:upgrade:${input.at.toISOString()}`,
            upgrade.invoice,
            input.at,
            input.creditsPerUsd,
            input.at,
          )
        : null;
      // The new period starts now with the new plan's included credits; the rest is forfeited (R5.1).
      await openPeriod(tx, input.workspaceId, subscriptionId, target.id, upgrade);
      await writeAudit(tx, {
        ...audit,
        action: "subscription.upgraded",
        detail: { from: state.plan.code, to: to.code, invoice: invoiceNumber },
      });
      return { kind: "upgraded", invoiceNumber } as const;
    }),
  );
}

/** Why a subscription on `plan` cannot be cancelled (R4.6: only a paid plan can be), or null. */
export function cancelRefusal(plan: PlanTerms): string | null {
  return plan.feeCents === 0 && plan.interval !== "YEAR" ? "Only a paid plan can be cancelled; this workspace is not on one." : null;
}

/**
 * R4.6: marks the locked subscription to end at its period end (a scheduled
 * downgrade is dropped), in the caller's transaction; the caller writes the
 * audit row (the customer's cancel, or support's). Returns when it ends.
 */
export async function scheduleCancelAtPeriodEnd(
  tx: Tx,
  workspaceId: string,
  { subscriptionId, state }: { subscriptionId: string; state: SubscriptionState },
  at: Date,
): Promise<Date> {
  const refusal = cancelRefusal(state.plan);
  if (refusal) throw new PlanChangeError(refusal);
  const next = scheduleCancellation(state);
  await tx.subscription.update({
    where: { workspaceId_id: { workspaceId, id: subscriptionId } },
    data: { cancelAtPeriodEnd: next.cancelAtPeriodEnd, scheduledPlanId: null },
  });
  return state.currentPeriodEnd ?? at;
}

/** R4.6: cancel at the period end (undoable until then). */
export async function cancelAtPeriodEnd(
  prisma: PrismaClient,
  input: { workspaceId: string; at: Date; actor: Actor; reason?: string },
): Promise<ChangeOutcome> {
  return prisma.$transaction(async (tx) => {
    const current = await loadSubscription(tx, input.workspaceId);
    const { state } = current;
    // Already scheduled (a second confirmation): nothing more.
    if (state.cancelAtPeriodEnd) return { kind: "unchanged" };
    const effectiveAt = await scheduleCancelAtPeriodEnd(tx, input.workspaceId, current, input.at);
    await writeAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      reason: input.reason,
      now: input.at,
      action: "subscription.cancel_scheduled",
      detail: { plan: state.plan.code, effectiveAt: effectiveAt.toISOString() },
    });
    return { kind: "cancel_scheduled", effectiveAt };
  });
}

export async function undoCancel(prisma: PrismaClient, input: { workspaceId: string; at: Date; actor: Actor }): Promise<ChangeOutcome> {
  return prisma.$transaction(async (tx) => {
    const { subscriptionId, state } = await loadSubscription(tx, input.workspaceId);
    if (!state.cancelAtPeriodEnd) return { kind: "unchanged" };
    const next = undoCancellation(state);
    await tx.subscription.update({
      where: { workspaceId_id: { workspaceId: input.workspaceId, id: subscriptionId } },
      data: { cancelAtPeriodEnd: next.cancelAtPeriodEnd },
    });
    await writeAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      now: input.at,
      action: "subscription.cancel_undone",
      detail: { plan: state.plan.code },
    });
    return { kind: "cancel_undone" };
  });
}
