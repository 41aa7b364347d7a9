import "server-only";

// The Usage page's CSV download (R10): every hour of the range with usage, one
// row per operation type, with its operations and its credits by source —
// exact integers, as the hourly rollup keeps them. Read in pages by the
// rollup's own key (keyset, never OFFSET) and written as it is read, so a
// year of hourly rows streams without being held in memory.
import type { Tx } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { localDateTime, type UsageRange } from "@/lib/usage/range";
import { listOperationTypes } from "./catalog";

type Reader = PrismaClient | Tx;

const PAGE = 5_000;

export const USAGE_CSV_HEADER = [
  "hour_utc",
  "local_time",
  "operation_type",
  "operations",
  "credits",
  "included_credits",
  "package_credits",
  "prepaid_credits",
  "flex_credits",
];

/** Quotes a field that needs it (commas, quotes, line breaks), as RFC 4180 says. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The CSV's lines, header first, each ending in CRLF; read page by page as the consumer pulls. */
export async function* usageCsvLines(db: Reader, workspaceId: string, range: UsageRange): AsyncGenerator<string> {
  const types = await listOperationTypes(db);
  const codeOf = new Map(types.map((type) => [type.id, type.code]));
  yield `${USAGE_CSV_HEADER.join(",")}\r\n`;
  let after: { hour: Date; operationTypeId: string } | null = null;
  for (;;) {
    const rows: {
      hour: Date;
      operationTypeId: string;
      operations: bigint;
      credits: bigint;
      includedCredits: bigint;
      packageCredits: bigint;
      prepaidCredits: bigint;
      flexCredits: bigint;
    }[] = await db.usageRollupHourly.findMany({
      where: { workspaceId, hour: { gte: range.start, lt: range.end } },
      orderBy: [{ hour: "asc" }, { operationTypeId: "asc" }],
      take: PAGE,
      ...(after ? { cursor: { workspaceId_hour_operationTypeId: { workspaceId, ...after } }, skip: 1 } : {}),
      select: {
        hour: true,
        operationTypeId: true,
        operations: true,
        credits: true,
        includedCredits: true,
        packageCredits: true,
        prepaidCredits: true,
        flexCredits: true,
      },
    });
    let chunk = "";
    for (const row of rows) {
      if (row.operations === 0n && row.credits === 0n) continue;
      chunk += [
        row.hour.toISOString(),
        localDateTime(row.hour, range.timeZone),
        csvField(codeOf.get(row.operationTypeId) ?? row.operationTypeId),
        row.operations,
        row.credits,
        row.includedCredits,
        row.packageCredits,
        row.prepaidCredits,
        row.flexCredits,
      ].join(",");
      chunk += "\r\n";
    }
    if (chunk) yield chunk;
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = { hour: last.hour, operationTypeId: last.operationTypeId };
  }
}
