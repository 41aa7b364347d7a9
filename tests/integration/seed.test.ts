import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "@/lib/api-keys/key";
import { parseCatalog } from "@/lib/catalog/schema";
import { syncCatalog } from "@/lib/db/catalog";
import { DEMO_ACCOUNTS, seedDemo } from "@/lib/db/seed/demo";
import { verifyPassword } from "@/lib/auth/password";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { snapshotTables } from "../helpers/snapshot";

const catalog = parseCatalog(JSON.parse(fs.readFileSync(path.join(process.cwd(), "prisma/catalog.json"), "utf8")));
const NOW = new Date("2026-11-21T10:30:00.000Z");
const TABLES = [
  "User",
  "Workspace",
  "Membership",
  "Subscription",
  "SubscriptionPeriod",
  "CreditBalance",
  "ApiKey",
  "PaymentMethod",
  "UsageRollupHourly",
  "MonthlyUsageCounter",
  "AuditLog",
  "Plan",
  "PlanRateLimit",
  "OperationType",
  "PriceTier",
  "Package",
  "LedgerEntry",
  "Invoice",
  "InvoiceLine",
  "UsageEvent",
  "PackagePurchase",
  "UsageStatement",
];

describe("demo seed (R13)", () => {
  let database: TestDatabase;
  let keysFile: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    keysFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "md-seed-")), "demo-keys.json");
    await syncCatalog(database.prisma, catalog);
    await seedDemo(database.prisma, { now: NOW, keysFile });
  }, 120_000);

  afterAll(async () => {
    await database?.close();
  });

  it("is idempotent: a second run (catalog and demo) changes nothing", async () => {
    const before = await snapshotTables(database.sql, TABLES);
    const keysBefore = fs.readFileSync(keysFile, "utf8");
    await syncCatalog(database.prisma, catalog);
    await seedDemo(database.prisma, { now: new Date(NOW.getTime() + 3_600_000), keysFile });
    expect(await snapshotTables(database.sql, TABLES)).toEqual(before);
    expect(fs.readFileSync(keysFile, "utf8")).toBe(keysBefore);
  });

  it("creates the five accounts of R13 with the password meterdesk-demo", async () => {
    for (const email of ["owner", "free", "payg", "arrears", "support"].map((n) => `${n}@demo.meterdesk.dev`)) {
      const user = await database.prisma.user.findUniqueOrThrow({ where: { email }, select: { passwordHash: true } });
      expect(await verifyPassword(user.passwordHash, "meterdesk-demo")).toBe(true);
    }
  });

  it.each([
    ["owner@demo.meterdesk.dev", "growth_monthly"],
    ["free@demo.meterdesk.dev", "free"],
    ["payg@demo.meterdesk.dev", "payg"],
    ["arrears@demo.meterdesk.dev", "starter_monthly"],
  ])("puts %s on %s (R13)", async (email, planCode) => {
    const membership = await database.prisma.membership.findFirstOrThrow({
      where: { user: { email }, role: "OWNER" },
      select: {
        workspace: {
          select: {
            subscriptions: {
              where: { status: "ACTIVE" },
              select: { plan: { select: { code: true } }, currentPeriodStart: true, currentPeriodEnd: true },
            },
          },
        },
      },
    });
    const [subscription] = membership.workspace.subscriptions;
    expect(subscription?.plan.code).toBe(planCode);
    // The current period holds "now".
    expect(subscription!.currentPeriodStart.getTime()).toBeLessThanOrEqual(NOW.getTime());
    if (subscription!.currentPeriodEnd) expect(subscription!.currentPeriodEnd.getTime()).toBeGreaterThan(NOW.getTime());
  });

  it("makes support@ a staff member without a workspace", async () => {
    const user = await database.prisma.user.findUniqueOrThrow({
      where: { email: "support@demo.meterdesk.dev" },
      select: { staffRole: true, memberships: { select: { role: true } } },
    });
    expect(user.staffRole).toBe("SUPPORT");
    expect(user.memberships).toEqual([]);
  });

  it("puts the arrears workspace inside its grace period, flex on for the owner, auto top-up for payg", async () => {
    const arrears = await database.prisma.workspace.findUniqueOrThrow({
      where: { slug: "overdue-robotics" },
      select: { billingState: true, graceEndsAt: true },
    });
    expect(arrears.billingState).toBe("GRACE");
    expect(arrears.graceEndsAt!.getTime()).toBeGreaterThan(NOW.getTime());
    const owner = await database.prisma.workspace.findUniqueOrThrow({ where: { slug: "acme-vision" }, select: { flexEnabled: true } });
    expect(owner.flexEnabled).toBe(true);
    const payg = await database.prisma.workspace.findUniqueOrThrow({ where: { slug: "payg-studio" }, select: { autoTopUpEnabled: true } });
    expect(payg.autoTopUpEnabled).toBe(true);
  });

  it("gives the owner 90 days of usage over several types, busier on weekdays", async () => {
    const owner = await database.prisma.workspace.findUniqueOrThrow({ where: { slug: "acme-vision" }, select: { id: true } });
    const rows = await database.prisma.usageRollupHourly.findMany({
      where: { workspaceId: owner.id },
      select: { hour: true, operations: true, operationType: { select: { code: true } } },
    });
    const hours = rows.map((r) => r.hour.getTime());
    const spanDays = (Math.max(...hours) - Math.min(...hours)) / 86_400_000;
    expect(spanDays).toBeGreaterThan(89);
    expect(spanDays).toBeLessThanOrEqual(90);
    expect(new Set(rows.map((r) => r.operationType.code))).toEqual(new Set(["predict", "upload", "search", "train"]));
    const perDay = new Map<string, bigint>();
    for (const r of rows) {
      if (r.operationType.code !== "predict") continue;
      const day = r.hour.toISOString().slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0n) + r.operations);
    }
    let weekday = 0n,
      weekdays = 0n,
      weekend = 0n,
      weekends = 0n;
    for (const [day, ops] of perDay) {
      const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
      if (dow === 0 || dow === 6) {
        weekend += ops;
        weekends += 1n;
      } else {
        weekday += ops;
        weekdays += 1n;
      }
    }
    expect(weekday / weekdays).toBeGreaterThan((2n * weekend) / weekends);
  });

  it("keeps the month's tier counters equal to the hourly rollups (R3.1)", async () => {
    const rollups = await database.sql.query<{ total: string }>(
      `SELECT COALESCE(SUM(operations),0)::text AS total FROM "UsageRollupHourly"`,
    );
    const counters = await database.sql.query<{ total: string }>(
      `SELECT COALESCE(SUM(operations),0)::text AS total FROM "MonthlyUsageCounter"`,
    );
    expect(counters[0]!.total).toBe(rollups[0]!.total);
  });

  it("fills the balances through the engine: ledger equals balances, invoices are real (R5, R8.2)", async () => {
    expect(await ledgerViolations(database.sql)).toEqual([]);
    const owner = await database.prisma.workspace.findUniqueOrThrow({
      where: { slug: "acme-vision" },
      select: { balance: true, invoices: { select: { status: true, kind: true } }, purchases: { select: { status: true } } },
    });
    expect(owner.balance!.included).toBeGreaterThan(0n);
    expect(owner.balance!.prepaid).toBeGreaterThan(0n);
    expect(owner.purchases.map((p) => p.status)).toContain("ACTIVE");
    expect(owner.invoices.filter((i) => i.kind === "PLAN_FEE").length).toBeGreaterThanOrEqual(3);
    expect(owner.invoices.every((i) => i.status === "PAID")).toBe(true);
    // R13: the Free workspace is near its monthly limit.
    const free = await database.prisma.workspace.findUniqueOrThrow({ where: { slug: "free-labs" }, select: { balance: true } });
    expect(free.balance!.included).toBeLessThan(5_000_000n / 5n);
    // The workspace in arrears has its failed invoice open.
    const arrears = await database.prisma.workspace.findUniqueOrThrow({
      where: { slug: "overdue-robotics" },
      select: {
        arrearsSince: true,
        invoices: { where: { status: "OPEN" }, select: { createdAt: true, collectionAttempts: true, nextCollectionAt: true } },
        paymentMethods: { select: { last4: true } },
      },
    });
    expect(arrears.invoices).toHaveLength(1);
    expect(arrears.paymentMethods).toEqual([{ last4: "0002" }]);
    // Retried on the first day after the failure, with the next retry ahead (the story goes on as the date moves).
    expect(arrears.invoices[0]!.collectionAttempts).toBeGreaterThanOrEqual(2);
    expect(arrears.invoices[0]!.nextCollectionAt!.getTime()).toBeGreaterThan(NOW.getTime());
    // Its payment failed when the billing run of that day collected it, with the declining card that stays on file.
    const since = arrears.arrearsSince!.getTime();
    const opened = arrears.invoices[0]!.createdAt.getTime();
    expect(since).toBeGreaterThanOrEqual(opened);
    expect(since - opened).toBeLessThan(24 * 3_600_000);
  });

  it("writes one working API key per demo workspace to the keys file (R13)", async () => {
    const keys = JSON.parse(fs.readFileSync(keysFile, "utf8")) as Record<string, string>;
    const owners = DEMO_ACCOUNTS.filter((a) => a.workspace).map((a) => a.email);
    expect(Object.keys(keys).sort()).toEqual([...owners].sort());
    for (const email of owners) {
      const key = await database.prisma.apiKey.findFirst({
        where: {
          secretHash: hashApiKey(keys[email]!),
          revokedAt: null,
          workspace: { memberships: { some: { user: { email }, role: "OWNER" } } },
        },
        select: { id: true },
      });
      expect(key, `key of ${email}`).not.toBeNull();
    }
  });
});
