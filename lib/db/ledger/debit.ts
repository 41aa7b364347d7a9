import "server-only";

// Debits: rate (R3), pay from the sources in order (R5) and record — ledger,
// balances, month counters, package quotas, usage event and hourly rollup —
// in one transaction per batch of debits.
//
// Concurrency: every writer of a workspace's credits first locks its
// CreditBalance row (SELECT … FOR UPDATE, rows locked in workspace-id order so
// that two batches never deadlock). Under that lock the state is read, the
// pure engine decides, and the writes follow; no balance can go negative and
// an idempotency key is applied once (UsageEvent is unique per key), whatever
// the number of app instances.
import { rateBatch, type Tier } from "@/lib/billing/rating";
import { flexFunding, type BillingState } from "@/lib/billing/flex";
import { allocateDebit, type FundingState } from "@/lib/billing/sources";
import { calendarMonthStart } from "@/lib/billing/periods";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Tx } from "@/lib/db";
import type { SqlRunner } from "@/lib/db/connect";
import { withTransactionRetry } from "./retry";

export type { BalanceSnapshot, DebitOutcome, DebitRequest, RefusalReason, SourceCredits } from "./debit-types";
import type { BalanceSnapshot, DebitOutcome, DebitRequest, SourceCredits } from "./debit-types";
import { pgArray, sql, type SqlStatement } from "@/lib/db/sql-array";

/** What a batch needs of a transaction: parameterized statements (every value is cast in the SQL). */
type Queryable = Pick<SqlRunner, "query">;
const run = <Row>(tx: Queryable, statement: SqlStatement) => tx.query<Row>(statement.text, statement.values);

function prismaQueryable(tx: Tx): Queryable {
  return { query: (text, values = []) => tx.$queryRawUnsafe(text, ...values) };
}

export interface RatingCatalog {
  types: Map<string, { id: string; code: string; tiers: Tier[] }>;
  byId: Map<string, string>;
}

export interface DebitContext {
  catalog: RatingCatalog;
  creditsPerUsd: bigint;
}

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

interface LockedState {
  workspaceId: string;
  included: bigint;
  includedExpiresAt: Date | null;
  prepaid: bigint;
  flexUsed: bigint;
  flexEnabled: boolean;
  billingState: string;
  spendCapCents: number | null;
  flexAllowed: boolean | null;
  payAsYouGo: boolean | null;
  hasCard: boolean;
  packages: { id: string; operationTypeId: string; remainingOperations: bigint; expiresAt: Date; used: boolean }[];
  changed: boolean;
}

const key = (...parts: string[]) => parts.join("|");

/** Debits a batch in one transaction; the outcomes are in the order of the requests. */
export async function debitBatch(prisma: PrismaClient, requests: DebitRequest[], context: DebitContext): Promise<DebitOutcome[]> {
  if (requests.length === 0) return [];
  return withTransactionRetry(() =>
    prisma.$transaction((tx) => applyDebits(prismaQueryable(tx), requests, context), { timeout: 30_000, maxWait: 30_000 }),
  );
}

/** The same on the driver, without Prisma: the API's debit queue (a few statements fewer hops each). */
export async function debitBatchSql(database: SqlRunner, requests: DebitRequest[], context: DebitContext): Promise<DebitOutcome[]> {
  if (requests.length === 0) return [];
  return withTransactionRetry(() => database.transaction((tx) => applyDebits(tx, requests, context)));
}

