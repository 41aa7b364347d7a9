import "server-only";

// R8.1: usage is rated hourly; within the hour after an hour ends, its usage
// appears as priced lines. Every debit adds to its hour's rollup row and
// marks the row `unstated`; a statement states what each unstated row holds
// beyond its stated* columns and moves them up to the row's totals, under the
// row's lock. A debit stamped inside an hour that commits after the hour's
// statement was issued marks the row again, and the next run states it on a
// follow-up statement of the same hour (sequence 2, 3 …): every debit
// reaches exactly one statement, and an hour's statements add up to its
// debits.
import { unstatedLines, type RollupAmounts, type UsageStatementLineDraft } from "@/lib/billing/usage-statements";
import type { Tx } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { pgArray, sql } from "@/lib/db/sql-array";
import { withTransactionRetry } from "@/lib/db/ledger/retry";

/** Debits commit a moment after their instant: an hour is first stated this long after it ends (later ones go on a follow-up). */
export const STATEMENT_DELAY_MS = 60_000;

/** Workspace-hours stated per transaction. */
const CHUNK_HOURS = 500;

type RollupRow = RollupAmounts & {
  workspaceId: string;
  hour: Date;
  operationTypeId: string;
  code: string;
  name: string;
  lastSequence: number;
  stated: RollupAmounts;
};

/** Issues the statements due at `now`, `chunkHours` workspace-hours per transaction; returns how many. */
export async function issueHourlyStatements(prisma: PrismaClient, now: Date, chunkHours = CHUNK_HOURS): Promise<number> {
  const cutoff = new Date(now.getTime() - 3_600_000 - STATEMENT_DELAY_MS);
  let issued = 0;
  for (;;) {
    const chunk = await withTransactionRetry(() =>
      prisma.$transaction((tx) => stateChunk(tx, cutoff, now, chunkHours), { timeout: 60_000, maxWait: 30_000 }),
    );
    issued += chunk.statements;
    if (chunk.hours < chunkHours) return issued;
  }
}

async function stateChunk(tx: Tx, cutoff: Date, now: Date, chunkHours: number): Promise<{ hours: number; statements: number }> {
  const rows = await lockUnstatedRows(tx, cutoff, chunkHours);
  // One statement per workspace-hour, numbered after the hour's earlier ones.
  const statements = new Map<
    string,
    { workspaceId: string; hour: Date; sequence: number; credits: bigint; lines: UsageStatementLineDraft[] }
  >();
  for (const row of rows) {
    const lines = unstatedLines({ code: row.code, name: row.name }, row, row.stated);
    if (lines.length === 0) continue;
    const key = `${row.workspaceId}|${row.hour.toISOString()}`;
    const statement = statements.get(key) ?? {
      workspaceId: row.workspaceId,
      hour: row.hour,
      sequence: row.lastSequence + 1,
      credits: 0n,
      lines: [],
    };
    statement.lines.push(...lines);
    statement.credits += lines.reduce((sum, line) => sum + line.credits, 0n);
    statements.set(key, statement);
  }
  const hours = new Set(rows.map((row) => `${row.workspaceId}|${row.hour.toISOString()}`)).size;
  if (rows.length > 0) await writeStatements(tx, [...statements.values()], rows, now);
  return { hours, statements: statements.size };
}

/**
 * The unstated rollup rows of the first `chunkHours` workspace-hours that
 * ended by `cutoff`, locked in (workspace, hour, type) order — the order
 * debits add to them — with their hour's last statement number.
 */
async function lockUnstatedRows(tx: Tx, cutoff: Date, chunkHours: number): Promise<RollupRow[]> {
  const statement = sql`
    WITH hours AS (
      SELECT DISTINCT "workspaceId", "hour" FROM "UsageRollupHourly"
      WHERE "unstated" AND "hour" <= ${cutoff.toISOString()}::timestamp
      ORDER BY "workspaceId", "hour"
      LIMIT ${chunkHours}::int
    ), sequences AS (
      SELECT s."workspaceId", s."hourStart", MAX(s."sequence") AS "lastSequence"
      FROM "UsageStatement" s JOIN hours h ON h."workspaceId" = s."workspaceId" AND h."hour" = s."hourStart"
      GROUP BY s."workspaceId", s."hourStart"
    )
    SELECT r."workspaceId"::text AS "workspaceId", r."hour", r."operationTypeId"::text AS "operationTypeId", t."code", t."name",
           COALESCE(q."lastSequence", 0)::int AS "lastSequence",
           r."freeOperations", r."includedOperations", r."includedCredits", r."packageOperations", r."packageCredits",
           r."prepaidOperations", r."prepaidCredits", r."flexOperations", r."flexCredits",
           r."statedFreeOperations", r."statedIncludedOperations", r."statedIncludedCredits", r."statedPackageOperations",
           r."statedPackageCredits", r."statedPrepaidOperations", r."statedPrepaidCredits", r."statedFlexOperations", r."statedFlexCredits"
    FROM "UsageRollupHourly" r
    JOIN hours h ON h."workspaceId" = r."workspaceId" AND h."hour" = r."hour"
    JOIN "OperationType" t ON t."id" = r."operationTypeId"
    LEFT JOIN sequences q ON q."workspaceId" = r."workspaceId" AND q."hourStart" = r."hour"
    WHERE r."unstated"
    ORDER BY r."workspaceId", r."hour", r."operationTypeId"
    FOR UPDATE OF r`;
  const rows = await tx.$queryRawUnsafe<(Omit<RollupRow, "stated"> & Record<`stated${string}`, bigint>)[]>(
    statement.text,
    ...statement.values,
  );
  return rows.map((row) => ({
    ...row,
    stated: {
      freeOperations: row.statedFreeOperations!,
      includedOperations: row.statedIncludedOperations!,
      includedCredits: row.statedIncludedCredits!,
      packageOperations: row.statedPackageOperations!,
      packageCredits: row.statedPackageCredits!,
      prepaidOperations: row.statedPrepaidOperations!,
      prepaidCredits: row.statedPrepaidCredits!,
      flexOperations: row.statedFlexOperations!,
      flexCredits: row.statedFlexCredits!,
    },
  }));
}

