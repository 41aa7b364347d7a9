// R11: four of the support console's previewed actions, through their server
// actions: a custom rate limit, a longer grace period, a voided invoice and a
// discount on the next invoices. For each: the preview says what applying
// does, applying does exactly that and writes one audit row (who, why, before
// and after) in the same transaction, the same confirmation twice applies
// once, a preview the account has moved past is answered with the new one
// and nothing applied, and a customer — even the account's owner — is
// refused with nothing changed.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/access";
import { findKeyWithLimits } from "@/lib/db/api-auth";
import { createApiKey } from "@/lib/db/api-keys";
import { runBilling } from "@/lib/db/billing/billing-run";
import { createInvoice } from "@/lib/db/invoices";
import { arrearsPolicy, enterArrears } from "@/lib/db/payments/arrears";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";
import { snapshotTables } from "../helpers/snapshot";
import { createStaff, outcomeOf, ownerOf, publicTables, useDatabase } from "../helpers/server-actions";

const session: { user: SessionUser | null } = { user: null };
vi.mock("@/lib/auth/session", () => ({ readSession: async () => session.user }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined }));
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const NOW = new Date("2027-06-10T09:00:00.000Z");
const DAY = 86_400_000;
const CREDITS_PER_USD = 2_000_000n;

type Applied = { ok: true; data: { status: string; preview?: unknown; token?: string } };

