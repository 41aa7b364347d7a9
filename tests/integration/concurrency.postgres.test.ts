import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/lib/db/connect";
import { debitBatchSql, loadRatingCatalog, type DebitContext, type DebitOutcome, type DebitRequest } from "@/lib/db/ledger/debit";
import { grantPrepaid } from "@/lib/db/ledger/grants";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { withTransactionRetry } from "@/lib/db/ledger/retry";
import { seededRandom } from "@/lib/db/seed/usage-shape";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const NOW = new Date("2026-11-10T12:00:00.000Z");
const WORKERS = 32;
const ROUNDS_PER_WORKER = 60;

// The row locks only matter where several connections race: PostgreSQL.
// (*.postgres.test.ts files run in the postgres project only; PGlite has one connection.)
describe("concurrent debits, top-ups and retries on PostgreSQL", () => {
  let database: TestDatabase;
  const clients: Database[] = [];
  let context: DebitContext;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: 2_000_000n };
    // Four separate pools: the workers really hold different connections.
    for (let i = 0; i < 4; i += 1) clients.push(await openDatabase(database.target, { poolSize: 8 }));
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) await client.close();
    await database?.close();
  });

  it(`${WORKERS} workers: every key is applied once, no balance goes negative, nothing is charged beyond the credits`, async () => {
    const workspaces = await Promise.all(
      [0, 1, 2].map(() => makeWorkspace(database.prisma, { now: NOW, included: 3_000_000n, prepaid: 1_000_000n, flexEnabled: false })),
    );
    const granted = new Map(workspaces.map((w) => [w.id, 4_000_000n]));
    const sent: DebitRequest[] = [];
    const outcomes: { request: DebitRequest; outcome: DebitOutcome }[] = [];
    const topUps: { workspaceId: string; credits: bigint; key: string; applied: boolean }[] = [];

    await Promise.all(
      Array.from({ length: WORKERS }, async (_, worker) => {
        const random = seededRandom(worker + 1);
        const client = clients[worker % clients.length]!;
        for (let round = 0; round < ROUNDS_PER_WORKER; round += 1) {
          const workspaceId = workspaces[Math.floor(random() * workspaces.length)]!.id;
          const roll = random();
          if (roll < 0.08) {
            // A top-up, sometimes retried with the same key.
            const key = roll < 0.02 && topUps.length > 0 ? topUps[Math.floor(random() * topUps.length)]!.key : `topup-${worker}-${round}`;
            const target = topUps.find((t) => t.key === key)?.workspaceId ?? workspaceId;
            const credits = 200_000n;
            const result = await withTransactionRetry(() =>
              client.prisma.$transaction((tx) =>
                grantPrepaid(tx, { workspaceId: target, credits, kind: "TOP_UP", idempotencyKey: key, at: NOW }),
              ),
            );
            topUps.push({ workspaceId: target, credits, key, applied: result.applied });
            continue;
          }
          const batch: DebitRequest[] = [];
          const size = 1 + Math.floor(random() * 4);
          for (let i = 0; i < size; i += 1) {
            const retry = random() < 0.15 && sent.length > 0;
            batch.push(
              retry
                ? { ...sent[Math.floor(random() * sent.length)]! }
                : {
                    workspaceId: workspaces[Math.floor(random() * workspaces.length)]!.id,
                    operationType: random() < 0.7 ? "predict" : "search",
                    operations: BigInt(1 + Math.floor(random() * 400)),
                    idempotencyKey: `debit-${worker}-${round}-${i}`,
                    requestId: `req-${worker}-${round}-${i}`,
                    at: NOW,
                  },
            );
          }
          sent.push(...batch);
          const results = await debitBatchSql(client.sql, batch, context);
          results.forEach((outcome, i) => outcomes.push({ request: batch[i]!, outcome }));
        }
      }),
    );

    expect(outcomes.length).toBeGreaterThan(1_000);
    expect(
      await ledgerViolations(
        database.sql,
        workspaces.map((w) => w.id),
      ),
    ).toEqual([]);

    // Every key that was ever charged has exactly one usage event, and every
    // outcome for that key reports the same charge.
    const charged = new Map<string, DebitOutcome & { status: "charged" }>();
    for (const { request, outcome } of outcomes) {
      if (outcome.status !== "charged") continue;
      const sources = outcome.sources;
      expect(sources.included + sources.package + sources.prepaid + sources.flex).toBe(outcome.credits);
      const previous = charged.get(request.idempotencyKey);
      if (previous) expect(outcome.credits).toBe(previous.credits);
      else charged.set(request.idempotencyKey, outcome);
    }
    const events = await database.sql.query<{ idempotencyKey: string; n: string }>(
      `SELECT "idempotencyKey", COUNT(*)::text AS n FROM "UsageEvent" WHERE "workspaceId" = ANY($1::uuid[]) GROUP BY "idempotencyKey"`,
      [workspaces.map((w) => w.id)],
    );
    expect(events.every((e) => e.n === "1")).toBe(true);
    expect(new Set(events.map((e) => e.idempotencyKey))).toEqual(new Set(charged.keys()));
    // Retries really happened, and some calls ran out of credits.
    expect(outcomes.some((o) => o.outcome.status === "charged" && o.outcome.replayed)).toBe(true);
    expect(outcomes.some((o) => o.outcome.status === "refused")).toBe(true);

    // Each top-up key was applied once.
    const appliedTopUps = topUps.filter((t) => t.applied);
    expect(new Set(appliedTopUps.map((t) => t.key)).size).toBe(appliedTopUps.length);
    for (const t of appliedTopUps) granted.set(t.workspaceId, granted.get(t.workspaceId)! + t.credits);

    // No debit succeeded without enough credits: flex is off, so what was
    // charged never exceeds what was granted.
    for (const workspace of workspaces) {
      const rows = await database.sql.query<{ credits: string }>(
        `SELECT COALESCE(SUM("credits"), 0)::text AS credits FROM "UsageEvent" WHERE "workspaceId" = $1::uuid`,
        [workspace.id],
      );
      const balance = await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId: workspace.id } });
      expect(BigInt(rows[0]!.credits)).toBeLessThanOrEqual(granted.get(workspace.id)!);
      expect(BigInt(rows[0]!.credits) + balance.included + balance.prepaid).toBe(granted.get(workspace.id)!);
      expect(balance.flexUsed).toBe(0n);
    }
  }, 240_000);
});
