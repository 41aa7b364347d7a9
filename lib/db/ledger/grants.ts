import "server-only";

// Every movement of credits other than usage: grants (top-ups, support,
// included credits of a period, packages), forfeits, expiries and the flex
// settlement. Each locks the workspace's CreditBalance row first (the same
// lock as debits), writes its ledger entry and the balance in the caller's
// transaction, and is idempotent by its key: the same key twice is a no-op.
import type { Tx } from "@/lib/db";
import type { CreditSource, GrantKind, LedgerReason } from "@/lib/generated/prisma/client";

export interface LockedBalance {
  workspaceId: string;
  included: bigint;
  includedExpiresAt: Date | null;
  includedPeriodId: string | null;
  prepaid: bigint;
  flexUsed: bigint;
  flexPeriodStart: Date | null;
}

export async function lockBalance(tx: Tx, workspaceId: string): Promise<LockedBalance> {
  const rows = await tx.$queryRaw<LockedBalance[]>`
    SELECT "workspaceId", "included", "includedExpiresAt", "includedPeriodId", "prepaid", "flexUsed", "flexPeriodStart"
    FROM "CreditBalance" WHERE "workspaceId" = ${workspaceId}::uuid FOR UPDATE`;
  if (!rows[0]) throw new Error(`workspace ${workspaceId} has no credit balance`);
  return rows[0];
}

/** Whether a movement under `idempotencyKey` is already in the workspace's ledger. */
export async function alreadyApplied(tx: Tx, workspaceId: string, idempotencyKey: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ one: number }[]>`
    SELECT 1 AS one FROM "LedgerEntry" WHERE "workspaceId" = ${workspaceId}::uuid AND "idempotencyKey" = ${idempotencyKey} LIMIT 1`;
  return rows.length > 0;
}

interface Entry {
  workspaceId: string;
  at: Date;
  reason: LedgerReason;
  source: CreditSource;
  amount: bigint;
  idempotencyKey: string;
  operations?: bigint;
  grantId?: string;
  purchaseId?: string;
  memo?: string;
}

function writeEntry(tx: Tx, entry: Entry) {
  return tx.ledgerEntry.create({
    data: {
      workspaceId: entry.workspaceId,
      createdAt: entry.at,
      reason: entry.reason,
      source: entry.source,
      amount: entry.amount,
      idempotencyKey: entry.idempotencyKey,
      operations: entry.operations ?? null,
      grantId: entry.grantId ?? null,
      purchaseId: entry.purchaseId ?? null,
      memo: entry.memo ?? "",
    },
    select: { id: true },
  });
}

export interface PrepaidGrant {
  workspaceId: string;
  credits: bigint;
  kind: Extract<GrantKind, "TOP_UP" | "AUTO_TOP_UP" | "SUPPORT">;
  idempotencyKey: string;
  reason?: string;
  grantedById?: string | null;
  at: Date;
}

/** R7: prepaid credits (top-ups, support grants) never expire. */
export async function grantPrepaid(tx: Tx, grant: PrepaidGrant): Promise<{ applied: boolean }> {
  if (grant.credits <= 0n) throw new RangeError("a grant must be positive");
  const balance = await lockBalance(tx, grant.workspaceId);
  if (await alreadyApplied(tx, grant.workspaceId, grant.idempotencyKey)) return { applied: false };
  const row = await tx.creditGrant.create({
    data: {
      workspaceId: grant.workspaceId,
      kind: grant.kind,
      source: "PREPAID",
      amount: grant.credits,
      reason: grant.reason ?? "",
      grantedById: grant.grantedById ?? null,
      createdAt: grant.at,
    },
    select: { id: true },
  });
  await writeEntry(tx, {
    workspaceId: grant.workspaceId,
    at: grant.at,
    reason: "GRANT",
    source: "PREPAID",
    amount: grant.credits,
    idempotencyKey: grant.idempotencyKey,
    grantId: row.id,
    memo: grant.reason,
  });
  await tx.creditBalance.update({ where: { workspaceId: grant.workspaceId }, data: { prepaid: balance.prepaid + grant.credits } });
  return { applied: true };
}

/**
 * R4.2 / R4.3 / R5.1: a new period's included credits replace the old ones.
 * What was left of the old grant is forfeited (use it or lose it).
 */
export async function startIncludedPeriod(
  tx: Tx,
  input: { workspaceId: string; periodId: string; credits: bigint; expiresAt: Date | null; at: Date; idempotencyKey: string },
): Promise<{ applied: boolean; forfeited: bigint }> {
  const balance = await lockBalance(tx, input.workspaceId);
  if (await alreadyApplied(tx, input.workspaceId, input.idempotencyKey)) return { applied: false, forfeited: 0n };
  const forfeited = await forfeitLockedIncluded(tx, balance, input.at, `${input.idempotencyKey}:forfeit`);
  let grantId: string | undefined;
  if (input.credits > 0n) {
    grantId = (
      await tx.creditGrant.create({
        data: {
          workspaceId: input.workspaceId,
          kind: "INCLUDED",
          source: "INCLUDED",
          amount: input.credits,
          expiresAt: input.expiresAt,
          createdAt: input.at,
        },
        select: { id: true },
      })
    ).id;
  }
  // Written even for zero credits: the entry is the marker that this period started.
  await writeEntry(tx, {
    workspaceId: input.workspaceId,
    at: input.at,
    reason: "GRANT",
    source: "INCLUDED",
    amount: input.credits,
    idempotencyKey: input.idempotencyKey,
    grantId,
    memo: "included credits of the period",
  });
  await tx.creditBalance.update({
    where: { workspaceId: input.workspaceId },
    data: { included: input.credits, includedExpiresAt: input.expiresAt, includedPeriodId: input.periodId },
  });
  return { applied: true, forfeited };
}