async function applyDebits(tx: Queryable, requests: DebitRequest[], { catalog, creditsPerUsd }: DebitContext): Promise<DebitOutcome[]> {
  const workspaceIds = [...new Set(requests.map((r) => r.workspaceId))].sort();
  const states = await lockStates(tx, workspaceIds);
  const months = [...new Set(requests.map((r) => calendarMonthStart(r.at).toISOString()))];
  // After the lock, in a new statement (a new snapshot): packages, replays and month counters in one round trip.
  const { replays, counters, revokedKeys } = await readLockedFacts(tx, states, requests, workspaceIds, months);

  const outcomes: DebitOutcome[] = [];
  const events: Prisma.UsageEventCreateManyInput[] = [];
  const ledger: Prisma.LedgerEntryCreateManyInput[] = [];
  const rollups = new Map<
    string,
    {
      workspaceId: string;
      hour: Date;
      operationTypeId: string;
      requests: bigint;
      operations: bigint;
      credits: bigint;
      included: bigint;
      package: bigint;
      prepaid: bigint;
      flex: bigint;
    }
  >();

  for (const request of requests) {
    const state = states.get(request.workspaceId);
    const type = catalog.types.get(request.operationType);
    if (!state) {
      outcomes.push({ status: "refused", reason: "unknown_workspace", balance: null });
      continue;
    }
    const replay = replays.get(key(request.workspaceId, request.idempotencyKey));
    if (replay) {
      outcomes.push({ status: "charged", replayed: true, ...replay, balance: snapshot(state, request.at, catalog) });
      continue;
    }
    if (request.apiKeyId && revokedKeys.has(key(request.workspaceId, request.apiKeyId))) {
      // R9.1: a key revoked before this transaction took the lock charges nothing, whatever a cache said.
      outcomes.push({ status: "refused", reason: "key_revoked", balance: null });
      continue;
    }
    if (!type) {
      outcomes.push({ status: "refused", reason: "unknown_operation_type", balance: snapshot(state, request.at, catalog) });
      continue;
    }
    if (state.billingState === "RETENTION" || state.billingState === "DELETED") {
      // R8.4: in retention every metered call is refused.
      outcomes.push({ status: "refused", reason: "retention", balance: snapshot(state, request.at, catalog) });
      continue;
    }

    const month = calendarMonthStart(request.at).toISOString();
    const counterKey = key(request.workspaceId, month, type.id);
    const counter = counters.get(counterKey) ?? { value: 0n, changed: false };
    const rating = rateBatch(type.tiers, counter.value, request.operations);
    const includedLive = state.includedExpiresAt === null || state.includedExpiresAt > request.at;
    const packages = state.packages.filter((p) => p.operationTypeId === type.id && p.expiresAt > request.at && p.remainingOperations > 0n);
    const funding: FundingState = {
      included: { balance: includedLive ? state.included : 0n, expiresAt: state.includedExpiresAt },
      packages: packages.map((p) => ({ id: p.id, remainingOperations: p.remainingOperations, expiresAt: p.expiresAt })),
      prepaid: state.prepaid,
      flex: flexStatus(state, creditsPerUsd),
    };
    const result = allocateDebit(rating, funding);
    if (!result.ok) {
      // R2.4 / R5.4: refused calls are neither counted nor charged.
      outcomes.push({ status: "refused", reason: result.reason, balance: snapshot(state, request.at, catalog) });
      continue;
    }

    const { allocation } = result;
    counters.set(counterKey, { value: counter.value + request.operations, changed: true });
    state.included -= allocation.included;
    state.prepaid -= allocation.prepaid;
    state.flexUsed += allocation.flex;
    for (const used of allocation.packages) {
      const pkg = state.packages.find((p) => p.id === used.id)!;
      pkg.remainingOperations -= used.operations;
      pkg.used = true;
    }
    state.changed = true;

    const sources: SourceCredits = {
      included: allocation.included,
      package: allocation.packageCredits,
      prepaid: allocation.prepaid,
      flex: allocation.flex,
    };
    events.push({
      workspaceId: request.workspaceId,
      occurredAt: request.at,
      operationTypeId: type.id,
      operations: request.operations,
      credits: rating.credits,
      includedCredits: sources.included,
      packageCredits: sources.package,
      prepaidCredits: sources.prepaid,
      flexCredits: sources.flex,
      apiKeyId: request.apiKeyId ?? null,
      requestId: request.requestId,
      idempotencyKey: request.idempotencyKey,
    });
    const entry = {
      workspaceId: request.workspaceId,
      createdAt: request.at,
      reason: "USAGE" as const,
      idempotencyKey: request.idempotencyKey,
      memo: `${request.operations} ${type.code}`,
    };
    if (allocation.included > 0n) ledger.push({ ...entry, source: "INCLUDED", amount: -allocation.included });
    for (const used of allocation.packages) {
      ledger.push({
        ...entry,
        idempotencyKey: `${request.idempotencyKey}#${used.id}`,
        source: "PACKAGE",
        amount: -used.credits,
        operations: -used.operations,
        purchaseId: used.id,
      });
    }
    if (allocation.prepaid > 0n) ledger.push({ ...entry, source: "PREPAID", amount: -allocation.prepaid });
    // Flex is postpaid: usage adds to what the period will invoice (R5.3).
    if (allocation.flex > 0n) ledger.push({ ...entry, source: "FLEX", amount: allocation.flex });

    const hour = new Date(Math.floor(request.at.getTime() / 3_600_000) * 3_600_000);
    const rollupKey = key(request.workspaceId, hour.toISOString(), type.id);
    const rollup = rollups.get(rollupKey) ?? {
      workspaceId: request.workspaceId,
      hour,
      operationTypeId: type.id,
      requests: 0n,
      operations: 0n,
      credits: 0n,
      included: 0n,
      package: 0n,
      prepaid: 0n,
      flex: 0n,
    };
    rollup.requests += 1n;
    rollup.operations += request.operations;
    rollup.credits += rating.credits;
    rollup.included += sources.included;
    rollup.package += sources.package;
    rollup.prepaid += sources.prepaid;
    rollup.flex += sources.flex;
    rollups.set(rollupKey, rollup);

    replays.set(key(request.workspaceId, request.idempotencyKey), { operations: request.operations, credits: rating.credits, sources });
    outcomes.push({
      status: "charged",
      replayed: false,
      operations: request.operations,
      credits: rating.credits,
      sources,
      balance: snapshot(state, request.at, catalog),
    });
  }

  await writeDebits(
    tx,
    [...states.values()].filter((s) => s.changed),
    counters,
    events,
    ledger,
    [...rollups.values()],
  );
  return outcomes;
}

