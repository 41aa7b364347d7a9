// Auto top-up (R7.2) on a real database: the debit reports the crossing, the
// runner charges once per crossing, at most N times a month, and a decline
// turns auto top-up off and tells the owners.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/lib/db/connect";
import { debitBatchSql, loadRatingCatalog, type DebitContext, type DebitOutcome } from "@/lib/db/ledger/debit";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { TestGateway } from "@/lib/payments/test-gateway";
import { runAutoTopUp, runDueAutoTopUps, saveAutoTopUpSettings } from "@/lib/payments/auto-top-up";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const CREDITS_PER_USD = 2_000_000n;
const NOW = new Date("2027-02-10T12:00:00Z");
const actor = { id: null, email: "owner@test.dev", role: "OWNER" };
// Predict: the month's first 1,000 are free, then 2,400 credits each (R3.4).
const PREDICT = 2_400n;

describe("auto top-up (R7.2)", () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let context: DebitContext;
  const clients: Database[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    gateway = new TestGateway(
      async () => database.prisma,
      () => "http://localhost:3000",
    );
    context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: CREDITS_PER_USD };
    // Separate pools on PostgreSQL, so that concurrent debits hold different connections.
    const pools = process.env.TEST_DB === "postgres" ? 4 : 0;
    for (let i = 0; i < pools; i += 1) clients.push(await openDatabase(database.target, { poolSize: 8 }));
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) await client.close();
    await database?.close();
  });

  const prepaidOf = async (workspaceId: string) =>
    (await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId }, select: { prepaid: true } })).prepaid;
  const chargesOf = (workspaceId: string) => database.prisma.testGatewayCharge.findMany({ where: { customerId: `tgcus_${workspaceId}` } });

  async function workspaceWithAutoTopUp(card: "succeed" | "decline", prepaid: bigint, monthlyMax = 3) {
    const ws = await makeWorkspace(database.prisma, { now: NOW, card, prepaid, included: 0n });
    await spendFreeTier(ws.id);
    await saveAutoTopUpSettings(database.prisma, gateway, {
      workspaceId: ws.id,
      enabled: true,
      thresholdCredits: 10_000_000n,
      amountCents: 1000,
      monthlyMax,
      actor,
      now: NOW,
    });
    return ws;
  }

  /** The month's free predict operations, used up first so that each later one costs PREDICT. */
  const spendFreeTier = (workspaceId: string) =>
    debitBatchSql(
      database.sql,
      [
        {
          workspaceId,
          operationType: "predict",
          operations: 1000n,
          idempotencyKey: "free",
          requestId: "free",
          at: new Date(NOW.getTime() - 3_600_000),
        },
      ],
      context,
    );

  const debitOne = (workspaceId: string, i: number, sql = database.sql): Promise<DebitOutcome> =>
    debitBatchSql(
      sql,
      [
        {
          workspaceId,
          operationType: "predict",
          operations: 1n,
          idempotencyKey: `op-${i}`,
          requestId: `req-${i}`,
          at: new Date(NOW.getTime() + i),
        },
      ],
      context,
    ).then((outcomes) => outcomes[0]!);

  it("32 concurrent debits crossing the threshold → exactly one charge", async () => {
    // 10,002,400: the first debit crosses below 10,000,000, and so does every later one.
    const ws = await workspaceWithAutoTopUp("succeed", 10_000_000n + PREDICT);
    const pools = clients.length > 0 ? clients.map((c) => c.sql) : [database.sql];
    const outcomes = await Promise.all(
      Array.from({ length: 32 }, async (_, i) => {
        const outcome = await debitOne(ws.id, i, pools[i % pools.length]);
        // What the server's runner does after each commit that reports a crossing.
        if (outcome.status === "charged" && outcome.autoTopUp) await runAutoTopUp(database.prisma, gateway, ws.id, NOW, CREDITS_PER_USD);
        return outcome;
      }),
    );
    expect(outcomes.every((o) => o.status === "charged")).toBe(true);
    expect(outcomes.some((o) => o.status === "charged" && o.autoTopUp)).toBe(true);
    expect(await chargesOf(ws.id)).toHaveLength(1);
    // $10 = 20,000,000 credits, once; 32 operations spent.
    expect(await prepaidOf(ws.id)).toBe(10_000_000n + PREDICT + 20_000_000n - 32n * PREDICT);
    expect(await database.prisma.invoice.count({ where: { workspaceId: ws.id, kind: "TOP_UP", status: "PAID" } })).toBe(1);
    // The sweep finds nothing more to do: prepaid is back above the threshold.
    await runDueAutoTopUps(database.prisma, gateway, NOW, CREDITS_PER_USD);
    expect(await chargesOf(ws.id)).toHaveLength(1);
    expect(await ledgerViolations(database.sql, [ws.id])).toEqual([]);
  });

  it("a debit above the threshold reports nothing; the one that crosses it does", async () => {
    const ws = await workspaceWithAutoTopUp("succeed", 10_000_000n + 2n * PREDICT);
    const first = await debitOne(ws.id, 100);
    expect(first.status === "charged" && first.autoTopUp).toBeFalsy();
    const second = await debitOne(ws.id, 101);
    expect(second.status === "charged" && second.autoTopUp).toBeFalsy();
    const third = await debitOne(ws.id, 102);
    expect(third.status === "charged" && third.autoTopUp).toBe(true);
  });

  it("once per crossing: a top-up that leaves prepaid below the threshold is not repeated until it is back above", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, card: "succeed", prepaid: 1_000_000n, included: 0n });
    await saveAutoTopUpSettings(database.prisma, gateway, {
      workspaceId: ws.id,
      enabled: true,
      thresholdCredits: 100_000_000n, // above what $10 buys
      amountCents: 1000,
      monthlyMax: 10,
      actor,
      now: NOW,
    });
    await runAutoTopUp(database.prisma, gateway, ws.id, NOW, CREDITS_PER_USD);
    await runAutoTopUp(database.prisma, gateway, ws.id, NOW, CREDITS_PER_USD);
    await runDueAutoTopUps(database.prisma, gateway, NOW, CREDITS_PER_USD);
    expect(await chargesOf(ws.id)).toHaveLength(1);
    expect(await prepaidOf(ws.id)).toBe(21_000_000n);
  });

  it("at most the customer's number a month; the count starts again next month", async () => {
    const ws = await workspaceWithAutoTopUp("succeed", 0n, 2);
    const spend = async (at: Date, i: number) => {
      // Spend the prepaid back below the threshold by hand: a correction-free way is a large debit.
      await debitBatchSql(
        database.sql,
        [{ workspaceId: ws.id, operationType: "predict", operations: 5_000n, idempotencyKey: `big-${i}`, requestId: `big-${i}`, at }],
        context,
      );
    };
    for (let i = 0; i < 4; i += 1) {
      await runAutoTopUp(database.prisma, gateway, ws.id, NOW, CREDITS_PER_USD);
      await spend(NOW, i);
    }
    expect(await chargesOf(ws.id)).toHaveLength(2);
    const nextMonth = new Date("2027-03-01T00:00:01Z");
    await runAutoTopUp(database.prisma, gateway, ws.id, nextMonth, CREDITS_PER_USD);
    expect(await chargesOf(ws.id)).toHaveLength(3);
  });

  it("a decline turns auto top-up off, grants nothing and tells the owner", async () => {
    const ws = await workspaceWithAutoTopUp("decline", 0n);
    const outcome = await runAutoTopUp(database.prisma, gateway, ws.id, NOW, CREDITS_PER_USD);
    expect(outcome?.status).toBe("FAILED");
    expect(await prepaidOf(ws.id)).toBe(0n);
    const workspace = await database.prisma.workspace.findUniqueOrThrow({ where: { id: ws.id } });
    expect(workspace.autoTopUpEnabled).toBe(false);
    const notices = await database.prisma.notificationOutbox.findMany({ where: { workspaceId: ws.id, kind: "auto_top_up_declined" } });
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body).toContain("$10.00");
    // Off: nothing more is tried.
    expect(await runAutoTopUp(database.prisma, gateway, ws.id, NOW, CREDITS_PER_USD)).toBeNull();
    expect(await chargesOf(ws.id)).toHaveLength(1);
  });

  it("cannot be turned on without a card on file", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW });
    await expect(
      saveAutoTopUpSettings(database.prisma, gateway, {
        workspaceId: ws.id,
        enabled: true,
        thresholdCredits: 1n,
        amountCents: 1000,
        monthlyMax: 1,
        actor,
        now: NOW,
      }),
    ).rejects.toThrow(/Add a card/);
    expect((await database.prisma.workspace.findUniqueOrThrow({ where: { id: ws.id } })).autoTopUpEnabled).toBe(false);
  });
});
