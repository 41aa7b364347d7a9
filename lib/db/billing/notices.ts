import "server-only";

// The billing run's optional notices, not tied to any one payment:
// - low_balance (R14.1): prepaid credits below the workspace's alert level
//   (Workspace.alertPrepaidBelow), once per subscription period per level;
// - package_expiring: three days before a package that does not renew expires,
//   once per purchase.
// Candidates are found set-based, a chunk at a time in workspace order, and
// skip what the outbox already holds, so a run every minute costs little.
import type { PrismaClient } from "@/lib/db";
import { enqueueNotice } from "@/lib/db/notices";

/** How long before a package's expiry its owners are told. */
export const PACKAGE_EXPIRY_NOTICE_DAYS = 3;
const CHUNK = 200;
const DAY_MS = 86_400_000;

type LowBalanceRow = { workspaceId: string; prepaid: bigint; threshold: bigint; periodKey: string };
type ExpiringRow = { workspaceId: string; purchaseId: string; packageName: string; expiresAt: Date; remainingOperations: bigint };

/** The dedupe key of a low-balance notice: one per period and alert level. */
export function lowBalanceKey(periodKey: string, threshold: bigint): string {
  return `low-balance:${periodKey}:${threshold}`;
}

async function lowBalanceCandidates(prisma: PrismaClient, now: Date, after: string, chunk: number): Promise<LowBalanceRow[]> {
  const at = now.toISOString();
  // The period is the current subscription period; without one, the calendar month.
  return prisma.$queryRaw<LowBalanceRow[]>`
    SELECT c."wid"::text AS "workspaceId", c."prepaid", c."threshold", c."periodKey" FROM (
      SELECT w."id" AS "wid", b."prepaid", w."alertPrepaidBelow" AS "threshold",
        COALESCE(p."id"::text, to_char(${at}::timestamp, 'YYYY-MM')) AS "periodKey"
      FROM "Workspace" w
      JOIN "CreditBalance" b ON b."workspaceId" = w."id"
      LEFT JOIN LATERAL (
        SELECT sp."id" FROM "SubscriptionPeriod" sp
        WHERE sp."workspaceId" = w."id" AND sp."startsAt" <= ${at}::timestamp AND (sp."endsAt" IS NULL OR sp."endsAt" > ${at}::timestamp)
        ORDER BY sp."startsAt" DESC LIMIT 1
      ) p ON true
      WHERE w."alertPrepaidBelow" IS NOT NULL AND b."prepaid" < w."alertPrepaidBelow"
        AND w."billingState" <> 'DELETED' AND w."id" > ${after}::uuid
    ) c
    WHERE NOT EXISTS (
      SELECT 1 FROM "WorkspaceNotification" n
      WHERE n."workspaceId" = c."wid" AND n."dedupeKey" = 'low-balance:' || c."periodKey" || ':' || c."threshold"::text
    )
    ORDER BY c."wid"
    LIMIT ${chunk}`;
}

async function expiringCandidates(prisma: PrismaClient, now: Date, after: string, chunk: number): Promise<ExpiringRow[]> {
  const until = new Date(now.getTime() + PACKAGE_EXPIRY_NOTICE_DAYS * DAY_MS);
  return prisma.$queryRaw<ExpiringRow[]>`
    SELECT pp."workspaceId"::text AS "workspaceId", pp."id"::text AS "purchaseId", pk."name" AS "packageName",
      pp."expiresAt", pp."remainingOperations"
    FROM "PackagePurchase" pp
    JOIN "Package" pk ON pk."id" = pp."packageId"
    WHERE pp."status" = 'ACTIVE' AND pp."autoRenew" = false
      AND pp."expiresAt" > ${now.toISOString()}::timestamp AND pp."expiresAt" <= ${until.toISOString()}::timestamp
      AND pp."id" > ${after}::uuid
      AND NOT EXISTS (
        SELECT 1 FROM "WorkspaceNotification" n
        WHERE n."workspaceId" = pp."workspaceId" AND n."dedupeKey" = 'package-expiring:' || pp."id"::text
      )
    ORDER BY pp."id"
    LIMIT ${chunk}`;
}

const NIL_UUID = "00000000-0000-0000-0000-000000000000";

/** Queues the low-balance and package-expiring notices due at `now`; returns how many outbox rows were written. */
export async function enqueueBalanceNotices(
  prisma: PrismaClient,
  now: Date,
  options: { chunkSize?: number } = {},
): Promise<{ lowBalance: number; packageExpiring: number }> {
  const chunk = options.chunkSize ?? CHUNK;
  let lowBalance = 0;
  for (let after = NIL_UUID; ;) {
    const rows = await lowBalanceCandidates(prisma, now, after, chunk);
    if (rows.length === 0) break;
    lowBalance += await prisma.$transaction(async (tx) => {
      let written = 0;
      for (const row of rows) {
        written += await enqueueNotice(tx, {
          workspaceId: row.workspaceId,
          kind: "low_balance",
          dedupeKey: lowBalanceKey(row.periodKey, row.threshold),
          at: now,
          data: { prepaid: row.prepaid, threshold: row.threshold },
        });
      }
      return written;
    });
    if (rows.length < chunk) break;
    after = rows.at(-1)!.workspaceId;
  }

  let packageExpiring = 0;
  for (let after = NIL_UUID; ;) {
    const rows = await expiringCandidates(prisma, now, after, chunk);
    if (rows.length === 0) break;
    packageExpiring += await prisma.$transaction(async (tx) => {
      let written = 0;
      for (const row of rows) {
        written += await enqueueNotice(tx, {
          workspaceId: row.workspaceId,
          kind: "package_expiring",
          dedupeKey: `package-expiring:${row.purchaseId}`,
          at: now,
          data: { packageName: row.packageName, expiresAt: row.expiresAt, remainingOperations: row.remainingOperations },
        });
      }
      return written;
    });
    if (rows.length < chunk) break;
    after = rows.at(-1)!.purchaseId;
  }
  return { lowBalance, packageExpiring };
}
