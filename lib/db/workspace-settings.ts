import "server-only";

// Changes to a workspace's own settings, each with its audit row in the same
// transaction.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { assertSafeName } from "@/lib/names";
import { writeAudit, type Actor } from "./audit";

export async function renameWorkspace(prisma: PrismaClient, input: { workspaceId: string; name: string; actor: Actor; now: Date }) {
  // Behind the form's own check: the name is shown to teammates and support staff.
  assertSafeName(input.name, "The workspace name");
  return prisma.$transaction(async (tx) => {
    const before = await tx.workspace.findUniqueOrThrow({ where: { id: input.workspaceId }, select: { name: true } });
    if (before.name === input.name) return { changed: false };
    await tx.workspace.update({ where: { id: input.workspaceId }, data: { name: input.name } });
    await writeAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: "workspace.renamed",
      detail: { from: before.name, to: input.name },
      now: input.now,
    });
    return { changed: true };
  });
}

/** R14: what the customer sets, amounts in cents as typed (alert levels are kept in credits). */
export interface GuardrailInput {
  includedAlerts: boolean;
  prepaidBelowCents: number | null;
  flexAboveCents: number | null;
  spendCapCents: number | null;
}

/** The largest amount any guardrail takes: $1,000,000. */
export const GUARDRAIL_MAX_CENTS = 100_000_000;

/**
 * R14.1, R14.2: saves the usage alerts and the monthly spend cap. Lowering the
 * cap below what was spent refuses flex from the next call; raising it lets
 * calls and auto top-up go on at once. A changed alert level fires again in
 * the same period (its dedupe key names the level).
 */
export async function saveGuardrails(
  prisma: PrismaClient,
  input: GuardrailInput & { workspaceId: string; creditsPerUsd: bigint; actor: Actor; now: Date },
) {
  const toCredits = (cents: number | null) => (cents === null ? null : (BigInt(cents) * input.creditsPerUsd) / 100n);
  const next = {
    alertIncludedUsage: input.includedAlerts,
    alertPrepaidBelow: toCredits(input.prepaidBelowCents),
    alertFlexAbove: toCredits(input.flexAboveCents),
    spendCapCents: input.spendCapCents,
  };
  return prisma.$transaction(async (tx) => {
    const before = await tx.workspace.findUniqueOrThrow({
      where: { id: input.workspaceId },
      select: { alertIncludedUsage: true, alertPrepaidBelow: true, alertFlexAbove: true, spendCapCents: true },
    });
    const same =
      before.alertIncludedUsage === next.alertIncludedUsage &&
      before.alertPrepaidBelow === next.alertPrepaidBelow &&
      before.alertFlexAbove === next.alertFlexAbove &&
      before.spendCapCents === next.spendCapCents;
    if (same) return { changed: false };
    await tx.workspace.update({ where: { id: input.workspaceId }, data: next });
    const words = (settings: typeof next) => ({
      includedAlerts: settings.alertIncludedUsage,
      prepaidBelowCredits: settings.alertPrepaidBelow?.toString() ?? null,
      flexAboveCredits: settings.alertFlexAbove?.toString() ?? null,
      spendCapCents: settings.spendCapCents,
    });
    await writeAudit(tx, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: "guardrails.updated",
      detail: { before: words(before), after: words(next) },
      now: input.now,
    });
    return { changed: true };
  });
}
