import "server-only";

// The reads of a debit batch: the catalog it rates with, then — inside the
// batch's transaction — the workspaces' CreditBalance rows locked, then in
// one more statement everything else the decision needs. Two statements
// whatever the batch's size.
import type { BillingState } from "@/lib/billing/flex";
import type { DebitRequest, LockedDebitState, LockedWorkspace, RatingCatalog } from "@/lib/billing/debit-decision";
import { calendarMonthStart } from "@/lib/billing/periods";
import type { Tx } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { pgArray, sql, type SqlStatement } from "@/lib/db/sql-array";
import { run, utc, type Queryable } from "./queryable";

/** The operation types and their tiers, as the engine needs them. */
export async function loadRatingCatalog(prisma: PrismaClient | Tx): Promise<RatingCatalog> {
  const types = await prisma.operationType.findMany({
    select: {
      id: true,
      code: true,
      tiers: { select: { fromCount: true, toCount: true, creditsPerOp: true }, orderBy: { fromCount: "asc" } },
    },
  });
  return {
    types: new Map(types.map((t) => [t.code, { id: t.id, code: t.code, tiers: t.tiers }])),
    byId: new Map(types.map((t) => [t.id, t.code])),
  };
}

/** The statement with FOR UPDATE OF its balance rows, or as it is (a read that takes no lock). */
const withLock = (lock: boolean, statement: SqlStatement): SqlStatement =>
  lock ? { ...statement, text: `${statement.text}\n    FOR UPDATE OF b` } : statement;

/**
 * Locks the workspaces' CreditBalance rows (FOR UPDATE, in workspace-id
 * order so that two batches never deadlock) and reads them with the facts
 * flex depends on (R4.4, R5.5, R8.3, R14.2). A workspace without a balance
 * row is not returned. Packages are added by readLockedFacts. With a spend
 * cap, the auto top-ups charged since the flex period started count against
 * it (R14.2); one that failed does not.
 */
export async function lockWorkspaces(
  tx: Queryable,
  workspaceIds: readonly string[],
  { lock = true }: { lock?: boolean } = {},
): Promise<LockedWorkspace[]> {
  // Credits and instants as text: the drivers disagree on how they decode int8 and timestamp.
  const rows = await run<{
    workspaceId: string;
    included: string;
    includedExpiresAt: string | null;
    prepaid: string;
    flexUsed: string;
    flexEnabled: boolean;
    billingState: string;
    spendCapCents: number | null;
    flexAllowed: boolean | null;
    payAsYouGo: boolean | null;
    hasCard: boolean;
    autoTopUpBelow: string | null;
    autoTopUpCents: string;
  }>(
    tx,
    withLock(
      lock,
      sql`
    SELECT b."workspaceId"::text AS "workspaceId", b."included"::text AS "included", to_json(b."includedExpiresAt") #>> '{}' AS "includedExpiresAt",
           b."prepaid"::text AS "prepaid", b."flexUsed"::text AS "flexUsed",
           w."flexEnabled", w."billingState"::text AS "billingState", w."spendCapCents",
           p."flexAllowed", p."payAsYouGo",
           CASE WHEN w."autoTopUpEnabled" AND w."autoTopUpArmed" THEN w."autoTopUpThreshold"::text END AS "autoTopUpBelow",
           EXISTS (SELECT 1 FROM "PaymentMethod" pm WHERE pm."workspaceId" = b."workspaceId") AS "hasCard",
           CASE WHEN w."spendCapCents" IS NULL THEN '0' ELSE (
             SELECT COALESCE(SUM(pay."amountCents"), 0) FROM "Payment" pay
             WHERE pay."workspaceId" = b."workspaceId" AND pay."kind" = 'AUTO_TOP_UP' AND pay."status" <> 'FAILED'
               AND pay."createdAt" >= GREATEST(b."flexPeriodStart", s."currentPeriodStart")
           )::text END AS "autoTopUpCents"
    FROM "CreditBalance" b
    JOIN "Workspace" w ON w."id" = b."workspaceId"
    LEFT JOIN "Subscription" s ON s."workspaceId" = b."workspaceId" AND s."status" = 'ACTIVE'
    LEFT JOIN "Plan" p ON p."id" = s."planId"
    WHERE b."workspaceId" = ANY(${pgArray(workspaceIds)}::uuid[])
    ORDER BY b."workspaceId"`,
    ),
  );
  return rows.map((row) => ({
    workspaceId: row.workspaceId,
    included: BigInt(row.included),
    includedExpiresAt: row.includedExpiresAt === null ? null : utc(row.includedExpiresAt),
    prepaid: BigInt(row.prepaid),
    flexUsed: BigInt(row.flexUsed),
    billingState: row.billingState as BillingState,
    planFlexAllowed: Boolean(row.flexAllowed),
    payAsYouGo: Boolean(row.payAsYouGo),
    hasCard: row.hasCard,
    flexEnabled: row.flexEnabled,
    spendCapCents: row.spendCapCents,
    autoTopUpCentsThisPeriod: BigInt(row.autoTopUpCents),
    autoTopUpBelow: row.autoTopUpBelow === null ? null : BigInt(row.autoTopUpBelow),
    packages: [],
  }));
}

