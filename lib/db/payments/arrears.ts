import "server-only";

// The arrears state machine in the database (R8.3–R8.5): a failed invoice
// payment puts the workspace in grace (enterArrears), paying every failed
// invoice restores it (restoreIfNothingOverdue), and the billing run moves it
// on at its deadlines — grace → retention → deleted, with a warning email
// before each (advanceArrears). The rules are pure, in lib/billing/arrears.ts.
//
// Every change locks the workspace row first (FOR NO KEY UPDATE: inserts that
// merely reference the workspace are not blocked) and re-reads its state under
// the lock, so a payment that succeeds while another invoice fails, or the
// billing run racing a payment, cannot leave a state the invoices disagree
// with. Periods are never moved: paying restores service billed from the
// original period dates (R8.4).
import {
  arrearsDeadlines,
  checkArrearsPolicy,
  dueArrearsTransitions,
  dueArrearsWarning,
  type ArrearsPolicy,
  type ArrearsTransition,
} from "@/lib/billing/arrears";
import type { BillingState } from "@/lib/billing/flex";
import type { Tx } from "@/lib/db";
import { writeAudit, type Actor } from "@/lib/db/audit";
import { withTransactionRetry } from "@/lib/db/ledger/retry";
import { enqueueNotice } from "@/lib/db/notices";
import { env, type Env } from "@/lib/env";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";

export type { ArrearsPolicy } from "@/lib/billing/arrears";

/** The billing system itself, in the audit trail. */
const ARREARS_ACTOR: Actor = { id: null, email: "billing@meterdesk", role: "SYSTEM" };

/** The deployment's arrears settings (R8.3–R8.5), from lib/env.ts. */
export function arrearsPolicy(
  source: Pick<Env, "DUNNING_RETRY_DAYS" | "GRACE_DAYS" | "RETENTION_DAYS" | "ARREARS_WARNING_DAYS"> = env(),
): ArrearsPolicy {
  return checkArrearsPolicy({
    retryDays: [...source.DUNNING_RETRY_DAYS],
    graceDays: source.GRACE_DAYS,
    retentionDays: source.RETENTION_DAYS,
    warningDays: source.ARREARS_WARNING_DAYS,
  });
}

const arrearsSelect = { billingState: true, arrearsSince: true, graceEndsAt: true, retentionEndsAt: true } as const;

/** Locks the workspace row and reads its arrears state under the lock (a new statement: what committed before is seen). */
async function lockArrearsState(tx: Tx, workspaceId: string) {
  await tx.$queryRaw`SELECT 1 FROM "Workspace" WHERE "id" = ${workspaceId}::uuid FOR NO KEY UPDATE`;
  return tx.workspace.findUnique({ where: { id: workspaceId }, select: arrearsSelect });
}

export interface EnterArrearsResult {
  /** False: it was not in good standing (already in arrears, or deleted); nothing changed. */
  entered: boolean;
  billingState: BillingState;
  graceEndsAt: Date | null;
  retentionEndsAt: Date | null;
}

/**
 * R8.3: a failed payment of an invoice puts a workspace in good standing into
 * its grace period, with both deadlines counted from `at`. Already in arrears,
 * the deadlines stay as they are: a second failed invoice does not extend them.
 */
export async function enterArrears(tx: Tx, input: { workspaceId: string; at: Date; policy: ArrearsPolicy }): Promise<EnterArrearsResult> {
  const current = await lockArrearsState(tx, input.workspaceId);
  if (!current) throw new Error(`workspace ${input.workspaceId} does not exist`);
  if (current.billingState !== "GOOD") return { entered: false, ...current };
  const { graceEndsAt, retentionEndsAt } = arrearsDeadlines(input.at, input.policy);
  await tx.workspace.update({
    where: { id: input.workspaceId },
    data: { billingState: "GRACE", arrearsSince: input.at, graceEndsAt, retentionEndsAt },
  });
  await writeAudit(tx, {
    workspaceId: input.workspaceId,
    actor: ARREARS_ACTOR,
    action: "arrears.grace_started",
    reason: "A payment of an invoice failed.",
    detail: { graceEndsAt: graceEndsAt.toISOString(), retentionEndsAt: retentionEndsAt.toISOString() },
    now: input.at,
  });
  return { entered: true, billingState: "GRACE", graceEndsAt, retentionEndsAt };
}

/**
 * R8.4: back to good standing once no open invoice whose payment failed is
 * left (paid, voided or written off). A workspace whose data was deleted
 * stays deleted (R8.5: it cannot be recovered). Returns whether it was restored.
 */