function flexStatus(state: LockedState, creditsPerUsd: bigint): FundingState["flex"] {
  // R4.4, R5.3, R5.5, R8.3, R14.2 — decided by the engine from the locked facts.
  return flexFunding({
    planFlexAllowed: Boolean(state.flexAllowed),
    payAsYouGo: Boolean(state.payAsYouGo),
    hasCard: state.hasCard,
    flexEnabled: state.flexEnabled,
    billingState: state.billingState as BillingState,
    spendCapCents: state.spendCapCents,
    flexUsedThisPeriod: state.flexUsed,
    autoTopUpCentsThisPeriod: 0n,
    creditsPerUsd,
  });
}

function snapshot(state: LockedState, at: Date, catalog: RatingCatalog): BalanceSnapshot {
  const includedLive = state.includedExpiresAt === null || state.includedExpiresAt > at;
  return {
    included: includedLive ? state.included : 0n,
    includedExpiresAt: state.includedExpiresAt,
    prepaid: state.prepaid,
    flexUsed: state.flexUsed,
    packages: state.packages
      .filter((p) => p.expiresAt > at && p.remainingOperations > 0n)
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
      .map((p) => ({
        id: p.id,
        operationType: catalog.byId.get(p.operationTypeId) ?? "",
        remainingOperations: p.remainingOperations,
        expiresAt: p.expiresAt,
      })),
  };
}

async function lockStates(tx: Queryable, workspaceIds: string[]): Promise<Map<string, LockedState>> {
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
  }>(
    tx,
    sql`
    SELECT b."workspaceId"::text AS "workspaceId", b."included"::text AS "included", to_json(b."includedExpiresAt") #>> '{}' AS "includedExpiresAt",
           b."prepaid"::text AS "prepaid", b."flexUsed"::text AS "flexUsed",
           w."flexEnabled", w."billingState"::text AS "billingState", w."spendCapCents",
           p."flexAllowed", p."payAsYouGo",
           EXISTS (SELECT 1 FROM "PaymentMethod" pm WHERE pm."workspaceId" = b."workspaceId") AS "hasCard"
    FROM "CreditBalance" b
    JOIN "Workspace" w ON w."id" = b."workspaceId"
    LEFT JOIN "Subscription" s ON s."workspaceId" = b."workspaceId" AND s."status" = 'ACTIVE'
    LEFT JOIN "Plan" p ON p."id" = s."planId"
    WHERE b."workspaceId" = ANY(${pgArray(workspaceIds)}::uuid[])
    ORDER BY b."workspaceId"
    FOR UPDATE OF b`,
  );
  const states = new Map<string, LockedState>();
  for (const row of rows) {
    states.set(row.workspaceId, {
      ...row,
      included: BigInt(row.included),
      includedExpiresAt: row.includedExpiresAt === null ? null : utc(row.includedExpiresAt),
      prepaid: BigInt(row.prepaid),
      flexUsed: BigInt(row.flexUsed),
      packages: [],
      changed: false,
    });
  }
  return states;
}

const utc = (timestamp: string) => new Date(`${timestamp}Z`);

