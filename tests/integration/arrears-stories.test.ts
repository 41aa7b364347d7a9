// The two arrears stories of issue 9, driven by the billing run as
// `billing:run --now` drives it (R8.3–R8.6): a declined plan fee → grace →
// retention → paid and restored; and one that runs past retention → deleted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ARREARS_POLICY } from "@/lib/billing/arrears";
import { createApiKey } from "@/lib/db/api-keys";
import { runBilling } from "@/lib/db/billing/billing-run";
import { debitBatch, loadRatingCatalog, type DebitContext, type DebitRequest } from "@/lib/db/ledger/debit";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { payInvoice } from "@/lib/payments/collect";
import { buyPackage } from "@/lib/payments/packages";
import { TestGateway } from "@/lib/payments/test-gateway";
import { buyCredits } from "@/lib/payments/top-ups";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace, putCard } from "../helpers/factories";

const CREDITS_PER_USD = 2_000_000n;
const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);
const plus = (instant: Date, days: number) => new Date(instant.getTime() + days * DAY);
const owner = { id: null, email: "owner@test.dev", role: "OWNER" };
const SIGN_UP = at("2027-01-10T09:00:00Z");
const FEE_DUE = at("2027-02-10T09:00:00Z");

describe("arrears stories through the billing run (R8.3–R8.6)", () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let context: DebitContext;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    gateway = new TestGateway(
      async () => database.prisma,
      () => "http://localhost:3000",
    );
    context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: CREDITS_PER_USD };
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const run = (now: Date) =>
    runBilling(database.prisma, { now, creditsPerUsd: CREDITS_PER_USD, gateway, arrears: DEFAULT_ARREARS_POLICY, deliverEmail: false });
  const stateOf = (workspaceId: string) =>
    database.prisma.workspace.findUniqueOrThrow({
      where: { id: workspaceId },
      select: { billingState: true, arrearsSince: true, graceEndsAt: true, retentionEndsAt: true, dataDeletedAt: true },
    });
  const noticesOf = (workspaceId: string, kind: string) =>
    database.prisma.notificationOutbox.findMany({ where: { workspaceId, kind }, select: { createdAt: true, body: true } });
  let n = 0;
  const debit = (workspaceId: string, operations: bigint, instant: Date) => {
    n += 1;
    const request: DebitRequest = {
      workspaceId,
      operationType: "predict",
      operations,
      idempotencyKey: `s-${n}`,
      requestId: `s-${n}`,
      at: instant,
    };
    return debitBatch(database.prisma, [request], context).then((outcomes) => outcomes[0]!);
  };

  async function declinedStarter() {
    const ws = await makeWorkspace(database.prisma, {
      planCode: "starter_monthly",
      now: SIGN_UP,
      card: "decline",
      flexEnabled: true,
      prepaid: 10_000_000n,
    });
    await createApiKey(database.prisma, { workspaceId: ws.id, name: "prod", actor: owner, now: SIGN_UP });
    // Usage in the first period: the free tier, then some that costs.
    await debit(ws.id, 1_200n, at("2027-01-20T12:00:00Z"));
    return ws;
  }

  it("declined → arrears (flex refused with 11101, prepaid still works, a package refused) → grace ends → retention (every call refused, 11102) → pays → restored on the original period dates", async () => {
    const ws = await declinedStarter();
    await run(plus(FEE_DUE, 0.05));
    const fee = await database.prisma.invoice.findFirstOrThrow({ where: { workspaceId: ws.id, kind: "PLAN_FEE" } });
    expect(fee).toMatchObject({ status: "OPEN", collectionAttempts: 1 });
    const grace = await stateOf(ws.id);
    expect(grace.billingState).toBe("GRACE");
    expect(grace.graceEndsAt).toEqual(plus(grace.arrearsSince!, 15));
    expect(grace.retentionEndsAt).toEqual(plus(grace.arrearsSince!, 30));
    expect(await noticesOf(ws.id, "payment_failed")).toHaveLength(1);

    // In grace: what needs flex is refused (→ 11101), remaining credits still pay, nothing can be bought but top-ups.
    const t = plus(FEE_DUE, 1.5);
    expect(await debit(ws.id, 1_000_000n, t)).toMatchObject({ status: "refused", reason: "arrears" });
    const small = await debit(ws.id, 1n, t);
    expect(small.status).toBe("charged");
    await expect(
      buyPackage(database.prisma, gateway, {
        workspaceId: ws.id,
        packageCode: "predict_100k_month",
        autoRenew: false,
        requestId: "p1",
        actor: owner,
        now: t,
        creditsPerUsd: CREDITS_PER_USD,
      }),
    ).rejects.toThrow(/overdue|unpaid|arrears|pay/i);
    expect(await database.prisma.packagePurchase.count({ where: { workspaceId: ws.id } })).toBe(0);

    // The retries of days 1, 3, 5 and 7 fail with the declining card; the grace period ends.
    for (let day = 1; day <= 15; day += 1) await run(plus(grace.arrearsSince!, day));
    expect((await stateOf(ws.id)).billingState).toBe("RETENTION");
    const graceWarnings = await noticesOf(ws.id, "grace_ending");
    expect(graceWarnings.length).toBeGreaterThanOrEqual(1);
    expect(graceWarnings.every((w) => w.createdAt < grace.graceEndsAt!)).toBe(true);
    const attempts = await database.prisma.payment.count({ where: { workspaceId: ws.id, invoiceId: fee.id } });
    expect(attempts).toBe(5);

    // In retention every call is refused (→ 11102), even one the remaining credits could pay.
    expect(await debit(ws.id, 1n, plus(grace.graceEndsAt!, 0.1))).toMatchObject({ status: "refused", reason: "retention" });

    // Pays with a new card: restored at once, and the periods stay on their anniversaries.
    const paidAt = plus(grace.graceEndsAt!, 1);
    await putCard(database.prisma, ws.id, "succeed", paidAt);
    const paid = await payInvoice(database.prisma, gateway, {
      workspaceId: ws.id,
      invoiceId: fee.id,
      actor: owner,
      now: paidAt,
      creditsPerUsd: CREDITS_PER_USD,
    });
    expect(paid.status).toBe("SUCCEEDED");
    const restored = await stateOf(ws.id);
    expect(restored).toMatchObject({
      billingState: "GOOD",
      arrearsSince: null,
      graceEndsAt: null,
      retentionEndsAt: null,
      dataDeletedAt: null,
    });
    const subscription = await database.prisma.subscription.findFirstOrThrow({ where: { workspaceId: ws.id, status: "ACTIVE" } });
    expect(subscription.currentPeriodStart).toEqual(FEE_DUE);
    expect(subscription.currentPeriodEnd).toEqual(at("2027-03-10T09:00:00Z"));
    expect(await debit(ws.id, 1_000_000n, plus(paidAt, 0.01))).toMatchObject({ status: "charged" });
    // The next run charges nothing more for the paid invoice.
    await run(plus(paidAt, 1));
    expect(await database.prisma.payment.count({ where: { workspaceId: ws.id, invoiceId: fee.id } })).toBe(attempts + 1);
    expect(await ledgerViolations(database.sql, [ws.id])).toEqual([]);
  });

  it("a top-up in arrears proves the card works: what is overdue is charged at once and service comes back", async () => {
    const ws = await declinedStarter();
    await run(plus(FEE_DUE, 0.05));
    expect((await stateOf(ws.id)).billingState).toBe("GRACE");
    const t = plus(FEE_DUE, 2);
    await putCard(database.prisma, ws.id, "succeed", t);
    const topUp = await buyCredits(database.prisma, gateway, {
      workspaceId: ws.id,
      amountCents: 2000,
      requestId: "arrears-top-up",
      actor: owner,
      now: t,
      creditsPerUsd: CREDITS_PER_USD,
    });
    expect(topUp.status).toBe("SUCCEEDED");
    expect((await stateOf(ws.id)).billingState).toBe("GOOD");
    expect((await database.prisma.invoice.findFirstOrThrow({ where: { workspaceId: ws.id, kind: "PLAN_FEE" } })).status).toBe("PAID");
  });

  it("runs past retention: API keys and usage deleted, invoices and the audit trail kept, an email before each transition", async () => {
    const ws = await declinedStarter();
    await run(plus(FEE_DUE, 0.05));
    const { arrearsSince, graceEndsAt, retentionEndsAt } = await stateOf(ws.id);
    for (let day = 1; day <= 31; day += 1) await run(plus(arrearsSince!, day));
    const deleted = await stateOf(ws.id);
    expect(deleted.billingState).toBe("DELETED");
    expect(deleted.dataDeletedAt).not.toBeNull();
    expect(await database.prisma.apiKey.count({ where: { workspaceId: ws.id } })).toBe(0);
    expect(await database.prisma.usageEvent.count({ where: { workspaceId: ws.id } })).toBe(0);
    expect(await database.prisma.usageRollupHourly.count({ where: { workspaceId: ws.id } })).toBe(0);
    expect(await database.prisma.invoice.count({ where: { workspaceId: ws.id } })).toBeGreaterThanOrEqual(1);
    const audit = await database.prisma.auditLog.findMany({ where: { workspaceId: ws.id }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["arrears.grace_started", "arrears.retention_started", "arrears.data_deleted"]),
    );
    // Warned before each transition.
    const graceWarnings = await noticesOf(ws.id, "grace_ending");
    const deletionWarnings = await noticesOf(ws.id, "retention_ending");
    expect(graceWarnings.length).toBeGreaterThanOrEqual(1);
    expect(deletionWarnings.length).toBeGreaterThanOrEqual(1);
    expect(graceWarnings.every((w) => w.createdAt < graceEndsAt!)).toBe(true);
    expect(deletionWarnings.every((w) => w.createdAt < retentionEndsAt! && w.createdAt >= graceEndsAt!)).toBe(true);
    // Running again changes nothing.
    await run(plus(arrearsSince!, 31));
    expect((await stateOf(ws.id)).dataDeletedAt).toEqual(deleted.dataDeletedAt);
  });
});