/**
 * After the lock, in a new statement (so a new snapshot: what committed
 * before the lock was granted is seen): the workspaces' packages with quota
 * left, the debits already recorded under the batch's idempotency keys, the
 * month counters of the batch's months, and which of its API keys are
 * revoked — in one round trip. Expiry is left to the decision, which checks
 * each source at its request's instant.
 */
export async function readLockedFacts(
  tx: Queryable,
  workspaces: LockedWorkspace[],
  requests: readonly DebitRequest[],
): Promise<LockedDebitState> {
  type Facts = {
    packages: { workspaceId: string; id: string; operationTypeId: string; remainingOperations: string; expiresAt: string }[];
    replays: {
      workspaceId: string;
      idempotencyKey: string;
      operations: string;
      credits: string;
      includedCredits: string;
      packageCredits: string;
      prepaidCredits: string;
      flexCredits: string;
    }[];
    counters: { workspaceId: string; month: string; operationTypeId: string; operations: string }[];
    revokedKeys: { workspaceId: string; id: string }[];
  };
  const workspaceIds = workspaces.map((ws) => ws.workspaceId);
  const months = [...new Set(requests.map((r) => calendarMonthStart(r.at).toISOString()))];
  const keyed = [...new Map(requests.filter((r) => r.apiKeyId).map((r) => [`${r.workspaceId}|${r.apiKeyId}`, r])).values()];
  const [facts] = await run<Facts>(
    tx,
    sql`
    SELECT
      (SELECT COALESCE(json_agg(json_build_object('workspaceId', p."workspaceId", 'id', p."id", 'operationTypeId', p."operationTypeId",
                 'remainingOperations', p."remainingOperations"::text, 'expiresAt', p."expiresAt")), '[]')
       FROM "PackagePurchase" p
       WHERE p."workspaceId" = ANY(${pgArray(workspaceIds)}::uuid[]) AND p."status" = 'ACTIVE' AND p."remainingOperations" > 0) AS "packages",
      (SELECT COALESCE(json_agg(json_build_object('workspaceId', e."workspaceId", 'idempotencyKey', e."idempotencyKey",
                 'operations', e."operations"::text, 'credits', e."credits"::text, 'includedCredits', e."includedCredits"::text,
                 'packageCredits', e."packageCredits"::text, 'prepaidCredits', e."prepaidCredits"::text, 'flexCredits', e."flexCredits"::text)), '[]')
       FROM "UsageEvent" e
       JOIN unnest(${pgArray(requests.map((r) => r.workspaceId))}::uuid[], ${pgArray(requests.map((r) => r.idempotencyKey))}::text[]) AS k("workspaceId", "idempotencyKey")
         ON e."workspaceId" = k."workspaceId" AND e."idempotencyKey" = k."idempotencyKey") AS "replays",
      (SELECT COALESCE(json_agg(json_build_object('workspaceId', c."workspaceId", 'month', c."month", 'operationTypeId', c."operationTypeId",
                 'operations', c."operations"::text)), '[]')
       FROM "MonthlyUsageCounter" c
       WHERE c."workspaceId" = ANY(${pgArray(workspaceIds)}::uuid[]) AND c."month" = ANY(${pgArray(months)}::date[])) AS "counters",
      (SELECT COALESCE(json_agg(json_build_object('workspaceId', k."workspaceId", 'id', k."id")), '[]')
       FROM "ApiKey" k
       JOIN unnest(${pgArray(keyed.map((r) => r.workspaceId))}::uuid[], ${pgArray(keyed.map((r) => r.apiKeyId!))}::uuid[]) AS u("workspaceId", "id")
         ON k."workspaceId" = u."workspaceId" AND k."id" = u."id"
       WHERE k."revokedAt" IS NOT NULL) AS "revokedKeys"`,
  );
  const byId = new Map(workspaces.map((ws) => [ws.workspaceId, ws]));
  for (const pkg of facts!.packages) {
    byId.get(pkg.workspaceId)?.packages.push({
      id: pkg.id,
      operationTypeId: pkg.operationTypeId,
      remainingOperations: BigInt(pkg.remainingOperations),
      expiresAt: utc(pkg.expiresAt),
    });
  }
  return {
    workspaces,
    counters: facts!.counters.map((c) => ({
      workspaceId: c.workspaceId,
      month: utc(`${c.month}T00:00:00`),
      operationTypeId: c.operationTypeId,
      operations: BigInt(c.operations),
    })),
    replays: facts!.replays.map((r) => ({
      workspaceId: r.workspaceId,
      idempotencyKey: r.idempotencyKey,
      operations: BigInt(r.operations),
      credits: BigInt(r.credits),
      sources: {
        included: BigInt(r.includedCredits),
        package: BigInt(r.packageCredits),
        prepaid: BigInt(r.prepaidCredits),
        flex: BigInt(r.flexCredits),
      },
    })),
    revokedKeys: facts!.revokedKeys.map((k) => ({ workspaceId: k.workspaceId, apiKeyId: k.id })),
  };
}
