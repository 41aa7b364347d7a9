// R8.1 hourly statements: each line its own operations and exact credits,
// and every debit on exactly one statement of its hour — also a debit that
// commits after its hour's statement was issued.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBilling } from "@/lib/db/billing/billing-run";
import { issueHourlyStatements } from "@/lib/db/billing/statements";
import { debitBatch, loadRatingCatalog, type DebitContext, type DebitRequest } from "@/lib/db/ledger/debit";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const CREDITS_PER_USD = 2_000_000n;
const at = (iso: string) => new Date(iso);
const HOUR = at("2029-05-02T10:00:00Z");
const NEXT_HOUR = at("2029-05-02T11:00:00Z");

describe("hourly usage statements (R8.1)", () => {
  let database: TestDatabase;
  let context: DebitContext;
  let keys = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: CREDITS_PER_USD };
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const runAt = (now: Date) => runBilling(database.prisma, { now, creditsPerUsd: CREDITS_PER_USD });
  const debit = (workspaceId: string, operationType: string, operations: bigint, when: Date) =>
    debitBatch(database.prisma, [request(workspaceId, operationType, operations, when)], context);
  const request = (workspaceId: string, operationType: string, operations: bigint, when: Date): DebitRequest => ({
    workspaceId,
    operationType,
    operations,
    idempotencyKey: `s${(keys += 1)}`,
    requestId: `r${keys}`,
    at: when,
  });
  const statementsOf = (workspaceId: string) =>
    database.prisma.usageStatement.findMany({
      where: { workspaceId },
      orderBy: [{ hourStart: "asc" }, { sequence: "asc" }],
      select: {
        hourStart: true,
        sequence: true,
        credits: true,
        lines: { select: { operationType: true, source: true, operations: true, credits: true, description: true } },
      },
    });

  /** The hour's USAGE ledger by source, as credits paid (flex counts up, the others down). */
  async function ledgerOfHour(workspaceId: string, hour: Date) {
    const entries = await database.prisma.ledgerEntry.findMany({
      where: { workspaceId, reason: "USAGE", createdAt: { gte: hour, lt: new Date(hour.getTime() + 3_600_000) } },
      select: { source: true, amount: true },
    });
    const bySource: Record<string, bigint> = {};
    for (const e of entries) bySource[e.source] = (bySource[e.source] ?? 0n) + (e.source === "FLEX" ? e.amount : -e.amount);
    return bySource;
  }

  it("R8.1 the statements of an hour add up to its ledger debits, a debit that commits after the statement included", async () => {
    // Included 50,000, prepaid 30,000, flex on, a 5-search package: every source pays a part.
    const ws = await makeWorkspace(database.prisma, {
      now: at("2029-05-01T00:00:00Z"),
      included: 50_000n,
      prepaid: 30_000n,
      flexEnabled: true,
      packages: [{ code: "search_100k_month", expiresAt: at("2029-05-20T00:00:00Z"), operations: 5n }],
    });
    await debitBatch(
      database.prisma,
      [request(ws.id, "predict", 1_032n, at("2029-05-02T10:15:00Z")), request(ws.id, "search", 1_010n, at("2029-05-02T10:30:00Z"))],
      context,
    );
    await runAt(at("2029-05-02T11:01:01Z"));
    const [first] = await statementsOf(ws.id);
    expect(first).toMatchObject({ hourStart: HOUR, sequence: 1, credits: 76_800n + 10_000n });
    // Predict: 1,000 free, 32 × 2,400 = 76,800: included 50,000 completes 20, prepaid 26,800 completes 12.
    // Search: 1,000 free, 10 × 1,000: the package 5, prepaid's last 3,200 completes 3, flex 1,800 completes 2.
    expect(first!.lines.map((l) => [l.operationType, l.source, l.operations, l.credits])).toEqual(
      expect.arrayContaining([
        ["predict", null, 1_000n, 0n],
        ["predict", "INCLUDED", 20n, 50_000n],
        ["predict", "PREPAID", 12n, 26_800n],
        ["search", null, 1_000n, 0n],
        ["search", "PACKAGE", 5n, 5_000n],
        ["search", "PREPAID", 3n, 3_200n],
        ["search", "FLEX", 2n, 1_800n],
      ]),
    );
    expect(first!.lines).toHaveLength(7);
    expect(first!.lines.map((l) => l.description)).toEqual(
      expect.arrayContaining([
        "Predict: 1,000 operations in the free tier, no charge",
        "Predict: 20 operations, 50,000 credits from included credits",
        "Search: 5 operations, 5,000 credits covered by packages",
        "Search: 2 operations, 1,800 credits on flex, billed at the end of the period",
      ]),
    );

    // A call made at 10:59:59 whose transaction commits only now, after the hour's statement.
    await debit(ws.id, "predict", 5n, at("2029-05-02T10:59:59Z"));
    await runAt(at("2029-05-02T11:02:00Z"));
    const statements = await statementsOf(ws.id);
    expect(statements.map((s) => [s.hourStart, s.sequence, s.credits])).toEqual([
      [HOUR, 1, 86_800n],
      [HOUR, 2, 12_000n],
    ]);
    expect(statements[1]!.lines).toEqual([
      {
        operationType: "predict",
        source: "FLEX",
        operations: 5n,
        credits: 12_000n,
        description: "Predict: 5 operations, 12,000 credits on flex, billed at the end of the period",
      },
    ]);

    // Every source's credits on the hour's statements equal the hour's ledger; the operations equal the usage events'.
    const stated: Record<string, bigint> = {};
    for (const line of statements.flatMap((s) => s.lines)) {
      if (line.source) stated[line.source] = (stated[line.source] ?? 0n) + line.credits;
    }
    expect(stated).toEqual(await ledgerOfHour(ws.id, HOUR));
    const events = await database.prisma.usageEvent.aggregate({
      where: { workspaceId: ws.id, occurredAt: { gte: HOUR, lt: NEXT_HOUR } },
      _sum: { operations: true, credits: true },
    });
    expect(statements.flatMap((s) => s.lines).reduce((sum, l) => sum + l.operations, 0n)).toBe(events._sum.operations);
    expect(statements.reduce((sum, s) => sum + s.credits, 0n)).toBe(events._sum.credits);

    // Nothing new: nothing more is stated.
    await runAt(at("2029-05-02T12:30:00Z"));
    expect(await database.prisma.usageStatement.count({ where: { workspaceId: ws.id, hourStart: HOUR } })).toBe(2);
  });

  it("R8.1 an hour is not stated before it has ended and a minute has passed", async () => {
    const ws = await makeWorkspace(database.prisma, { now: at("2029-06-01T00:00:00Z"), included: 1_000_000n });
    await debit(ws.id, "predict", 3n, at("2029-06-02T10:20:00Z"));
    await runAt(at("2029-06-02T11:00:59Z"));
    expect(await statementsOf(ws.id)).toEqual([]);
    await runAt(at("2029-06-02T11:01:00Z"));
    expect((await statementsOf(ws.id)).map((s) => s.sequence)).toEqual([1]);
  });

  it("R8.1 states many hours in bounded chunks, one statement per hour", async () => {
    const ws = await makeWorkspace(database.prisma, { now: at("2029-07-01T00:00:00Z"), included: 1_000_000n });
    const hours = [0, 1, 2, 3, 4].map((h) => new Date(at("2029-07-02T00:30:00Z").getTime() + h * 3_600_000));
    await debitBatch(
      database.prisma,
      hours.map((when) => request(ws.id, "upload", 7n, when)),
      context,
    );
    // Two workspace-hours per transaction: three transactions for five hours (other tests' hours are stated already).
    await issueHourlyStatements(database.prisma, at("2029-07-02T06:00:00Z"), 2);
    const statements = await statementsOf(ws.id);
    expect(statements.map((s) => [s.hourStart.getUTCHours(), s.sequence])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
    expect(statements.flatMap((s) => s.lines.map((l) => l.description))).toEqual(
      Array(5).fill("Upload: 7 operations in the free tier, no charge"),
    );
  });
});
