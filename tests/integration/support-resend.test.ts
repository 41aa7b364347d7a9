// R11: support sends an invoice's email again through the console's server
// actions. The preview shows who it goes to and the real email (the very
// subject and text the invoice's own event wrote); the apply queues exactly
// that in the outbox, once per key — a double submit queues once — with one
// audit row. A stale preview is refused with the new one and nothing changes;
// a reason is required; drafts and void invoices have no email.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth/access";
import type { Clock } from "@/lib/clock";
import { createUser } from "@/lib/db/accounts";
import { runBilling } from "@/lib/db/billing/billing-run";
import type { Database } from "@/lib/db/connect";
import { createInvoice } from "@/lib/db/invoices";
import { deliverDueNotices } from "@/lib/db/notices";
import type { MailMessage } from "@/lib/email/mailer";
import { TestGateway } from "@/lib/payments/test-gateway";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";
import { snapshotTables } from "../helpers/snapshot";

const session: { user: SessionUser | null } = { user: null };
vi.mock("@/lib/auth/session", () => ({ readSession: async () => session.user }));
vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));
process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";

const CREDITS_PER_USD = 2_000_000n;
const at = (iso: string) => new Date(iso);
const NOW = at("2027-03-10T09:00:00Z");
(globalThis as unknown as { __meterdeskClock?: Clock }).__meterdeskClock = { now: () => new Date(NOW) };

type Actions = typeof import("@/app/(support)/support/accounts/[workspaceId]/resend-actions");
type PreviewOf = Extract<Awaited<ReturnType<Actions["previewResendInvoiceAction"]>>, { ok: true }>["data"];

