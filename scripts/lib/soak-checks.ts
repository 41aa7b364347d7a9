// The soak test's final checks, against the database once every worker has
// stopped: the ledger's own invariants (lib/db/ledger/invariants.ts: ledger
// sums equal balances, no source negative, package quotas), then what the
// soak adds — each idempotency key applied once (usage events, their ledger
// rows, payments and their grants), the database agreeing with what the app
// acknowledged (the tally), month counters and hourly rollups adding up to
// the usage events, and every invoice equal to its lines. A workspace whose
// data the arrears policy deleted (R8.5: usage events, rollups and counters
// go; the ledger, balances, invoices and payments stay) is held to the
// ledger's invariants but not compared with its usage events or the tally.
import type { SqlRunner } from "@/lib/db/connect";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import type { SoakTally } from "./soak-tally";

interface UsageRow {
  workspaceId: string;
  debits: string;
  operations: string;
  credits: string;
  included: string;
  package: string;
  prepaid: string;
  flex: string;
}

/** Rows that should not exist, each described by `describe`. */
async function none<Row>(sql: SqlRunner, problems: string[], query: string, describe: (row: Row) => string, params: unknown[] = []) {
  for (const row of await sql.query<Row>(query, params)) problems.push(describe(row));
}

export async function soakViolations(sql: SqlRunner, tally: SoakTally): Promise<string[]> {
  const problems = await ledgerViolations(sql);

  // Usage events: sources add up; each key once; every USAGE ledger row belongs to an event and they agree by source.
  await none<{ workspaceId: string; idempotencyKey: string }>(
    sql,
    problems,
    `SELECT "workspaceId", "idempotencyKey" FROM "UsageEvent"
     WHERE "credits" <> "includedCredits" + "packageCredits" + "prepaidCredits" + "flexCredits"
        OR "includedCredits" < 0 OR "packageCredits" < 0 OR "prepaidCredits" < 0 OR "flexCredits" < 0 LIMIT 20`,
    (r) => `usage event ${r.workspaceId}|${r.idempotencyKey}: credits by source do not add up or are negative`,
  );
  await none<{ workspaceId: string; idempotencyKey: string; n: string }>(
    sql,
    problems,
    `SELECT "workspaceId", "idempotencyKey", count(*)::text AS n FROM "UsageEvent" GROUP BY 1, 2 HAVING count(*) > 1 LIMIT 20`,
    (r) => `debit key ${r.workspaceId}|${r.idempotencyKey} applied ${r.n} times`,
  );
  await none<{ workspaceId: string; idempotencyKey: string }>(
    sql,
    problems,
    // A package draw is keyed `<debit key>#<purchase id>` (one row per package drawn on, R5); the other sources by the key itself.
    `SELECT l."workspaceId", l."idempotencyKey" FROM "LedgerEntry" l
     WHERE l."reason" = 'USAGE' AND l."workspaceId" IN (SELECT "id" FROM "Workspace" WHERE "dataDeletedAt" IS NULL) AND (
       (l."source" = 'PACKAGE' AND (l."purchaseId" IS NULL OR right(l."idempotencyKey", 37) <> '#' || l."purchaseId"::text))
       OR NOT EXISTS (
         SELECT 1 FROM "UsageEvent" e WHERE e."workspaceId" = l."workspaceId"
           AND e."idempotencyKey" = CASE WHEN l."source" = 'PACKAGE' THEN left(l."idempotencyKey", -37) ELSE l."idempotencyKey" END)) LIMIT 20`,
    (r) => `usage ledger entry ${r.workspaceId}|${r.idempotencyKey} has no usage event`,
  );
  await none<{ workspaceId: string; source: string; events: string; ledger: string }>(
    sql,
    problems,
    `WITH events AS (
       SELECT "workspaceId", SUM("includedCredits") AS included, SUM("packageCredits") AS package,
              SUM("prepaidCredits") AS prepaid, SUM("flexCredits") AS flex FROM "UsageEvent" GROUP BY 1
     ), ledger AS (
       SELECT "workspaceId",
              COALESCE(-SUM("amount") FILTER (WHERE "source" = 'INCLUDED'), 0) AS included,
              COALESCE(-SUM("amount") FILTER (WHERE "source" = 'PACKAGE'), 0) AS package,
              COALESCE(-SUM("amount") FILTER (WHERE "source" = 'PREPAID'), 0) AS prepaid,
              COALESCE(SUM("amount") FILTER (WHERE "source" = 'FLEX'), 0) AS flex
       FROM "LedgerEntry" WHERE "reason" = 'USAGE'
         AND "workspaceId" IN (SELECT "id" FROM "Workspace" WHERE "dataDeletedAt" IS NULL) GROUP BY 1
     )
     SELECT e."workspaceId", s.source, s.events::text, s.ledger::text
     FROM events e LEFT JOIN ledger l USING ("workspaceId"),
     LATERAL (VALUES ('included', e.included, COALESCE(l.included, 0)), ('package', e.package, COALESCE(l.package, 0)),
                     ('prepaid', e.prepaid, COALESCE(l.prepaid, 0)), ('flex', e.flex, COALESCE(l.flex, 0))) AS s(source, events, ledger)
     WHERE s.events <> s.ledger LIMIT 20`,
    (r) => `workspace ${r.workspaceId}: usage events say ${r.events} ${r.source} credits, the usage ledger ${r.ledger}`,
  );

  // R3.1: the month counters are the month's operations by type; R8.1: the hourly rollups add up to the events.
  await none<{ workspaceId: string; month: string; counted: string; events: string }>(
    sql,
    problems,
    `WITH events AS (
       SELECT "workspaceId", date_trunc('month', "occurredAt")::date AS month, "operationTypeId", SUM("operations") AS operations
       FROM "UsageEvent" GROUP BY 1, 2, 3
     )
     SELECT COALESCE(c."workspaceId", e."workspaceId") AS "workspaceId", COALESCE(c."month", e.month)::text AS month,
            COALESCE(c."operations", 0)::text AS counted, COALESCE(e.operations, 0)::text AS events
     FROM "MonthlyUsageCounter" c FULL JOIN events e
       ON e."workspaceId" = c."workspaceId" AND e.month = c."month" AND e."operationTypeId" = c."operationTypeId"
     WHERE COALESCE(c."operations", 0) <> COALESCE(e.operations, 0) LIMIT 20`,
    (r) => `workspace ${r.workspaceId}: month ${r.month} counted ${r.counted} operations, its events ${r.events}`,
  );
  await none<{ workspaceId: string; rollups: string; events: string }>(
    sql,
    problems,
    `WITH events AS (
       SELECT "workspaceId", concat_ws('/', count(*), SUM("operations"), SUM("credits"), SUM("includedCredits"), SUM("packageCredits"),
                                       SUM("prepaidCredits"), SUM("flexCredits")) AS figures FROM "UsageEvent" GROUP BY 1
     ), rollups AS (
       SELECT "workspaceId", concat_ws('/', SUM("requests"), SUM("operations"), SUM("credits"), SUM("includedCredits"), SUM("packageCredits"),
                                       SUM("prepaidCredits"), SUM("flexCredits")) AS figures FROM "UsageRollupHourly" GROUP BY 1
     )
     SELECT COALESCE(e."workspaceId", r."workspaceId") AS "workspaceId", COALESCE(r.figures, '-') AS rollups, COALESCE(e.figures, '-') AS events
     FROM events e FULL JOIN rollups r USING ("workspaceId") WHERE e.figures IS DISTINCT FROM r.figures LIMIT 20`,
    (r) => `workspace ${r.workspaceId}: hourly rollups ${r.rollups} ≠ usage events ${r.events} (requests/operations/credits by source)`,
  );

  // R8.2: every invoice is its lines: subtotal the charges, discount the credits (at most the subtotal), total the difference.
  await none<{ number: string; subtotal: number; discount: number; total: number; charges: string; credits: string }>(
    sql,
    problems,
    `SELECT i."number", i."subtotalCents" AS subtotal, i."discountCents" AS discount, i."totalCents" AS total,
            COALESCE(SUM(l."amountCents") FILTER (WHERE l."amountCents" > 0), 0)::text AS charges,
            COALESCE(-SUM(l."amountCents") FILTER (WHERE l."amountCents" < 0), 0)::text AS credits
     FROM "Invoice" i LEFT JOIN "InvoiceLine" l ON l."workspaceId" = i."workspaceId" AND l."invoiceId" = i."id"
     GROUP BY i."workspaceId", i."id"
     HAVING i."subtotalCents" <> COALESCE(SUM(l."amountCents") FILTER (WHERE l."amountCents" > 0), 0)
         OR i."discountCents" <> LEAST(COALESCE(-SUM(l."amountCents") FILTER (WHERE l."amountCents" < 0), 0), i."subtotalCents")
         OR i."totalCents" <> i."subtotalCents" - i."discountCents" OR i."totalCents" < 0 LIMIT 20`,
    (r) =>
      `invoice ${r.number}: subtotal ${r.subtotal}, discount ${r.discount}, total ${r.total}; lines charge ${r.charges}, credit ${r.credits}`,
  );

  // R7.1: a payment for credits grants them once it has succeeded, exactly once; one that did not, never.
  await none<{ id: string; status: string; grants: string; granted: string; credits: string }>(
    sql,
    problems,
    `SELECT p."id", p."status"::text AS status, count(l.*)::text AS grants, COALESCE(SUM(l."amount"), 0)::text AS granted,
            COALESCE(p."credits", 0)::text AS credits
     FROM "Payment" p LEFT JOIN "LedgerEntry" l ON l."workspaceId" = p."workspaceId" AND l."idempotencyKey" = 'payment:' || p."id"
     WHERE p."kind" IN ('TOP_UP', 'AUTO_TOP_UP')
     GROUP BY p."id", p."status", p."credits"
     HAVING count(l.*) <> CASE WHEN p."status" = 'SUCCEEDED' THEN 1 ELSE 0 END
         OR (p."status" = 'SUCCEEDED' AND SUM(l."amount") <> p."credits") LIMIT 20`,
    (r) => `payment ${r.id} (${r.status}) granted ${r.granted} credits in ${r.grants} entries for ${r.credits}`,
  );

  problems.push(...(await tallyViolations(sql, tally)));
  return problems;
}

