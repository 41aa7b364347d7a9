// Usage over a range (R10): the Usage page's totals equal the ledger's usage
// entries for the same span, days split in the viewer's time zone, and the CSV
// download holds exactly the rows and totals the page shows, streamed page by
// page past the query's page size.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { debitBatch, loadRatingCatalog, type DebitContext } from "@/lib/db/ledger/debit";
import { usageCsvLines, USAGE_CSV_HEADER } from "@/lib/db/queries/usage-export";
import { getUsageSeries } from "@/lib/db/queries/usage-series";
import { resolveRange } from "@/lib/usage/range";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe("usage over a range", () => {
  let database: TestDatabase;
  let context: DebitContext;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: 2_000_000n };
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const debit = (workspaceId: string, operationType: string, operations: bigint, when: Date) =>
    debitBatch(
      database.prisma,
      [{ workspaceId, operationType, operations, idempotencyKey: randomUUID(), requestId: randomUUID(), at: when }],
      context,
    );

  async function csvOf(workspaceId: string, range: ReturnType<typeof resolveRange>) {
    let text = "";
    for await (const chunk of usageCsvLines(database.prisma, workspaceId, range)) text += chunk;
    const [header, ...rows] = text.trimEnd().split("\r\n");
    return { header: header!.split(","), rows: rows.map((row) => row.split(",")) };
  }

  it("totals equal the ledger's usage entries for the span; days are the viewer's; the CSV has the same rows and totals", async () => {
    const start = at("2027-03-01T00:00:00Z");
    const ws = await makeWorkspace(database.prisma, {
      planCode: "growth_monthly",
      now: start,
      included: 750_000_000n,
      prepaid: 10_000_000n,
    });
    // 23:30 UTC on the 10th is the 11th in Tokyo (UTC+9) and still the 10th in New York.
    await debit(ws.id, "predict", 1_500n, at("2027-03-10T23:30:00Z"));
    await debit(ws.id, "upload", 4_000n, at("2027-03-12T08:00:00Z"));
    await debit(ws.id, "predict", 700n, at("2027-03-14T15:00:00Z"));
    const now = at("2027-03-15T10:00:00Z");

    const tokyo = await getUsageSeries(database.prisma, ws.id, resolveRange({ kind: "30d", timeZone: "Asia/Tokyo" }, now, null));
    const ny = await getUsageSeries(database.prisma, ws.id, resolveRange({ kind: "30d", timeZone: "America/New_York" }, now, null));
    const dayOf = (series: typeof tokyo, iso: string) => series.points.find((p) => p.at === iso)!;
    expect(dayOf(tokyo, "2027-03-10T15:00:00.000Z").operations.predict).toBe("1500"); // Tokyo's March 11
    expect(dayOf(ny, "2027-03-10T05:00:00.000Z").operations.predict).toBe("1500"); // New York's March 10
    expect(tokyo.totals).toEqual(ny.totals);

    const ledger = await database.prisma.ledgerEntry.groupBy({
      by: ["source"],
      where: { workspaceId: ws.id, reason: "USAGE" },
      _sum: { amount: true },
    });
    // Spending is written negative (flex, which counts up, is not used here).
    const fromLedger = Object.fromEntries(ledger.map((row) => [row.source.toLowerCase(), String(-(row._sum.amount ?? 0n))]));
    for (const source of ["included", "prepaid"] as const) expect(tokyo.totals.creditsBySource[source]).toBe(fromLedger[source] ?? "0");
    expect(tokyo.totals.operations).toBe("6200");
    expect(BigInt(tokyo.totals.credits)).toBe(Object.values(tokyo.totals.creditsBySource).reduce((sum, value) => sum + BigInt(value), 0n));

    const csv = await csvOf(ws.id, resolveRange({ kind: "30d", timeZone: "Asia/Tokyo" }, now, null));
    expect(csv.header).toEqual(USAGE_CSV_HEADER);
    expect(csv.rows.map((row) => [row[0], row[1], row[2], row[3]])).toEqual([
      ["2027-03-10T23:00:00.000Z", "2027-03-11 08:00", "predict", "1500"],
      ["2027-03-12T08:00:00.000Z", "2027-03-12 17:00", "upload", "4000"],
      ["2027-03-14T15:00:00.000Z", "2027-03-15 00:00", "predict", "700"],
    ]);
    const column = (name: string) => csv.rows.reduce((sum, row) => sum + BigInt(row[USAGE_CSV_HEADER.indexOf(name)]!), 0n);
    expect(String(column("operations"))).toBe(tokyo.totals.operations);
    expect(String(column("credits"))).toBe(tokyo.totals.credits);
    expect(String(column("included_credits"))).toBe(tokyo.totals.creditsBySource.included);
    expect(String(column("prepaid_credits"))).toBe(tokyo.totals.creditsBySource.prepaid);
  });

  it("streams past its page size: every hour of a long range once, in order", async () => {
    const start = at("2026-01-01T00:00:00Z");
    const ws = await makeWorkspace(database.prisma, { planCode: "growth_monthly", now: start });
    const types = await database.prisma.operationType.findMany({ where: { code: { in: ["predict", "upload"] } }, select: { id: true } });
    // 300 days × 24 hours × 2 types = 14,400 rows: three pages of 5,000.
    const rows = [];
    for (let h = 0; h < 300 * 24; h += 1) {
      for (const type of types)
        rows.push({
          workspaceId: ws.id,
          hour: new Date(start.getTime() + h * HOUR),
          operationTypeId: type.id,
          operations: 10n,
          credits: 100n,
          includedCredits: 100n,
        });
    }
    await database.prisma.usageRollupHourly.createMany({ data: rows });
    const range = resolveRange({ kind: "custom", from: "2026-01-01", to: "2026-12-31", timeZone: "UTC" }, at("2027-01-05T00:00:00Z"), null);
    const csv = await csvOf(ws.id, range);
    expect(csv.rows).toHaveLength(14_400);
    const hours = csv.rows.map((row) => row[0]!);
    expect([...hours].sort()).toEqual(hours);
    expect(new Set(csv.rows.map((row) => `${row[0]}|${row[2]}`)).size).toBe(14_400);
    const series = await getUsageSeries(database.prisma, ws.id, range);
    expect(series.totals.operations).toBe(String(14_400n * 10n));
    expect(series.points).toHaveLength(365);
  });
});