async function readLockedFacts(
  tx: Queryable,
  states: Map<string, LockedState>,
  requests: DebitRequest[],
  workspaceIds: string[],
  months: string[],
) {
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
  const keyed = [...new Map(requests.filter((r) => r.apiKeyId).map((r) => [key(r.workspaceId, r.apiKeyId!), r])).values()];
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
  for (const pkg of facts!.packages) {
    states.get(pkg.workspaceId)?.packages.push({
      workspaceId: pkg.workspaceId,
      id: pkg.id,
      operationTypeId: pkg.operationTypeId,
      remainingOperations: BigInt(pkg.remainingOperations),
      expiresAt: utc(pkg.expiresAt),
      used: false,
    } as LockedState["packages"][number]);
  }
  const replays = new Map(
    facts!.replays.map((r) => [
      key(r.workspaceId, r.idempotencyKey),
      {
        operations: BigInt(r.operations),
        credits: BigInt(r.credits),
        sources: {
          included: BigInt(r.includedCredits),
          package: BigInt(r.packageCredits),
          prepaid: BigInt(r.prepaidCredits),
          flex: BigInt(r.flexCredits),
        },
      },
    ]),
  );
  const counters = new Map(
    facts!.counters.map((c) => [
      key(c.workspaceId, utc(`${c.month}T00:00:00`).toISOString(), c.operationTypeId),
      { value: BigInt(c.operations), changed: false },
    ]),
  );
  const revokedKeys = new Set(facts!.revokedKeys.map((k) => key(k.workspaceId, k.id)));
  return { replays, counters, revokedKeys };
}

