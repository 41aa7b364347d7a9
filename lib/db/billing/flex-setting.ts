import "server-only";

// The customer's flex billing switch (R5.5). Turning flex off always works and
// takes effect on the next call: a debit that would need flex is refused
// (R9.4: 402 / 11100). Turning it on needs a plan that allows flex (not Free)
// and, on pay as you go, a card on file (R4.4). Each change writes an audit
// row in the same transaction; setting the state it already has changes
// nothing, so a double click or two tabs write one row.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { writeAudit, type Actor } from "@/lib/db/audit";
import { defaultCard } from "@/lib/payments/charge";
import type { PaymentGateway } from "@/lib/payments/gateway";

/** A change the rules do not allow; its message is for the customer. */
export class FlexSettingRefused extends Error {}

export interface FlexSetting {
  enabled: boolean;
  /** The plan allows flex at all (Free does not). */
  planAllows: boolean;
  payAsYouGo: boolean;
  hasCard: boolean;
  /** Whether it may be switched on right now (false when on already). */
  canTurnOn: boolean;
}

/** What the Credits page shows about the switch. */
export async function readFlexSetting(prisma: PrismaClient, gateway: PaymentGateway, workspaceId: string): Promise<FlexSetting> {
  const [workspace, plan, card] = await Promise.all([
    prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { flexEnabled: true } }),
    activePlan(prisma, workspaceId),
    defaultCard(prisma, workspaceId, gateway),
  ]);
  const planAllows = plan?.flexAllowed ?? false;
  const payAsYouGo = plan?.payAsYouGo ?? false;
  const hasCard = card !== null;
  return {
    enabled: workspace.flexEnabled,
    planAllows,
    payAsYouGo,
    hasCard,
    canTurnOn: !workspace.flexEnabled && planAllows && (!payAsYouGo || hasCard),
  };
}

async function activePlan(prisma: PrismaClient, workspaceId: string) {
  const subscription = await prisma.subscription.findFirst({
    where: { workspaceId, status: "ACTIVE" },
    select: { plan: { select: { name: true, flexAllowed: true, payAsYouGo: true } } },
  });
  return subscription?.plan ?? null;
}

export interface FlexChange {
  workspaceId: string;
  enabled: boolean;
  actor: Actor;
  now: Date;
}

export async function setFlexEnabled(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  change: FlexChange,
): Promise<{ enabled: boolean; changed: boolean }> {
  const { workspaceId, enabled, now } = change;
  if (enabled) {
    const plan = await activePlan(prisma, workspaceId);
    if (!plan?.flexAllowed)
      throw new FlexSettingRefused(`${plan?.name ?? "This plan"} has no flex billing. Choose a paid plan or pay as you go to use it.`);
    if (plan.payAsYouGo && !(await defaultCard(prisma, workspaceId, gateway)))
      throw new FlexSettingRefused("Pay as you go bills flex to the card on file. Add a card first, then turn flex on.");
  }
  return prisma.$transaction(async (tx) => {
    // Conditional on the old state: of two concurrent requests only one changes the row and writes the audit.
    const updated = await tx.workspace.updateMany({ where: { id: workspaceId, flexEnabled: !enabled }, data: { flexEnabled: enabled } });
    if (updated.count === 0) return { enabled, changed: false };
    await writeAudit(tx, {
      workspaceId,
      actor: change.actor,
      action: enabled ? "flex.enabled" : "flex.disabled",
      detail: { flexEnabled: enabled },
      now,
    });
    return { enabled, changed: true };
  });
}