/**
 * The statements and their lines, and the locked rows marked stated up to
 * their totals (which cannot have moved: the rows are locked), in one
 * statement. A second billing run stating the same hour at once would pick
 * the same sequence and fail on the unique key rather than state it twice.
 */
async function writeStatements(
  tx: Tx,
  statements: { workspaceId: string; hour: Date; sequence: number; credits: bigint; lines: UsageStatementLineDraft[] }[],
  rows: RollupRow[],
  now: Date,
): Promise<void> {
  const lines = statements.flatMap((s) => s.lines.map((line) => ({ ...line, workspaceId: s.workspaceId, hour: s.hour })));
  const statement = sql`
    WITH statements AS (
      INSERT INTO "UsageStatement" ("workspaceId", "id", "hourStart", "sequence", "credits", "issuedAt")
      SELECT v."workspaceId", gen_random_uuid(), v."hour", v."sequence", v."credits", ${now.toISOString()}::timestamp
      FROM unnest(${pgArray(statements.map((s) => s.workspaceId))}::uuid[], ${pgArray(statements.map((s) => s.hour.toISOString()))}::timestamp[],
                  ${pgArray(statements.map((s) => s.sequence))}::int[], ${pgArray(statements.map((s) => s.credits))}::bigint[])
        AS v("workspaceId", "hour", "sequence", "credits")
      RETURNING "workspaceId", "id", "hourStart"
    ), lines AS (
      INSERT INTO "UsageStatementLine" ("workspaceId", "statementId", "id", "operationType", "source", "operations", "credits", "description")
      SELECT s."workspaceId", s."id", gen_random_uuid(), l."operationType", l."source", l."operations", l."credits", l."description"
      FROM unnest(${pgArray(lines.map((l) => l.workspaceId))}::uuid[], ${pgArray(lines.map((l) => l.hour.toISOString()))}::timestamp[],
                  ${pgArray(lines.map((l) => l.operationType))}::text[], ${pgArray(lines.map((l) => l.source))}::"CreditSource"[],
                  ${pgArray(lines.map((l) => l.operations))}::bigint[], ${pgArray(lines.map((l) => l.credits))}::bigint[],
                  ${pgArray(lines.map((l) => l.description))}::text[])
        AS l("workspaceId", "hour", "operationType", "source", "operations", "credits", "description")
      JOIN statements s ON s."workspaceId" = l."workspaceId" AND s."hourStart" = l."hour"
    ), stated AS (
      UPDATE "UsageRollupHourly" AS r SET "unstated" = false,
        "statedFreeOperations" = r."freeOperations", "statedIncludedOperations" = r."includedOperations",
        "statedIncludedCredits" = r."includedCredits", "statedPackageOperations" = r."packageOperations",
        "statedPackageCredits" = r."packageCredits", "statedPrepaidOperations" = r."prepaidOperations",
        "statedPrepaidCredits" = r."prepaidCredits", "statedFlexOperations" = r."flexOperations", "statedFlexCredits" = r."flexCredits"
      FROM unnest(${pgArray(rows.map((r) => r.workspaceId))}::uuid[], ${pgArray(rows.map((r) => r.hour.toISOString()))}::timestamp[],
                  ${pgArray(rows.map((r) => r.operationTypeId))}::uuid[]) AS k("workspaceId", "hour", "operationTypeId")
      WHERE r."workspaceId" = k."workspaceId" AND r."hour" = k."hour" AND r."operationTypeId" = k."operationTypeId"
    )
    SELECT 1`;
  await tx.$queryRawUnsafe(statement.text, ...statement.values);
}
