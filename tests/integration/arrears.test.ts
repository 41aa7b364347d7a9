import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ARREARS_POLICY } from "@/lib/billing/arrears";
import { planFeeLine } from "@/lib/billing/invoice-lines";
import { recordApiActivity } from "@/lib/db/api-auth";
import { createApiKey } from "@/lib/db/api-keys";
import { issueHourlyStatements } from "@/lib/db/billing/statements";
import { claimIdempotencyKey } from "@/lib/db/idempotency";
import { createInvoice, markInvoicePaid } from "@/lib/db/invoices";
import { grantPrepaid } from "@/lib/db/ledger/grants";
import { debitBatch, loadRatingCatalog, type DebitContext, type DebitRequest } from "@/lib/db/ledger/debit";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { advanceArrears, arrearsPolicy, enterArrears, restoreIfNothingOverdue } from "@/lib/db/payments/arrears";
import { formatNoticeDate } from "@/lib/email/notices";
import { parseEnv } from "@/lib/env";
import { formatCents } from "@/lib/money";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";
import { snapshotTables } from "../helpers/snapshot";

const policy = DEFAULT_ARREARS_POLICY; // 15 days of grace, 15 of retention, warnings 3 days before
const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);
const plus = (instant: Date, ms: number) => new Date(instant.getTime() + ms);
const CREATED = at("2027-03-01T00:00:00.000Z");
const FAILED = at("2027-03-03T10:00:00.000Z");
const GRACE_ENDS = at("2027-03-18T10:00:00.000Z");
const RETENTION_ENDS = at("2027-04-02T10:00:00.000Z");
const owner = { id: null, email: "owner@test.dev", role: "OWNER" };

