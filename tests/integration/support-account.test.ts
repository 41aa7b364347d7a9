// R11: the support console's account page reads the whole account — the plan
// and its periods, every balance, invoices, limits and overrides, refused
// calls, the arrears state, usage, the billing timeline and the audit trail —
// for a workspace built here with a history of each, and for one with
// nothing yet. Nothing it returns carries a secret: no key hash, no card
// number, no gateway reference.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ARREARS_POLICY } from "@/lib/billing/arrears";
import { planFeeLine } from "@/lib/billing/invoice-lines";
import { recordApiActivity, setWorkspaceRateLimit } from "@/lib/db/api-auth";
import { createApiKey } from "@/lib/db/api-keys";
import { recordStaffView, type Actor } from "@/lib/db/audit";
import { changePlan } from "@/lib/db/billing/plan-changes";
import { createInvoice } from "@/lib/db/invoices";
import { debitBatch, loadRatingCatalog, type DebitContext } from "@/lib/db/ledger/debit";
import { enterArrears } from "@/lib/db/payments/arrears";
import { listLedgerEntries } from "@/lib/db/queries/ledger-explorer";
import { getAccount } from "@/lib/db/queries/support";
import { SUPPORT_ACCOUNT_LIMITS, loadAccountSections, type AccountSections } from "@/lib/db/queries/support-account";
import { grantSteps } from "@/lib/db/support/grants";
import { applyPreviewed, previewAction } from "@/lib/db/support/previewed";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = new Date("2027-04-05T09:00:00.000Z");
const at = (ms: number) => new Date(T0.getTime() + ms);
const UPGRADED_AT = at(10 * DAY);
const FAILED_AT = at(17 * DAY);
const NOW = at(20 * DAY);
const CREDITS_PER_USD = 2_000_000n;

/** Everything a value holds, as text: bigints as digits, dates as ISO. */
const asText = (value: unknown) => JSON.stringify(value, (_key, item) => (typeof item === "bigint" ? item.toString() : item));

