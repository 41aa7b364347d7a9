// The billing run's optional notices: low prepaid balance (R14.1, once per
// period per alert level) and package expiring (three days before a package
// that does not renew expires, once per purchase).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueBalanceNotices } from "@/lib/db/billing/notices";
import { setNoticePreference } from "@/lib/db/notices";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

process.env.APP_URL = "https://billing.test";
process.env.AUTH_SECRET = "notices-test-secret-0123456789abcdef0123";

const NOW = new Date("2027-07-10T09:00:00.000Z");
const DAY = 86_400_000;
const days = (n: number) => new Date(NOW.getTime() + n * DAY);

describe("balance and package notices of the billing run", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const noticesOf = (workspaceId: string, kind: string) =>
    database.prisma.notificationOutbox.findMany({
      where: { workspaceId, kind },
      select: { dedupeKey: true, subject: true, body: true, toEmail: true },
      orderBy: { dedupeKey: "asc" },
    });

  async function withAlert(prepaid: bigint, alertPrepaidBelow: bigint | null) {
    const workspace = await makeWorkspace(database.prisma, { now: NOW, prepaid });
    await database.prisma.workspace.update({ where: { id: workspace.id }, data: { alertPrepaidBelow } });
    return workspace;
  }

  it("low balance: when prepaid is below the alert level, once per period and level", async () => {
    const below = await withAlert(3_000_000n, 10_000_000n);
    const above = await withAlert(20_000_000n, 10_000_000n);
    const exactly = await withAlert(10_000_000n, 10_000_000n);
    const noAlert = await withAlert(1n, null);

    await enqueueBalanceNotices(database.prisma, NOW);
    const first = await noticesOf(below.id, "low_balance");
    expect(first).toHaveLength(1);
    expect(first[0]!.subject).toBe(`Prepaid credits are low for ${below.name}`);
    expect(first[0]!.body).toContain("is 3,000,000 credits, below your alert level of 10,000,000 credits.");
    expect(first[0]!.body).toContain(`https://billing.test/w/${below.slug}/credits`);
    expect(first[0]!.body).toContain("Stop these emails: https://billing.test/unsubscribe?token=");
    for (const quiet of [above, exactly, noAlert]) expect(await noticesOf(quiet.id, "low_balance")).toEqual([]);

    // Later in the same period, still below: nothing more.
    await database.prisma.creditBalance.update({ where: { workspaceId: below.id }, data: { prepaid: 1_000n } });
    await enqueueBalanceNotices(database.prisma, new Date(NOW.getTime() + 3_600_000));
    await enqueueBalanceNotices(database.prisma, days(2));
    expect(await noticesOf(below.id, "low_balance")).toHaveLength(1);

    // The customer sets another level: that level is new.
    await database.prisma.workspace.update({ where: { id: below.id }, data: { alertPrepaidBelow: 5_000n } });
    await enqueueBalanceNotices(database.prisma, days(2));
    const second = await noticesOf(below.id, "low_balance");
    expect(second).toHaveLength(2);
    expect(second.map((row) => row.dedupeKey).filter((key) => key.includes(":5000:"))).toHaveLength(1);

    // A workspace that falls below later in the period is told then.
    await database.prisma.creditBalance.update({ where: { workspaceId: above.id }, data: { prepaid: 9_999_999n } });
    await enqueueBalanceNotices(database.prisma, days(3));
    expect(await noticesOf(above.id, "low_balance")).toHaveLength(1);
  });

  it("low balance: the next period tells again", async () => {
    const workspace = await withAlert(1_000n, 10_000_000n);
    await enqueueBalanceNotices(database.prisma, NOW);
    expect(await noticesOf(workspace.id, "low_balance")).toHaveLength(1);
    const period = await database.prisma.subscriptionPeriod.findFirstOrThrow({
      where: { workspaceId: workspace.id },
      select: { endsAt: true },
    });
    // What the billing run's renewal does, in short: a new period from the old one's end.
    const current = await database.prisma.subscriptionPeriod.findFirstOrThrow({
      where: { workspaceId: workspace.id },
      select: { subscriptionId: true, planId: true },
    });
    await database.prisma.subscriptionPeriod.create({
      data: {
        workspaceId: workspace.id,
        subscriptionId: current.subscriptionId,
        planId: current.planId,
        startsAt: period.endsAt!,
        endsAt: new Date(period.endsAt!.getTime() + 30 * DAY),
      },
    });
    await enqueueBalanceNotices(database.prisma, new Date(period.endsAt!.getTime() - 1));
    expect(await noticesOf(workspace.id, "low_balance")).toHaveLength(1);
    await enqueueBalanceNotices(database.prisma, new Date(period.endsAt!.getTime() + DAY));
    expect(await noticesOf(workspace.id, "low_balance")).toHaveLength(2);
  });

  it("low balance: a member who turned it off is skipped", async () => {
    const workspace = await withAlert(1_000n, 10_000_000n);
    const owner = await database.prisma.membership.findFirstOrThrow({ where: { workspaceId: workspace.id }, select: { userId: true } });
    await setNoticePreference(database.prisma, {
      workspaceId: workspace.id,
      userId: owner.userId,
      kind: "low_balance",
      enabled: false,
      now: NOW,
    });
    await enqueueBalanceNotices(database.prisma, NOW);
    await enqueueBalanceNotices(database.prisma, NOW);
    expect(await noticesOf(workspace.id, "low_balance")).toEqual([]);
  });

  it("works through many workspaces a chunk at a time, past those whose members turned it off", async () => {
    const workspaces = [];
    for (let i = 0; i < 7; i += 1) workspaces.push(await withAlert(1_000n, 10_000_000n));
    const sorted = [...workspaces].sort((a, b) => (a.id < b.id ? -1 : 1));
    // The first two in paging order receive nothing: a chunk made of them writes no rows.
    for (const workspace of sorted.slice(0, 2)) {
      const owner = await database.prisma.membership.findFirstOrThrow({ where: { workspaceId: workspace.id }, select: { userId: true } });
      await setNoticePreference(database.prisma, {
        workspaceId: workspace.id,
        userId: owner.userId,
        kind: "low_balance",
        enabled: false,
        now: NOW,
      });
    }
    await enqueueBalanceNotices(database.prisma, NOW, { chunkSize: 2 });
    for (const [index, workspace] of sorted.entries()) {
      expect(await noticesOf(workspace.id, "low_balance")).toHaveLength(index < 2 ? 0 : 1);
    }
    const again = await enqueueBalanceNotices(database.prisma, NOW, { chunkSize: 2 });
    expect(again.lowBalance).toBe(0);
  });

  it("package expiring: three days before, for active packages that do not renew, once", async () => {
    const workspace = await makeWorkspace(database.prisma, {
      now: NOW,
      packages: [
        { code: "predict_100k_month", expiresAt: days(5), operations: 100_000n },
        { code: "search_100k_month", expiresAt: days(2), operations: 100_000n },
      ],
    });
    const purchases = await database.prisma.packagePurchase.findMany({
      where: { workspaceId: workspace.id },
      select: { id: true, expiresAt: true },
      orderBy: { expiresAt: "asc" },
    });
    const [soon, later] = purchases;
    await database.prisma.packagePurchase.update({
      where: { workspaceId_id: { workspaceId: workspace.id, id: soon!.id } },
      data: { remainingOperations: 12_345n },
    });

    await enqueueBalanceNotices(database.prisma, NOW);
    let rows = await noticesOf(workspace.id, "package_expiring");
    expect(rows.map((row) => row.dedupeKey.split(":").slice(0, 2).join(":"))).toEqual([`package-expiring:${soon!.id}`]);
    expect(rows[0]!.subject).toBe(`Your package "100,000 search · 1 month" for ${workspace.name} expires on July 12, 2027`);
    expect(rows[0]!.body).toContain("12,345 operations are left on it");
    expect(rows[0]!.body).toContain(`https://billing.test/w/${workspace.slug}/packages`);

    // Once per purchase.
    await enqueueBalanceNotices(database.prisma, days(1));
    expect(await noticesOf(workspace.id, "package_expiring")).toHaveLength(1);

    // The other one enters its last three days.
    await enqueueBalanceNotices(database.prisma, new Date(later!.expiresAt.getTime() - 3 * DAY));
    rows = await noticesOf(workspace.id, "package_expiring");
    expect(rows).toHaveLength(2);
    expect(rows.some((row) => row.dedupeKey.startsWith(`package-expiring:${later!.id}:`))).toBe(true);
  });

  it("package expiring: nothing for a package that renews, has expired, or is further out", async () => {
    const workspace = await makeWorkspace(database.prisma, {
      now: NOW,
      packages: [
        { code: "predict_100k_month", expiresAt: days(1) },
        { code: "search_100k_month", expiresAt: days(2) },
        { code: "predict_1m_year", expiresAt: days(30) },
      ],
    });
    const purchases = await database.prisma.packagePurchase.findMany({
      where: { workspaceId: workspace.id },
      select: { id: true },
      orderBy: { expiresAt: "asc" },
    });
    await database.prisma.packagePurchase.update({
      where: { workspaceId_id: { workspaceId: workspace.id, id: purchases[0]!.id } },
      data: { autoRenew: true },
    });
    await database.prisma.packagePurchase.update({
      where: { workspaceId_id: { workspaceId: workspace.id, id: purchases[1]!.id } },
      data: { status: "EXHAUSTED" },
    });
    await enqueueBalanceNotices(database.prisma, NOW);
    expect(await noticesOf(workspace.id, "package_expiring")).toEqual([]);
    // Past its expiry, too late to warn.
    await enqueueBalanceNotices(database.prisma, days(31));
    expect(await noticesOf(workspace.id, "package_expiring")).toEqual([]);
  });
});