export async function restoreIfNothingOverdue(tx: Tx, input: { workspaceId: string; at: Date }): Promise<boolean> {
  const current = await lockArrearsState(tx, input.workspaceId);
  if (!current || (current.billingState !== "GRACE" && current.billingState !== "RETENTION")) return false;
  const overdue = await tx.invoice.count({ where: { workspaceId: input.workspaceId, status: "OPEN", firstFailedAt: { not: null } } });
  if (overdue > 0) return false;
  await tx.workspace.update({
    where: { id: input.workspaceId },
    data: { billingState: "GOOD", arrearsSince: null, graceEndsAt: null, retentionEndsAt: null },
  });
  await writeAudit(tx, {
    workspaceId: input.workspaceId,
    actor: ARREARS_ACTOR,
    action: "arrears.restored",
    reason: "Every overdue invoice is settled.",
    detail: { from: current.billingState, arrearsSince: current.arrearsSince?.toISOString() ?? null },
    now: input.at,
  });
  return true;
}

export interface AdvanceArrearsSummary {
  /** Workspaces whose grace ended: every metered call is refused from now on (R8.4). */
  toRetention: number;
  /** Workspaces whose retention ended: API keys and usage records deleted (R8.5). */
  deleted: number;
  /** Warning notices enqueued (R8.5), one per workspace and deadline. */
  warnings: number;
}

/**
 * R8.4, R8.5, R8.6: the arrears transitions and warnings due at `now`, one
 * transaction per workspace, `chunk` workspaces read at a time. Idempotent:
 * a second run for the same instant finds nothing due. Transitions come
 * first, so a clock far behind moves a workspace through grace and retention
 * in one run and then warns about the deadline that is still ahead.
 */
export async function advanceArrears(
  prisma: PrismaClient,
  now: Date,
  policy: ArrearsPolicy,
  options: { chunk?: number; log?: (line: string) => void } = {},
): Promise<AdvanceArrearsSummary> {
  const chunk = Math.max(1, options.chunk ?? 200);
  const log = options.log ?? (() => {});
  const summary: AdvanceArrearsSummary = { toRetention: 0, deleted: 0, warnings: 0 };

  const due = {
    OR: [
      { billingState: "GRACE" as const, graceEndsAt: { lte: now } },
      { billingState: "RETENTION" as const, retentionEndsAt: { lte: now } },
    ],
  };
  await forEachWorkspace(prisma, due, chunk, async (id) => {
    const done = await withTransactionRetry(() =>
      prisma.$transaction((tx) => applyDueTransitions(tx, id, now), { timeout: 120_000, maxWait: 30_000 }),
    );
    if (done.includes("to_retention")) summary.toRetention += 1;
    if (done.includes("to_deleted")) summary.deleted += 1;
    if (done.length > 0)
      log(`workspace ${id}: arrears ${done.map((t) => (t === "to_retention" ? "→ retention" : "→ data deleted")).join(" ")}`);
  });

  const horizon = new Date(now.getTime() + policy.warningDays * 86_400_000);
  const warningDue = {
    OR: [
      { billingState: "GRACE" as const, graceEndsAt: { gt: now, lte: horizon } },
      { billingState: "RETENTION" as const, retentionEndsAt: { gt: now, lte: horizon } },
    ],
  };
  await forEachWorkspace(prisma, warningDue, chunk, async (id) => {
    const sent = await withTransactionRetry(() => prisma.$transaction((tx) => enqueueDueWarning(tx, id, now, policy)));
    if (!sent) return;
    summary.warnings += 1;
    log(`workspace ${id}: ${sent} warning`);
  });
  return summary;
}

