import "server-only";

// Usage over a range (R10), from the hourly rollup: operations by type and
// credits by source per bucket (hour or local day), and the range's totals.
// The totals are sums of the same rows the ledger's USAGE entries were
// written with, so they equal the ledger and the invoices for the span.
// Credits and counts travel as decimal strings: JSON has no bigint.
import type { Tx } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { prismaQueryable, run } from "@/lib/db/ledger/queryable";
import { pgArray, sql } from "@/lib/db/sql-array";
import type { UsageRange } from "@/lib/usage/range";
import { listOperationTypes } from "./catalog";

type Reader = PrismaClient | Tx;

export const CREDIT_SOURCES = ["included", "package", "prepaid", "flex"] as const;
export type CreditSource = (typeof CREDIT_SOURCES)[number];

export interface UsagePoint {
  /** The bucket's first instant, ISO. */
  at: string;
  /** Operations per operation type code. */
  operations: Record<string, string>;
  credits: Record<CreditSource, string>;
}

export interface UsageSeries {
  range: { kind: UsageRange["kind"]; start: string; end: string; bucket: UsageRange["bucket"]; timeZone: string };
  types: { code: string; name: string }[];
  points: UsagePoint[];
  totals: {
    operations: string;
    operationsByType: Record<string, string>;
    credits: string;
    creditsBySource: Record<CreditSource, string>;
  };
}

const zeroSources = (): Record<CreditSource, bigint> => ({ included: 0n, package: 0n, prepaid: 0n, flex: 0n });
const asStrings = <K extends string>(values: Record<K, bigint>) =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)])) as Record<K, string>;

interface BucketRow {
  bucket: number;
  typeId: string;
  operations: string;
  included: string;
  package: string;
  prepaid: string;
  flex: string;
}

export async function getUsageSeries(db: Reader, workspaceId: string, range: UsageRange): Promise<UsageSeries> {
  // Summed per bucket and type in the database: a 90-day range is 90 × types rows, not 2,160 × types.
  // width_bucket gives the number of bucket starts at or before the hour (1 for the first bucket).
  const [types, rows] = await Promise.all([
    listOperationTypes(db),
    run<BucketRow>(
      prismaQueryable(db as Tx),
      sql`SELECT width_bucket(r.hour, ${pgArray(range.buckets.map((start) => start.toISOString()))}::timestamp[]) - 1 AS bucket,
                 r."operationTypeId"::text AS "typeId",
                 sum(r.operations)::text AS operations,
                 sum(r."includedCredits")::text AS included,
                 sum(r."packageCredits")::text AS package,
                 sum(r."prepaidCredits")::text AS prepaid,
                 sum(r."flexCredits")::text AS flex
            FROM "UsageRollupHourly" r
           WHERE r."workspaceId" = ${workspaceId}::uuid
             AND r.hour >= ${range.start.toISOString()}::timestamp
             AND r.hour < ${range.end.toISOString()}::timestamp
           GROUP BY 1, 2`,
    ),
  ]);
  const codeOf = new Map(types.map((type) => [type.id, type.code]));
  const buckets = range.buckets.map(() => ({ operations: new Map<string, bigint>(), credits: zeroSources() }));
  const byType = new Map<string, bigint>(types.map((type) => [type.code, 0n]));
  const bySource = zeroSources();

  for (const row of rows) {
    const bucket = buckets[Number(row.bucket)];
    if (!bucket) continue;
    const code = codeOf.get(row.typeId) ?? row.typeId;
    const operations = BigInt(row.operations);
    bucket.operations.set(code, (bucket.operations.get(code) ?? 0n) + operations);
    byType.set(code, (byType.get(code) ?? 0n) + operations);
    for (const source of CREDIT_SOURCES) {
      const credits = BigInt(row[source]);
      bucket.credits[source] += credits;
      bySource[source] += credits;
    }
  }

  const operations = [...byType.values()].reduce((sum, value) => sum + value, 0n);
  const credits = CREDIT_SOURCES.reduce((sum, source) => sum + bySource[source], 0n);
  return {
    range: {
      kind: range.kind,
      start: range.start.toISOString(),
      end: range.end.toISOString(),
      bucket: range.bucket,
      timeZone: range.timeZone,
    },
    types: types.map((type) => ({ code: type.code, name: type.name })),
    points: range.buckets.map((start, index) => ({
      at: start.toISOString(),
      operations: Object.fromEntries(types.map((type) => [type.code, String(buckets[index]!.operations.get(type.code) ?? 0n)])),
      credits: asStrings(buckets[index]!.credits),
    })),
    totals: {
      operations: String(operations),
      operationsByType: asStrings(Object.fromEntries(byType) as Record<string, bigint>),
      credits: String(credits),
      creditsBySource: asStrings(bySource),
    },
  };
}
