import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renewBatch } from "@/lib/db/billing/batch-renewals";
import { cancelAtPeriodEnd } from "@/lib/db/billing/plan-changes";
import { advanceSubscription } from "@/lib/db/billing/subscriptions";
import { debitBatch, loadRatingCatalog } from "@/lib/db/ledger/debit";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const SIGNED_UP = new Date("2027-01-31T10:00:00.000Z");
const AFTER_END = new Date("2027-02-28T10:00:01.000Z");
const CREDITS_PER_USD = 2_000_000n;

// The month close renews plain renewals set-based (renewBatch); everything
// else goes one by one (advanceSubscription). Both must write the same thing.
describe("set-based renewals write what the one-by-one path writes (R4.2, R5.3, R8.6)", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  async function workspaceWithFlexUsage() {
    const ws = await makeWorkspace(database.prisma, {
      planCode: "starter_monthly",
      now: SIGNED_UP,
      included: 24_000n,
      prepaid: 2_400n,
      flexEnabled: true,
    });
    const context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: CREDITS_PER_USD };
    await debitBatch(
      database.prisma,
      [
        {
          workspaceId: ws.id,
          operationType: "predict",
          operations: 1_000n,
          idempotencyKey: "a",
          requestId: "a",
          at: new Date("2027-02-01T00:00:00Z"),
        },
        {
          workspaceId: ws.id,
          operationType: "predict",
          operations: 20n,
          idempotencyKey: "b",
          requestId: "b",
          at: new Date("2027-02-02T00:00:00Z"),
        },
      ],
      context,
    );
    const subscription = await database.prisma.subscription.findFirstOrThrow({
      where: { workspaceId: ws.id, status: "ACTIVE" },
      select: { id: true },
    });
    return { workspaceId: ws.id, subscriptionId: subscription.id };
  }

  /** Everything the renewal wrote, without ids and with ids replaced by what they stand for. */
  async function picture(workspaceId: string) {
    const p = database.prisma;
    const [invoices, ledger, balance, subscription, periods, grants] = await Promise.all([
      p.invoice.findMany({
        where: { workspaceId },
        orderBy: { createdAt: "asc" },
        select: {
          kind: true,
          status: true,
          subtotalCents: true,
          totalCents: true,
          periodStart: true,
          periodEnd: true,
          issuedAt: true,
          dueAt: true,
          paidAt: true,
          lines: {
            orderBy: { position: "asc" },
            select: { description: true, source: true, rule: true, quantity: true, credits: true, amountCents: true },
          },
        },
      }),
      p.ledgerEntry.findMany({
        where: { workspaceId },
        select: { createdAt: true, reason: true, source: true, amount: true, operations: true, memo: true },
      }),
      p.creditBalance.findUniqueOrThrow({
        where: { workspaceId },
        select: { included: true, includedExpiresAt: true, prepaid: true, flexUsed: true, flexPeriodStart: true },
      }),
      p.subscription.findFirstOrThrow({
        where: { workspaceId },
        select: { status: true, anchorDay: true, currentPeriodStart: true, currentPeriodEnd: true, scheduledPlanId: true },
      }),
      p.subscriptionPeriod.findMany({
        where: { workspaceId },
        orderBy: { startsAt: "asc" },
        select: { startsAt: true, endsAt: true, includedGranted: true, closedAt: true, closeReason: true },
      }),
      p.creditGrant.findMany({
        where: { workspaceId },
        select: { kind: true, source: true, amount: true, expiresAt: true, createdAt: true },
      }),
    ]);
    const order = (rows: object[]) => rows.map((row) => JSON.stringify(row, (_, v) => (typeof v === "bigint" ? `${v}n` : v))).sort();
    return { invoices, ledger: order(ledger), balance, subscription, periods, grants: order(grants) };
  }

  it("renews with the same invoice, ledger, balance, period and grant", async () => {
    const batch = await workspaceWithFlexUsage();
    const single = await workspaceWithFlexUsage();
    const result = await renewBatch(
      database.prisma,
      [{ workspaceId: batch.workspaceId, id: batch.subscriptionId }],
      AFTER_END,
      CREDITS_PER_USD,
    );
    expect(result.renewed.map((r) => r.workspaceId)).toEqual([batch.workspaceId]);
    expect(result.left).toEqual([]);
    const events = await advanceSubscription(database.prisma, single.workspaceId, single.subscriptionId, AFTER_END, CREDITS_PER_USD);
    expect(events.events).toHaveLength(1);

    const [a, b] = await Promise.all([picture(batch.workspaceId), picture(single.workspaceId)]);
    expect(a).toEqual(b);
    // The renewal billed the fee in arrears and the flex, and reset included credits.
    // 20 × 2,400 = 48,000 credits: 24,000 included, 2,400 prepaid, 21,600 flex → 1 cent (R5.3, rounded down).
    expect(a.invoices.map((i) => i.totalCents)).toEqual([3000 + 1]);
    expect(a.balance).toMatchObject({ included: 70_000_000n, flexUsed: 0n });
    expect(await ledgerViolations(database.sql, [batch.workspaceId, single.workspaceId])).toEqual([]);
  });

  it("leaves anything but a plain renewal to the one-by-one path, and is idempotent", async () => {
    const plain = await workspaceWithFlexUsage();
    const cancelling = await workspaceWithFlexUsage();
    await cancelAtPeriodEnd(database.prisma, {
      workspaceId: cancelling.workspaceId,
      at: new Date("2027-02-10T00:00:00Z"),
      actor: { id: null, email: "t@t.dev", role: "OWNER" },
    });
    const items = [plain, cancelling].map((w) => ({ workspaceId: w.workspaceId, id: w.subscriptionId }));
    const first = await renewBatch(database.prisma, items, AFTER_END, CREDITS_PER_USD);
    expect(first.renewed.map((r) => r.workspaceId)).toEqual([plain.workspaceId]);
    expect(first.left.map((l) => l.workspaceId)).toEqual([cancelling.workspaceId]);
    const before = await picture(plain.workspaceId);
    const again = await renewBatch(database.prisma, items.slice(0, 1), AFTER_END, CREDITS_PER_USD);
    expect(again.renewed).toEqual([]);
    expect(await picture(plain.workspaceId)).toEqual(before);
  });
});