/** Calls `visit` for each workspace matching `where`, in id order, reading `chunk` ids at a time. */
async function forEachWorkspace(
  prisma: PrismaClient,
  where: Prisma.WorkspaceWhereInput,
  chunk: number,
  visit: (workspaceId: string) => Promise<void>,
): Promise<void> {
  for (let after: string | undefined; ;) {
    const rows = await prisma.workspace.findMany({
      where: { ...where, ...(after ? { id: { gt: after } } : {}) },
      select: { id: true },
      orderBy: { id: "asc" },
      take: chunk,
    });
    for (const { id } of rows) await visit(id);
    if (rows.length < chunk) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** The transitions due for one workspace, applied in order under its locks. */
async function applyDueTransitions(tx: Tx, workspaceId: string, now: Date): Promise<ArrearsTransition[]> {
  // The balance first, the order every debit locks in: a debit that read the old state has committed before the data goes.
  await tx.$queryRaw`SELECT 1 FROM "CreditBalance" WHERE "workspaceId" = ${workspaceId}::uuid FOR UPDATE`;
  const current = await lockArrearsState(tx, workspaceId);
  if (!current) return [];
  const due = dueArrearsTransitions(current, now);
  for (const transition of due) {
    if (transition === "to_retention") {
      await tx.workspace.update({ where: { id: workspaceId }, data: { billingState: "RETENTION" } });
      await writeAudit(tx, {
        workspaceId,
        actor: ARREARS_ACTOR,
        action: "arrears.retention_started",
        reason: "The grace period ended with an invoice still unpaid.",
        detail: { graceEndsAt: current.graceEndsAt!.toISOString(), retentionEndsAt: current.retentionEndsAt?.toISOString() ?? null },
        now,
      });
    } else {
      const removed = await deleteWorkspaceData(tx, workspaceId);
      await tx.workspace.update({ where: { id: workspaceId }, data: { billingState: "DELETED", dataDeletedAt: now } });
      await writeAudit(tx, {
        workspaceId,
        actor: ARREARS_ACTOR,
        action: "arrears.data_deleted",
        reason: "The retention period ended with an invoice still unpaid.",
        detail: { retentionEndsAt: current.retentionEndsAt!.toISOString(), removed },
        now,
      });
    }
  }
  return due;
}

/**
 * R8.5: the workspace's data — API keys and usage records (events, hourly
 * rollups and statements, month counters, refused-call counts, stored API
 * responses). Kept: invoices and their lines, the audit trail, the ledger and
 * balances, payments and cards, the subscription, members and notices.
 * Returns how many rows of each kind were deleted.
 */
async function deleteWorkspaceData(tx: Tx, workspaceId: string): Promise<Record<string, number>> {
  const where = { workspaceId };
  // Lines before their statements, although the foreign key would cascade: the count is reported.
  const statementLines = await tx.usageStatementLine.deleteMany({ where });
  const statements = await tx.usageStatement.deleteMany({ where });
  const apiKeys = await tx.apiKey.deleteMany({ where });
  const usageEvents = await tx.usageEvent.deleteMany({ where });
  const rollups = await tx.usageRollupHourly.deleteMany({ where });
  const counters = await tx.monthlyUsageCounter.deleteMany({ where });
  const refusedCalls = await tx.refusedCallMinute.deleteMany({ where });
  const idempotencyKeys = await tx.idempotencyKey.deleteMany({ where });
  return {
    apiKeys: apiKeys.count,
    usageEvents: usageEvents.count,
    rollups: rollups.count,
    statements: statements.count,
    statementLines: statementLines.count,
    counters: counters.count,
    refusedCalls: refusedCalls.count,
    idempotencyKeys: idempotencyKeys.count,
  };
}

/** R8.5: the warning due for one workspace, enqueued once; returns its kind, or null when none was written. */
async function enqueueDueWarning(tx: Tx, workspaceId: string, now: Date, policy: ArrearsPolicy): Promise<string | null> {
  const current = await lockArrearsState(tx, workspaceId);
  if (!current) return null;
  const warning = dueArrearsWarning(current, now, policy);
  if (!warning) return null;
  // enqueueNotice writes one row per recipient, keyed `${dedupeKey}:${userId}`: once any was
  // written, the warning was given (a member added later is not warned again).
  const alreadySent = await tx.notificationOutbox.count({ where: { workspaceId, dedupeKey: { startsWith: `${warning.dedupeKey}:` } } });
  if (alreadySent > 0) return null;
  const overdue = await tx.invoice.aggregate({
    where: { workspaceId, status: "OPEN", firstFailedAt: { not: null } },
    _sum: { totalCents: true },
  });
  const overdueCents = overdue._sum.totalCents ?? 0;
  const base = { workspaceId, dedupeKey: warning.dedupeKey, at: now };
  const written =
    warning.kind === "grace_ending"
      ? await enqueueNotice(tx, { ...base, kind: "grace_ending", data: { graceEndsAt: warning.endsAt, overdueCents } })
      : await enqueueNotice(tx, { ...base, kind: "retention_ending", data: { retentionEndsAt: warning.endsAt, overdueCents } });
  return written > 0 ? warning.kind : null;
}