describe("support sends an invoice email again (R11)", () => {
  let database: TestDatabase;
  let actions: Actions;
  let tables: string[];
  let gateway: TestGateway;
  const support: SessionUser = { id: randomUUID(), email: "support@test.dev", name: "Sam Support", staffRole: "SUPPORT" };

  beforeAll(async () => {
    database = await createTestDatabase();
    (globalThis as unknown as { __meterdeskDb?: Promise<Database> }).__meterdeskDb = Promise.resolve(database);
    await loadCatalog(database.prisma);
    await database.prisma.user.create({ data: { id: support.id, email: support.email, name: support.name, staffRole: "SUPPORT" } });
    gateway = new TestGateway(
      async () => database.prisma,
      () => "http://localhost:3000",
    );
    actions = await import("@/app/(support)/support/accounts/[workspaceId]/resend-actions");
    const rows = await database.sql.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    tables = rows.map((row) => String((row as { tablename: string }).tablename));
  }, 120_000);

  afterAll(async () => {
    (globalThis as unknown as { __meterdeskDb?: Promise<Database> }).__meterdeskDb = undefined;
    await database?.close();
  });

  beforeEach(() => {
    session.user = support;
  });

  const addMember = async (workspaceId: string, role: "BILLING_ADMIN" | "VIEWER", createdAt: Date) => {
    const user = await database.prisma.$transaction((tx) =>
      createUser(tx, { email: `${role.toLowerCase()}-${randomUUID().slice(0, 8)}@test.dev`, name: role, passwordHash: null }),
    );
    await database.prisma.membership.create({ data: { workspaceId, userId: user.id, role, createdAt } });
    return user.email;
  };

  /** A Starter workspace with an owner, a billing admin and a viewer, whose first plan fee was issued and collected on Feb 1. */
  async function accountWithInvoice(card: boolean) {
    const ws = await makeWorkspace(database.prisma, { planCode: "starter_monthly", now: at("2027-01-01T00:00:00Z"), card });
    const owner = await database.prisma.membership.findFirstOrThrow({ where: { workspaceId: ws.id }, select: { user: true } });
    const admin = await addMember(ws.id, "BILLING_ADMIN", at("2027-01-02T00:00:00Z"));
    await addMember(ws.id, "VIEWER", at("2027-01-03T00:00:00Z"));
    // The billing run issues the fee and charges it: with a card it is paid, without one it stays open.
    await runBilling(database.prisma, { now: at("2027-02-01T00:00:01Z"), creditsPerUsd: CREDITS_PER_USD, gateway, deliverEmail: false });
    const invoice = await database.prisma.invoice.findFirstOrThrow({
      where: { workspaceId: ws.id, kind: "PLAN_FEE" },
      select: { id: true, number: true, status: true },
    });
    return { ws, invoice, recipients: [owner.user.email, admin].sort() };
  }

  async function previewOf(workspaceId: string, invoiceId: string): Promise<PreviewOf> {
    const result = await actions.previewResendInvoiceAction({ workspaceId, invoiceId });
    if (!result.ok) throw new Error(`preview refused: ${result.error}`);
    return result.data;
  }
  const confirm = (workspaceId: string, invoiceId: string, token: string, key = randomUUID(), reason = "customer lost the email") =>
    actions.resendInvoiceAction({ workspaceId, invoiceId, reason, idempotencyKey: key, token });
  const statusOf = (result: Awaited<ReturnType<typeof confirm>>) => (result.ok ? result.data.status : result.error);
  const outboxOf = (workspaceId: string, prefix: string) =>
    database.prisma.notificationOutbox.findMany({
      where: { workspaceId, dedupeKey: { startsWith: prefix } },
      orderBy: { toEmail: "asc" },
      select: { kind: true, toEmail: true, subject: true, body: true, createdAt: true },
    });

  it("an open invoice: the invoice email as first sent, queued once for every owner and billing admin, with one audit row", async () => {
    const { ws, invoice, recipients } = await accountWithInvoice(false);
    expect(invoice.status).toBe("OPEN");
    const [original] = await outboxOf(ws.id, "invoice-issued:");
    expect(original).toBeDefined();

    const shown = await previewOf(ws.id, invoice.id);
    expect(shown.preview).toEqual({
      invoice: { number: invoice.number, status: "OPEN", totalCents: 3000 },
      kind: "invoice_issued",
      recipients,
      subject: original!.subject,
      text: original!.body,
    });
    expect(shown.preview.subject).toBe(`Invoice ${invoice.number} for ${ws.name}: $30.00`);

    // The same confirmation twice at once, then again later.
    const key = randomUUID();
    const outcomes = await Promise.all([confirm(ws.id, invoice.id, shown.token, key), confirm(ws.id, invoice.id, shown.token, key)]);
    expect(outcomes.map(statusOf).sort()).toEqual(["applied", "replayed"]);
    expect(statusOf(await confirm(ws.id, invoice.id, shown.token, key))).toBe("replayed");

    const queued = await outboxOf(ws.id, `support-resend:${invoice.id}:${key}:`);
    expect(queued.map(({ kind, toEmail, subject, body }) => ({ kind, toEmail, subject, body }))).toEqual(
      recipients.map((toEmail) => ({ kind: "invoice_issued", toEmail, subject: shown.preview.subject, body: shown.preview.text })),
    );
    const audit = await database.prisma.auditLog.findMany({ where: { workspaceId: ws.id, action: "support.resend_invoice_email" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: support.id,
      actorEmail: support.email,
      actorRole: "SUPPORT",
      reason: "customer lost the email",
      idempotencyKey: key,
      detail: {
        before: { invoice: invoice.number, status: "OPEN" },
        after: { invoice: invoice.number, email: "invoice_issued", subject: shown.preview.subject, recipients },
      },
    });

    // The billing run's sender delivers them like any other email.
    const sent: MailMessage[] = [];
    await deliverDueNotices(database.prisma, NOW, { mailer: { send: async (message) => void sent.push(message) } });
    const resent = sent.filter((message) => message.subject === shown.preview.subject);
    expect(resent.map((message) => message.to).sort()).toEqual([...recipients, ...recipients].sort());
  });

  it("a paid invoice: its payment receipt, as first sent", async () => {
    const { ws, invoice, recipients } = await accountWithInvoice(true);
    expect(invoice.status).toBe("PAID");
    const [original] = await outboxOf(ws.id, "payment-succeeded:");
    const shown = await previewOf(ws.id, invoice.id);
    expect(shown.preview).toEqual({
      invoice: { number: invoice.number, status: "PAID", totalCents: 3000 },
      kind: "payment_succeeded",
      recipients,
      subject: original!.subject,
      text: original!.body,
    });
    const key = randomUUID();
    expect(statusOf(await confirm(ws.id, invoice.id, shown.token, key))).toBe("applied");
    const queued = await outboxOf(ws.id, `support-resend:${invoice.id}:${key}:`);
    expect(queued.map((row) => [row.kind, row.toEmail, row.subject])).toEqual(
      recipients.map((email) => ["payment_succeeded", email, `Payment received for invoice ${invoice.number}: $30.00`]),
    );
  });

  it("a member who joined after the preview gets the new preview back, and nothing is queued", async () => {
    const { ws, invoice, recipients } = await accountWithInvoice(false);
    const stale = await previewOf(ws.id, invoice.id);
    const added = await addMember(ws.id, "BILLING_ADMIN", at("2027-03-01T00:00:00Z"));
    const before = await snapshotTables(database.sql, tables);
    const result = await confirm(ws.id, invoice.id, stale.token);
    expect(result).toMatchObject({ ok: true, data: { status: "changed", preview: { recipients: [...recipients, added].sort() } } });
    expect(await snapshotTables(database.sql, tables)).toEqual(before);
    const fresh = (result as { ok: true; data: { token: string } }).data;
    expect(statusOf(await confirm(ws.id, invoice.id, fresh.token))).toBe("applied");
    expect(await outboxOf(ws.id, `support-resend:${invoice.id}:`)).toHaveLength(3);
  });

  it("refuses, and changes nothing: no reason, a void or draft invoice, another account's invoice, a customer", async () => {
    const { ws, invoice } = await accountWithInvoice(false);
    const other = await accountWithInvoice(false);
    const shown = await previewOf(ws.id, invoice.id);
    const [voided, draft] = await database.prisma.$transaction(async (tx) => [
      await createInvoice(tx, {
        workspaceId: ws.id,
        kind: "PACKAGE",
        lines: [{ description: "Package", source: "PACKAGE", rule: "R6.1", quantity: 1n, credits: null, amountCents: 4000n }],
        idempotencyKey: "test:void",
        at: at("2027-02-10T00:00:00Z"),
        status: "VOID",
      }),
      await createInvoice(tx, {
        workspaceId: ws.id,
        kind: "PACKAGE",
        lines: [{ description: "Package", source: "PACKAGE", rule: "R6.1", quantity: 1n, credits: null, amountCents: 4000n }],
        idempotencyKey: "test:draft",
        at: at("2027-02-11T00:00:00Z"),
        status: "DRAFT",
      }),
    ]);
    const before = await snapshotTables(database.sql, tables);
    expect(await confirm(ws.id, invoice.id, shown.token, randomUUID(), " ")).toMatchObject({
      ok: false,
      fieldErrors: { reason: ["Say why, in a few words: it goes into the audit trail."] },
    });
    expect(await actions.previewResendInvoiceAction({ workspaceId: ws.id, invoiceId: voided.id })).toEqual({
      ok: false,
      error: `Invoice ${voided.number} is void: it is not owed, so there is no email to send.`,
    });
    expect(await actions.previewResendInvoiceAction({ workspaceId: ws.id, invoiceId: draft.id })).toEqual({
      ok: false,
      error: `Invoice ${draft.number} is a draft: it was never issued, so it has no email.`,
    });
    expect(await actions.previewResendInvoiceAction({ workspaceId: ws.id, invoiceId: other.invoice.id })).toEqual({
      ok: false,
      error: "This account has no such invoice.",
    });
    expect(await actions.previewResendInvoiceAction({ workspaceId: ws.id, invoiceId: "MD-000001" })).toMatchObject({
      ok: false,
      fieldErrors: { invoiceId: ["Choose an invoice."] },
    });
    const owner = await database.prisma.membership.findFirstOrThrow({
      where: { workspaceId: ws.id, role: "OWNER" },
      select: { user: true },
    });
    session.user = { id: owner.user.id, email: owner.user.email, name: owner.user.name ?? "", staffRole: null };
    await expect(confirm(ws.id, invoice.id, shown.token)).rejects.toMatchObject({ digest: "NEXT_HTTP_ERROR_FALLBACK;403" });
    expect(await snapshotTables(database.sql, tables)).toEqual(before);
  });
});
