// R11, R4.6: support cancels a paid subscription through the console's server
// actions, at the period end or now. The preview is what the apply writes (the
// final invoice line by line, to the cent; the forfeit; Free afterwards), a
// double submit applies once, a stale preview is refused with the new one and
// changes nothing, a reason is required, and each cancellation leaves exactly
// one audit row. "Now" bills exactly what the billing run bills when a period
// ends with a cancellation at the same instant.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/access";
import type { Clock } from "@/lib/clock";
import { runBilling } from "@/lib/db/billing/billing-run";
import type { Database } from "@/lib/db/connect";
import { createInvoice } from "@/lib/db/invoices";
import { debitBatch, loadRatingCatalog } from "@/lib/db/ledger/debit";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";
import { snapshotTables } from "../helpers/snapshot";

const session: { user: SessionUser | null } = { user: null };
vi.mock("@/lib/auth/session", () => ({ readSession: async () => session.user }));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const CREDITS_PER_USD = 2_000_000n;
const at = (iso: string) => new Date(iso);
// The app's clock, held still by the test (staffAction reads it).
const clock: { at: Date } = { at: at("2027-09-20T12:00:00Z") };
(globalThis as unknown as { __meterdeskClock?: Clock }).__meterdeskClock = { now: () => new Date(clock.at) };

type Actions = typeof import("@/app/(support)/support/accounts/[workspaceId]/cancel-actions");
type PreviewOf = Extract<Awaited<ReturnType<Actions["previewCancelSubscriptionAction"]>>, { ok: true }>["data"];