/** R4.6: on cancellation the remaining included credits are forfeited. */
export async function forfeitIncluded(tx: Tx, input: { workspaceId: string; at: Date; idempotencyKey: string }): Promise<bigint> {
  const balance = await lockBalance(tx, input.workspaceId);
  if (await alreadyApplied(tx, input.workspaceId, input.idempotencyKey)) return 0n;
  const forfeited = await forfeitLockedIncluded(tx, balance, input.at, input.idempotencyKey);
  await tx.creditBalance.update({
    where: { workspaceId: input.workspaceId },
    data: { included: 0n, includedExpiresAt: null, includedPeriodId: null },
  });
  return forfeited;
}

async function forfeitLockedIncluded(tx: Tx, balance: LockedBalance, at: Date, idempotencyKey: string): Promise<bigint> {
  if (balance.included <= 0n) return 0n;
  await writeEntry(tx, {
    workspaceId: balance.workspaceId,
    at,
    reason: "FORFEIT",
    source: "INCLUDED",
    amount: -balance.included,
    idempotencyKey,
    memo: "included credits forfeited at period end",
  });
  return balance.included;
}

/**
 * R5.3: the flex used in a period moves onto that period's invoice; the
 * balance's flex counter starts again from zero.
 */
export async function settleFlex(
  tx: Tx,
  input: { workspaceId: string; at: Date; idempotencyKey: string; nextPeriodStart: Date },
): Promise<bigint> {
  const balance = await lockBalance(tx, input.workspaceId);
  if (await alreadyApplied(tx, input.workspaceId, input.idempotencyKey)) return 0n;
  const used = balance.flexUsed;
  if (used > 0n) {
    await writeEntry(tx, {
      workspaceId: input.workspaceId,
      at: input.at,
      reason: "SETTLEMENT",
      source: "FLEX",
      amount: -used,
      idempotencyKey: input.idempotencyKey,
      memo: "flex of the period invoiced",
    });
  }
  await tx.creditBalance.update({
    where: { workspaceId: input.workspaceId },
    data: { flexUsed: 0n, flexPeriodStart: input.nextPeriodStart },
  });
  return used;
}

/** R6.1: a package takes effect at once upon payment. */
export async function grantPackage(
  tx: Tx,
  input: {
    workspaceId: string;
    packageId: string;
    operationTypeId: string;
    operations: bigint;
    expiresAt: Date;
    at: Date;
    autoRenew: boolean;
    renewedFromId?: string | null;
    invoiceId?: string | null;
    idempotencyKey: string;
  },
): Promise<{ applied: boolean; purchaseId: string | null }> {
  await lockBalance(tx, input.workspaceId);
  if (await alreadyApplied(tx, input.workspaceId, input.idempotencyKey)) return { applied: false, purchaseId: null };
  const purchase = await tx.packagePurchase.create({
    data: {
      workspaceId: input.workspaceId,
      packageId: input.packageId,
      operationTypeId: input.operationTypeId,
      operations: input.operations,
      remainingOperations: input.operations,
      startsAt: input.at,
      expiresAt: input.expiresAt,
      autoRenew: input.autoRenew,
      renewedFromId: input.renewedFromId ?? null,
      invoiceId: input.invoiceId ?? null,
      createdAt: input.at,
    },
    select: { id: true },
  });
  const grant = await tx.creditGrant.create({
    data: {
      workspaceId: input.workspaceId,
      kind: "PACKAGE",
      source: "PACKAGE",
      amount: 0n,
      expiresAt: input.expiresAt,
      createdAt: input.at,
      reason: `${input.operations} operations`,
    },
    select: { id: true },
  });
  await writeEntry(tx, {
    workspaceId: input.workspaceId,
    at: input.at,
    reason: "GRANT",
    source: "PACKAGE",
    amount: 0n,
    operations: input.operations,
    idempotencyKey: input.idempotencyKey,
    grantId: grant.id,
    purchaseId: purchase.id,
    memo: "package bought",
  });
  return { applied: true, purchaseId: purchase.id };
}

/** R6.1: at expiry the unused quota is gone; validity is never extended. */
export async function expirePackage(tx: Tx, input: { workspaceId: string; purchaseId: string; at: Date }): Promise<bigint> {
  await lockBalance(tx, input.workspaceId);
  const key = `package:${input.purchaseId}:expiry`;
  if (await alreadyApplied(tx, input.workspaceId, key)) return 0n;
  const purchase = await tx.packagePurchase.findUniqueOrThrow({
    where: { workspaceId_id: { workspaceId: input.workspaceId, id: input.purchaseId } },
    select: { remainingOperations: true },
  });
  await writeEntry(tx, {
    workspaceId: input.workspaceId,
    at: input.at,
    reason: "EXPIRY",
    source: "PACKAGE",
    amount: 0n,
    operations: -purchase.remainingOperations,
    idempotencyKey: key,
    purchaseId: input.purchaseId,
    memo: "package expired",
  });
  await tx.packagePurchase.update({
    where: { workspaceId_id: { workspaceId: input.workspaceId, id: input.purchaseId } },
    data: { remainingOperations: 0n, status: "EXPIRED" },
  });
  return purchase.remainingOperations;
}
