// R9.1 idempotency keys: kept 24 h with their answer; after that the same key
// is a new request, and the billing run forgets the keys whose 24 hours are over.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBilling } from "@/lib/db/billing/billing-run";
import { claimIdempotencyKey, IDEMPOTENCY_TTL_MS, purgeExpiredIdempotencyKeys, storeIdempotentResponse } from "@/lib/db/idempotency";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const T0 = new Date("2030-01-10T12:00:00.000Z");
const later = (ms: number) => new Date(T0.getTime() + ms);

describe("idempotency keys (R9.1)", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const claim = (workspaceId: string, key: string, now: Date, requestHash = "hash-a") =>
    claimIdempotencyKey(database.prisma, { workspaceId, key, requestHash, now });
  const keysOf = (workspaceId: string) =>
    database.prisma.idempotencyKey.findMany({ where: { workspaceId }, select: { key: true }, orderBy: { key: "asc" } });

  it("R9.1 within 24 h a retry gets the first answer; after 24 h the key is a new request, even before any purge", async () => {
    const ws = await makeWorkspace(database.prisma, { now: T0 });
    expect(await claim(ws.id, "k", T0)).toEqual({ kind: "new", since: T0 });
    await storeIdempotentResponse(database.prisma, { workspaceId: ws.id, key: "k", status: 200, body: "first" });
    expect(await claim(ws.id, "k", later(IDEMPOTENCY_TTL_MS - 1))).toEqual({ kind: "answered", status: 200, body: "first" });
    expect(await claim(ws.id, "k", later(IDEMPOTENCY_TTL_MS - 1), "hash-b")).toEqual({ kind: "mismatch" });
    // 24 h later, the row still there: a new use of the key, with a new `since` (so a new debit key), even with another body.
    const renewed = later(IDEMPOTENCY_TTL_MS);
    expect(await claim(ws.id, "k", renewed, "hash-b")).toEqual({ kind: "new", since: renewed });
    expect(await claim(ws.id, "k", later(IDEMPOTENCY_TTL_MS + 1_000), "hash-b")).toEqual({ kind: "pending", since: renewed });
  });

  it("R9.1 the billing run purges the keys older than 24 h and keeps the others", async () => {
    const ws = await makeWorkspace(database.prisma, { now: T0 });
    await claim(ws.id, "old", T0);
    await storeIdempotentResponse(database.prisma, { workspaceId: ws.id, key: "old", status: 200, body: "{}" });
    await claim(ws.id, "recent", later(3_600_000));
    const summary = await runBilling(database.prisma, { now: later(IDEMPOTENCY_TTL_MS + 60_000), creditsPerUsd: 2_000_000n });
    expect(summary.idempotencyKeysPurged).toBeGreaterThanOrEqual(1);
    expect(await keysOf(ws.id)).toEqual([{ key: "recent" }]);
    // The same instant again: nothing left to purge.
    expect(
      (await runBilling(database.prisma, { now: later(IDEMPOTENCY_TTL_MS + 60_000), creditsPerUsd: 2_000_000n })).idempotencyKeysPurged,
    ).toBe(0);
  });

  it("purges in bounded chunks until every expired key is gone", async () => {
    const ws = await makeWorkspace(database.prisma, { now: T0 });
    for (const key of ["a", "b", "c", "d", "e"]) await claim(ws.id, key, later(-IDEMPOTENCY_TTL_MS * 3));
    await claim(ws.id, "live", T0);
    // Five expired keys (and any left by other tests) two at a time.
    expect(await purgeExpiredIdempotencyKeys(database.prisma, later(1_000), 2)).toBeGreaterThanOrEqual(5);
    expect(await keysOf(ws.id)).toEqual([{ key: "live" }]);
  });
});
