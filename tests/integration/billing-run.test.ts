import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBilling } from "@/lib/db/billing/billing-run";
import { TestGateway } from "@/lib/payments/test-gateway";
import { cancelAtPeriodEnd, changePlan, previewChange, undoCancel } from "@/lib/db/billing/plan-changes";
import { debitBatch, loadRatingCatalog, type DebitContext } from "@/lib/db/ledger/debit";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";
import { snapshotTables } from "../helpers/snapshot";

const CREDITS_PER_USD = 2_000_000n;
const actor = { id: null, email: "owner@test.dev", role: "OWNER" };
const at = (iso: string) => new Date(iso);

describe("the billing run (R4, R5.3, R6, R8.1, R8.2, R8.6)", () => {
  let database: TestDatabase;
  let context: DebitContext;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: CREDITS_PER_USD };
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const gateway = new TestGateway(
    async () => database.prisma,
    () => "http://localhost:3000",
  );
  // The whole run, invoices collected with the test gateway; emails stay in the outbox.
  const runAt = (now: Date) => runBilling(database.prisma, { now, creditsPerUsd: CREDITS_PER_USD, gateway, deliverEmail: false });
  const invoicesOf = (workspaceId: string) =>
    database.prisma.invoice.findMany({
      where: { workspaceId },
      orderBy: { number: "asc" },
      select: {
        number: true,
        kind: true,
        status: true,
        totalCents: true,
        periodStart: true,
        periodEnd: true,
        lines: { select: { description: true, amountCents: true, rule: true, source: true }, orderBy: { position: "asc" } },
      },
    });
  const subscriptionOf = (workspaceId: string) =>
    database.prisma.subscription.findFirstOrThrow({
      where: { workspaceId, status: "ACTIVE" },
      select: { currentPeriodStart: true, currentPeriodEnd: true, anchorDay: true, plan: { select: { code: true } } },
    });
  const balanceOf = (workspaceId: string) => database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId } });

  it("R4.2 charges the monthly fee in arrears on each anniversary: Jan 31 → Feb 28 → Mar 31 → Apr 30", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now: at("2027-01-31T10:00:00Z") });
    await runAt(at("2027-05-01T00:00:00Z"));
    const invoices = await invoicesOf(ws.id);
    expect(
      invoices.map((i) => [i.kind, i.totalCents, i.periodStart?.toISOString().slice(0, 10), i.periodEnd?.toISOString().slice(0, 10)]),
    ).toEqual([
      ["PLAN_FEE", 3000, "2027-01-31", "2027-02-28"],
      ["PLAN_FEE", 3000, "2027-02-28", "2027-03-31"],
      ["PLAN_FEE", 3000, "2027-03-31", "2027-04-30"],
    ]);
    expect(invoices[0]!.lines[0]).toMatchObject({ amountCents: 3000, rule: "R4.2" });
    const subscription = await subscriptionOf(ws.id);
    expect(subscription).toMatchObject({
      anchorDay: 31,
      currentPeriodStart: at("2027-04-30T10:00:00Z"),
      currentPeriodEnd: at("2027-05-31T10:00:00Z"),
    });
    // R5.1: each period starts with the plan's included credits; the rest was forfeited.
    expect((await balanceOf(ws.id)).included).toBe(70_000_000n);
    expect(await ledgerViolations(database.sql, [ws.id])).toEqual([]);
  });

  it("R8.2 numbers invoices sequentially across the deployment", async () => {
    const rows = await database.sql.query<{ number: string }>(`SELECT "number" FROM "Invoice" ORDER BY "number"`);
    const numbers = rows.map((r) => Number(r.number.replace("MD-", "")));
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
  });

  it("R8.6 running the clock twice for the same instant changes nothing", async () => {
    const ws = await makeWorkspace(database.prisma, {
      planCode: "growth_monthly",
      now: at("2027-03-05T08:00:00Z"),
      flexEnabled: true,
      card: true,
    });
    await debitBatch(
      database.prisma,
      [
        {
          workspaceId: ws.id,
          operationType: "predict",
          operations: 400_000n,
          idempotencyKey: "big",
          requestId: "r",
          at: at("2027-03-20T08:00:00Z"),
        },
      ],
      context,
    );
    const instant = at("2027-06-06T00:00:00Z");
    await runAt(instant);
    const tables = [
      "Invoice",
      "InvoiceLine",
      "LedgerEntry",
      "CreditBalance",
      "Subscription",
      "SubscriptionPeriod",
      "CreditGrant",
      "UsageStatement",
      "UsageStatementLine",
      "PackagePurchase",
      "DeploymentCounter",
      "Payment",
      "TestGatewayCharge",
      "NotificationOutbox",
      "Workspace",
    ];
    const before = await snapshotTables(database.sql, tables);
    const second = await runAt(instant);
    // Every count of the second run is zero: nothing renewed, invoiced, collected, retried, moved or sent.
    expect(Object.entries(second).filter(([, count]) => count !== 0)).toEqual([]);
    expect(await snapshotTables(database.sql, tables)).toEqual(before);
  });

  it("R8.6 a run that stops halfway completes on the next run without duplicating anything", async () => {
    const workspaces = await Promise.all(
      [0, 1, 2, 3].map(() => makeWorkspace(database.prisma, { planCode: "starter_monthly", now: at("2028-01-10T00:00:00Z") })),
    );
    let seen = 0;
    await expect(
      runBilling(database.prisma, {
        now: at("2028-02-10T00:00:01Z"),
        creditsPerUsd: CREDITS_PER_USD,
        log: () => {
          seen += 1;
          if (seen === 2) throw new Error("simulated crash");
        },
      }),
    ).rejects.toThrow("simulated crash");
    await runAt(at("2028-02-10T00:00:01Z"));
    for (const ws of workspaces) {
      const invoices = await invoicesOf(ws.id);
      expect(invoices.map((i) => i.kind)).toEqual(["PLAN_FEE"]);
      expect(await ledgerViolations(database.sql, [ws.id])).toEqual([]);
    }
  });

  it("R5.3 flex is added up over the period and rounded down once: 155,419,999 credits → $77.70", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "growth_monthly", now: at("2027-07-01T00:00:00Z"), flexEnabled: true });
    // A period's flex, written the way debits write it (ledger + balance together).
    await database.prisma.$transaction([
      database.prisma.ledgerEntry.create({
        data: {
          workspaceId: ws.id,
          createdAt: at("2027-07-15T00:00:00Z"),
          reason: "USAGE",
          source: "FLEX",
          amount: 155_419_999n,
          idempotencyKey: "flex-usage",
        },
      }),
      database.prisma.creditBalance.update({ where: { workspaceId: ws.id }, data: { flexUsed: 155_419_999n } }),
    ]);
    await runAt(at("2027-08-01T00:00:00Z"));
    const [invoice] = await invoicesOf(ws.id);
    expect(invoice!.lines.map((l) => [l.amountCents, l.source])).toEqual([
      [30000, null],
      [7770, "FLEX"],
    ]);
    expect(invoice!.lines[1]!.description).toContain("155,419,999 credits");
    expect(invoice!.lines[1]!.description).toContain("$77.70");
    expect(invoice!.totalCents).toBe(37770);
    expect((await balanceOf(ws.id)).flexUsed).toBe(0n);
    expect(await ledgerViolations(database.sql, [ws.id])).toEqual([]);
  });

  it("R4.6 cancelling on day 10 keeps service to the period end, then a final invoice, Free, prepaid kept, included forfeited", async () => {
    const ws = await makeWorkspace(database.prisma, {
      planCode: "starter_monthly",
      now: at("2027-09-01T00:00:00Z"),
      prepaid: 1_000_000n,
      flexEnabled: true,
    });
    await cancelAtPeriodEnd(database.prisma, { workspaceId: ws.id, at: at("2027-09-10T00:00:00Z"), actor });
    // Still on Starter until Oct 1, with its included credits.
    await runAt(at("2027-09-30T23:00:00Z"));
    expect((await subscriptionOf(ws.id)).plan.code).toBe("starter_monthly");
    await debitBatch(
      database.prisma,
      [
        {
          workspaceId: ws.id,
          operationType: "predict",
          operations: 1_010n,
          idempotencyKey: "late",
          requestId: "r",
          at: at("2027-09-30T23:30:00Z"),
        },
      ],
      context,
    );
    await runAt(at("2027-10-01T00:00:01Z"));
    const [final] = await invoicesOf(ws.id);
    expect(final).toMatchObject({ kind: "FINAL", totalCents: 3000 });
    const now = await subscriptionOf(ws.id);
    expect(now.plan.code).toBe("free");
    const balance = await balanceOf(ws.id);
    expect(balance.prepaid).toBe(1_000_000n);
    expect(balance.included).toBe(5_000_000n); // Free's own credits; Starter's rest was forfeited
    const forfeits = await database.prisma.ledgerEntry.findMany({
      where: { workspaceId: ws.id, reason: "FORFEIT" },
      select: { amount: true },
    });
    expect(forfeits).toEqual([{ amount: -(70_000_000n - 24_000n) }]);
    expect(await ledgerViolations(database.sql, [ws.id])).toEqual([]);
  });

  it("R4.6 a cancellation can be undone before the period ends", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now: at("2027-09-01T00:00:00Z") });
    await cancelAtPeriodEnd(database.prisma, { workspaceId: ws.id, at: at("2027-09-10T00:00:00Z"), actor });
    await undoCancel(database.prisma, { workspaceId: ws.id, at: at("2027-09-11T00:00:00Z"), actor });
    await runAt(at("2027-10-01T00:00:01Z"));
    expect((await subscriptionOf(ws.id)).plan.code).toBe("starter_monthly");
    expect((await invoicesOf(ws.id)).map((i) => i.kind)).toEqual(["PLAN_FEE"]);
  });

  it("R4.5 an upgrade closes the period early with a pro-rata invoice and starts a new period now", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now: at("2027-04-01T00:00:00Z") });
    const preview = await previewChange(database.prisma, {
      workspaceId: ws.id,
      change: { kind: "plan", toPlanCode: "growth_monthly" },
      at: at("2027-04-16T00:00:00Z"),
      creditsPerUsd: CREDITS_PER_USD,
    });
    expect(preview).toMatchObject({ change: "upgrade", totalCents: 1500n });
    const outcome = await changePlan(database.prisma, {
      workspaceId: ws.id,
      toPlanCode: "growth_monthly",
      at: at("2027-04-16T00:00:00Z"),
      creditsPerUsd: CREDITS_PER_USD,
      actor,
    });
    expect(outcome.kind).toBe("upgraded");
    const [invoice] = await invoicesOf(ws.id);
    // 15 of 30 days of $30 → $15.00, rounded down.
    expect(invoice).toMatchObject({ kind: "PRORATION", totalCents: 1500 });
    const subscription = await subscriptionOf(ws.id);
    expect(subscription).toMatchObject({
      plan: { code: "growth_monthly" },
      anchorDay: 16,
      currentPeriodStart: at("2027-04-16T00:00:00Z"),
      currentPeriodEnd: at("2027-05-16T00:00:00Z"),
    });
    expect((await balanceOf(ws.id)).included).toBe(750_000_000n);
    const audit = await database.prisma.auditLog.findMany({
      where: { workspaceId: ws.id, action: "subscription.upgraded" },
      select: { actorEmail: true },
    });
    expect(audit).toHaveLength(1);
  });

  it("R4.5 a downgrade waits for the period end", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "growth_monthly", now: at("2027-04-01T00:00:00Z") });
    const outcome = await changePlan(database.prisma, {
      workspaceId: ws.id,
      toPlanCode: "starter_monthly",
      at: at("2027-04-10T00:00:00Z"),
      creditsPerUsd: CREDITS_PER_USD,
      actor,
    });
    expect(outcome).toEqual({ kind: "downgrade_scheduled", effectiveAt: at("2027-05-01T00:00:00Z") });
    expect((await subscriptionOf(ws.id)).plan.code).toBe("growth_monthly");
    await runAt(at("2027-05-01T00:00:01Z"));
    expect((await subscriptionOf(ws.id)).plan.code).toBe("starter_monthly");
    const [invoice] = await invoicesOf(ws.id);
    expect(invoice).toMatchObject({ kind: "PLAN_FEE", totalCents: 30000 }); // Growth's April, in arrears
    expect((await balanceOf(ws.id)).included).toBe(70_000_000n);
  });

  it("R4.3 an annual plan grants the year's credits at the start; they expire at the end of the 12 months", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "free", now: at("2027-01-01T00:00:00Z") });
    await changePlan(database.prisma, {
      workspaceId: ws.id,
      toPlanCode: "growth_annual",
      at: at("2027-01-01T00:00:00Z"),
      creditsPerUsd: CREDITS_PER_USD,
      actor,
    });
    const [upfront] = await invoicesOf(ws.id);
    expect(upfront).toMatchObject({ kind: "PLAN_FEE", totalCents: 300000 });
    expect(await balanceOf(ws.id)).toMatchObject({ included: 9_000_000_000n, includedExpiresAt: at("2028-01-01T00:00:00Z") });
    await runAt(at("2028-01-01T00:00:01Z"));
    const invoices = await invoicesOf(ws.id);
    // The next year's fee, upfront.
    expect(invoices.at(-1)).toMatchObject({ kind: "PLAN_FEE", totalCents: 300000 });
    expect(await ledgerViolations(database.sql, [ws.id])).toEqual([]);
  });

  it("R6.1 a one-year package bought on Jan 1 expires next Jan 1; R6.3 auto-renewal buys a new one unless in arrears", async () => {
    // With a card that pays its monthly fees (without one, the first unpaid fee would put it in arrears too).
    const renewing = await makeWorkspace(database.prisma, {
      now: at("2027-01-01T00:00:00Z"),
      card: true,
      packages: [{ code: "predict_1m_year", expiresAt: at("2028-01-01T00:00:00Z") }],
    });
    const arrears = await makeWorkspace(database.prisma, {
      now: at("2027-01-01T00:00:00Z"),
      billingState: "GRACE",
      packages: [{ code: "predict_1m_year", expiresAt: at("2028-01-01T00:00:00Z") }],
    });
    await database.prisma.packagePurchase.updateMany({
      where: { workspaceId: { in: [renewing.id, arrears.id] } },
      data: { autoRenew: true },
    });
    await runAt(at("2027-12-31T23:59:59Z"));
    expect(await database.prisma.packagePurchase.count({ where: { workspaceId: renewing.id, status: "ACTIVE" } })).toBe(1);
    await runAt(at("2028-01-01T00:00:00Z"));
    const renewed = await database.prisma.packagePurchase.findMany({
      where: { workspaceId: renewing.id },
      orderBy: { startsAt: "asc" },
      select: { status: true, expiresAt: true, remainingOperations: true },
    });
    expect(renewed).toEqual([
      { status: "EXPIRED", expiresAt: at("2028-01-01T00:00:00Z"), remainingOperations: 0n },
      { status: "ACTIVE", expiresAt: at("2029-01-01T00:00:00Z"), remainingOperations: 1_000_000n },
    ]);
    expect((await invoicesOf(renewing.id)).filter((i) => i.kind === "PACKAGE").map((i) => i.totalCents)).toEqual([90000]);
    expect(await database.prisma.packagePurchase.count({ where: { workspaceId: arrears.id, status: "ACTIVE" } })).toBe(0);
    expect(await ledgerViolations(database.sql, [renewing.id, arrears.id])).toEqual([]);
  });

  it("R8.1 within the hour after an hour ends, its usage appears as priced lines", async () => {
    const ws = await makeWorkspace(database.prisma, {
      now: at("2029-03-01T00:00:00Z"),
      included: 750_000_000n,
      includedExpiresAt: at("2029-04-01T00:00:00Z"),
    });
    await debitBatch(
      database.prisma,
      [
        {
          workspaceId: ws.id,
          operationType: "predict",
          operations: 1_032n,
          idempotencyKey: "h1",
          requestId: "r1",
          at: at("2029-03-02T10:15:00Z"),
        },
        {
          workspaceId: ws.id,
          operationType: "search",
          operations: 10n,
          idempotencyKey: "h2",
          requestId: "r2",
          at: at("2029-03-02T10:45:00Z"),
        },
      ],
      context,
    );
    await runAt(at("2029-03-02T10:59:00Z"));
    expect(await database.prisma.usageStatement.count({ where: { workspaceId: ws.id } })).toBe(0);
    await runAt(at("2029-03-02T11:05:00Z"));
    const statements = await database.prisma.usageStatement.findMany({
      where: { workspaceId: ws.id },
      select: {
        hourStart: true,
        sequence: true,
        credits: true,
        lines: { select: { operationType: true, operations: true, credits: true, source: true, description: true } },
      },
    });
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ hourStart: at("2029-03-02T10:00:00Z"), sequence: 1, credits: 32n * 2_400n });
    // Each line its own operations and exact credits: 1,000 free + 32 × 2,400 from included; 10 free searches.
    expect(statements[0]!.lines).toEqual(
      expect.arrayContaining([
        {
          operationType: "predict",
          operations: 1_000n,
          credits: 0n,
          source: null,
          description: "Predict: 1,000 operations in the free tier, no charge",
        },
        {
          operationType: "predict",
          operations: 32n,
          credits: 76_800n,
          source: "INCLUDED",
          description: "Predict: 32 operations, 76,800 credits from included credits",
        },
        {
          operationType: "search",
          operations: 10n,
          credits: 0n,
          source: null,
          description: "Search: 10 operations in the free tier, no charge",
        },
      ]),
    );
    expect(statements[0]!.lines).toHaveLength(3);
  }, 90_000); // one billing run over every workspace this file made, two years on
});
