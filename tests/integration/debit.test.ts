import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  debitBatch,
  debitBatchSql,
  loadRatingCatalog,
  type DebitContext,
  type DebitOutcome,
  type DebitRequest,
} from "@/lib/db/ledger/debit";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const NOW = new Date("2026-11-10T12:00:00.000Z");
const LATER = new Date("2027-06-01T00:00:00.000Z");

// The API debits on the driver (debitBatchSql); the seed and the tools through
// Prisma (debitBatch). One engine, two transaction runners: both must pass.
const paths: [string, (database: TestDatabase, requests: DebitRequest[], context: DebitContext) => Promise<DebitOutcome[]>][] = [
  ["the driver", (database, requests, context) => debitBatchSql(database.sql, requests, context)],
  ["Prisma", (database, requests, context) => debitBatch(database.prisma, requests, context)],
];

describe.each(paths)("debits on the ledger through %s (R2.4, R3, R5, R8.3, R14.2)", (_, debitBatchOn) => {
  let database: TestDatabase;
  let context: DebitContext;
  let keys = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: 2_000_000n };
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const request = (workspaceId: string, operations: bigint, overrides: Partial<DebitRequest> = {}): DebitRequest => ({
    workspaceId,
    operationType: "predict",
    operations,
    idempotencyKey: `k${(keys += 1)}`,
    requestId: `req_${keys}`,
    at: NOW,
    ...overrides,
  });
  const debit = async (r: DebitRequest) => (await debitBatchOn(database, [r], context))[0]!;
  const balance = (workspaceId: string) => database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId } });
  const expectConsistent = async (workspaceId: string) => expect(await ledgerViolations(database.sql, [workspaceId])).toEqual([]);

  it("R3.1 the month's first 1,000 predict calls are free; a batch crossing 1,000 is split", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, included: 750_000_000n });
    const first = await debit(request(ws.id, 990n));
    expect(first).toMatchObject({ status: "charged", credits: 0n });
    const crossing = await debit(request(ws.id, 32n));
    // R3.1: 10 free + 22 × 2,400
    expect(crossing).toMatchObject({
      status: "charged",
      operations: 32n,
      credits: 52_800n,
      sources: { included: 52_800n, package: 0n, prepaid: 0n, flex: 0n },
    });
    expect((await balance(ws.id)).included).toBe(750_000_000n - 52_800n);
    await expectConsistent(ws.id);
  });

  it("R3.2 counts start again in a new calendar month: free calls do not roll over", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, included: 10_000_000n, includedExpiresAt: LATER });
    await debit(request(ws.id, 500n));
    const nextMonth = await debit(request(ws.id, 1000n, { at: new Date("2026-12-01T00:00:00.000Z") }));
    expect(nextMonth).toMatchObject({ status: "charged", credits: 0n });
    const beyond = await debit(request(ws.id, 1n, { at: new Date("2026-12-01T00:00:01.000Z") }));
    expect(beyond).toMatchObject({ credits: 2_400n });
  });

  it("R5.1 a package that expires before the included credits pays first, in operations at their rated credits", async () => {
    const ws = await makeWorkspace(database.prisma, {
      now: NOW,
      included: 750_000_000n,
      packages: [{ code: "predict_100k_month", expiresAt: new Date("2026-11-20T00:00:00.000Z"), operations: 10n }],
    });
    await debit(request(ws.id, 1000n)); // the free tier
    const outcome = await debit(request(ws.id, 12n));
    // 10 operations from the package at 2,400 each, 2 from included.
    expect(outcome).toMatchObject({
      status: "charged",
      credits: 28_800n,
      sources: { package: 24_000n, included: 4_800n, prepaid: 0n, flex: 0n },
    });
    const purchase = await database.prisma.packagePurchase.findFirstOrThrow({
      where: { workspaceId: ws.id },
      select: { remainingOperations: true, status: true },
    });
    expect(purchase).toEqual({ remainingOperations: 0n, status: "EXHAUSTED" });
    await expectConsistent(ws.id);
  });

  it("R5.1 included that expires first pays before a later package (and ties go to included)", async () => {
    const ws = await makeWorkspace(database.prisma, {
      now: NOW,
      included: 24_000n,
      packages: [{ code: "predict_1m_year", expiresAt: new Date("2027-11-10T00:00:00.000Z") }],
    });
    await debit(request(ws.id, 1000n));
    const outcome = await debit(request(ws.id, 15n));
    expect(outcome).toMatchObject({ status: "charged", credits: 36_000n, sources: { included: 24_000n, package: 12_000n } });
    await expectConsistent(ws.id);
  });

  it("R5.2–R5.3 prepaid pays after included, then flex when it is on", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, included: 2_400n, prepaid: 4_800n, flexEnabled: true });
    await debit(request(ws.id, 1000n));
    const outcome = await debit(request(ws.id, 5n));
    expect(outcome).toMatchObject({ status: "charged", credits: 12_000n, sources: { included: 2_400n, prepaid: 4_800n, flex: 4_800n } });
    expect(await balance(ws.id)).toMatchObject({ included: 0n, prepaid: 0n, flexUsed: 4_800n });
    await expectConsistent(ws.id);
  });

  it("R5.4 / R2.4 with nothing left the call is refused and nothing is charged or counted", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "free", now: NOW, included: 5_000_000n });
    await debit(request(ws.id, 1000n));
    const ok = await debit(request(ws.id, 2083n)); // 2,083 × 2,400 = 4,999,200
    expect(ok.status).toBe("charged");
    const before = await balance(ws.id);
    const refused = await debit(request(ws.id, 1n));
    expect(refused).toMatchObject({ status: "refused", reason: "insufficient_credits" });
    expect(await balance(ws.id)).toEqual(before);
    const counter = await database.prisma.monthlyUsageCounter.findFirstOrThrow({
      where: { workspaceId: ws.id },
      select: { operations: true },
    });
    expect(counter.operations).toBe(3083n);
    expect(await database.prisma.usageEvent.count({ where: { workspaceId: ws.id } })).toBe(2);
  });

  it("R5.5 with flex billing disabled a call that needs flex is refused", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, included: 0n, flexEnabled: false });
    await debit(request(ws.id, 1000n));
    expect(await debit(request(ws.id, 1n))).toMatchObject({ status: "refused", reason: "flex_off" });
  });

  it("R4.4 pay as you go uses flex only with a card on file", async () => {
    const noCard = await makeWorkspace(database.prisma, { planCode: "payg", now: NOW, flexEnabled: true });
    await debit(request(noCard.id, 1000n));
    expect(await debit(request(noCard.id, 1n))).toMatchObject({ status: "refused", reason: "insufficient_credits" });
    const withCard = await makeWorkspace(database.prisma, { planCode: "payg", now: NOW, flexEnabled: true, card: true });
    await debit(request(withCard.id, 1000n));
    expect(await debit(request(withCard.id, 1n))).toMatchObject({ status: "charged", sources: { flex: 2_400n } });
  });

  it("R8.3 in grace, calls that need flex are refused as arrears while prepaid still works", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, included: 0n, prepaid: 2_400n, flexEnabled: true, billingState: "GRACE" });
    await debit(request(ws.id, 1000n));
    expect(await debit(request(ws.id, 1n))).toMatchObject({ status: "charged", sources: { prepaid: 2_400n } });
    expect(await debit(request(ws.id, 1n))).toMatchObject({ status: "refused", reason: "arrears" });
  });

  it("R8.4 in retention every metered call is refused", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, included: 750_000_000n, billingState: "RETENTION" });
    expect(await debit(request(ws.id, 1n))).toMatchObject({ status: "refused", reason: "retention" });
  });

  it("R14.2 the spend cap stops flex once reached", async () => {
    // $0.01 cap = 20,000 credits of flex.
    const ws = await makeWorkspace(database.prisma, { now: NOW, included: 0n, flexEnabled: true, spendCapCents: 1 });
    await debit(request(ws.id, 1000n));
    expect(await debit(request(ws.id, 8n))).toMatchObject({ status: "charged", sources: { flex: 19_200n } });
    expect(await debit(request(ws.id, 1n))).toMatchObject({ status: "refused", reason: "spend_cap" });
  });

  it("a retry with the same idempotency key is not charged twice, even inside one batch", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, included: 100_000_000n });
    await debit(request(ws.id, 1000n));
    const first = request(ws.id, 10n, { idempotencyKey: "same-key" });
    const [a, b] = await debitBatchOn(database, [first, { ...first, requestId: "req_retry" }], context);
    expect(a).toMatchObject({ status: "charged", replayed: false, credits: 24_000n });
    expect(b).toMatchObject({ status: "charged", replayed: true, credits: 24_000n });
    const again = await debit({ ...first, requestId: "req_later" });
    expect(again).toMatchObject({ status: "charged", replayed: true, credits: 24_000n });
    expect((await balance(ws.id)).included).toBe(100_000_000n - 24_000n);
    await expectConsistent(ws.id);
  });

  it("R8.1 keeps the hourly rollup per type and source equal to the usage events", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, included: 5_000n, prepaid: 100_000n });
    await debitBatchOn(database, [request(ws.id, 1000n), request(ws.id, 2n), request(ws.id, 20n, { operationType: "search" })], context);
    const rollups = await database.prisma.usageRollupHourly.findMany({
      where: { workspaceId: ws.id },
      select: { requests: true, operations: true, credits: true, includedCredits: true, prepaidCredits: true },
    });
    const events = await database.prisma.usageEvent.findMany({
      where: { workspaceId: ws.id },
      select: { operations: true, credits: true },
    });
    const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
    expect(sum(rollups.map((r) => r.operations))).toBe(sum(events.map((e) => e.operations)));
    expect(sum(rollups.map((r) => r.credits))).toBe(sum(events.map((e) => e.credits)));
    expect(sum(rollups.map((r) => r.requests))).toBe(3n);
    expect(sum(rollups.map((r) => r.includedCredits + r.prepaidCredits))).toBe(4_800n);
  });

  it("R8.1 the rollup keeps operations per source (an operation split between two counts for the one that completed it)", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, included: 5_000n, prepaid: 100_000n });
    await debitBatchOn(database, [request(ws.id, 1003n)], context);
    const hour = new Date("2026-11-10T12:00:00.000Z");
    await debitBatchOn(database, [request(ws.id, 1n)], context); // the same row again
    const [row] = await database.prisma.usageRollupHourly.findMany({
      where: { workspaceId: ws.id, hour },
      select: {
        requests: true,
        operations: true,
        includedCredits: true,
        prepaidCredits: true,
        freeOperations: true,
        includedOperations: true,
        prepaidOperations: true,
        packageOperations: true,
        flexOperations: true,
        unstated: true,
      },
    });
    // 1,000 free; 3 × 2,400: included 5,000 completes 2 and starts the third, prepaid completes it; then 1 more from prepaid.
    expect(row).toEqual({
      requests: 2n,
      operations: 1_004n,
      includedCredits: 5_000n,
      prepaidCredits: 2_200n + 2_400n,
      freeOperations: 1_000n,
      includedOperations: 2n,
      prepaidOperations: 2n,
      packageOperations: 0n,
      flexOperations: 0n,
      unstated: true,
    });
  });
  it("R9.1 a revoked key is refused by the debit itself (whatever an API cache believed) and charges nothing", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, included: 10_000_000n });
    const key = await database.prisma.apiKey.create({
      data: { workspaceId: ws.id, name: "gateway", prefix: `mdk_t${keys}`, secretHash: "x".repeat(64) },
    });
    const live = await debit(request(ws.id, 5n, { apiKeyId: key.id }));
    expect(live).toMatchObject({ status: "charged" });
    await database.prisma.apiKey.update({ where: { workspaceId_id: { workspaceId: ws.id, id: key.id } }, data: { revokedAt: NOW } });
    const before = await balance(ws.id);
    const [revoked, keyless] = await debitBatchOn(database, [request(ws.id, 5n, { apiKeyId: key.id }), request(ws.id, 5n)], context);
    expect(revoked).toEqual({ status: "refused", reason: "key_revoked", balance: null });
    expect(keyless).toMatchObject({ status: "charged" });
    expect(await database.prisma.usageEvent.count({ where: { workspaceId: ws.id, apiKeyId: key.id } })).toBe(1);
    expect((await balance(ws.id)).included).toBe(before.included - (keyless as { credits: bigint }).credits);
    await expectConsistent(ws.id);
  });
});