// Every test leaves its workspaces in good standing or deleted, or in an
// arrears state without deadlines: advanceArrears runs over the whole
// database, so the summaries below count this test's workspaces only.
describe("arrears: grace, retention, deletion (R8.3–R8.6)", () => {
  let database: TestDatabase;
  let context: DebitContext;
  let keys = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: 2_000_000n };
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const prisma = () => database.prisma;
  const stateOf = (workspaceId: string) =>
    prisma().workspace.findUniqueOrThrow({
      where: { id: workspaceId },
      select: { billingState: true, arrearsSince: true, graceEndsAt: true, retentionEndsAt: true, dataDeletedAt: true },
    });
  const auditOf = (workspaceId: string) =>
    prisma().auditLog.findMany({
      where: { workspaceId, action: { startsWith: "arrears." } },
      orderBy: { id: "asc" },
      select: { action: true, createdAt: true, actorRole: true },
    });
  const noticesOf = (workspaceId: string) =>
    prisma().notificationOutbox.findMany({
      where: { workspaceId },
      orderBy: { createdAt: "asc" },
      select: { kind: true, toEmail: true, subject: true, body: true, createdAt: true, dedupeKey: true },
    });
  const advance = (now: Date) => advanceArrears(prisma(), now, policy);

  /** An open plan-fee invoice whose first charge failed at `failedAt`, and the arrears it causes (as settling the payment does). */
  async function failedInvoice(workspaceId: string, failedAt: Date, cents = 30_000, key = `fee:${failedAt.toISOString()}`) {
    return prisma().$transaction(async (tx) => {
      const invoice = await createInvoice(tx, {
        workspaceId,
        kind: "PLAN_FEE",
        lines: [planFeeLine({ planName: "Growth", periodStart: CREATED, periodEnd: failedAt, feeCents: cents, timing: "arrears" })],
        idempotencyKey: key,
        at: failedAt,
      });
      await tx.invoice.update({
        where: { workspaceId_id: { workspaceId, id: invoice.id } },
        data: { firstFailedAt: failedAt, collectionAttempts: 1, lastPaymentError: "Your card was declined." },
      });
      const entered = await enterArrears(tx, { workspaceId, at: failedAt, policy });
      return { ...invoice, entered };
    });
  }
  const pay = (workspaceId: string, invoiceId: string, paidAt: Date) =>
    prisma().$transaction(async (tx) => {
      await markInvoicePaid(tx, { workspaceId, invoiceId, at: paidAt, paymentRef: "test_charge" });
      return restoreIfNothingOverdue(tx, { workspaceId, at: paidAt });
    });
  const request = (workspaceId: string, operations: bigint, requestAt: Date, overrides: Partial<DebitRequest> = {}): DebitRequest => ({
    workspaceId,
    operationType: "predict",
    operations,
    idempotencyKey: `arrears-${(keys += 1)}`,
    requestId: `req_${keys}`,
    at: requestAt,
    ...overrides,
  });
  const debit = async (r: DebitRequest) => (await debitBatch(prisma(), [r], context))[0]!;

  it("R8.6 the policy comes from the environment, with the defaults of R8.3–R8.5", () => {
    expect(arrearsPolicy(parseEnv({}))).toEqual({ retryDays: [1, 3, 5, 7], graceDays: 15, retentionDays: 15, warningDays: 3 });
    expect(
      arrearsPolicy(parseEnv({ DUNNING_RETRY_DAYS: "2,4", GRACE_DAYS: "10", RETENTION_DAYS: "20", ARREARS_WARNING_DAYS: "5" })),
    ).toEqual({ retryDays: [2, 4], graceDays: 10, retentionDays: 20, warningDays: 5 });
  });

  it("R8.3 a failed payment starts grace with both deadlines; a second failure does not move them", async () => {
    const ws = await makeWorkspace(prisma(), { now: CREATED });
    const first = await failedInvoice(ws.id, FAILED);
    expect(first.entered).toMatchObject({ entered: true, billingState: "GRACE", graceEndsAt: GRACE_ENDS, retentionEndsAt: RETENTION_ENDS });
    expect(await stateOf(ws.id)).toEqual({
      billingState: "GRACE",
      arrearsSince: FAILED,
      graceEndsAt: GRACE_ENDS,
      retentionEndsAt: RETENTION_ENDS,
      dataDeletedAt: null,
    });
    const second = await failedInvoice(ws.id, plus(FAILED, 5 * DAY));
    expect(second.entered).toMatchObject({ entered: false, billingState: "GRACE", graceEndsAt: GRACE_ENDS });
    expect((await stateOf(ws.id)).graceEndsAt).toEqual(GRACE_ENDS);
    expect(await auditOf(ws.id)).toEqual([{ action: "arrears.grace_started", createdAt: FAILED, actorRole: "SYSTEM" }]);

    // Left in good standing for the tests after this one.
    await pay(ws.id, first.id, plus(FAILED, 6 * DAY));
    expect(await pay(ws.id, second.id, plus(FAILED, 6 * DAY))).toBe(true);
  });

  it("R8.4 paying restores service only once no failed invoice is open, and never moves the period", async () => {
    const ws = await makeWorkspace(prisma(), { now: CREATED });
    const periodsBefore = await prisma().subscriptionPeriod.findMany({ where: { workspaceId: ws.id }, orderBy: { startsAt: "asc" } });
    const subscriptionBefore = await prisma().subscription.findFirstOrThrow({
      where: { workspaceId: ws.id },
      select: { currentPeriodStart: true, currentPeriodEnd: true, anchorDay: true },
    });

    // Nothing to restore in good standing: no change, no audit row.
    expect(await prisma().$transaction((tx) => restoreIfNothingOverdue(tx, { workspaceId: ws.id, at: FAILED }))).toBe(false);

    const first = await failedInvoice(ws.id, FAILED, 30_000, "fee:1");
    const second = await failedInvoice(ws.id, plus(FAILED, DAY), 4_500, "fee:2");
    // An open invoice that was never tried (no failure) does not keep the workspace in arrears.
    await prisma().$transaction((tx) =>
      createInvoice(tx, {
        workspaceId: ws.id,
        kind: "FLEX",
        lines: [planFeeLine({ planName: "Growth", periodStart: CREATED, periodEnd: FAILED, feeCents: 100, timing: "arrears" })],
        idempotencyKey: "fee:untried",
        at: FAILED,
      }),
    );

    expect(await pay(ws.id, first.id, plus(FAILED, 2 * DAY))).toBe(false);
    expect((await stateOf(ws.id)).billingState).toBe("GRACE");

    // Paid within retention (R8.4): restored.
    await advance(GRACE_ENDS);
    expect((await stateOf(ws.id)).billingState).toBe("RETENTION");
    const paidAt = plus(GRACE_ENDS, 2 * DAY);
    expect(await pay(ws.id, second.id, paidAt)).toBe(true);
    expect(await stateOf(ws.id)).toEqual({
      billingState: "GOOD",
      arrearsSince: null,
      graceEndsAt: null,
      retentionEndsAt: null,
      dataDeletedAt: null,
    });
    expect(await auditOf(ws.id)).toEqual([
      { action: "arrears.grace_started", createdAt: FAILED, actorRole: "SYSTEM" },
      { action: "arrears.retention_started", createdAt: GRACE_ENDS, actorRole: "SYSTEM" },
      { action: "arrears.restored", createdAt: paidAt, actorRole: "SYSTEM" },
    ]);
    // Restoring twice changes nothing.
    expect(await prisma().$transaction((tx) => restoreIfNothingOverdue(tx, { workspaceId: ws.id, at: paidAt }))).toBe(false);
    expect(await auditOf(ws.id)).toHaveLength(3);

    // R8.4: billed from the original period dates — arrears moved no period.
    expect(await prisma().subscriptionPeriod.findMany({ where: { workspaceId: ws.id }, orderBy: { startsAt: "asc" } })).toEqual(
      periodsBefore,
    );
    expect(
      await prisma().subscription.findFirstOrThrow({
        where: { workspaceId: ws.id },
        select: { currentPeriodStart: true, currentPeriodEnd: true, anchorDay: true },
      }),
    ).toEqual(subscriptionBefore);

    // Nothing is due for it any more, however late.
    expect(await advance(plus(RETENTION_ENDS, 30 * DAY))).toEqual({ toRetention: 0, deleted: 0, warnings: 0 });
    expect((await stateOf(ws.id)).billingState).toBe("GOOD");
  });

  it("R8.4, R8.5 grace → retention → deleted at the exact instants, a warning once before each, idempotent", async () => {
    const ws = await makeWorkspace(prisma(), { now: CREATED, included: 750_000_000n });
    const ownerEmail = (
      await prisma().membership.findFirstOrThrow({
        where: { workspaceId: ws.id, role: "OWNER" },
        select: { user: { select: { email: true } } },
      })
    ).user.email;
    const invoice = await failedInvoice(ws.id, FAILED, 30_000);

    // Before the warning period: nothing.
    expect(await advance(plus(GRACE_ENDS, -3 * DAY - 1))).toEqual({ toRetention: 0, deleted: 0, warnings: 0 });
    expect(await noticesOf(ws.id)).toEqual([]);

    // R8.5: 3 days before the end of grace, the owners are warned once.
    const graceWarningAt = plus(GRACE_ENDS, -3 * DAY);
    expect(await advance(graceWarningAt)).toEqual({ toRetention: 0, deleted: 0, warnings: 1 });
    const tables = ["Workspace", "NotificationOutbox", "AuditLog", "ApiKey", "UsageEvent", "Invoice"];
    const afterWarning = await snapshotTables(database.sql, tables);
    expect(await advance(graceWarningAt)).toEqual({ toRetention: 0, deleted: 0, warnings: 0 });
    expect(await advance(plus(GRACE_ENDS, -1))).toEqual({ toRetention: 0, deleted: 0, warnings: 0 });
    expect(await snapshotTables(database.sql, tables)).toEqual(afterWarning);
    const graceNotices = await noticesOf(ws.id);
    expect(graceNotices).toHaveLength(1);
    expect(graceNotices[0]).toMatchObject({ kind: "grace_ending", toEmail: ownerEmail, createdAt: graceWarningAt });
    expect(graceNotices[0]!.subject + graceNotices[0]!.body).toContain(formatNoticeDate(GRACE_ENDS));
    expect(graceNotices[0]!.body).toContain(formatCents(invoice.totalCents));
    expect((await stateOf(ws.id)).billingState).toBe("GRACE");

    // Usage, keys and their traces exist before the deletion.
    const usageAt = plus(FAILED, DAY);
    const key = await createApiKey(prisma(), { workspaceId: ws.id, name: "production", actor: owner, now: usageAt });
    expect(await debit(request(ws.id, 1_200n, usageAt, { apiKeyId: key.id }))).toMatchObject({ status: "charged" });
    await issueHourlyStatements(prisma(), plus(usageAt, 3 * 3_600_000));
    await recordApiActivity(prisma(), [{ workspaceId: ws.id, minute: usageAt, reason: "throttled", count: 2 }], []);
    await claimIdempotencyKey(prisma(), { workspaceId: ws.id, key: "client-key-1", requestHash: "h", now: plus(GRACE_ENDS, -1) });
    const payment = await prisma().payment.create({
      data: {
        workspaceId: ws.id,
        kind: "INVOICE",
        status: "FAILED",
        amountCents: invoice.totalCents,
        invoiceId: invoice.id,
        gateway: "test",
        idempotencyKey: `invoice:${invoice.id}:1`,
        failureCode: "card_declined",
        createdAt: FAILED,
        settledAt: FAILED,
      },
    });

    // R8.4: grace ends at its instant, not a millisecond before.
    expect(await advance(GRACE_ENDS)).toEqual({ toRetention: 1, deleted: 0, warnings: 0 });
    expect((await stateOf(ws.id)).billingState).toBe("RETENTION");
    expect(await debit(request(ws.id, 1n, GRACE_ENDS))).toMatchObject({ status: "refused", reason: "retention" });
    const afterRetention = await snapshotTables(database.sql, tables);
    expect(await advance(GRACE_ENDS)).toEqual({ toRetention: 0, deleted: 0, warnings: 0 });
    expect(await advance(plus(RETENTION_ENDS, -3 * DAY - 1))).toEqual({ toRetention: 0, deleted: 0, warnings: 0 });
    expect(await snapshotTables(database.sql, tables)).toEqual(afterRetention);

    // R8.5: 3 days before the deletion, the deletion warning, once.
    const deletionWarningAt = plus(RETENTION_ENDS, -3 * DAY);
    expect(await advance(deletionWarningAt)).toEqual({ toRetention: 0, deleted: 0, warnings: 1 });
    expect(await advance(plus(RETENTION_ENDS, -1))).toEqual({ toRetention: 0, deleted: 0, warnings: 0 });
    const notices = await noticesOf(ws.id);
    expect(notices.map((n) => n.kind)).toEqual(["grace_ending", "retention_ending"]);
    expect(notices[1]).toMatchObject({ toEmail: ownerEmail, createdAt: deletionWarningAt });
    expect(notices[1]!.subject + notices[1]!.body).toContain(formatNoticeDate(RETENTION_ENDS));
    expect(notices[1]!.body).toContain(formatCents(invoice.totalCents));
    expect(await prisma().apiKey.count({ where: { workspaceId: ws.id } })).toBe(1);

    const count = async () => ({
      invoices: await prisma().invoice.count({ where: { workspaceId: ws.id } }),
      invoiceLines: await prisma().invoiceLine.count({ where: { workspaceId: ws.id } }),
      ledger: await prisma().ledgerEntry.count({ where: { workspaceId: ws.id } }),
      audit: await prisma().auditLog.count({ where: { workspaceId: ws.id } }),
      payments: await prisma().payment.count({ where: { workspaceId: ws.id } }),
      apiKeys: await prisma().apiKey.count({ where: { workspaceId: ws.id } }),
      usageEvents: await prisma().usageEvent.count({ where: { workspaceId: ws.id } }),
      rollups: await prisma().usageRollupHourly.count({ where: { workspaceId: ws.id } }),
      statements: await prisma().usageStatement.count({ where: { workspaceId: ws.id } }),
      statementLines: await prisma().usageStatementLine.count({ where: { workspaceId: ws.id } }),
      counters: await prisma().monthlyUsageCounter.count({ where: { workspaceId: ws.id } }),
      refusedCalls: await prisma().refusedCallMinute.count({ where: { workspaceId: ws.id } }),
      idempotencyKeys: await prisma().idempotencyKey.count({ where: { workspaceId: ws.id } }),
    });
    const before = await count();
    expect(before).toMatchObject({
      apiKeys: 1,
      usageEvents: 1,
      rollups: 1,
      statements: 1,
      counters: 1,
      refusedCalls: 1,
      idempotencyKeys: 1,
    });
    expect(before.statementLines).toBeGreaterThan(0);
    const balanceBefore = await prisma().creditBalance.findUniqueOrThrow({ where: { workspaceId: ws.id } });

    // R8.5: retention ends at its instant: keys and usage records are deleted, invoices and the trail kept.
    expect(await advance(RETENTION_ENDS)).toEqual({ toRetention: 0, deleted: 1, warnings: 0 });
    expect(await stateOf(ws.id)).toMatchObject({ billingState: "DELETED", dataDeletedAt: RETENTION_ENDS });
    expect(await count()).toEqual({
      ...before,
      audit: before.audit + 1,
      apiKeys: 0,
      usageEvents: 0,
      rollups: 0,
      statements: 0,
      statementLines: 0,
      counters: 0,
      refusedCalls: 0,
      idempotencyKeys: 0,
    });
    expect(await prisma().invoice.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: ws.id, id: invoice.id } } })).toMatchObject({
      status: "OPEN",
      totalCents: 30_000,
    });
    expect(await prisma().payment.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: ws.id, id: payment.id } } })).toMatchObject({
      status: "FAILED",
    });
    expect(await prisma().creditBalance.findUniqueOrThrow({ where: { workspaceId: ws.id } })).toEqual(balanceBefore);
    expect(await ledgerViolations(database.sql, [ws.id])).toEqual([]);
    expect((await auditOf(ws.id)).map((a) => [a.action, a.createdAt])).toEqual([
      ["arrears.grace_started", FAILED],
      ["arrears.retention_started", GRACE_ENDS],
      ["arrears.data_deleted", RETENTION_ENDS],
    ]);
    // Still refused, and nothing more happens, however often or late it runs.
    expect(await debit(request(ws.id, 1n, RETENTION_ENDS))).toMatchObject({ status: "refused", reason: "retention" });
    const afterDeletion = await snapshotTables(database.sql, [...tables, "UsageStatement", "LedgerEntry"]);
    expect(await advance(RETENTION_ENDS)).toEqual({ toRetention: 0, deleted: 0, warnings: 0 });
    expect(await advance(plus(RETENTION_ENDS, 90 * DAY))).toEqual({ toRetention: 0, deleted: 0, warnings: 0 });
    expect(await snapshotTables(database.sql, [...tables, "UsageStatement", "LedgerEntry"])).toEqual(afterDeletion);
    // Paying afterwards settles the invoice, but deleted data stays deleted.
    expect(await pay(ws.id, invoice.id, plus(RETENTION_ENDS, DAY))).toBe(false);
    expect((await stateOf(ws.id)).billingState).toBe("DELETED");
  });

  it("R8.6 a clock far behind goes through grace and retention in one run, in order", async () => {
    const late = await makeWorkspace(prisma(), { now: CREATED });
    await failedInvoice(late.id, FAILED);
    const key = await createApiKey(prisma(), { workspaceId: late.id, name: "ci", actor: owner, now: FAILED });
    expect(key.id).toBeTruthy();
    const runAt = plus(RETENTION_ENDS, 10 * DAY);
    // A deadline already past is not warned about late.
    expect(await advance(runAt)).toEqual({ toRetention: 1, deleted: 1, warnings: 0 });
    expect(await stateOf(late.id)).toMatchObject({ billingState: "DELETED", dataDeletedAt: runAt });
    expect((await auditOf(late.id)).map((a) => a.action)).toEqual([
      "arrears.grace_started",
      "arrears.retention_started",
      "arrears.data_deleted",
    ]);
    expect(await prisma().apiKey.count({ where: { workspaceId: late.id } })).toBe(0);
    expect(await noticesOf(late.id)).toEqual([]);
  });

  it("R8.5 a run that lands inside retention's warning period moves to retention and warns about the deletion at once", async () => {
    const ws = await makeWorkspace(prisma(), { now: CREATED });
    await failedInvoice(ws.id, FAILED);
    const runAt = plus(RETENTION_ENDS, -DAY);
    expect(await advance(runAt)).toEqual({ toRetention: 1, deleted: 0, warnings: 1 });
    expect((await noticesOf(ws.id)).map((n) => n.kind)).toEqual(["retention_ending"]);
    expect(await advance(RETENTION_ENDS)).toEqual({ toRetention: 0, deleted: 1, warnings: 0 });
  });

  it("R8.6 workspaces are read a chunk at a time: every due one is moved", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const ws = await makeWorkspace(prisma(), { now: CREATED });
      await failedInvoice(ws.id, FAILED);
      ids.push(ws.id);
    }
    expect(await advanceArrears(prisma(), plus(GRACE_ENDS, -DAY), policy, { chunk: 2 })).toEqual({
      toRetention: 0,
      deleted: 0,
      warnings: 3,
    });
    expect(await advanceArrears(prisma(), GRACE_ENDS, policy, { chunk: 2 })).toEqual({ toRetention: 3, deleted: 0, warnings: 0 });
    expect(await advanceArrears(prisma(), RETENTION_ENDS, policy, { chunk: 1 })).toEqual({ toRetention: 0, deleted: 3, warnings: 0 });
    for (const id of ids) expect((await stateOf(id)).billingState).toBe("DELETED");
  });

  it("R8.6 two runs at once apply each transition once", async () => {
    const ws = await makeWorkspace(prisma(), { now: CREATED });
    await failedInvoice(ws.id, FAILED);
    const [a, b] = await Promise.all([advance(GRACE_ENDS), advance(GRACE_ENDS)]);
    expect(a.toRetention + b.toRetention).toBe(1);
    const [c, d] = await Promise.all([advance(RETENTION_ENDS), advance(RETENTION_ENDS)]);
    expect(c.deleted + d.deleted).toBe(1);
    expect((await auditOf(ws.id)).map((x) => x.action)).toEqual([
      "arrears.grace_started",
      "arrears.retention_started",
      "arrears.data_deleted",
    ]);
  });

  it("R8.3, R9.4 in grace a call that needs flex is refused (11101) while included, package and prepaid still pay; R8.4 in retention every call is refused (11102)", async () => {
    const ws = await makeWorkspace(prisma(), {
      now: CREATED,
      included: 2_400n,
      prepaid: 2_400n,
      flexEnabled: true,
      card: true,
      packages: [{ code: "predict_100k_month", expiresAt: at("2027-03-25T00:00:00.000Z"), operations: 1n }],
    });
    const t = plus(FAILED, DAY);
    expect(await debit(request(ws.id, 1_000n, t))).toMatchObject({ status: "charged", credits: 0n }); // the free tier
    // In good standing, flex pays beyond the other sources.
    const good = await makeWorkspace(prisma(), { now: CREATED, included: 0n, flexEnabled: true, card: true });
    await debit(request(good.id, 1_000n, t));
    expect(await debit(request(good.id, 1n, t))).toMatchObject({ status: "charged", sources: { flex: 2_400n } });

    const invoice = await failedInvoice(ws.id, FAILED);
    // The package (expires first), then included, then prepaid pay; the next call would need flex.
    expect(await debit(request(ws.id, 1n, t))).toMatchObject({ status: "charged", sources: { package: 2_400n } });
    expect(await debit(request(ws.id, 1n, t))).toMatchObject({ status: "charged", sources: { included: 2_400n } });
    expect(await debit(request(ws.id, 1n, t))).toMatchObject({ status: "charged", sources: { prepaid: 2_400n } });
    const before = await prisma().creditBalance.findUniqueOrThrow({ where: { workspaceId: ws.id } });
    // lib/api/metering.ts answers "arrears" with 402 / 11101.
    expect(await debit(request(ws.id, 1n, t))).toMatchObject({ status: "refused", reason: "arrears" });
    expect(await prisma().creditBalance.findUniqueOrThrow({ where: { workspaceId: ws.id } })).toEqual(before);

    await advance(GRACE_ENDS);
    // R8.4: even a call that prepaid credits could pay is refused; lib/api/metering.ts answers "retention" with 403 / 11102.
    await prisma().$transaction((tx) =>
      grantPrepaid(tx, { workspaceId: ws.id, credits: 2_400n, kind: "SUPPORT", idempotencyKey: "support:1", at: GRACE_ENDS }),
    );
    expect(await debit(request(ws.id, 1n, GRACE_ENDS))).toMatchObject({ status: "refused", reason: "retention" });
    expect(await debit(request(ws.id, 1n, GRACE_ENDS, { operationType: "search" }))).toMatchObject({
      status: "refused",
      reason: "retention",
    });
    expect((await prisma().creditBalance.findUniqueOrThrow({ where: { workspaceId: ws.id } })).prepaid).toBe(2_400n);
    expect(await ledgerViolations(database.sql, [ws.id])).toEqual([]);

    // Paying restores service: flex pays again.
    expect(await pay(ws.id, invoice.id, plus(GRACE_ENDS, DAY))).toBe(true);
    const restoredAt = plus(GRACE_ENDS, DAY);
    expect(await debit(request(ws.id, 1n, restoredAt))).toMatchObject({ status: "charged", sources: { prepaid: 2_400n } });
    expect(await debit(request(ws.id, 1n, restoredAt))).toMatchObject({ status: "charged", sources: { flex: 2_400n } });
    expect(await ledgerViolations(database.sql, [ws.id])).toEqual([]);
  });
});