async function writeDebits(
  tx: Queryable,
  states: LockedState[],
  counters: Map<string, { value: bigint; changed: boolean }>,
  events: Prisma.UsageEventCreateManyInput[],
  ledger: Prisma.LedgerEntryCreateManyInput[],
  rollups: {
    workspaceId: string;
    hour: Date;
    operationTypeId: string;
    requests: bigint;
    operations: bigint;
    credits: bigint;
    included: bigint;
    package: bigint;
    prepaid: bigint;
    flex: bigint;
  }[],
) {
  if (states.length === 0) return;
  const text = (values: bigint[]) => values.map(String);
  const changedCounters = [...counters]
    .filter(([, c]) => c.changed)
    .map(([k, c]) => [...k.split("|"), String(c.value)] as [string, string, string, string]);
  const usedPackages = states.flatMap((s) => s.packages.filter((p) => p.used).map((p) => ({ workspaceId: s.workspaceId, ...p })));
  const ev = <K extends keyof Prisma.UsageEventCreateManyInput>(k: K) => events.map((e) => e[k] ?? null);
  const evBig = <K extends keyof Prisma.UsageEventCreateManyInput>(k: K) => events.map((e) => String(e[k] ?? 0));
  const le = <K extends keyof Prisma.LedgerEntryCreateManyInput>(k: K) => ledger.map((e) => e[k] ?? null);
  const col = <K extends keyof (typeof rollups)[number]>(k: K) => rollups.map((r) => r[k]);
  // Every write of the batch in one statement (data-modifying CTEs all run, referenced or not).
  await run(
    tx,
    sql`
    WITH balances AS (
      UPDATE "CreditBalance" AS b SET "included" = v."included", "prepaid" = v."prepaid", "flexUsed" = v."flexUsed", "updatedAt" = now()
      FROM unnest(${pgArray(states.map((s) => s.workspaceId))}::uuid[], ${pgArray(text(states.map((s) => s.included)))}::bigint[],
                  ${pgArray(text(states.map((s) => s.prepaid)))}::bigint[], ${pgArray(text(states.map((s) => s.flexUsed)))}::bigint[])
        AS v("workspaceId", "included", "prepaid", "flexUsed")
      WHERE b."workspaceId" = v."workspaceId"
    ), counters AS (
      INSERT INTO "MonthlyUsageCounter" ("workspaceId", "month", "operationTypeId", "operations")
      SELECT * FROM unnest(${pgArray(changedCounters.map((c) => c[0]))}::uuid[], ${pgArray(changedCounters.map((c) => c[1]))}::date[],
                           ${pgArray(changedCounters.map((c) => c[2]))}::uuid[], ${pgArray(changedCounters.map((c) => c[3]))}::bigint[])
      ON CONFLICT ("workspaceId", "month", "operationTypeId") DO UPDATE SET "operations" = EXCLUDED."operations"
    ), packages AS (
      UPDATE "PackagePurchase" AS p SET "remainingOperations" = v."remaining",
        "status" = CASE WHEN v."remaining" = 0 THEN 'EXHAUSTED'::"PurchaseStatus" ELSE p."status" END
      FROM unnest(${pgArray(usedPackages.map((p) => p.workspaceId))}::uuid[], ${pgArray(usedPackages.map((p) => p.id))}::uuid[],
                  ${pgArray(text(usedPackages.map((p) => p.remainingOperations)))}::bigint[]) AS v("workspaceId", "id", "remaining")
      WHERE p."workspaceId" = v."workspaceId" AND p."id" = v."id"
    ), usage_events AS (
      INSERT INTO "UsageEvent" ("workspaceId", "occurredAt", "operationTypeId", "operations", "credits", "includedCredits",
                                "packageCredits", "prepaidCredits", "flexCredits", "apiKeyId", "requestId", "idempotencyKey")
      SELECT * FROM unnest(${pgArray(ev("workspaceId"))}::uuid[], ${pgArray(events.map((e) => (e.occurredAt as Date).toISOString()))}::timestamp[],
                           ${pgArray(ev("operationTypeId"))}::uuid[], ${pgArray(evBig("operations"))}::bigint[], ${pgArray(evBig("credits"))}::bigint[],
                           ${pgArray(evBig("includedCredits"))}::bigint[], ${pgArray(evBig("packageCredits"))}::bigint[], ${pgArray(evBig("prepaidCredits"))}::bigint[],
                           ${pgArray(evBig("flexCredits"))}::bigint[], ${pgArray(ev("apiKeyId"))}::uuid[], ${pgArray(ev("requestId"))}::text[], ${pgArray(ev("idempotencyKey"))}::text[])
    ), ledger AS (
      INSERT INTO "LedgerEntry" ("workspaceId", "createdAt", "reason", "source", "amount", "operations", "purchaseId", "idempotencyKey", "memo")
      SELECT * FROM unnest(${pgArray(le("workspaceId"))}::uuid[], ${pgArray(ledger.map((e) => (e.createdAt as Date).toISOString()))}::timestamp[],
                           ${pgArray(le("reason"))}::"LedgerReason"[], ${pgArray(le("source"))}::"CreditSource"[], ${pgArray(ledger.map((e) => String(e.amount)))}::bigint[],
                           ${pgArray(ledger.map((e) => (e.operations == null ? null : String(e.operations))))}::bigint[], ${pgArray(le("purchaseId"))}::uuid[],
                           ${pgArray(le("idempotencyKey"))}::text[], ${pgArray(le("memo"))}::text[])
    ), rollups AS (
      INSERT INTO "UsageRollupHourly" ("workspaceId", "hour", "operationTypeId", "requests", "operations", "credits",
                                       "includedCredits", "packageCredits", "prepaidCredits", "flexCredits")
      SELECT * FROM unnest(${pgArray(col("workspaceId"))}::uuid[], ${pgArray(col("hour").map((h) => h.toISOString()))}::timestamp[],
                           ${pgArray(col("operationTypeId"))}::uuid[], ${pgArray(text(col("requests")))}::bigint[], ${pgArray(text(col("operations")))}::bigint[],
                           ${pgArray(text(col("credits")))}::bigint[], ${pgArray(text(col("included")))}::bigint[], ${pgArray(text(col("package")))}::bigint[],
                           ${pgArray(text(col("prepaid")))}::bigint[], ${pgArray(text(col("flex")))}::bigint[])
      ON CONFLICT ("workspaceId", "hour", "operationTypeId") DO UPDATE SET
        "requests" = "UsageRollupHourly"."requests" + EXCLUDED."requests",
        "operations" = "UsageRollupHourly"."operations" + EXCLUDED."operations",
        "credits" = "UsageRollupHourly"."credits" + EXCLUDED."credits",
        "includedCredits" = "UsageRollupHourly"."includedCredits" + EXCLUDED."includedCredits",
        "packageCredits" = "UsageRollupHourly"."packageCredits" + EXCLUDED."packageCredits",
        "prepaidCredits" = "UsageRollupHourly"."prepaidCredits" + EXCLUDED."prepaidCredits",
        "flexCredits" = "UsageRollupHourly"."flexCredits" + EXCLUDED."flexCredits"
    )
    SELECT 1`,
  );
}