describe("the support console's account page (R11)", () => {
  let database: TestDatabase;
  let context: DebitContext;
  let staff: Actor;
  let full: { id: string };
  let empty: { id: string };
  let sections: AccountSections;
  let failedInvoiceNumber: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const prisma = database.prisma;
    await loadCatalog(prisma);
    context = { catalog: await loadRatingCatalog(prisma), creditsPerUsd: CREDITS_PER_USD };
    const staffUser = await prisma.user.create({
      data: { email: `support-${randomUUID().slice(0, 8)}@test.dev`, name: "Sam Support", staffRole: "SUPPORT" },
    });
    staff = { id: staffUser.id, email: staffUser.email, role: "SUPPORT" };

    // A Starter workspace with included, prepaid and a one-year predict package, a declining card on file.
    full = await makeWorkspace(prisma, {
      planCode: "starter_monthly",
      now: T0,
      included: 70_000_000n,
      prepaid: 10_000_000n,
      flexEnabled: true,
      card: "decline",
      packages: [{ code: "predict_1m_year", expiresAt: at(365 * DAY) }],
    });
    const owner = await prisma.membership.findFirstOrThrow({ where: { workspaceId: full.id, role: "OWNER" }, select: { user: true } });
    const customer: Actor = { id: owner.user.id, email: owner.user.email, role: "OWNER" };

    // Usage: 1,500 predict and 4,000 upload over two days.
    await debitBatch(
      prisma,
      [
        { workspaceId: full.id, operationType: "predict", operations: 1_500n, idempotencyKey: "use-1", requestId: "r1", at: at(DAY) },
        { workspaceId: full.id, operationType: "upload", operations: 4_000n, idempotencyKey: "use-2", requestId: "r2", at: at(2 * DAY) },
      ],
      context,
    );
    // An upgrade closes the first period early; then a downgrade is scheduled for the new period's end.
    await changePlan(prisma, {
      workspaceId: full.id,
      toPlanCode: "growth_monthly",
      at: UPGRADED_AT,
      creditsPerUsd: CREDITS_PER_USD,
      actor: customer,
    });
    await changePlan(prisma, {
      workspaceId: full.id,
      toPlanCode: "starter_monthly",
      at: at(10 * DAY + HOUR),
      creditsPerUsd: CREDITS_PER_USD,
      actor: customer,
    });
    // Support grants 5,000,000 prepaid credits, previewed then applied.
    const steps = grantSteps(full.id, 5_000_000n, {
      reason: "goodwill for the outage",
      actor: staff,
      idempotencyKey: randomUUID(),
      now: at(12 * DAY),
    });
    const previewed = await previewAction(prisma, steps);
    await applyPreviewed(
      prisma,
      {
        workspaceId: full.id,
        action: "support.grant_prepaid",
        reason: "goodwill for the outage",
        actor: staff,
        idempotencyKey: randomUUID(),
        token: previewed.token,
        now: at(12 * DAY),
      },
      steps,
    );
    // A custom limit per second, set by support.
    await prisma.$transaction((tx) =>
      setWorkspaceRateLimit(tx, {
        workspaceId: full.id,
        window: "SECOND",
        limit: 50,
        reason: "launch week",
        actor: staff,
        now: at(19 * DAY),
      }),
    );
    // Refused calls: two reasons inside the last 7 days, one older.
    await recordApiActivity(
      prisma,
      [
        { workspaceId: full.id, minute: new Date(NOW.getTime() - HOUR), reason: "throttled", count: 3 },
        { workspaceId: full.id, minute: new Date(NOW.getTime() - 2 * HOUR), reason: "insufficient_credits", count: 2 },
        { workspaceId: full.id, minute: new Date(NOW.getTime() - 8 * DAY), reason: "throttled", count: 9 },
      ],
      [],
    );
    // A plan fee whose payment failed: the workspace is in its grace period.
    failedInvoiceNumber = await prisma.$transaction(async (tx) => {
      const invoice = await createInvoice(tx, {
        workspaceId: full.id,
        kind: "PLAN_FEE",
        lines: [planFeeLine({ planName: "Growth", periodStart: UPGRADED_AT, periodEnd: FAILED_AT, feeCents: 30_000, timing: "arrears" })],
        idempotencyKey: "fee:failed",
        at: FAILED_AT,
      });
      await tx.invoice.update({
        where: { workspaceId_id: { workspaceId: full.id, id: invoice.id } },
        data: { firstFailedAt: FAILED_AT, collectionAttempts: 1, lastPaymentError: "Your card was declined." },
      });
      await enterArrears(tx, { workspaceId: full.id, at: FAILED_AT, policy: DEFAULT_ARREARS_POLICY });
      return invoice.number;
    });
    await createApiKey(prisma, { workspaceId: full.id, name: "Production", actor: customer, now: at(3 * DAY) });

    empty = await makeWorkspace(prisma, { planCode: "free", now: T0 });
    sections = await loadAccountSections(prisma, full.id, NOW);
  }, 180_000);

  afterAll(async () => {
    await database?.close();
  });

  it("shows the plan, the current period, the scheduled downgrade and the periods with why they closed", () => {
    const { subscription, periods } = sections.plan;
    expect(subscription).toMatchObject({
      cancelAtPeriodEnd: false,
      currentPeriodStart: UPGRADED_AT,
      plan: { code: "growth_monthly", name: "Growth" },
      scheduledPlan: { code: "starter_monthly", name: "Starter" },
    });
    expect(periods.map((period) => [period.plan.code, period.startsAt, period.closedAt, period.closeReason])).toEqual([
      ["growth_monthly", UPGRADED_AT, null, null],
      ["starter_monthly", T0, UPGRADED_AT, "UPGRADED"],
    ]);
  });

  it("shows every balance as the customer sees it: included with its reset, the package, prepaid with the grant, flex used", async () => {
    const stored = await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId: full.id } });
    const { balance, packages, prepaidGrants } = sections.balances;
    expect(balance).toMatchObject({
      included: stored.included,
      includedExpiresAt: sections.plan.subscription!.currentPeriodEnd,
      prepaid: 15_000_000n,
      flexUsed: stored.flexUsed,
    });
    expect(packages.map((pkg) => [pkg.package.name, pkg.operations, pkg.expiresAt])).toEqual([
      ["1,000,000 predict · 1 year", 1_000_000n, at(365 * DAY)],
    ]);
    expect(prepaidGrants.map((grant) => [grant.kind, grant.amount, grant.reason])).toEqual([
      ["SUPPORT", 5_000_000n, "goodwill for the outage"],
      ["TOP_UP", 10_000_000n, ""],
    ]);
  });

  it("lists the invoices newest first with their count, due dates and statuses", async () => {
    const count = await database.prisma.invoice.count({ where: { workspaceId: full.id } });
    expect(sections.invoices.total).toBe(count);
    expect(sections.invoices.invoices).toHaveLength(count);
    const failed = sections.invoices.invoices.find((invoice) => invoice.number === failedInvoiceNumber);
    expect(failed).toMatchObject({ kind: "PLAN_FEE", status: "OPEN", totalCents: 30_000, issuedAt: FAILED_AT, dueAt: FAILED_AT });
    expect(sections.invoices.invoices.some((invoice) => invoice.kind === "PRORATION")).toBe(true);
    const created = sections.invoices.invoices.map((invoice) => invoice.createdAt.getTime());
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it("shows the plan's limits, support's override with its reason, who set it and when, and what applies", () => {
    expect(sections.limits).toEqual({
      planName: "Growth",
      planLimits: [{ window: "SECOND", limit: 15 }],
      overrides: [
        {
          window: "SECOND",
          limit: 50,
          reason: "launch week",
          createdAt: at(19 * DAY),
          setBy: { id: staff.id, email: staff.email, name: "Sam Support" },
        },
      ],
      effective: [{ window: "SECOND", limit: 50, source: "override" }],
    });
  });

  it("lists the refused calls of the last 7 days minute by minute, newest first, with totals by reason", () => {
    expect(sections.refusals.minutes).toEqual([
      { minute: new Date(NOW.getTime() - HOUR), reason: "throttled", count: 3 },
      { minute: new Date(NOW.getTime() - 2 * HOUR), reason: "insufficient_credits", count: 2 },
    ]);
    expect(sections.refusals.reasons).toEqual([
      { reason: "throttled", calls: 3, minutes: 1 },
      { reason: "insufficient_credits", calls: 2, minutes: 1 },
    ]);
    expect(sections.refusals.totalCalls).toBe(5);
    expect(sections.refusals.since).toEqual(new Date(NOW.getTime() - SUPPORT_ACCOUNT_LIMITS.refusalDays * DAY));
  });

  it("shows the arrears state, its deadlines and the overdue invoice", () => {
    expect(sections.arrears).toMatchObject({
      billingState: "GRACE",
      arrearsSince: FAILED_AT,
      graceEndsAt: new Date(FAILED_AT.getTime() + DEFAULT_ARREARS_POLICY.graceDays * DAY),
      retentionEndsAt: new Date(FAILED_AT.getTime() + (DEFAULT_ARREARS_POLICY.graceDays + DEFAULT_ARREARS_POLICY.retentionDays) * DAY),
      dataDeletedAt: null,
      overdueCents: 30_000,
    });
    expect(sections.arrears!.overdue.map((invoice) => [invoice.number, invoice.lastPaymentError, invoice.collectionAttempts])).toEqual([
      [failedInvoiceNumber, "Your card was declined.", 1],
    ]);
  });

  it("shows the usage of the last 30 days by UTC day, equal to the ledger's usage entries", async () => {
    const { usage } = sections;
    expect(usage.points).toHaveLength(30);
    expect(usage.range).toMatchObject({ kind: "30d", timeZone: "UTC", bucket: "day" });
    expect(usage.totals.operationsByType).toMatchObject({ predict: "1500", upload: "4000" });
    expect(usage.points.find((point) => point.at === "2027-04-06T00:00:00.000Z")!.operations.predict).toBe("1500");
    const ledger = await listLedgerEntries(database.prisma, { workspaceId: full.id, filters: { kind: "usage" }, limit: 100 });
    const charged = ledger.entries.reduce((sum, entry) => sum + entry.credits, 0n);
    expect(BigInt(usage.totals.credits)).toBe(charged);
    expect(charged).toBeGreaterThan(0n);
  });

  it("shows the billing timeline: the scheduled downgrade and the end of grace", () => {
    const kinds = sections.timeline.events.map((event) => event.kind);
    expect(kinds).toContain("downgrade");
    expect(sections.timeline.events.find((event) => event.kind === "grace_ends")?.at).toEqual(sections.arrears!.graceEndsAt);
  });

  it("shows the card on file as its brand and last 4 digits only", () => {
    expect(sections.card).toEqual({ brand: "visa", last4: "0002" });
  });

  it("shows the audit trail newest first, customers', staff's and the system's, with the detail before and after", async () => {
    const { entries, total } = sections.audit;
    expect(total).toBe(await database.prisma.auditLog.count({ where: { workspaceId: full.id } }));
    expect(entries).toHaveLength(total);
    const times = entries.map((entry) => entry.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(entries.map((entry) => entry.action))).toEqual(
      new Set([
        "subscription.upgraded",
        "subscription.downgrade_scheduled",
        "support.grant_prepaid",
        "rate_limit.set",
        "arrears.grace_started",
        "api_key.created",
      ]),
    );
    expect(entries.find((entry) => entry.action === "support.grant_prepaid")).toMatchObject({
      actorId: staff.id,
      actorEmail: staff.email,
      actorRole: "SUPPORT",
      reason: "goodwill for the outage",
      detail: { before: { prepaid: "10000000" }, after: { prepaid: "15000000" } },
    });
    expect(entries.find((entry) => entry.action === "arrears.grace_started")).toMatchObject({ actorRole: "SYSTEM" });
  });

  it("shows at most the latest 50 audit rows, newest first, and counts them all", async () => {
    for (let view = 0; view < 55; view += 1) {
      await recordStaffView(database.prisma, { workspaceId: empty.id, actor: staff, now: at(DAY + view * HOUR) });
    }
    const { audit } = await loadAccountSections(database.prisma, empty.id, NOW);
    expect(audit.total).toBe(55);
    expect(audit.entries).toHaveLength(SUPPORT_ACCOUNT_LIMITS.auditLog);
    expect(audit.entries[0]!.createdAt).toEqual(at(DAY + 54 * HOUR));
    expect(audit.entries.at(-1)!.createdAt).toEqual(at(DAY + 5 * HOUR));
  });

  it("reads an account with nothing yet as empty sections, not errors", async () => {
    const nothing = await loadAccountSections(database.prisma, empty.id, NOW);
    expect(nothing.plan.subscription?.plan.code).toBe("free");
    expect(nothing.plan.periods).toHaveLength(1);
    expect(nothing.balances.packages).toEqual([]);
    expect(nothing.balances.prepaidGrants).toEqual([]);
    expect(nothing.invoices).toEqual({ invoices: [], total: 0 });
    expect(nothing.limits.overrides).toEqual([]);
    expect(nothing.limits.effective).toEqual([{ window: "SECOND", limit: 15, source: "plan" }]);
    expect(nothing.refusals).toMatchObject({ minutes: [], reasons: [], totalCalls: 0, totalMinutes: 0 });
    expect(nothing.arrears).toMatchObject({ billingState: "GOOD", arrearsSince: null, graceEndsAt: null, overdue: [], overdueCents: 0 });
    expect(nothing.card).toBeNull();
    expect(nothing.usage.totals.operations).toBe("0");
  });

  it("returns no secret: no API key hash, no password hash, no card or gateway reference", async () => {
    const keys = await database.prisma.apiKey.findMany({ where: { workspaceId: full.id }, select: { secretHash: true } });
    const methods = await database.prisma.paymentMethod.findMany({ where: { workspaceId: full.id }, select: { externalId: true } });
    expect(keys).toHaveLength(1);
    expect(methods).toHaveLength(1);
    const account = await getAccount(database.prisma, full.id, NOW);
    for (const text of [asText(sections), asText(account)]) {
      for (const secret of [...keys.map((key) => key.secretHash), ...methods.map((method) => method.externalId)]) {
        expect(text).not.toContain(secret);
      }
      expect(text).not.toMatch(/"(secretHash|passwordHash|tokenHash|externalId|expMonth|expYear)"/);
    }
    // The key's prefix is what is shown instead.
    expect(account!.apiKeys.map((key) => key.name)).toEqual(["Production"]);
  });
});