describe("support's previewed account actions (R11)", () => {
  let database: TestDatabase;
  let actions: typeof import("@/app/(support)/support/accounts/[workspaceId]/actions");
  let staff: Awaited<ReturnType<typeof createStaff>>;
  let tables: string[];

  /** A preview, confirmed with a reason and a fresh key. */
  async function previewThenConfirm<I extends object>(
    preview: (input: I) => Promise<unknown>,
    input: I,
    reason = "customer asked on the phone",
  ): Promise<{ preview: Record<string, unknown>; confirmation: I & { reason: string; idempotencyKey: string; token: string } }> {
    const result = (await preview(input)) as { ok: boolean; data: { preview: Record<string, unknown>; token: string } };
    expect(result.ok).toBe(true);
    return {
      preview: result.data.preview,
      confirmation: { ...input, reason, idempotencyKey: randomUUID(), token: result.data.token },
    };
  }

  const auditOf = (workspaceId: string, action: string) => database.prisma.auditLog.findMany({ where: { workspaceId, action } });

  beforeAll(async () => {
    database = await createTestDatabase();
    useDatabase(database);
    await loadCatalog(database.prisma);
    staff = await createStaff(database.prisma);
    actions = await import("@/app/(support)/support/accounts/[workspaceId]/actions");
    tables = await publicTables(database);
  }, 120_000);

  afterAll(async () => {
    useDatabase(undefined);
    await database?.close();
  });

  it("a custom rate limit: previewed, applied once, seen by the API's key lookup, and cleared back to the plan's", async () => {
    session.user = staff.support;
    const ws = await makeWorkspace(database.prisma, { now: NOW, planCode: "free" });
    const key = await createApiKey(database.prisma, {
      workspaceId: ws.id,
      name: "test",
      actor: { id: null, email: "o@test.dev", role: "OWNER" },
      now: NOW,
    });
    const plan = await findKeyWithLimits(database.sql, key.prefix);

    const { preview, confirmation } = await previewThenConfirm(actions.previewRateLimitAction, {
      workspaceId: ws.id,
      perSecond: "30",
      perHour: "",
    });
    expect(preview).toMatchObject({
      customBefore: { perSecond: null, perHour: null },
      customAfter: { perSecond: 30, perHour: null },
      effectiveBefore: { perSecond: plan?.perSecond, perHour: plan?.perHour },
      effectiveAfter: { perSecond: 30, perHour: plan?.perHour },
    });
    const both = await Promise.all([actions.setRateLimitAction(confirmation), actions.setRateLimitAction(confirmation)]);
    expect(both.map((result) => (result as Applied).data.status).sort()).toEqual(["applied", "replayed"]);
    expect(await findKeyWithLimits(database.sql, key.prefix)).toMatchObject({ perSecond: 30, perHour: plan?.perHour });
    const audit = await auditOf(ws.id, "support.set_rate_limit");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: staff.support.id,
      actorRole: "SUPPORT",
      reason: "customer asked on the phone",
      detail: { before: { perSecond: null, perHour: null }, after: { perSecond: 30, perHour: null } },
    });

    const clear = await previewThenConfirm(
      actions.previewRateLimitAction,
      { workspaceId: ws.id, perSecond: "", perHour: "" },
      "launch is over",
    );
    expect(((await actions.setRateLimitAction(clear.confirmation)) as Applied).data.status).toBe("applied");
    expect(await findKeyWithLimits(database.sql, key.prefix)).toMatchObject({ perSecond: plan?.perSecond, perHour: plan?.perHour });
    expect(await database.prisma.workspaceRateLimit.count({ where: { workspaceId: ws.id } })).toBe(0);
  });

  it("a preview the account moved past gets the new preview, and nothing is applied", async () => {
    session.user = staff.admin;
    const ws = await makeWorkspace(database.prisma, { now: NOW });
    const first = await previewThenConfirm(actions.previewRateLimitAction, { workspaceId: ws.id, perSecond: "50", perHour: "" });
    // Someone else sets a limit in between.
    const other = await previewThenConfirm(actions.previewRateLimitAction, { workspaceId: ws.id, perSecond: "50", perHour: "9000" });
    expect(((await actions.setRateLimitAction(other.confirmation)) as Applied).data.status).toBe("applied");
    const before = await snapshotTables(database.sql, tables);
    const stale = (await actions.setRateLimitAction(first.confirmation)) as Applied;
    expect(stale.data).toMatchObject({ status: "changed", preview: { customBefore: { perSecond: 50, perHour: 9000 } } });
    expect(await snapshotTables(database.sql, tables)).toEqual(before);
  });

  it("extending grace moves both deadlines by the previewed days; the customer's deadline is the new one", async () => {
    session.user = staff.support;
    const ws = await makeWorkspace(database.prisma, { now: NOW });
    await database.prisma.$transaction((tx) => enterArrears(tx, { workspaceId: ws.id, at: NOW, policy: arrearsPolicy() }));
    const start = await database.prisma.workspace.findUniqueOrThrow({ where: { id: ws.id } });

    const { preview, confirmation } = await previewThenConfirm(actions.previewExtendGraceAction, { workspaceId: ws.id, days: "10" });
    const graceAfter = new Date(start.graceEndsAt!.getTime() + 10 * DAY);
    const retentionAfter = new Date(start.retentionEndsAt!.getTime() + 10 * DAY);
    expect(preview).toEqual({
      days: 10,
      graceEndsBefore: start.graceEndsAt!.toISOString(),
      graceEndsAfter: graceAfter.toISOString(),
      retentionEndsBefore: start.retentionEndsAt!.toISOString(),
      retentionEndsAfter: retentionAfter.toISOString(),
    });
    expect(((await actions.extendGraceAction(confirmation)) as Applied).data.status).toBe("applied");
    expect(((await actions.extendGraceAction(confirmation)) as Applied).data.status).toBe("replayed");
    const after = await database.prisma.workspace.findUniqueOrThrow({ where: { id: ws.id } });
    expect(after).toMatchObject({ billingState: "GRACE", graceEndsAt: graceAfter, retentionEndsAt: retentionAfter });
    const audit = await auditOf(ws.id, "support.extend_grace");
    expect(audit.map((row) => row.detail)).toEqual([
      {
        before: { graceEndsAt: start.graceEndsAt!.toISOString(), retentionEndsAt: start.retentionEndsAt!.toISOString() },
        after: { graceEndsAt: graceAfter.toISOString(), retentionEndsAt: retentionAfter.toISOString() },
      },
    ]);
  });

  it("grace cannot be extended for an account in good standing, nor by zero days", async () => {
    session.user = staff.support;
    const ws = await makeWorkspace(database.prisma, { now: NOW });
    expect(await actions.previewExtendGraceAction({ workspaceId: ws.id, days: "5" })).toEqual({
      ok: false,
      error: "This account is not in a grace period, so there is no deadline to extend.",
    });
    expect(await actions.previewExtendGraceAction({ workspaceId: ws.id, days: "0" })).toMatchObject({
      ok: false,
      fieldErrors: { days: ["Extend by at least 1 day."] },
    });
  });

  it("voiding the last overdue invoice of an account in arrears restores it, as the preview said", async () => {
    session.user = staff.support;
    const ws = await makeWorkspace(database.prisma, { now: NOW });
    const invoice = await database.prisma.$transaction(async (tx) => {
      const created = await createInvoice(tx, {
        workspaceId: ws.id,
        kind: "PLAN_FEE",
        lines: [{ description: "Growth plan", source: null, rule: "R4.1", quantity: 1n, credits: null, amountCents: 25_000n }],
        idempotencyKey: `test:${randomUUID()}`,
        at: NOW,
      });
      await tx.invoice.update({ where: { workspaceId_id: { workspaceId: ws.id, id: created.id } }, data: { firstFailedAt: NOW } });
      await enterArrears(tx, { workspaceId: ws.id, at: NOW, policy: arrearsPolicy() });
      return created;
    });

    const { preview, confirmation } = await previewThenConfirm(actions.previewVoidInvoiceAction, {
      workspaceId: ws.id,
      invoiceId: invoice.id,
    });
    expect(preview).toEqual({
      number: invoice.number,
      status: "OPEN",
      totalCents: 25_000,
      openCentsBefore: 25_000,
      openCentsAfter: 0,
      billingState: "GRACE",
      endsArrears: true,
    });
    expect(((await actions.voidInvoiceAction(confirmation)) as Applied).data.status).toBe("applied");
    const row = await database.prisma.invoice.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: ws.id, id: invoice.id } } });
    expect(row).toMatchObject({ status: "VOID", nextCollectionAt: null });
    expect(await database.prisma.workspace.findUniqueOrThrow({ where: { id: ws.id } })).toMatchObject({
      billingState: "GOOD",
      graceEndsAt: null,
    });
    const audit = await auditOf(ws.id, "support.void_invoice");
    expect(audit).toHaveLength(1);
    expect(audit[0]!.detail).toEqual({
      before: { invoice: invoice.number, status: "OPEN", totalCents: 25_000, billingState: "GRACE" },
      after: { invoice: invoice.number, status: "VOID", billingState: "GOOD" },
    });

    // Voided already: a new preview says why not.
    expect(await actions.previewVoidInvoiceAction({ workspaceId: ws.id, invoiceId: invoice.id })).toEqual({
      ok: false,
      error: `Invoice ${invoice.number} is void: only an open or draft invoice can be voided.`,
    });
  });

  it("a discount: the preview's next invoice is the one the billing run issues, for exactly N invoices", async () => {
    session.user = staff.support;
    const ws = await makeWorkspace(database.prisma, { now: NOW, planCode: "growth_monthly" });
    const subscription = await database.prisma.subscription.findFirstOrThrow({ where: { workspaceId: ws.id, status: "ACTIVE" } });
    const { preview, confirmation } = await previewThenConfirm(
      actions.previewDiscountAction,
      { workspaceId: ws.id, percent: "15", invoices: "2" },
      "goodwill for the outage",
    );
    const next = preview.nextInvoice as { at: string; subtotalCents: number; discountCents: number; totalCents: number };
    expect(next.at).toBe(subscription.currentPeriodEnd!.toISOString());
    expect(next.discountCents).toBe(Math.floor((next.subtotalCents * 15) / 100));
    expect(next.totalCents).toBe(next.subtotalCents - next.discountCents);
    expect(((await actions.applyDiscountAction(confirmation)) as Applied).data.status).toBe("applied");
    expect(((await actions.applyDiscountAction(confirmation)) as Applied).data.status).toBe("replayed");
    expect(await database.prisma.workspaceDiscount.count({ where: { workspaceId: ws.id } })).toBe(1);

    // Three renewals: the first two are discounted, the third is not.
    let at = subscription.currentPeriodEnd!;
    const issued = [];
    for (let renewal = 0; renewal < 3; renewal += 1) {
      await runBilling(database.prisma, { now: at, creditsPerUsd: CREDITS_PER_USD, deliverEmail: false });
      const current = await database.prisma.subscription.findFirstOrThrow({ where: { workspaceId: ws.id, status: "ACTIVE" } });
      at = current.currentPeriodEnd!;
    }
    issued.push(
      ...(await database.prisma.invoice.findMany({
        where: { workspaceId: ws.id, kind: { in: ["PLAN_FEE", "FLEX"] } },
        orderBy: { createdAt: "asc" },
        include: { lines: { orderBy: { position: "asc" } } },
      })),
    );
    expect(issued.length).toBeGreaterThanOrEqual(3);
    const firstRenewal = issued.find((invoice) => invoice.createdAt.getTime() === subscription.currentPeriodEnd!.getTime())!;
    expect(firstRenewal).toMatchObject({
      subtotalCents: next.subtotalCents,
      discountCents: next.discountCents,
      totalCents: next.totalCents,
    });
    expect(firstRenewal.lines.at(-1)).toMatchObject({
      description: "Discount 15%: goodwill for the outage",
      amountCents: -next.discountCents,
    });
    const discounted = issued.filter((invoice) => invoice.discountCents > 0);
    expect(discounted).toHaveLength(2);
    expect(issued.filter((invoice) => invoice.createdAt > discounted[1]!.createdAt).every((invoice) => invoice.discountCents === 0)).toBe(
      true,
    );
    expect(await database.prisma.workspaceDiscount.findFirstOrThrow({ where: { workspaceId: ws.id } })).toMatchObject({
      invoices: 2,
      invoicesRemaining: 0,
    });
  });

  it("a customer — even the account's owner — and a signed-out caller are refused, a missing reason too, and nothing changes", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW });
    await database.prisma.$transaction((tx) => enterArrears(tx, { workspaceId: ws.id, at: NOW, policy: arrearsPolicy() }));
    session.user = staff.support;
    const limit = await previewThenConfirm(actions.previewRateLimitAction, { workspaceId: ws.id, perSecond: "30", perHour: "" });
    const grace = await previewThenConfirm(actions.previewExtendGraceAction, { workspaceId: ws.id, days: "3" });
    const discount = await previewThenConfirm(actions.previewDiscountAction, { workspaceId: ws.id, percent: "50", invoices: "1" });
    const calls = [
      () => actions.setRateLimitAction(limit.confirmation),
      () => actions.extendGraceAction(grace.confirmation),
      () => actions.applyDiscountAction(discount.confirmation),
    ];
    const before = await snapshotTables(database.sql, tables);
    for (const user of [await ownerOf(database.prisma, ws.id), null]) {
      session.user = user;
      for (const call of calls) expect(await outcomeOf(call)).toBe(user ? "403" : "redirect");
    }
    session.user = staff.support;
    expect(await actions.extendGraceAction({ ...grace.confirmation, reason: "" })).toMatchObject({
      ok: false,
      fieldErrors: { reason: ["Say why, in a few words: it goes into the audit trail."] },
    });
    expect(await snapshotTables(database.sql, tables)).toEqual(before);
  });
});
