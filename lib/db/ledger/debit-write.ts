import "server-only";

// The write of a debit batch: every row the decision returned, in one
// statement (data-modifying CTEs all run, referenced or not) — balances,
// month counters, package quotas, usage events, ledger entries and hourly
// rollups. Values travel as array literals, each cast in the SQL.
import type { DebitWrites } from "@/lib/billing/debit-decision";
import { pgArray, sql } from "@/lib/db/sql-array";
import { run, type Queryable } from "./queryable";

const text = (values: readonly bigint[]) => values.map(String);
const instants = (values: readonly Date[]) => values.map((at) => at.toISOString());

export async function writeDebits(tx: Queryable, writes: DebitWrites): Promise<void> {
  // Every charged request changes its workspace's balance row; nothing charged, nothing to write.
  if (writes.balances.length === 0) return;
  const { balances, counters, packages, usageEvents: events, ledgerEntries: ledger, rollups } = writes;
  const ev = <K extends keyof (typeof events)[number]>(k: K) => events.map((e) => e[k]);
  const le = <K extends keyof (typeof ledger)[number]>(k: K) => ledger.map((e) => e[k]);
  const ro = <K extends keyof (typeof rollups)[number]>(k: K) => rollups.map((r) => r[k]);
  await run(
    tx,
    sql`
    WITH balances AS (
      UPDATE "CreditBalance" AS b SET "included" = v."included", "prepaid" = v."prepaid", "flexUsed" = v."flexUsed", "updatedAt" = now()
      FROM unnest(${pgArray(balances.map((b) => b.workspaceId))}::uuid[], ${pgArray(text(balances.map((b) => b.included)))}::bigint[],
                  ${pgArray(text(balances.map((b) => b.prepaid)))}::bigint[], ${pgArray(text(balances.map((b) => b.flexUsed)))}::bigint[])
        AS v("workspaceId", "included", "prepaid", "flexUsed")
      WHERE b."workspaceId" = v."workspaceId"
    ), counters AS (
      INSERT INTO "MonthlyUsageCounter" ("workspaceId", "month", "operationTypeId", "operations")
      SELECT * FROM unnest(${pgArray(counters.map((c) => c.workspaceId))}::uuid[], ${pgArray(instants(counters.map((c) => c.month)))}::date[],
                           ${pgArray(counters.map((c) => c.operationTypeId))}::uuid[], ${pgArray(text(counters.map((c) => c.operations)))}::bigint[])
      ON CONFLICT ("workspaceId", "month", "operationTypeId") DO UPDATE SET "operations" = EXCLUDED."operations"
    ), packages AS (
      UPDATE "PackagePurchase" AS p SET "remainingOperations" = v."remaining",
        "status" = CASE WHEN v."remaining" = 0 THEN 'EXHAUSTED'::"PurchaseStatus" ELSE p."status" END
      FROM unnest(${pgArray(packages.map((p) => p.workspaceId))}::uuid[], ${pgArray(packages.map((p) => p.id))}::uuid[],
                  ${pgArray(text(packages.map((p) => p.remainingOperations)))}::bigint[]) AS v("workspaceId", "id", "remaining")
      WHERE p."workspaceId" = v."workspaceId" AND p."id" = v."id"
    ), usage_events AS (
      INSERT INTO "UsageEvent" ("workspaceId", "occurredAt", "operationTypeId", "operations", "credits", "includedCredits",
                                "packageCredits", "prepaidCredits", "flexCredits", "apiKeyId", "requestId", "idempotencyKey")
      SELECT * FROM unnest(${pgArray(ev("workspaceId"))}::uuid[], ${pgArray(instants(ev("occurredAt")))}::timestamp[],
                           ${pgArray(ev("operationTypeId"))}::uuid[], ${pgArray(text(ev("operations")))}::bigint[], ${pgArray(text(ev("credits")))}::bigint[],
                           ${pgArray(text(ev("includedCredits")))}::bigint[], ${pgArray(text(ev("packageCredits")))}::bigint[], ${pgArray(text(ev("prepaidCredits")))}::bigint[],
                           ${pgArray(text(ev("flexCredits")))}::bigint[], ${pgArray(ev("apiKeyId"))}::uuid[], ${pgArray(ev("requestId"))}::text[], ${pgArray(ev("idempotencyKey"))}::text[])
    ), ledger AS (
      INSERT INTO "LedgerEntry" ("workspaceId", "createdAt", "reason", "source", "amount", "operations", "purchaseId", "idempotencyKey", "memo")
      SELECT * FROM unnest(${pgArray(le("workspaceId"))}::uuid[], ${pgArray(instants(le("createdAt")))}::timestamp[],
                           ${pgArray(le("reason"))}::"LedgerReason"[], ${pgArray(le("source"))}::"CreditSource"[], ${pgArray(text(le("amount")))}::bigint[],
                           ${pgArray(le("operations"))}::bigint[], ${pgArray(le("purchaseId"))}::uuid[],
                           ${pgArray(le("idempotencyKey"))}::text[], ${pgArray(le("memo"))}::text[])
    ), rollups AS (
      -- R8.1: rows in the decision's order (workspace, hour, type), the order the statement job locks them in.
      INSERT INTO "UsageRollupHourly" ("workspaceId", "hour", "operationTypeId", "requests", "operations", "credits",
                                       "includedCredits", "packageCredits", "prepaidCredits", "flexCredits",
                                       "freeOperations", "includedOperations", "packageOperations", "prepaidOperations", "flexOperations")
      SELECT * FROM unnest(${pgArray(ro("workspaceId"))}::uuid[], ${pgArray(instants(ro("hour")))}::timestamp[],
                           ${pgArray(ro("operationTypeId"))}::uuid[], ${pgArray(text(ro("requests")))}::bigint[], ${pgArray(text(ro("operations")))}::bigint[],
                           ${pgArray(text(ro("credits")))}::bigint[], ${pgArray(text(ro("includedCredits")))}::bigint[], ${pgArray(text(ro("packageCredits")))}::bigint[],
                           ${pgArray(text(ro("prepaidCredits")))}::bigint[], ${pgArray(text(ro("flexCredits")))}::bigint[],
                           ${pgArray(text(ro("freeOperations")))}::bigint[], ${pgArray(text(ro("includedOperations")))}::bigint[],
                           ${pgArray(text(ro("packageOperations")))}::bigint[], ${pgArray(text(ro("prepaidOperations")))}::bigint[],
                           ${pgArray(text(ro("flexOperations")))}::bigint[])
      ON CONFLICT ("workspaceId", "hour", "operationTypeId") DO UPDATE SET
        "requests" = "UsageRollupHourly"."requests" + EXCLUDED."requests",
        "operations" = "UsageRollupHourly"."operations" + EXCLUDED."operations",
        "credits" = "UsageRollupHourly"."credits" + EXCLUDED."credits",
        "includedCredits" = "UsageRollupHourly"."includedCredits" + EXCLUDED."includedCredits",
        "packageCredits" = "UsageRollupHourly"."packageCredits" + EXCLUDED."packageCredits",
        "prepaidCredits" = "UsageRollupHourly"."prepaidCredits" + EXCLUDED."prepaidCredits",
        "flexCredits" = "UsageRollupHourly"."flexCredits" + EXCLUDED."flexCredits",
        "freeOperations" = "UsageRollupHourly"."freeOperations" + EXCLUDED."freeOperations",
        "includedOperations" = "UsageRollupHourly"."includedOperations" + EXCLUDED."includedOperations",
        "packageOperations" = "UsageRollupHourly"."packageOperations" + EXCLUDED."packageOperations",
        "prepaidOperations" = "UsageRollupHourly"."prepaidOperations" + EXCLUDED."prepaidOperations",
        "flexOperations" = "UsageRollupHourly"."flexOperations" + EXCLUDED."flexOperations",
        -- Whatever a statement already said of this row, this addition is not on one yet.
        "unstated" = true
    )
    SELECT 1`,
  );
}
