import "server-only";

// R8.1: usage is rated hourly; within the hour after an hour ends, its usage
// appears as priced lines. A statement is issued once per workspace and hour
// (unique key), from the hourly rollups, with a line per operation type and
// credit source.
import type { PrismaClient } from "@/lib/generated/prisma/client";

/** Debits commit a moment after their instant: an hour is stated this long after it ends. */
export const STATEMENT_DELAY_MS = 60_000;

export async function issueHourlyStatements(prisma: PrismaClient, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - 3_600_000 - STATEMENT_DELAY_MS);
  // One statement per (workspace, hour) with usage and no statement yet, and
  // its lines, in one atomic statement.
  const created = await prisma.$queryRaw<{ count: bigint }[]>`
    WITH due AS (
      SELECT r."workspaceId", r."hour", SUM(r."credits") AS credits
      FROM "UsageRollupHourly" r
      WHERE r."hour" <= ${cutoff}
        AND NOT EXISTS (SELECT 1 FROM "UsageStatement" s WHERE s."workspaceId" = r."workspaceId" AND s."hourStart" = r."hour")
      GROUP BY r."workspaceId", r."hour"
    ), statements AS (
      INSERT INTO "UsageStatement" ("workspaceId", "id", "hourStart", "credits", "issuedAt")
      SELECT "workspaceId", gen_random_uuid(), "hour", credits, ${now} FROM due
      ON CONFLICT ("workspaceId", "hourStart") DO NOTHING
      RETURNING "workspaceId", "id", "hourStart"
    ), lines AS (
      INSERT INTO "UsageStatementLine" ("workspaceId", "statementId", "id", "operationType", "source", "operations", "creditsPerOp", "credits", "description")
      SELECT s."workspaceId", s."id", gen_random_uuid(), t."code", v.source::"CreditSource", r."operations",
             CASE WHEN r."operations" > 0 THEN r."credits" / r."operations" ELSE 0 END,
             v.credits,
             t."name" || ': ' || r."operations" || ' operations, ' || v.credits || ' credits from ' || lower(v.source)
      FROM statements s
      JOIN "UsageRollupHourly" r ON r."workspaceId" = s."workspaceId" AND r."hour" = s."hourStart"
      JOIN "OperationType" t ON t."id" = r."operationTypeId"
      CROSS JOIN LATERAL (VALUES ('INCLUDED', r."includedCredits"), ('PACKAGE', r."packageCredits"),
                                 ('PREPAID', r."prepaidCredits"), ('FLEX', r."flexCredits")) AS v(source, credits)
      WHERE v.credits > 0 OR (v.source = 'INCLUDED' AND r."credits" = 0)
      RETURNING 1
    )
    SELECT COUNT(*)::bigint AS count FROM statements`;
  return Number(created[0]?.count ?? 0n);
}
