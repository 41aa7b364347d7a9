// DebitQueue (group commit): a batch whose transaction fails is retried one
// request at a time, so one bad request fails alone and the others are charged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlRunner } from "@/lib/db/connect";
import type { DebitOutcome, DebitRequest } from "@/lib/db/ledger/debit";
import { loadRatingCatalog, type DebitContext } from "@/lib/db/ledger/debit";
import { DebitQueue } from "@/lib/db/ledger/debit-queue";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const NOW = new Date("2026-11-10T12:00:00.000Z");

describe("the debit queue (group commit)", () => {
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

  it("retries a failed batch one by one: the request that breaks the transaction rejects, the others are charged once", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, included: 100_000_000n });
    // Count the transactions, to see the batch fail and the retries one by one.
    let transactions = 0;
    const sql: SqlRunner = {
      ...database.sql,
      transaction(work) {
        transactions += 1;
        return database.sql.transaction(work);
      },
    };
    const queue = new DebitQueue(sql, async () => context, { maxBatch: 10 });
    const request = (key: string, overrides: Partial<DebitRequest> = {}): DebitRequest => ({
      workspaceId: ws.id,
      operationType: "predict",
      operations: 1_000n,
      idempotencyKey: key,
      requestId: `req-${key}`,
      at: NOW,
      ...overrides,
    });

    // The first debit goes alone; the next three wait for it and go as one batch.
    const first = queue.debit(request("first"));
    const batch = [
      queue.debit(request("a", { operations: 10n })),
      // Not a uuid: the facts read fails, and with it the batch's transaction.
      queue.debit(request("broken", { apiKeyId: "not-a-uuid" })),
      queue.debit(request("b", { operations: 20n })),
    ];
    const settled = await Promise.allSettled([first, ...batch]);

    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const charged = settled.filter((s): s is PromiseFulfilledResult<DebitOutcome> => s.status === "fulfilled").map((s) => s.value);
    expect(charged.map((o) => o.status === "charged" && [o.replayed, o.operations, o.credits])).toEqual([
      [false, 1_000n, 0n],
      [false, 10n, 24_000n],
      [false, 20n, 48_000n],
    ]);
    // The first alone, the batch of three (rolled back), then each of the three on its own.
    expect(transactions).toBe(5);
    const events = await database.prisma.usageEvent.findMany({ where: { workspaceId: ws.id }, select: { idempotencyKey: true } });
    expect(events.map((e) => e.idempotencyKey).sort()).toEqual(["a", "b", "first"]);
    expect(await ledgerViolations(database.sql, [ws.id])).toEqual([]);
  });

  it("debits a whole batch in one lock, one read and one write, whatever its size and number of workspaces", async () => {
    const workspaces = await Promise.all(
      [0, 1, 2].map(() => makeWorkspace(database.prisma, { now: NOW, included: 100_000_000n, prepaid: 1_000n })),
    );
    const perTransaction: number[] = [];
    const sql: SqlRunner = {
      ...database.sql,
      transaction(work) {
        return database.sql.transaction((tx) => {
          const counted = perTransaction.push(0) - 1;
          return work({
            ...tx,
            query: <Row>(text: string, params?: unknown[]) => {
              perTransaction[counted]! += 1;
              return tx.query<Row>(text, params);
            },
          });
        });
      },
    };
    const queue = new DebitQueue(sql, async () => context, { maxBatch: 200 });
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        queue.debit({
          workspaceId: workspaces[i % 3]!.id,
          operationType: i % 2 === 0 ? "predict" : "search",
          operations: BigInt(1 + (i % 7)),
          idempotencyKey: `many-${i}`,
          requestId: `many-${i}`,
          at: new Date(NOW.getTime() + i * 60_000),
        }),
      ),
    );
    expect(outcomes.every((o) => o.status === "charged")).toBe(true);
    // The first debit alone, the other 59 as one batch: three statements each.
    expect(perTransaction).toEqual([3, 3]);
    expect(
      await ledgerViolations(
        database.sql,
        workspaces.map((w) => w.id),
      ),
    ).toEqual([]);
  });
});
