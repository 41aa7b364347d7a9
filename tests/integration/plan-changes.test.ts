// Plan changes from the Plan page on a real database (R4.2, R4.5, R4.6): the
// preview, the confirmation (once, whatever the clicks and tabs), the
// upgrade's invoice charged at once, and the billing clock doing the rest.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBilling } from "@/lib/db/billing/billing-run";
import { PlanChangeError, undoCancel } from "@/lib/db/billing/plan-changes";
import { confirmCancellation, confirmPlanChange, loadPlanChangePreview, withdrawScheduledDowngrade } from "@/lib/db/billing/plan-preview";
import { TestGateway } from "@/lib/payments/test-gateway";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const CREDITS_PER_USD = 2_000_000n;
const actor = { id: null, email: "owner@test.dev", role: "OWNER" };
const at = (iso: string) => new Date(iso);
const day = (date: Date) => date.toISOString().slice(0, 10);

describe("plan changes from the Plan page", () => {
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

  const run = (now: Date) => runBilling(database.prisma, { now, creditsPerUsd: CREDITS_PER_USD, gateway, deliverEmail: false });
  const preview = (workspaceId: string, request: { kind: "cancel" } | { kind: "plan"; toPlanCode: string }, now: Date) =>
    loadPlanChangePreview(database.prisma, { workspaceId, request, at: now, creditsPerUsd: CREDITS_PER_USD });
  const confirm = (workspaceId: string, fromPlanCode: string, toPlanCode: string, expectedTodayCents: bigint, now: Date) =>
    confirmPlanChange(database.prisma, gateway, {
      workspaceId,
      fromPlanCode,
      toPlanCode,
      expectedTodayCents,
      at: now,
      creditsPerUsd: CREDITS_PER_USD,
      actor,
    });
  const invoicesOf = (workspaceId: string) =>
    database.prisma.invoice.findMany({
      where: { workspaceId },
      orderBy: { number: "asc" },
      select: {
        number: true,
        kind: true,
        status: true,
        totalCents: true,
        issuedAt: true,
        lines: { select: { description: true, amountCents: true } },
      },
    });
  const subscriptionOf = (workspaceId: string) =>
    database.prisma.subscription.findFirstOrThrow({
      where: { workspaceId, status: "ACTIVE" },
      select: {
        anchorDay: true,
        currentPeriodStart: true,
        currentPeriodEnd: true,
        cancelAtPeriodEnd: true,
        plan: { select: { code: true } },
        scheduledPlan: { select: { code: true } },
      },
    });
  const balanceOf = (workspaceId: string) =>
    database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId }, select: { included: true, prepaid: true } });
  const chargesOf = (workspaceId: string) =>
    database.prisma.testGatewayCharge.findMany({
      where: { customerId: `tgcus_${workspaceId}` },
      select: { amountCents: true, status: true },
    });
  const auditOf = (workspaceId: string, action: string) => database.prisma.auditLog.findMany({ where: { workspaceId, action } });
  const linesOf = (lines: { description: string; amountCents: bigint | number }[]) =>
    lines.map((line) => [line.description, BigInt(line.amountCents)]);

  it("Starter from January 31 is charged on Feb 28, Mar 31 and Apr 30, and keeps the 31st as its anniversary", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now: at("2027-01-31T00:00:00Z"), card: true });
    const shown = await preview(ws.id, { kind: "plan", toPlanCode: "growth_monthly" }, at("2027-01-31T00:00:00Z"));
    // Without the change the plan keeps its anniversary on the 31st.
    const downgrade = await preview(ws.id, { kind: "plan", toPlanCode: "free" }, at("2027-01-31T00:00:00Z"));
    expect(downgrade.summary.anniversaryDay).toBe(31);
    expect(shown.summary.anniversaryDay).toBe(31);

    for (const when of ["2027-02-28T00:00:01Z", "2027-03-31T00:00:01Z", "2027-04-30T00:00:01Z"]) await run(at(when));
    const invoices = await invoicesOf(ws.id);
    expect(invoices.map((invoice) => [invoice.kind, day(invoice.issuedAt!), invoice.totalCents, invoice.status])).toEqual([
      ["PLAN_FEE", "2027-02-28", 3000, "PAID"],
      ["PLAN_FEE", "2027-03-31", 3000, "PAID"],
      ["PLAN_FEE", "2027-04-30", 3000, "PAID"],
    ]);
    expect((await subscriptionOf(ws.id)).anchorDay).toBe(31);
  });

  it("an upgrade on day 10 of 30 invoices the old plan pro rata, charges the card at once and starts the new period that day", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now: at("2026-11-01T00:00:00Z"), card: true });
    // 3,000,000 flex credits used so far: $1.50 of flex on the closing invoice.
    await database.prisma.creditBalance.update({ where: { workspaceId: ws.id }, data: { flexUsed: 3_000_000n } });
    const now = at("2026-11-11T00:00:00Z");
    const shown = await preview(ws.id, { kind: "plan", toPlanCode: "growth_monthly" }, now);
    expect(shown.invoice.change).toBe("upgrade");
    expect(shown.summary.chargedTodayCents).toBe(1000n + 150n);
    expect(shown.card?.last4).toBe("4242");
    expect(shown.summary.includedAfter).toBe(750_000_000n);
    expect(shown.summary.anniversaryDay).toBe(11);
    expect(shown.summary.nextChargeDates.map((d) => day(d.at))).toEqual(["2026-12-11", "2027-01-11", "2027-02-11"]);

    // Double click: two confirmations at once; then a second tab later.
    const outcomes = await Promise.all([
      confirm(ws.id, "starter_monthly", "growth_monthly", shown.summary.chargedTodayCents, now),
      confirm(ws.id, "starter_monthly", "growth_monthly", shown.summary.chargedTodayCents, now),
    ]);
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(["already_applied", "upgraded"]);
    expect(await confirm(ws.id, "starter_monthly", "growth_monthly", shown.summary.chargedTodayCents, at("2026-11-11T00:05:00Z"))).toEqual({
      kind: "already_applied",
    });

    const invoices = await invoicesOf(ws.id);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ kind: "PRORATION", status: "PAID", totalCents: 1150 });
    // The confirmed invoice is the preview, line by line, to the cent.
    expect(linesOf(invoices[0]!.lines)).toEqual(linesOf(shown.invoice.lines));
    expect(BigInt(invoices[0]!.totalCents)).toBe(shown.invoice.totalCents);
    expect(await chargesOf(ws.id)).toEqual([{ amountCents: 1150, status: "succeeded" }]);
    expect(await auditOf(ws.id, "subscription.upgraded")).toHaveLength(1);

    const subscription = await subscriptionOf(ws.id);
    expect(subscription).toMatchObject({ plan: { code: "growth_monthly" }, anchorDay: 11, currentPeriodStart: now });
    expect(day(subscription.currentPeriodEnd!)).toBe("2026-12-11");
    expect((await balanceOf(ws.id)).included).toBe(750_000_000n);

    await run(at("2026-12-11T00:00:01Z"));
    const after = await invoicesOf(ws.id);
    expect(after.map((invoice) => [invoice.kind, day(invoice.issuedAt!), invoice.totalCents])).toEqual([
      ["PRORATION", "2026-11-11", 1150],
      ["PLAN_FEE", "2026-12-11", 30000],
    ]);
  });

  it("a confirmation whose amount moved since the preview applies nothing and shows the new amount", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now: at("2026-11-01T00:00:00Z"), card: true });
    const shown = await preview(ws.id, { kind: "plan", toPlanCode: "growth_monthly" }, at("2026-11-11T00:00:00Z"));
    const later = at("2026-11-12T00:00:00Z");
    const outcome = await confirm(ws.id, "starter_monthly", "growth_monthly", shown.summary.chargedTodayCents, later);
    expect(outcome.kind).toBe("preview_changed");
    if (outcome.kind !== "preview_changed") return;
    expect(outcome.preview.summary.chargedTodayCents).toBe(1100n);
    expect((await subscriptionOf(ws.id)).plan.code).toBe("starter_monthly");
    expect(await invoicesOf(ws.id)).toEqual([]);
    // Confirming the new amount applies it, at that amount.
    expect((await confirm(ws.id, "starter_monthly", "growth_monthly", 1100n, later)).kind).toBe("upgraded");
    expect((await invoicesOf(ws.id)).map((invoice) => invoice.totalCents)).toEqual([1100]);
  });

  it("a paid plan needs a card, and no upgrade is made in arrears", async () => {
    const free = await makeWorkspace(database.prisma, { planCode: "free", now: at("2026-11-01T00:00:00Z") });
    await expect(confirm(free.id, "free", "starter_monthly", 0n, at("2026-11-05T00:00:00Z"))).rejects.toBeInstanceOf(PlanChangeError);
    expect((await subscriptionOf(free.id)).plan.code).toBe("free");

    const owing = await makeWorkspace(database.prisma, {
      planCode: "starter_monthly",
      now: at("2026-11-01T00:00:00Z"),
      card: true,
      billingState: "GRACE",
    });
    const shown = await preview(owing.id, { kind: "plan", toPlanCode: "growth_monthly" }, at("2026-11-11T00:00:00Z"));
    await expect(
      confirm(owing.id, "starter_monthly", "growth_monthly", shown.summary.chargedTodayCents, at("2026-11-11T00:00:00Z")),
    ).rejects.toBeInstanceOf(PlanChangeError);
    expect((await subscriptionOf(owing.id)).plan.code).toBe("starter_monthly");
    expect(await invoicesOf(owing.id)).toEqual([]);
  });

  it("a downgrade is scheduled once, waits for the anniversary, and its invoice is the preview", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "growth_monthly", now: at("2026-11-01T00:00:00Z"), card: true });
    const now = at("2026-11-11T00:00:00Z");
    const shown = await preview(ws.id, { kind: "plan", toPlanCode: "starter_monthly" }, now);
    expect(shown.invoice.change).toBe("downgrade");
    expect(shown.summary.chargedTodayCents).toBe(0n);
    expect(day(shown.invoice.effectiveAt)).toBe("2026-12-01");
    expect(shown.summary.anniversaryDay).toBe(1);

    const first = await confirm(ws.id, "growth_monthly", "starter_monthly", 0n, now);
    expect(first).toEqual({ kind: "downgrade_scheduled", effectiveAt: at("2026-12-01T00:00:00Z") });
    expect(await confirm(ws.id, "growth_monthly", "starter_monthly", 0n, now)).toEqual({ kind: "already_applied" });
    expect(await auditOf(ws.id, "subscription.downgrade_scheduled")).toHaveLength(1);
    expect(await invoicesOf(ws.id)).toEqual([]);

    await run(at("2026-11-30T23:59:59Z"));
    expect(await subscriptionOf(ws.id)).toMatchObject({ plan: { code: "growth_monthly" }, scheduledPlan: { code: "starter_monthly" } });

    await run(at("2026-12-01T00:00:01Z"));
    const invoices = await invoicesOf(ws.id);
    expect(invoices).toHaveLength(1);
    expect(linesOf(invoices[0]!.lines)).toEqual(linesOf(shown.invoice.lines));
    expect(BigInt(invoices[0]!.totalCents)).toBe(shown.invoice.totalCents);
    expect(day(invoices[0]!.issuedAt!)).toBe(day(shown.invoice.issuedAt!));
    expect(await subscriptionOf(ws.id)).toMatchObject({ plan: { code: "starter_monthly" }, scheduledPlan: null, anchorDay: 1 });
    expect((await balanceOf(ws.id)).included).toBe(70_000_000n);
  });

  it("a scheduled downgrade can be withdrawn: the plan renews as before", async () => {
    const ws = await makeWorkspace(database.prisma, { planCode: "growth_monthly", now: at("2026-11-01T00:00:00Z"), card: true });
    await confirm(ws.id, "growth_monthly", "free", 0n, at("2026-11-11T00:00:00Z"));
    const input = { workspaceId: ws.id, at: at("2026-11-12T00:00:00Z"), actor, expectedScheduledPlanCode: "free" };
    expect(await withdrawScheduledDowngrade(database.prisma, input)).toEqual({ kind: "downgrade_withdrawn" });
    expect(await withdrawScheduledDowngrade(database.prisma, input)).toEqual({ kind: "unchanged" });
    expect(await auditOf(ws.id, "subscription.downgrade_withdrawn")).toHaveLength(1);
    await run(at("2026-12-01T00:00:01Z"));
    expect(await subscriptionOf(ws.id)).toMatchObject({ plan: { code: "growth_monthly" }, scheduledPlan: null });
    expect((await invoicesOf(ws.id)).map((invoice) => [invoice.kind, invoice.totalCents])).toEqual([["PLAN_FEE", 30000]]);
  });

  it("a cancellation on day 10 keeps service to the period end, can be undone, then ends with the final invoice on Free", async () => {
    const ws = await makeWorkspace(database.prisma, {
      planCode: "starter_monthly",
      now: at("2026-11-01T00:00:00Z"),
      card: true,
      prepaid: 5_000_000n,
    });
    const now = at("2026-11-11T00:00:00Z");
    const shown = await preview(ws.id, { kind: "cancel" }, now);
    expect(shown.invoice.change).toBe("cancel");
    expect(day(shown.invoice.effectiveAt)).toBe("2026-12-01");
    expect(shown.invoice.kind).toBe("FINAL");
    expect(shown.invoice.totalCents).toBe(3000n);
    expect(shown.summary.includedForfeited).toBe(70_000_000n);
    expect(shown.prepaid).toBe(5_000_000n);
    expect(shown.summary.planAfter.code).toBe("free");

    const cancel = (reason?: string) =>
      confirmCancellation(database.prisma, { workspaceId: ws.id, fromPlanCode: "starter_monthly", at: now, actor, reason });
    expect(await cancel("Too expensive for us")).toEqual({ kind: "cancel_scheduled", effectiveAt: at("2026-12-01T00:00:00Z") });
    expect(await cancel("again")).toEqual({ kind: "already_applied" });
    const audits = await auditOf(ws.id, "subscription.cancel_scheduled");
    expect(audits.map((row) => row.reason)).toEqual(["Too expensive for us"]);

    // Undo, and cancel again: still one period, nothing billed yet.
    expect((await undoCancel(database.prisma, { workspaceId: ws.id, at: at("2026-11-12T00:00:00Z"), actor })).kind).toBe("cancel_undone");
    expect((await subscriptionOf(ws.id)).cancelAtPeriodEnd).toBe(false);
    expect((await cancel()).kind).toBe("cancel_scheduled");

    await run(at("2026-11-20T00:00:00Z"));
    expect(await subscriptionOf(ws.id)).toMatchObject({ plan: { code: "starter_monthly" }, cancelAtPeriodEnd: true });
    expect((await balanceOf(ws.id)).included).toBe(70_000_000n);
    expect(await invoicesOf(ws.id)).toEqual([]);

    await run(at("2026-12-01T00:00:01Z"));
    const invoices = await invoicesOf(ws.id);
    expect(invoices).toHaveLength(1);
    expect(invoices[0]).toMatchObject({ kind: "FINAL", status: "PAID" });
    expect(linesOf(invoices[0]!.lines)).toEqual(linesOf(shown.invoice.lines));
    expect(BigInt(invoices[0]!.totalCents)).toBe(shown.invoice.totalCents);
    expect((await subscriptionOf(ws.id)).plan.code).toBe("free");
    // Prepaid kept; Starter's included forfeited, Free's granted.
    expect(await balanceOf(ws.id)).toEqual({ prepaid: 5_000_000n, included: 5_000_000n });
  });
});
