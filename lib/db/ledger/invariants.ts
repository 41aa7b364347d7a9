import "server-only";

// The ledger's invariants, checked against the database (tests, benchmarks,
// and support tooling): for every workspace the sum of the ledger per source
// equals its balance, no balance is negative, and each package's remaining
// quota equals the operations its ledger entries add up to.
import type { SqlRunner } from "@/lib/db/connect";

export async function ledgerViolations(sql: SqlRunner, workspaceIds?: string[]): Promise<string[]> {
  const filter = workspaceIds ? `WHERE b."workspaceId" = ANY($1::uuid[])` : "";
  const params = workspaceIds ? [workspaceIds] : [];
  const balances = await sql.query<{
    workspaceId: string;
    included: string;
    prepaid: string;
    flexUsed: string;
    ledgerIncluded: string;
    ledgerPrepaid: string;
    ledgerFlex: string;
  }>(
    `SELECT b."workspaceId", b."included"::text, b."prepaid"::text, b."flexUsed"::text,
            COALESCE(SUM(l."amount") FILTER (WHERE l."source" = 'INCLUDED'), 0)::text AS "ledgerIncluded",
            COALESCE(SUM(l."amount") FILTER (WHERE l."source" = 'PREPAID'), 0)::text AS "ledgerPrepaid",
            COALESCE(SUM(l."amount") FILTER (WHERE l."source" = 'FLEX'), 0)::text AS "ledgerFlex"
     FROM "CreditBalance" b LEFT JOIN "LedgerEntry" l ON l."workspaceId" = b."workspaceId"
     ${filter}
     GROUP BY b."workspaceId", b."included", b."prepaid", b."flexUsed"`,
    params,
  );
  const problems: string[] = [];
  for (const b of balances) {
    if (b.included !== b.ledgerIncluded) problems.push(`${b.workspaceId}: included ${b.included} ≠ ledger ${b.ledgerIncluded}`);
    if (b.prepaid !== b.ledgerPrepaid) problems.push(`${b.workspaceId}: prepaid ${b.prepaid} ≠ ledger ${b.ledgerPrepaid}`);
    if (b.flexUsed !== b.ledgerFlex) problems.push(`${b.workspaceId}: flex used ${b.flexUsed} ≠ ledger ${b.ledgerFlex}`);
    for (const [name, value] of [
      ["included", b.included],
      ["prepaid", b.prepaid],
      ["flex used", b.flexUsed],
    ] as const) {
      if (BigInt(value) < 0n) problems.push(`${b.workspaceId}: ${name} is negative (${value})`);
    }
  }
  const packageFilter = workspaceIds ? `WHERE p."workspaceId" = ANY($1::uuid[])` : "";
  const packages = await sql.query<{ id: string; remaining: string; ledger: string }>(
    `SELECT p."id", p."remainingOperations"::text AS remaining, COALESCE(SUM(l."operations"), 0)::text AS ledger
     FROM "PackagePurchase" p LEFT JOIN "LedgerEntry" l ON l."workspaceId" = p."workspaceId" AND l."purchaseId" = p."id"
     ${packageFilter}
     GROUP BY p."id", p."remainingOperations"`,
    params,
  );
  for (const p of packages) {
    if (p.remaining !== p.ledger) problems.push(`package ${p.id}: remaining ${p.remaining} ≠ ledger ${p.ledger}`);
    if (BigInt(p.remaining) < 0n) problems.push(`package ${p.id}: negative quota ${p.remaining}`);
  }
  return problems;
}
