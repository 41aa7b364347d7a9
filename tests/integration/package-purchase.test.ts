// Packages bought in the browser (R6): buying one (paid upfront, effective at
// once), its quota visible where the dashboard reads it, expiry and renewal
// driven by the billing run, the auto-renewal switch, renewing by hand, and
// the refusals (arrears R8.3, no card, another workspace's package).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ARREARS_POLICY } from "@/lib/billing/arrears";
import { runBilling } from "@/lib/db/billing/billing-run";
import { renewPackageNow, setPackageAutoRenew } from "@/lib/db/billing/package-settings";
import { listActivePackagePurchases } from "@/lib/db/queries/dashboard";
import { buyPackage } from "@/lib/payments/packages";
import { TestGateway } from "@/lib/payments/test-gateway";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const CREDITS_PER_USD = 2_000_000n;
const actor = { id: null, email: "owner@test.dev", role: "OWNER" };
const at = (iso: string) => new Date(iso);

describe("packages bought by the customer", () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let requests = 0;

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

  const buy = (workspaceId: string, packageCode: string, now: Date, options: { autoRenew?: boolean; requestId?: string } = {}) =>
    buyPackage(database.prisma, gateway, {
      workspaceId,
      packageCode,
      autoRenew: options.autoRenew ?? false,
      requestId: options.requestId ?? `req-${(requests += 1)}`,
      actor,
      now,
      creditsPerUsd: CREDITS_PER_USD,
    });
  const purchasesOf = (workspaceId: string) =>
    database.prisma.packagePurchase.findMany({ where: { workspaceId }, orderBy: { createdAt: "asc" }, include: { package: true } });
  const run = (now: Date) =>
    runBilling(database.prisma, { now, creditsPerUsd: CREDITS_PER_USD, gateway, arrears: DEFAULT_ARREARS_POLICY, deliverEmail: false });

  it("R6.1 buying shows the quota at once, with a paid invoice; the same request id twice is one purchase", async () => {
    const now = at("2027-03-10T12:00:00Z");
    const ws = await makeWorkspace(database.prisma, { now, card: true });
    const bought = await buy(ws.id, "predict_100k_month", now, { requestId: "dialog-1" });
    expect(bought).toMatchObject({ paid: true, failureMessage: null });
    await buy(ws.id, "predict_100k_month", now, { requestId: "dialog-1" });

    const active = await listActivePackagePurchases(database.prisma, ws.id, now);
    expect(active.map((p) => [p.package.code, p.remainingOperations, p.operations, p.expiresAt.toISOString()])).toEqual([
      ["predict_100k_month", 100_000n, 100_000n, "2027-04-10T12:00:00.000Z"],
    ]);
    const invoices = await database.prisma.invoice.findMany({ where: { workspaceId: ws.id, kind: "PACKAGE" } });
    expect(invoices.map((i) => [i.number, i.status, i.totalCents])).toEqual([[bought.invoiceNumber, "PAID", 10_000]]);
    expect(await database.prisma.auditLog.count({ where: { workspaceId: ws.id, action: "package.bought" } })).toBe(1);
  });

  it("R6.1 a one-year package bought on January 1 expires on January 1 of the next year, through the billing run", async () => {
    const jan1 = at("2027-01-01T09:00:00Z");
    const ws = await makeWorkspace(database.prisma, { now: jan1, card: true });
    await buy(ws.id, "predict_1m_year", jan1);
    const [purchase] = await purchasesOf(ws.id);
    expect(purchase!.expiresAt.toISOString()).toBe("2028-01-01T09:00:00.000Z");

    await run(at("2028-01-01T08:59:59Z"));
    expect((await purchasesOf(ws.id)).map((p) => p.status)).toEqual(["ACTIVE"]);
    expect(await listActivePackagePurchases(database.prisma, ws.id, at("2028-01-01T08:59:59Z"))).toHaveLength(1);

    await run(at("2028-01-01T09:00:00Z"));
    expect((await purchasesOf(ws.id)).map((p) => p.status)).toEqual(["EXPIRED"]);
    expect(await listActivePackagePurchases(database.prisma, ws.id, at("2028-01-01T09:00:00Z"))).toHaveLength(0);
  }, 120_000);

  it("R6.3 with auto-renewal switched on, the billing run buys the same package at expiry and charges it", async () => {
    const now = at("2027-05-05T10:00:00Z");
    const ws = await makeWorkspace(database.prisma, { now, card: true });
    await buy(ws.id, "search_100k_month", now);
    const [purchase] = await purchasesOf(ws.id);
    expect(
      await setPackageAutoRenew(database.prisma, { workspaceId: ws.id, purchaseId: purchase!.id, autoRenew: true, actor, now }),
    ).toEqual({
      autoRenew: true,
      changed: true,
    });
    // The same switch again (double click): nothing more.
    expect(
      await setPackageAutoRenew(database.prisma, { workspaceId: ws.id, purchaseId: purchase!.id, autoRenew: true, actor, now }),
    ).toMatchObject({ changed: false });
    expect(await database.prisma.auditLog.count({ where: { workspaceId: ws.id, action: "package.auto_renew_on" } })).toBe(1);

    await run(at("2027-06-05T10:00:00Z"));
    const after = await purchasesOf(ws.id);
    expect(after.map((p) => [p.status, p.renewedFromId, p.expiresAt.toISOString()])).toEqual([
      ["EXPIRED", null, "2027-06-05T10:00:00.000Z"],
      ["ACTIVE", purchase!.id, "2027-07-05T10:00:00.000Z"],
    ]);
    const invoices = await database.prisma.invoice.findMany({ where: { workspaceId: ws.id, kind: "PACKAGE" }, orderBy: { number: "asc" } });
    expect(invoices.map((i) => [i.status, i.totalCents])).toEqual([
      ["PAID", 4000],
      ["PAID", 4000],
    ]);
  }, 120_000);

  it("R6.3 with auto-renewal switched off again, the package just expires", async () => {
    const now = at("2027-05-06T10:00:00Z");
    const ws = await makeWorkspace(database.prisma, { now, card: true });
    await buy(ws.id, "search_100k_month", now, { autoRenew: true });
    const [purchase] = await purchasesOf(ws.id);
    await setPackageAutoRenew(database.prisma, { workspaceId: ws.id, purchaseId: purchase!.id, autoRenew: false, actor, now });
    expect(await database.prisma.auditLog.count({ where: { workspaceId: ws.id, action: "package.auto_renew_off" } })).toBe(1);
    await run(at("2027-06-06T10:00:00Z"));
    expect((await purchasesOf(ws.id)).map((p) => p.status)).toEqual(["EXPIRED"]);
  }, 120_000);

  it("R6.2 renewing by hand buys another of the same package now; it stacks and the first keeps its expiry", async () => {
    const now = at("2027-03-10T12:00:00Z");
    const later = at("2027-03-20T12:00:00Z");
    const ws = await makeWorkspace(database.prisma, { now, card: true });
    await buy(ws.id, "predict_100k_month", now, { autoRenew: true });
    const [first] = await purchasesOf(ws.id);
    const request = { workspaceId: ws.id, purchaseId: first!.id, requestId: "renew-1", actor, now: later, creditsPerUsd: CREDITS_PER_USD };
    const renewed = await renewPackageNow(database.prisma, gateway, request);
    expect(renewed.paid).toBe(true);
    await renewPackageNow(database.prisma, gateway, request); // double click: one purchase
    const active = await listActivePackagePurchases(database.prisma, ws.id, later);
    expect(active.map((p) => [p.expiresAt.toISOString(), p.remainingOperations, p.autoRenew]).sort()).toEqual([
      ["2027-04-10T12:00:00.000Z", 100_000n, true],
      ["2027-04-20T12:00:00.000Z", 100_000n, false],
    ]);
    expect(await database.prisma.invoice.count({ where: { workspaceId: ws.id, kind: "PACKAGE", status: "PAID" } })).toBe(2);
  });

  it("R8.3 in arrears, buying, renewing and switching auto-renewal on are refused and change nothing; switching it off works", async () => {
    const now = at("2027-03-10T12:00:00Z");
    const ws = await makeWorkspace(database.prisma, {
      now,
      card: true,
      packages: [{ code: "predict_100k_month", expiresAt: at("2027-04-01T00:00:00Z") }],
    });
    const [purchase] = await purchasesOf(ws.id);
    await database.prisma.packagePurchase.update({
      where: { workspaceId_id: { workspaceId: ws.id, id: purchase!.id } },
      data: { autoRenew: true },
    });
    await database.prisma.workspace.update({ where: { id: ws.id }, data: { billingState: "GRACE" } });

    await expect(buy(ws.id, "predict_1m_year", now)).rejects.toThrow(
      /overdue invoice, so buying a package is not possible until it is paid/,
    );
    await expect(
      renewPackageNow(database.prisma, gateway, {
        workspaceId: ws.id,
        purchaseId: purchase!.id,
        requestId: "r",
        actor,
        now,
        creditsPerUsd: CREDITS_PER_USD,
      }),
    ).rejects.toThrow(/renewing a package is not possible/);
    await setPackageAutoRenew(database.prisma, { workspaceId: ws.id, purchaseId: purchase!.id, autoRenew: false, actor, now });
    await expect(
      setPackageAutoRenew(database.prisma, { workspaceId: ws.id, purchaseId: purchase!.id, autoRenew: true, actor, now }),
    ).rejects.toThrow(/renewing a package is not possible/);

    expect((await purchasesOf(ws.id)).map((p) => p.autoRenew)).toEqual([false]);
    expect(await database.prisma.invoice.count({ where: { workspaceId: ws.id } })).toBe(0);
    expect(await database.prisma.testGatewayCharge.count({ where: { customerId: `tgcus_${ws.id}` } })).toBe(0);
  });

  it("refused without a card, for another workspace's package, and for an expired one", async () => {
    const now = at("2027-03-10T12:00:00Z");
    const noCard = await makeWorkspace(database.prisma, { now });
    await expect(buy(noCard.id, "predict_100k_month", now)).rejects.toThrow(/Add a card first/);
    expect(await purchasesOf(noCard.id)).toEqual([]);

    const owner = await makeWorkspace(database.prisma, {
      now,
      card: true,
      packages: [{ code: "predict_100k_month", expiresAt: at("2027-03-20T00:00:00Z") }],
    });
    const [theirs] = await purchasesOf(owner.id);
    const other = await makeWorkspace(database.prisma, { now, card: true });
    await expect(
      setPackageAutoRenew(database.prisma, { workspaceId: other.id, purchaseId: theirs!.id, autoRenew: true, actor, now }),
    ).rejects.toThrow(/not one of this workspace's packages/);
    await expect(
      renewPackageNow(database.prisma, gateway, {
        workspaceId: other.id,
        purchaseId: theirs!.id,
        requestId: "x",
        actor,
        now,
        creditsPerUsd: CREDITS_PER_USD,
      }),
    ).rejects.toThrow(/not one of this workspace's packages/);
    expect((await purchasesOf(owner.id)).map((p) => p.autoRenew)).toEqual([false]);
    expect(await purchasesOf(other.id)).toEqual([]);

    await expect(
      setPackageAutoRenew(database.prisma, {
        workspaceId: owner.id,
        purchaseId: theirs!.id,
        autoRenew: true,
        actor,
        now: at("2027-03-21T00:00:00Z"),
      }),
    ).rejects.toThrow(/expired/);
  });
});