/** The database against what the app acknowledged to the soak's workers. */
async function tallyViolations(sql: SqlRunner, tally: SoakTally): Promise<string[]> {
  const problems: string[] = [];
  // R8.5: a workspace whose data was deleted keeps its row but not its usage events.
  const alive = new Set((await sql.query<{ id: string }>(`SELECT "id" FROM "Workspace" WHERE "dataDeletedAt" IS NULL`)).map((r) => r.id));
  const usage = new Map(
    (
      await sql.query<UsageRow>(
        `SELECT "workspaceId", count(*)::text AS debits, SUM("operations")::text AS operations, SUM("credits")::text AS credits,
                SUM("includedCredits")::text AS included, SUM("packageCredits")::text AS package,
                SUM("prepaidCredits")::text AS prepaid, SUM("flexCredits")::text AS flex
         FROM "UsageEvent" GROUP BY 1`,
      )
    ).map((row) => [row.workspaceId, row]),
  );
  const topUps = new Map(
    (
      await sql.query<{ workspaceId: string; n: string; credits: string }>(
        `SELECT "workspaceId", count(*)::text AS n, SUM("credits")::text AS credits FROM "Payment"
         WHERE "kind" = 'TOP_UP' AND "status" = 'SUCCEEDED' GROUP BY 1`,
      )
    ).map((row) => [row.workspaceId, row]),
  );
  const grants = new Map(
    (
      await sql.query<{ workspaceId: string; n: string; credits: string }>(
        `SELECT "workspaceId", count(*)::text AS n, SUM("amount")::text AS credits FROM "CreditGrant" WHERE "kind" = 'SUPPORT' GROUP BY 1`,
      )
    ).map((row) => [row.workspaceId, row]),
  );
  const packages = new Map(
    (
      await sql.query<{ workspaceId: string; n: string }>(
        `SELECT "workspaceId", count(*)::text AS n FROM "LedgerEntry"
         WHERE "reason" = 'GRANT' AND "source" = 'PACKAGE' AND "idempotencyKey" LIKE 'package:soak-pkg-%' GROUP BY 1`,
      )
    ).map((row) => [row.workspaceId, row]),
  );
  for (const [workspaceId, t] of tally.workspaces) {
    if (!alive.has(workspaceId)) continue;
    const u = usage.get(workspaceId);
    const acknowledged = [t.debits, t.operations, t.credits, t.sources.included, t.sources.package, t.sources.prepaid, t.sources.flex].join(
      "/",
    );
    const stored = u ? [u.debits, u.operations, u.credits, u.included, u.package, u.prepaid, u.flex].join("/") : "0/0/0/0/0/0/0";
    if (acknowledged !== stored)
      problems.push(
        `workspace ${workspaceId}: acknowledged debits ${acknowledged} ≠ usage events ${stored} (keys/operations/credits by source)`,
      );
    const topUpCredits = [...t.topUps.values()].reduce((sum, topUp) => sum + topUp.credits, 0n);
    const storedTopUps = topUps.get(workspaceId);
    if (`${t.topUps.size}/${topUpCredits}` !== `${storedTopUps?.n ?? 0}/${storedTopUps?.credits ?? 0}`)
      problems.push(
        `workspace ${workspaceId}: ${t.topUps.size} top-ups of ${topUpCredits} credits acknowledged, ${storedTopUps?.n ?? 0} of ${storedTopUps?.credits ?? 0} paid`,
      );
    const storedGrants = grants.get(workspaceId);
    if (`${t.supportGrants}/${t.supportCredits}` !== `${storedGrants?.n ?? 0}/${storedGrants?.credits ?? 0}`)
      problems.push(
        `workspace ${workspaceId}: ${t.supportGrants} support grants of ${t.supportCredits} acknowledged, ${storedGrants?.n ?? 0} of ${storedGrants?.credits ?? 0} granted`,
      );
    if (t.packages.size !== Number(packages.get(workspaceId)?.n ?? 0))
      problems.push(`workspace ${workspaceId}: ${t.packages.size} packages bought, ${packages.get(workspaceId)?.n ?? 0} granted`);
  }

  // Retried keys, one by one: the stored event is the charge every answer reported.
  const retried = [...tally.retried.values()].filter((r) => alive.has(r.workspaceId));
  for (let i = 0; i < retried.length; i += 5_000) {
    const chunk = retried.slice(i, i + 5_000);
    const rows = await sql.query<{ workspaceId: string; idempotencyKey: string; figures: string }>(
      `SELECT e."workspaceId", e."idempotencyKey",
              concat_ws('/', e."operations", e."credits", e."includedCredits", e."packageCredits", e."prepaidCredits", e."flexCredits") AS figures
       FROM "UsageEvent" e JOIN unnest($1::uuid[], $2::text[]) AS k("workspaceId", "idempotencyKey")
         ON e."workspaceId" = k."workspaceId" AND e."idempotencyKey" = k."idempotencyKey"`,
      [chunk.map((r) => r.workspaceId), chunk.map((r) => r.idempotencyKey)],
    );
    const stored = new Map(rows.map((row) => [`${row.workspaceId}|${row.idempotencyKey}`, row.figures]));
    for (const { workspaceId, idempotencyKey, charge } of chunk) {
      const { included, package: pkg, prepaid, flex } = charge.sources;
      const expected = [charge.operations, charge.credits, included, pkg, prepaid, flex].join("/");
      const found = stored.get(`${workspaceId}|${idempotencyKey}`);
      if (found !== expected)
        problems.push(`retried debit key ${workspaceId}|${idempotencyKey}: answered ${expected}, stored ${found ?? "nothing"}`);
    }
  }
  return problems;
}
