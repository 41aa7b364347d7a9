// Auto top-up (R7.2) on PostgreSQL: a claim that waited for the workspace's
// lock while a top-up committed must see that top-up. (PGlite has one
// connection: the race needs a real server.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/lib/db/connect";
import { grantPrepaid } from "@/lib/db/ledger/grants";
import { runAutoTopUp, saveAutoTopUpSettings } from "@/lib/payments/auto-top-up";
import { TestGateway } from "@/lib/payments/test-gateway";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const NOW = new Date("2027-02-10T12:00:00Z");
const actor = { id: null, email: "owner@test.dev", role: "OWNER" };

describe("auto top-up claims on PostgreSQL", () => {
  let database: TestDatabase;
  let other: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    other = await openDatabase(database.target, { poolSize: 2 });
  }, 60_000);

  afterAll(async () => {
    await other?.close();
    await database?.close();
  });

  it("a claim blocked behind a committing top-up sees the new balance and charges nothing", async () => {
    const gateway = new TestGateway(
      async () => database.prisma,
      () => "http://localhost:3000",
    );
    const ws = await makeWorkspace(database.prisma, { now: NOW, card: "succeed", prepaid: 1_000_000n });
    await saveAutoTopUpSettings(database.prisma, gateway, {
      workspaceId: ws.id,
      enabled: true,
      thresholdCredits: 10_000_000n,
      amountCents: 1000,
      monthlyMax: 5,
      actor,
      now: NOW,
    });
    let claim: Promise<unknown> | null = null;
    await other.prisma.$transaction(
      async (tx) => {
        // What a settling top-up holds: the workspace row, while it grants.
        await tx.$queryRaw`SELECT 1 FROM "Workspace" WHERE "id" = ${ws.id}::uuid FOR UPDATE`;
        claim = runAutoTopUp(database.prisma, gateway, ws.id, NOW, 2_000_000n);
        await new Promise((resolve) => setTimeout(resolve, 500));
        await grantPrepaid(tx, { workspaceId: ws.id, credits: 50_000_000n, kind: "TOP_UP", idempotencyKey: "race-top-up", at: NOW });
      },
      { timeout: 20_000 },
    );
    expect(await claim).toBeNull();
    expect(await database.prisma.testGatewayCharge.count({ where: { customerId: `tgcus_${ws.id}` } })).toBe(0);
  });
});