describe("support cancels a subscription (R11, R4.6)", () => {
  let database: TestDatabase;
  let actions: Actions;
  let tables: string[];
  const support: SessionUser = { id: randomUUID(), email: "support@test.dev", name: "Sam Support", staffRole: "SUPPORT" };

  beforeAll(async () => {
    database = await createTestDatabase();
    (globalThis as unknown as { __meterdeskDb?: Promise<Database> }).__meterdeskDb = Promise.resolve(database);
    await loadCatalog(database.prisma);
    await database.prisma.user.create({ data: { id: support.id, email: support.email, name: support.name, staffRole: "SUPPORT" } });
    actions = await import("@/app/(support)/support/accounts/[workspaceId]/cancel-actions");
    const rows = await database.sql.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    tables = rows.map((row) => String((row as { tablename: string }).tablename));
  }, 120_000);

  afterAll(async () => {
    (globalThis as unknown as { __meterdeskDb?: Promise<Database> }).__meterdeskDb = undefined;
    await database?.close();
  });

  beforeEach(() => {
    session.user = support;
    clock.at = at("2027-09-20T12:00:00Z");
  });

  async function previewOf(workspaceId: string, mode: "now" | "period_end"): Promise<PreviewOf> {
    const result = await actions.previewCancelSubscriptionAction({ workspaceId, mode });
    if (!result.ok) throw new Error(`preview refused: ${result.error}`);
    return result.data;
  }
  const confirm = (workspaceId: string, mode: "now" | "period_end", shown: PreviewOf, key = randomUUID(), reason = "customer asked") =>
    actions.cancelSubscriptionAction({ workspaceId, mode, reason, idempotencyKey: key, token: shown.token });
  const statusOf = (result: Awaited<ReturnType<typeof confirm>>) => (result.ok ? result.data.status : result.error);
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
        lines: {
          orderBy: { position: "asc" },
          select: { description: true, amountCents: true, source: true, rule: true, quantity: true, credits: true },
        },
      },
    });
  const linesOf = (lines: { description: string; amountCents: number | string }[]) =>
    lines.map((line) => ({ description: line.description, amountCents: String(line.amountCents) }));
  const balanceOf = (workspaceId: string) =>
    database.prisma.creditBalance.findUniqueOrThrow({
      where: { workspaceId },
      select: { included: true, prepaid: true, flexUsed: true, flexPeriodStart: true },
    });
  const subscriptionsOf = (workspaceId: string) =>
    database.prisma.subscription.findMany({
      where: { workspaceId },
      orderBy: { startedAt: "asc" },
      select: {
        status: true,
        endedAt: true,
        cancelAtPeriodEnd: true,
        anchorDay: true,
        currentPeriodStart: true,
        currentPeriodEnd: true,
        plan: { select: { code: true } },
      },
    });
  const auditOf = (workspaceId: string) =>
    database.prisma.auditLog.findMany({ where: { workspaceId, action: { not: "support.view_account" } }, orderBy: { id: "asc" } });
  const forfeitsOf = (workspaceId: string) =>
    database.prisma.ledgerEntry.findMany({ where: { workspaceId, reason: "FORFEIT" }, select: { amount: true } });

  it("now: the preview is the final invoice the apply writes, once — a double submit applies once — with one audit row", async () => {
    const ws = await makeWorkspace(database.prisma, {
      planCode: "growth_monthly",
      now: at("2027-09-01T00:00:00Z"),
      prepaid: 4_000_000n,
      flexEnabled: true,
      packages: [{ code: "predict_100k_month", expiresAt: at("2027-10-05T00:00:00Z") }],
    });
    // 3,000,001 flex credits used so far: $1.50 (rounded down once); 700,000,000 included credits left.
    await database.prisma.creditBalance.update({ where: { workspaceId: ws.id }, data: { flexUsed: 3_000_001n, included: 700_000_000n } });

    const shown = await previewOf(ws.id, "now");
    expect(shown.preview).toEqual({
      mode: "now",
      plan: { code: "growth_monthly", name: "Growth" },
      endsAt: "2027-09-20",
      cancelWasScheduled: false,
      downgradeDropped: null,
      finalInvoice: {
        issuedAt: "2027-09-20",
        lines: [
          { description: "Growth plan, Sep 1 – Sep 20, 2027 · billed at the end of the period", amountCents: "30000" },
          { description: "Flex: 3,000,001 credits used in the period → $1.50, rounded down to the cent", amountCents: "150" },
        ],
        totalCents: "30150",
        estimate: false,
        flexToCome: false,
      },
      includedForfeited: "700000000",
      after: { planName: "Free", includedCredits: "5000000", firstResetAt: "2027-10-20" },
      packages: [{ name: expect.any(String), expiresAt: "2027-10-05T00:00:00.000Z", autoRenew: false }],
    });

    // The same confirmation twice at once, then once more later.
    const key = randomUUID();
    const outcomes = await Promise.all([confirm(ws.id, "now", shown, key), confirm(ws.id, "now", shown, key)]);
    expect(outcomes.map(statusOf).sort()).toEqual(["applied", "replayed"]);
    clock.at = at("2027-09-20T12:05:00Z");
    expect(statusOf(await confirm(ws.id, "now", shown, key))).toBe("replayed");

    const invoices = await invoicesOf(ws.id);
    expect(invoices).toHaveLength(1);
    const [final] = invoices;
    expect(final).toMatchObject({
      kind: "FINAL",
      status: "OPEN",
      totalCents: 30150,
      periodStart: at("2027-09-01T00:00:00Z"),
      periodEnd: at("2027-09-20T12:00:00Z"),
    });
    expect(linesOf(final!.lines)).toEqual(shown.preview.finalInvoice.lines);

    const [ended, free] = await subscriptionsOf(ws.id);
    expect(ended).toMatchObject({
      status: "ENDED",
      endedAt: at("2027-09-20T12:00:00Z"),
      currentPeriodEnd: at("2027-09-20T12:00:00Z"),
      plan: { code: "growth_monthly" },
    });
    expect(free).toMatchObject({ status: "ACTIVE", plan: { code: "free" }, currentPeriodStart: at("2027-09-20T12:00:00Z"), anchorDay: 20 });
    expect(free!.currentPeriodEnd?.toISOString().slice(0, 10)).toBe(shown.preview.after.firstResetAt);
    const period = await database.prisma.subscriptionPeriod.findFirstOrThrow({
      where: { workspaceId: ws.id, startsAt: at("2027-09-01T00:00:00Z") },
      select: { closedAt: true, closeReason: true },
    });
    expect(period).toEqual({ closedAt: at("2027-09-20T12:00:00Z"), closeReason: "CANCELED" });
    // Included forfeited as previewed, Free's own credits granted; prepaid and the package kept; flex settled.
    expect(await forfeitsOf(ws.id)).toEqual([{ amount: -700_000_000n }]);
    expect(await balanceOf(ws.id)).toMatchObject({ included: 5_000_000n, prepaid: 4_000_000n, flexUsed: 0n });
    expect(await database.prisma.packagePurchase.count({ where: { workspaceId: ws.id, status: "ACTIVE" } })).toBe(1);

    const audit = await auditOf(ws.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "support.cancel_subscription",
      actorId: support.id,
      actorEmail: support.email,
      actorRole: "SUPPORT",
      reason: "customer asked",
      idempotencyKey: key,
      detail: {
        before: { plan: "growth_monthly", status: "ACTIVE", cancelAtPeriodEnd: false, includedLeft: "700000000" },
        after: { mode: "now", plan: "free", status: "ENDED", finalInvoice: final!.number, totalCents: "30150" },
      },
    });

    // A new confirmation now finds nothing to cancel.
    const again = await actions.previewCancelSubscriptionAction({ workspaceId: ws.id, mode: "now" });
    expect(again).toEqual({ ok: false, error: "This account is on the Free plan, which is not a paid plan: there is nothing to cancel." });
  });

  it("now: flex used after the preview gets the new preview back, and nothing changes; the new one applies", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now: at("2027-09-01T00:00:00Z"), flexEnabled: true });
    await database.prisma.creditBalance.update({ where: { workspaceId: ws.id }, data: { flexUsed: 2_000_000n } });
    const stale = await previewOf(ws.id, "now");
    expect(stale.preview.finalInvoice.totalCents).toBe("3100");
    // More flex is used before the staff member confirms.
    await database.prisma.creditBalance.update({ where: { workspaceId: ws.id }, data: { flexUsed: 6_000_000n } });
    const before = await snapshotTables(database.sql, tables);
    const result = await confirm(ws.id, "now", stale);
    expect(result).toMatchObject({ ok: true, data: { status: "changed" } });
    const fresh = (result as { ok: true; data: { status: "changed"; preview: PreviewOf["preview"]; token: string } }).data;
    expect(fresh.preview.finalInvoice.lines.at(-1)).toEqual({
      description: "Flex: 6,000,000 credits used in the period → $3.00, rounded down to the cent",
      amountCents: "300",
    });
    expect(fresh.preview.finalInvoice.totalCents).toBe("3300");
    expect(await snapshotTables(database.sql, tables)).toEqual(before);

    expect(statusOf(await confirm(ws.id, "now", { preview: fresh.preview, token: fresh.token }))).toBe("applied");
    const [final] = await invoicesOf(ws.id);
    expect(final!.totalCents).toBe(3300);
    expect(linesOf(final!.lines)).toEqual(fresh.preview.finalInvoice.lines);
  });

  it("now: a waiting discount and an overdue invoice are on the final invoice exactly as previewed", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now: at("2027-09-01T00:00:00Z") });
    const overdue = await database.prisma.$transaction((tx) =>
      createInvoice(tx, {
        workspaceId: ws.id,
        kind: "PACKAGE",
        lines: [{ description: "Package", source: "PACKAGE", rule: "R6.1", quantity: 1n, credits: null, amountCents: 4000n }],
        idempotencyKey: "test:overdue",
        at: at("2027-09-05T00:00:00Z"),
      }),
    );
    await database.prisma.invoice.update({
      where: { workspaceId_id: { workspaceId: ws.id, id: overdue.id } },
      data: { firstFailedAt: at("2027-09-05T00:00:00Z") },
    });
    await database.prisma.workspaceDiscount.create({
      data: {
        workspaceId: ws.id,
        percent: 50,
        invoices: 1,
        invoicesRemaining: 1,
        reason: "sorry for the outage",
        createdAt: at("2027-09-02T00:00:00Z"),
      },
    });
    const shown = await previewOf(ws.id, "now");
    expect(shown.preview.finalInvoice.lines).toEqual([
      { description: "Starter plan, Sep 1 – Sep 20, 2027 · billed at the end of the period", amountCents: "3000" },
      { description: "Discount 50%: sorry for the outage", amountCents: "-1500" },
      { description: `Unpaid invoice ${overdue.number}, carried over`, amountCents: "4000" },
    ]);
    expect(shown.preview.finalInvoice.totalCents).toBe("5500");
    expect(statusOf(await confirm(ws.id, "now", shown))).toBe("applied");
    const invoices = await invoicesOf(ws.id);
    expect(invoices.map((invoice) => [invoice.number, invoice.kind, invoice.status, invoice.totalCents])).toEqual([
      [overdue.number, "PACKAGE", "VOID", 4000],
      [expect.any(String), "FINAL", "OPEN", 5500],
    ]);
    expect(linesOf(invoices[1]!.lines)).toEqual(shown.preview.finalInvoice.lines);
    expect((await database.prisma.workspaceDiscount.findFirstOrThrow({ where: { workspaceId: ws.id } })).invoicesRemaining).toBe(0);
  });

  it("now on an annual plan: the fee paid upfront is not refunded; the final invoice bills the flex of the month so far", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "starter_annual", now: at("2027-09-01T00:00:00Z"), flexEnabled: true });
    await database.prisma.creditBalance.update({ where: { workspaceId: ws.id }, data: { flexUsed: 1_000_000n } });
    const shown = await previewOf(ws.id, "now");
    expect(shown.preview.finalInvoice.lines).toEqual([
      { description: "Flex: 1,000,000 credits used in the period → $0.50, rounded down to the cent", amountCents: "50" },
    ]);
    expect(statusOf(await confirm(ws.id, "now", shown))).toBe("applied");
    const [final] = await invoicesOf(ws.id);
    expect(final).toMatchObject({ kind: "FINAL", totalCents: 50 });
    expect(linesOf(final!.lines)).toEqual(shown.preview.finalInvoice.lines);
  });

  it("now bills exactly what the billing run bills when the period ends with a cancellation at the same instant", async () => {
    const instant = at("2027-09-17T06:30:00Z");
    clock.at = instant;
    const twin = async () => {
      const ws = await makeWorkspace(database.prisma, {
        planCode: "growth_monthly",
        now: at("2027-09-01T00:00:00Z"),
        included: 5_000_000n,
        prepaid: 1_000_000n,
        flexEnabled: true,
      });
      // Real usage: 6,000 predictions, 5,000 of them paid at 2,400 credits = 12,000,000 credits —
      // 5,000,000 included, 1,000,000 prepaid, 6,000,000 flex ($3.00).
      await debitBatch(
        database.prisma,
        [
          {
            workspaceId: ws.id,
            operationType: "predict",
            operations: 6_000n,
            idempotencyKey: "usage",
            requestId: "r",
            at: at("2027-09-10T00:00:00Z"),
          },
        ],
        { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: CREDITS_PER_USD },
      );
      return ws;
    };
    const bySupport = await twin();
    const byBillingRun = await twin();

    expect(statusOf(await confirm(bySupport.id, "now", await previewOf(bySupport.id, "now")))).toBe("applied");
    // The twin's period ends at that instant, set to cancel: the billing run closes it.
    await database.prisma.subscription.updateMany({
      where: { workspaceId: byBillingRun.id, status: "ACTIVE" },
      data: { cancelAtPeriodEnd: true, currentPeriodEnd: instant },
    });
    await runBilling(database.prisma, { now: instant, creditsPerUsd: CREDITS_PER_USD, deliverEmail: false });

    const comparable = async (workspaceId: string) => ({
      invoices: (await invoicesOf(workspaceId)).map(({ number: _number, ...invoice }) => invoice),
      subscriptions: await subscriptionsOf(workspaceId),
      balance: await balanceOf(workspaceId),
      forfeits: await forfeitsOf(workspaceId),
    });
    const support = await comparable(bySupport.id);
    expect(support.invoices).toHaveLength(1);
    expect(support.invoices[0]!.totalCents).toBe(30000 + 300);
    expect(support).toEqual(await comparable(byBillingRun.id));
    expect(await ledgerViolations(database.sql, [bySupport.id, byBillingRun.id])).toEqual([]);
  });

  it("at the period end: the customer's own cancellation with one audit row, then the billing run issues the previewed invoice", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now: at("2027-09-01T00:00:00Z") });
    await database.prisma.subscription.updateMany({
      where: { workspaceId: ws.id, status: "ACTIVE" },
      data: { scheduledPlanId: (await database.prisma.plan.findUniqueOrThrow({ where: { code: "free" } })).id },
    });
    const shown = await previewOf(ws.id, "period_end");
    expect(shown.preview).toMatchObject({
      mode: "period_end",
      endsAt: "2027-10-01T00:00:00.000Z",
      downgradeDropped: "Free",
      includedForfeited: null,
      finalInvoice: {
        issuedAt: "2027-10-01T00:00:00.000Z",
        lines: [{ description: "Starter plan, Sep 1 – Oct 1, 2027 · billed at the end of the period", amountCents: "3000" }],
        totalCents: "3000",
        estimate: true,
        flexToCome: true,
      },
    });
    const key = randomUUID();
    const outcomes = await Promise.all([confirm(ws.id, "period_end", shown, key), confirm(ws.id, "period_end", shown, key)]);
    expect(outcomes.map(statusOf).sort()).toEqual(["applied", "replayed"]);
    const [subscription] = await subscriptionsOf(ws.id);
    expect(subscription).toMatchObject({ status: "ACTIVE", cancelAtPeriodEnd: true, plan: { code: "starter_monthly" } });
    expect(
      await database.prisma.subscription.findFirstOrThrow({ where: { workspaceId: ws.id }, select: { scheduledPlanId: true } }),
    ).toEqual({ scheduledPlanId: null });
    // One audit row: the support action's, with before and after (not also the customer's "cancel_scheduled").
    const audit = await auditOf(ws.id);
    expect(audit.map((row) => row.action)).toEqual(["support.cancel_subscription"]);
    expect(audit[0]).toMatchObject({
      reason: "customer asked",
      detail: {
        before: { cancelAtPeriodEnd: false, scheduledPlan: "free" },
        after: { mode: "period_end", cancelAtPeriodEnd: true, endsAt: "2027-10-01T00:00:00.000Z" },
      },
    });
    // Already set: "at the period end" is refused clearly; "now" is still offered.
    expect(await actions.previewCancelSubscriptionAction({ workspaceId: ws.id, mode: "period_end" })).toEqual({
      ok: false,
      error: "This subscription is already set to cancel at the end of its period, on October 1, 2027. To end it sooner, cancel now.",
    });
    expect((await previewOf(ws.id, "now")).preview.cancelWasScheduled).toBe(true);

    await runBilling(database.prisma, { now: at("2027-10-01T00:00:01Z"), creditsPerUsd: CREDITS_PER_USD, deliverEmail: false });
    const [final] = await invoicesOf(ws.id);
    expect(final!.kind).toBe("FINAL");
    expect(linesOf(final!.lines)).toEqual(shown.preview.finalInvoice.lines);
    expect((await subscriptionsOf(ws.id)).map((row) => [row.plan.code, row.status])).toEqual([
      ["starter_monthly", "ENDED"],
      ["free", "ACTIVE"],
    ]);
  });

  it("refuses, and changes nothing: no paid plan, no reason, a bad mode", async () => {
    const free = await makeWorkspace(database.prisma, { planCode: "free", now: at("2027-09-01T00:00:00Z") });
    const payg = await makeWorkspace(database.prisma, { planCode: "payg", now: at("2027-09-01T00:00:00Z") });
    const paid = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now: at("2027-09-01T00:00:00Z") });
    const shown = await previewOf(paid.id, "now");
    const before = await snapshotTables(database.sql, tables);
    for (const [workspaceId, plan] of [
      [free.id, "Free"],
      [payg.id, "Pay as you go"],
    ] as const) {
      for (const mode of ["now", "period_end"] as const) {
        expect(await actions.previewCancelSubscriptionAction({ workspaceId, mode })).toEqual({
          ok: false,
          error: `This account is on the ${plan} plan, which is not a paid plan: there is nothing to cancel.`,
        });
      }
    }
    expect(await confirm(paid.id, "now", shown, randomUUID(), "  ")).toMatchObject({
      ok: false,
      fieldErrors: { reason: ["Say why, in a few words: it goes into the audit trail."] },
    });
    expect(await actions.previewCancelSubscriptionAction({ workspaceId: paid.id, mode: "tomorrow" })).toMatchObject({
      ok: false,
      fieldErrors: { mode: ["Choose when the subscription ends."] },
    });
    expect(await actions.previewCancelSubscriptionAction({ workspaceId: randomUUID(), mode: "now" })).toEqual({
      ok: false,
      error: "This account no longer exists.",
    });
    // A customer calling the action directly is refused before anything is read.
    const owner = await database.prisma.membership.findFirstOrThrow({ where: { workspaceId: paid.id }, select: { user: true } });
    session.user = { id: owner.user.id, email: owner.user.email, name: owner.user.name ?? "", staffRole: null };
    await expect(confirm(paid.id, "now", shown)).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;403" });
    expect(await snapshotTables(database.sql, tables)).toEqual(before);
  });
});
