// Top-ups, invoice collection, dunning and reconciliation through the
// built-in test gateway on a real database (R7.1, R7.3, R8.2, R8.3, R8.6).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ARREARS_POLICY } from "@/lib/billing/arrears";
import { invoiceTotals, planFeeLine } from "@/lib/billing/invoice-lines";
import { runBilling } from "@/lib/db/billing/billing-run";
import { cancelAtPeriodEnd } from "@/lib/db/billing/plan-changes";
import { loadPlanChangePreview } from "@/lib/db/billing/plan-preview";
import { createInvoice, voidInvoice } from "@/lib/db/invoices";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { collectDueInvoices, payInvoice } from "@/lib/payments/collect";
import { gatewayKey } from "@/lib/payments/charge";
import { reconcilePayments } from "@/lib/payments/reconcile";
import { TestGateway } from "@/lib/payments/test-gateway";
import { buyCredits, PaymentRefused } from "@/lib/payments/top-ups";
import { buyPackage } from "@/lib/payments/packages";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace, putCard } from "../helpers/factories";

const CREDITS_PER_USD = 2_000_000n;
const DAY = 86_400_000;
const actor = { id: null, email: "owner@test.dev", role: "OWNER" };
const at = (iso: string) => new Date(iso);

describe("payments through the test gateway", () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    gateway = new TestGateway(
      async () => database.prisma,
      () => "http://localhost:3000",
    );
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const prepaidOf = async (workspaceId: string) =>
    (await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId }, select: { prepaid: true } })).prepaid;
  const chargesOf = (workspaceId: string) => database.prisma.testGatewayCharge.findMany({ where: { customerId: `tgcus_${workspaceId}` } });
  const topUp = (workspaceId: string, amountCents: number, requestId: string, now: Date) =>
    buyCredits(database.prisma, gateway, { workspaceId, amountCents, requestId, actor, now, creditsPerUsd: CREDITS_PER_USD });
  const openInvoice = async (workspaceId: string, now: Date, cents = 3000n) =>
    database.prisma.$transaction((tx) =>
      createInvoice(tx, {
        workspaceId,
        kind: "PLAN_FEE",
        lines: [
          planFeeLine({
            planName: "Starter",
            feeCents: cents,
            periodStart: new Date(now.getTime() - 30 * DAY),
            periodEnd: now,
            timing: "arrears",
          }),
        ],
        idempotencyKey: `test:${workspaceId}:${now.toISOString()}`,
        at: now,
      }),
    );
  const collect = (now: Date, workspaceId?: string) =>
    collectDueInvoices(database.prisma, gateway, now, { creditsPerUsd: CREDITS_PER_USD, workspaceId });

  describe("top-ups (R7.1, R7.3)", () => {
    it("$20 on a 4242 card grants exactly 40,000,000 prepaid credits once, with a paid receipt", async () => {
      const now = at("2027-03-10T12:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now, card: "succeed" });
      const outcome = await topUp(ws.id, 2000, "req-1", now);
      expect(outcome.status).toBe("SUCCEEDED");
      expect(await prepaidOf(ws.id)).toBe(40_000_000n);
      const receipt = await database.prisma.invoice.findFirstOrThrow({
        where: { workspaceId: ws.id, kind: "TOP_UP" },
        include: { lines: true },
      });
      expect(receipt).toMatchObject({ status: "PAID", totalCents: 2000, number: outcome.invoiceNumber });
      expect(receipt.paymentRef).toMatch(/^tgpi_/);
      expect(receipt.lines.map((l) => l.credits)).toEqual([40_000_000n]);

      // The same form posted again (double click, second tab): the same top-up, nothing charged twice.
      const again = await topUp(ws.id, 2000, "req-1", new Date(now.getTime() + 1000));
      expect(again.paymentId).toBe(outcome.paymentId);
      expect(await prepaidOf(ws.id)).toBe(40_000_000n);
      expect(await chargesOf(ws.id)).toHaveLength(1);
      expect(await database.prisma.invoice.count({ where: { workspaceId: ws.id, kind: "TOP_UP" } })).toBe(1);
      expect(await ledgerViolations(database.sql, [ws.id])).toEqual([]);
    });

    it("concurrent posts of one form charge once", async () => {
      const now = at("2027-03-10T12:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now, card: "succeed" });
      const outcomes = await Promise.all(Array.from({ length: 6 }, () => topUp(ws.id, 500, "req-same", now)));
      expect(new Set(outcomes.map((o) => o.paymentId)).size).toBe(1);
      expect(await prepaidOf(ws.id)).toBe(10_000_000n);
      expect(await chargesOf(ws.id)).toHaveLength(1);
    });

    it("a declined card grants nothing and says why", async () => {
      const now = at("2027-03-10T12:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now, card: "decline" });
      const outcome = await topUp(ws.id, 2000, "req-d", now);
      expect(outcome.status).toBe("FAILED");
      expect(outcome.failureMessage).toMatch(/declined/);
      expect(await prepaidOf(ws.id)).toBe(0n);
      expect(await database.prisma.invoice.count({ where: { workspaceId: ws.id } })).toBe(0);
    });

    it("insufficient funds is its own message", async () => {
      const now = at("2027-03-10T12:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now, card: "insufficient_funds" });
      const outcome = await topUp(ws.id, 2000, "req-i", now);
      expect(outcome.failureMessage).toMatch(/insufficient funds/);
      expect(await prepaidOf(ws.id)).toBe(0n);
    });

    it.each([
      [499, "below $5"],
      [1_000_001, "above $10,000"],
      [1250.5, "not whole cents"],
    ])("refuses %s cents (%s) and changes nothing", async (amountCents) => {
      const now = at("2027-03-10T12:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now, card: "succeed" });
      await expect(topUp(ws.id, amountCents, `req-${amountCents}`, now)).rejects.toThrow(PaymentRefused);
      expect(await database.prisma.payment.count({ where: { workspaceId: ws.id } })).toBe(0);
      expect(await chargesOf(ws.id)).toHaveLength(0);
    });

    it("accepts exactly $5 and exactly $10,000", async () => {
      const now = at("2027-03-10T12:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now, card: "succeed" });
      await topUp(ws.id, 500, "min", now);
      await topUp(ws.id, 1_000_000, "max", now);
      expect(await prepaidOf(ws.id)).toBe(10_000_000n + 20_000_000_000n);
    });

    it("refuses without a card on file", async () => {
      const now = at("2027-03-10T12:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now });
      await expect(topUp(ws.id, 2000, "req-n", now)).rejects.toThrow(/Add a card/);
    });

    it("a card that needs authentication waits for it, then grants once", async () => {
      const now = at("2027-03-10T12:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now, card: "authenticate" });
      const outcome = await topUp(ws.id, 2000, "req-3ds", now);
      expect(outcome.status).toBe("REQUIRES_ACTION");
      expect(outcome.actionUrl).toMatch(/\/pay\/authenticate\/tgpi_/);
      expect(await prepaidOf(ws.id)).toBe(0n);
      const payment = await database.prisma.payment.findFirstOrThrow({ where: { workspaceId: ws.id } });
      await gateway.completeAuthentication(payment.externalId!, true);
      const later = new Date(now.getTime() + 5 * 60_000);
      expect((await reconcilePayments(database.prisma, gateway, later, { creditsPerUsd: CREDITS_PER_USD })).settled).toBeGreaterThanOrEqual(
        1,
      );
      await reconcilePayments(database.prisma, gateway, later, { creditsPerUsd: CREDITS_PER_USD });
      expect(await prepaidOf(ws.id)).toBe(40_000_000n);
    });
  });

  describe("collection and dunning (R8.2, R8.3)", () => {
    it("charges an invoice when it opens; paid once", async () => {
      const now = at("2027-04-01T09:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now, card: "succeed" });
      const invoice = await openInvoice(ws.id, now);
      expect((await collect(now, ws.id)).succeeded).toBe(1);
      expect(await collect(now, ws.id)).toEqual({ attempted: 0, succeeded: 0, failed: 0 });
      const paid = await database.prisma.invoice.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: ws.id, id: invoice.id } } });
      expect(paid).toMatchObject({ status: "PAID", nextCollectionAt: null, collectionAttempts: 1 });
      expect(await chargesOf(ws.id)).toHaveLength(1);
    });

    it("a decline retries on days 1, 3, 5 and 7 after the first failure, then stops; the workspace is in arrears", async () => {
      const now = at("2027-04-01T09:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now, card: "decline" });
      const invoice = await openInvoice(ws.id, now);
      await collect(now, ws.id);
      const afterFirst = await database.prisma.invoice.findUniqueOrThrow({
        where: { workspaceId_id: { workspaceId: ws.id, id: invoice.id } },
      });
      expect(afterFirst).toMatchObject({ status: "OPEN", collectionAttempts: 1, firstFailedAt: now });
      expect(afterFirst.nextCollectionAt).toEqual(new Date(now.getTime() + DAY));
      const workspace = await database.prisma.workspace.findUniqueOrThrow({ where: { id: ws.id } });
      expect(workspace).toMatchObject({ billingState: "GRACE", arrearsSince: now });

      // Every hour for ten days: exactly the scheduled retries happen.
      const attemptDays: number[] = [];
      for (let hour = 1; hour <= 240; hour += 1) {
        const t = new Date(now.getTime() + hour * 3_600_000);
        const { attempted } = await collect(t, ws.id);
        if (attempted > 0) attemptDays.push(hour / 24);
      }
      expect(attemptDays).toEqual([1, 3, 5, 7]);
      expect(await chargesOf(ws.id)).toHaveLength(5);
      const failures = await database.prisma.notificationOutbox.count({ where: { workspaceId: ws.id, kind: "payment_failed" } });
      expect(failures).toBe(5);
    });

    it("no card: a hard failure, no retries, in arrears", async () => {
      const now = at("2027-04-01T09:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now });
      const invoice = await openInvoice(ws.id, now);
      expect((await collect(now, ws.id)).failed).toBe(1);
      const row = await database.prisma.invoice.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: ws.id, id: invoice.id } } });
      expect(row).toMatchObject({ status: "OPEN", nextCollectionAt: null });
      expect(row.lastPaymentError).toMatch(/no card/i);
      expect((await database.prisma.workspace.findUniqueOrThrow({ where: { id: ws.id } })).billingState).toBe("GRACE");
    });

    it("stops the moment the invoice is paid: nothing is charged after", async () => {
      const now = at("2027-04-01T09:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now, card: "decline" });
      const invoice = await openInvoice(ws.id, now);
      await collect(now, ws.id);
      await putCard(database.prisma, ws.id, "succeed", now);
      const paid = await payInvoice(database.prisma, gateway, {
        workspaceId: ws.id,
        invoiceId: invoice.id,
        actor,
        now: new Date(now.getTime() + 3_600_000),
        creditsPerUsd: CREDITS_PER_USD,
      });
      expect(paid.status).toBe("SUCCEEDED");
      expect((await database.prisma.workspace.findUniqueOrThrow({ where: { id: ws.id } })).billingState).toBe("GOOD");
      const charges = (await chargesOf(ws.id)).length;
      for (let day = 1; day <= 10; day += 1) await collect(new Date(now.getTime() + day * DAY), ws.id);
      expect(await chargesOf(ws.id)).toHaveLength(charges);
      await expect(
        payInvoice(database.prisma, gateway, { workspaceId: ws.id, invoiceId: invoice.id, actor, now, creditsPerUsd: CREDITS_PER_USD }),
      ).rejects.toThrow(/already paid/);
    });

    it("stops the moment the invoice is voided: nothing is charged after", async () => {
      const now = at("2027-04-01T09:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now, card: "decline" });
      const invoice = await openInvoice(ws.id, now);
      await collect(now, ws.id);
      await database.prisma.$transaction((tx) => voidInvoice(tx, { workspaceId: ws.id, invoiceId: invoice.id, at: now }));
      for (let day = 1; day <= 10; day += 1) await collect(new Date(now.getTime() + day * DAY), ws.id);
      expect(await chargesOf(ws.id)).toHaveLength(1);
    });

    it("stops the moment a cancellation's final invoice supersedes it: the old invoice is never charged again", async () => {
      const signUp = at("2027-07-05T09:00:00Z");
      const ws = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now: signUp, card: "decline" });
      const run = (t: Date) =>
        runBilling(database.prisma, {
          now: t,
          creditsPerUsd: CREDITS_PER_USD,
          gateway,
          arrears: DEFAULT_ARREARS_POLICY,
          deliverEmail: false,
        });
      await run(at("2027-08-05T10:00:00Z")); // the first fee opens and is declined
      const failed = await database.prisma.invoice.findFirstOrThrow({ where: { workspaceId: ws.id, kind: "PLAN_FEE" } });
      expect(failed.firstFailedAt).not.toBeNull();
      // The cancellation's preview says so before it is confirmed.
      const preview = await loadPlanChangePreview(database.prisma, {
        workspaceId: ws.id,
        request: { kind: "cancel" },
        at: at("2027-08-05T11:00:00Z"),
        creditsPerUsd: CREDITS_PER_USD,
      });
      expect(preview.carriedOver).toEqual([{ number: failed.number, totalCents: failed.totalCents }]);
      await cancelAtPeriodEnd(database.prisma, { workspaceId: ws.id, at: at("2027-08-05T11:00:00Z"), actor });
      await run(at("2027-09-05T10:00:00Z")); // the cancellation takes effect
      const voided = await database.prisma.invoice.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: ws.id, id: failed.id } } });
      expect(voided.status).toBe("VOID");
      const final = await database.prisma.invoice.findFirstOrThrow({
        where: { workspaceId: ws.id, kind: "FINAL" },
        include: { lines: true },
      });
      expect(final.lines.map((l) => l.description)).toContain(`Unpaid invoice ${failed.number}, carried over`);
      expect(final.totalCents).toBe(3000 + failed.totalCents);
      const attemptsOnOld = await database.prisma.payment.count({ where: { workspaceId: ws.id, invoiceId: failed.id } });
      for (let day = 1; day <= 10; day += 1) await run(new Date(at("2027-09-05T10:00:00Z").getTime() + day * DAY));
      expect(await database.prisma.payment.count({ where: { workspaceId: ws.id, invoiceId: failed.id } })).toBe(attemptsOnOld);
      expect(await database.prisma.payment.count({ where: { workspaceId: ws.id, invoiceId: final.id } })).toBeGreaterThan(1);
    });

    it("the billing run collects what the engine invoices (monthly fee in arrears)", async () => {
      const now = at("2027-05-03T09:00:00Z");
      const ws = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now, card: "succeed" });
      const run = (t: Date) =>
        runBilling(database.prisma, {
          now: t,
          creditsPerUsd: CREDITS_PER_USD,
          gateway,
          arrears: DEFAULT_ARREARS_POLICY,
          deliverEmail: false,
        });
      // (The run is deployment-wide: other tests' invoices in this database are collected too.)
      const summary = await run(at("2027-06-03T10:00:00Z"));
      expect(summary.paymentsSucceeded).toBeGreaterThanOrEqual(1);
      const invoices = await database.prisma.invoice.findMany({ where: { workspaceId: ws.id }, include: { lines: true } });
      expect(invoices.map((i) => [i.kind, i.status, i.totalCents])).toEqual([["PLAN_FEE", "PAID", 3000]]);
      expect(invoiceTotals(invoices[0]!.lines.map((l) => ({ ...l, amountCents: BigInt(l.amountCents) }))).totalCents).toBe(3000n);
      // A second run at the same instant changes nothing.
      expect((await run(at("2027-06-03T10:00:00Z"))).collectionAttempts).toBe(0);
      expect(await chargesOf(ws.id)).toHaveLength(1);
    });
  });

  describe("packages (R6.1): paid upfront, effective at once", () => {
    it("granted with its invoice, charged at once; the same form twice is one purchase", async () => {
      const now = at("2027-03-10T12:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now, card: "succeed" });
      const request = {
        workspaceId: ws.id,
        packageCode: "predict_100k_month",
        autoRenew: true,
        requestId: "pkg-1",
        actor,
        now,
        creditsPerUsd: CREDITS_PER_USD,
      };
      const bought = await buyPackage(database.prisma, gateway, request);
      expect(bought.paid).toBe(true);
      await buyPackage(database.prisma, gateway, request);
      const purchases = await database.prisma.packagePurchase.findMany({ where: { workspaceId: ws.id } });
      expect(purchases.map((p) => [p.status, p.autoRenew, p.remainingOperations])).toEqual([["ACTIVE", true, 100_000n]]);
      expect(await chargesOf(ws.id)).toHaveLength(1);
      expect(await database.prisma.invoice.findFirstOrThrow({ where: { workspaceId: ws.id, kind: "PACKAGE" } })).toMatchObject({
        status: "PAID",
      });
    });

    it("refused without a card, changing nothing", async () => {
      const now = at("2027-03-10T12:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now });
      await expect(
        buyPackage(database.prisma, gateway, {
          workspaceId: ws.id,
          packageCode: "predict_100k_month",
          autoRenew: false,
          requestId: "pkg-2",
          actor,
          now,
          creditsPerUsd: CREDITS_PER_USD,
        }),
      ).rejects.toThrow(/Add a card/);
      expect(await database.prisma.invoice.count({ where: { workspaceId: ws.id } })).toBe(0);
    });
  });

  describe("reconciliation (R8.6)", () => {
    it("a charge whose settlement never happened (the process stopped) is granted exactly once", async () => {
      const now = at("2027-03-10T12:00:00Z");
      const ws = await makeWorkspace(database.prisma, { now, card: "succeed" });
      const card = await database.prisma.paymentMethod.findFirstOrThrow({ where: { workspaceId: ws.id } });
      // What buyCredits had done when the server was killed: the payment row, then the gateway's charge.
      const payment = await database.prisma.payment.create({
        data: {
          workspaceId: ws.id,
          kind: "TOP_UP",
          amountCents: 2000,
          credits: 40_000_000n,
          gateway: "test",
          paymentMethodId: card.id,
          idempotencyKey: "top-up:crash",
          createdAt: now,
        },
      });
      await gateway.charge({
        customerId: `tgcus_${ws.id}`,
        paymentMethodId: card.externalId,
        amountCents: 2000,
        idempotencyKey: gatewayKey(payment.id),
        description: "test",
        metadata: { workspaceId: ws.id, paymentId: payment.id },
      });
      // Too recent: a request may still be finishing it.
      expect((await reconcilePayments(database.prisma, gateway, now, { creditsPerUsd: CREDITS_PER_USD })).settled).toBe(0);
      const later = new Date(now.getTime() + 2 * 60_000);
      expect((await reconcilePayments(database.prisma, gateway, later, { creditsPerUsd: CREDITS_PER_USD })).settled).toBe(1);
      expect((await reconcilePayments(database.prisma, gateway, later, { creditsPerUsd: CREDITS_PER_USD })).settled).toBe(0);
      expect(await prepaidOf(ws.id)).toBe(40_000_000n);
      expect(await chargesOf(ws.id)).toHaveLength(1);
      expect(await ledgerViolations(database.sql, [ws.id])).toEqual([]);
    });
  });
});
