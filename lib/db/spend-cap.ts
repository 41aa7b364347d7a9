import "server-only";

// What counts against the monthly spend cap (R14.2): the flex credits used
// in the current flex period and the auto top-ups charged since it started
// (a failed one does not count). The period is the flex period of R5.3: it
// starts with the subscription period, or later when flex was settled since
// (CreditBalance.flexPeriodStart). The debit reads the same inside its own
// statement (lib/db/ledger/debit-read.ts).
import type { Tx } from "@/lib/db";

export interface PeriodSpend {
  flexUsedThisPeriod: bigint;
  autoTopUpCentsThisPeriod: bigint;
  /** Where the flex period started; null for a workspace without a subscription. */
  periodStart: Date | null;
}

export async function spendThisPeriod(tx: Tx, workspaceId: string): Promise<PeriodSpend> {
  const [row] = await tx.$queryRaw<{ flexUsed: bigint; autoTopUpCents: bigint; periodStart: Date | null }[]>`
    SELECT b."flexUsed", p."start" AS "periodStart",
      (SELECT COALESCE(SUM(pay."amountCents"), 0)::bigint FROM "Payment" pay
       WHERE pay."workspaceId" = b."workspaceId" AND pay."kind" = 'AUTO_TOP_UP' AND pay."status" <> 'FAILED'
         AND pay."createdAt" >= p."start") AS "autoTopUpCents"
    FROM "CreditBalance" b
    LEFT JOIN "Subscription" s ON s."workspaceId" = b."workspaceId" AND s."status" = 'ACTIVE'
    CROSS JOIN LATERAL (SELECT GREATEST(b."flexPeriodStart", s."currentPeriodStart") AS "start") p
    WHERE b."workspaceId" = ${workspaceId}::uuid`;
  if (!row) return { flexUsedThisPeriod: 0n, autoTopUpCentsThisPeriod: 0n, periodStart: null };
  return {
    flexUsedThisPeriod: BigInt(row.flexUsed),
    autoTopUpCentsThisPeriod: BigInt(row.autoTopUpCents ?? 0n),
    periodStart: row.periodStart,
  };
}
