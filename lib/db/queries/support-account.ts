import "server-only";

// Reads for the support console's account page (R11) beyond getAccount: the
// plan and its periods, every balance, invoices, limits and overrides,
// refused calls, the arrears state, the usage of the last days, the billing
// timeline (the customer's own query) and the audit trail with its detail.
// Each section is one function (a few queries run together, never one per
// row); loadAccountSections runs them all at once.
// Staff see accounts, never card numbers or API key secrets: nothing here
// selects a secret hash, and a card on file is its brand and last 4 digits.
import type { Tx } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { resolveRange } from "@/lib/usage/range";
import { getLiveBalances, listInvoices, listPrepaidGrants } from "./dashboard";
import { getBillingTimeline } from "./timeline";
import { getUsageSeries } from "./usage-series";

type Reader = PrismaClient | Tx;

const DAY_MS = 86_400_000;

/** How much of each list the page shows. */
export const SUPPORT_ACCOUNT_LIMITS = {
  periods: 12,
  prepaidGrants: 10,
  invoices: 50,
  overdue: 50,
  refusals: 100,
  refusalDays: 7,
  auditLog: 50,
} as const;

// ---------------------------------------------------------------- plan and periods

/**
 * R4: the active subscription with what is scheduled for its end (a
 * downgrade, R4.5, or a cancellation, R4.6), and the latest periods, newest
 * first: the open one (closedAt null) and the closed ones with why they closed.
 */
export async function getPlanAndPeriods(db: Reader, workspaceId: string, take: number = SUPPORT_ACCOUNT_LIMITS.periods) {
  const [subscription, periods] = await Promise.all([
    db.subscription.findFirst({
      where: { workspaceId, status: "ACTIVE" },
      select: {
        startedAt: true,
        anchorDay: true,
        currentPeriodStart: true,
        currentPeriodEnd: true,
        cancelAtPeriodEnd: true,
        plan: { select: { code: true, name: true, interval: true, feeCents: true, includedCredits: true, flexAllowed: true } },
        scheduledPlan: { select: { code: true, name: true, interval: true, feeCents: true } },
      },
    }),
    db.subscriptionPeriod.findMany({
      where: { workspaceId },
      orderBy: [{ startsAt: "desc" }, { id: "desc" }],
      take,
      select: {
        id: true,
        startsAt: true,
        endsAt: true,
        closedAt: true,
        closeReason: true,
        includedGranted: true,
        plan: { select: { code: true, name: true } },
      },
    }),
  ]);
  return { subscription, periods };
}

export type PlanAndPeriods = Awaited<ReturnType<typeof getPlanAndPeriods>>;

// ---------------------------------------------------------------- balances

/**
 * R5, R6: every source at `at` as the customer and the API see it (the same
 * reads as the Overview), with the prepaid credits put in lately (top-ups
 * and support grants, with their reason).
 */
export async function getAccountBalances(db: Reader, workspaceId: string, at: Date) {
  const [live, prepaidGrants] = await Promise.all([
    getLiveBalances(db, workspaceId, at),
    listPrepaidGrants(db, workspaceId, SUPPORT_ACCOUNT_LIMITS.prepaidGrants),
  ]);
  return { balance: live.balance, packages: live.packages, prepaidGrants };
}

export type AccountBalances = Awaited<ReturnType<typeof getAccountBalances>>;

// ---------------------------------------------------------------- invoices

/** R8.2: the latest invoices, newest first, and how many there are in all. */
export async function listAccountInvoices(db: Reader, workspaceId: string, take: number = SUPPORT_ACCOUNT_LIMITS.invoices) {
  const [invoices, total] = await Promise.all([listInvoices(db, workspaceId, take), db.invoice.count({ where: { workspaceId } })]);
  return { invoices, total };
}

export type AccountInvoices = Awaited<ReturnType<typeof listAccountInvoices>>;

// ---------------------------------------------------------------- limits and refusals

const WINDOWS = ["SECOND", "HOUR"] as const;

/**
 * R9.3: the plan's limits, support's overrides with their reason, who set
 * them and when, and what applies (an override wins over the plan, window by window).
 */
export async function getAccountRateLimits(db: Reader, workspaceId: string) {
  const [subscription, overrides] = await Promise.all([
    db.subscription.findFirst({
      where: { workspaceId, status: "ACTIVE" },
      select: { plan: { select: { name: true, rateLimits: { select: { window: true, limit: true } } } } },
    }),
    db.workspaceRateLimit.findMany({
      where: { workspaceId },
      select: { window: true, limit: true, reason: true, setById: true, createdAt: true },
    }),
  ]);
  const setterIds = [...new Set(overrides.map((row) => row.setById).filter((id): id is string => id !== null))];
  const setters =
    setterIds.length === 0
      ? []
      : await db.user.findMany({ where: { id: { in: setterIds } }, select: { id: true, email: true, name: true } });
  const setterById = new Map(setters.map((user) => [user.id, user]));
  const planLimits = subscription?.plan.rateLimits ?? [];
  const byWindow = (a: { window: string }, b: { window: string }) =>
    WINDOWS.indexOf(a.window as (typeof WINDOWS)[number]) - WINDOWS.indexOf(b.window as (typeof WINDOWS)[number]);

  const effective = WINDOWS.map((window) => {
    const override = overrides.find((row) => row.window === window);
    if (override) return { window, limit: override.limit, source: "override" as const };
    const plan = planLimits.find((row) => row.window === window);
    return plan ? { window, limit: plan.limit, source: "plan" as const } : null;
  }).filter((limit) => limit !== null);

  return {
    planName: subscription?.plan.name ?? null,
    planLimits: [...planLimits].sort(byWindow),
    overrides: overrides
      .map(({ setById, ...row }) => ({
        ...row,
        setBy: setById ? (setterById.get(setById) ?? { id: setById, email: null, name: null }) : null,
      }))
      .sort(byWindow),
    effective,
  };
}

export type AccountRateLimits = Awaited<ReturnType<typeof getAccountRateLimits>>;

/**
 * R2.4, R9.4: the refused calls since `since`, minute by minute, newest first
 * (at most `take` minutes), with the totals of the whole span by reason.
 */
export async function listRefusedCalls(db: Reader, workspaceId: string, since: Date, take: number = SUPPORT_ACCOUNT_LIMITS.refusals) {
  const where = { workspaceId, minute: { gte: since } };
  const [minutes, byReason] = await Promise.all([
    db.refusedCallMinute.findMany({
      where,
      orderBy: [{ minute: "desc" }, { reason: "asc" }],
      take,
      select: { minute: true, reason: true, count: true },
    }),
    db.refusedCallMinute.groupBy({ by: ["reason"], where, _sum: { count: true }, _count: { _all: true } }),
  ]);
  const reasons = byReason
    .map((row) => ({ reason: row.reason, calls: row._sum.count ?? 0, minutes: row._count._all }))
    .sort((a, b) => b.calls - a.calls || a.reason.localeCompare(b.reason));
  return {
    since,
    minutes,
    reasons,
    totalCalls: reasons.reduce((sum, row) => sum + row.calls, 0),
    totalMinutes: reasons.reduce((sum, row) => sum + row.minutes, 0),
  };
}

export type RefusedCalls = Awaited<ReturnType<typeof listRefusedCalls>>;

// ---------------------------------------------------------------- arrears

/**
 * R8.3–R8.5: the arrears state with its deadlines, and the invoices that keep
 * the workspace in arrears (open, their payment failed: what
 * restoreIfNothingOverdue counts), the oldest failure first.
 */
export async function getArrearsState(db: Reader, workspaceId: string) {
  const [workspace, overdue] = await Promise.all([
    db.workspace.findUnique({
      where: { id: workspaceId },
      select: { billingState: true, arrearsSince: true, graceEndsAt: true, retentionEndsAt: true, dataDeletedAt: true },
    }),
    db.invoice.findMany({
      where: { workspaceId, status: "OPEN", firstFailedAt: { not: null } },
      orderBy: [{ firstFailedAt: "asc" }, { createdAt: "asc" }],
      take: SUPPORT_ACCOUNT_LIMITS.overdue,
      select: {
        id: true,
        number: true,
        kind: true,
        totalCents: true,
        issuedAt: true,
        dueAt: true,
        firstFailedAt: true,
        collectionAttempts: true,
        nextCollectionAt: true,
        lastPaymentError: true,
      },
    }),
  ]);
  if (!workspace) return null;
  return { ...workspace, overdue, overdueCents: overdue.reduce((sum, invoice) => sum + invoice.totalCents, 0) };
}

export type ArrearsState = NonNullable<Awaited<ReturnType<typeof getArrearsState>>>;

// ---------------------------------------------------------------- card, usage, audit

/** The card on file as support may see it: its brand and last 4 digits, nothing more. */
export async function getCardOnFile(db: Reader, workspaceId: string) {
  return db.paymentMethod.findFirst({
    where: { workspaceId },
    orderBy: [{ isDefault: "desc" }, { createdAt: "desc" }],
    select: { brand: true, last4: true },
  });
}

/** R10: operations by type and credits by source per UTC day over the last `days` days (today included). */
export async function getAccountUsage(db: Reader, workspaceId: string, at: Date, days: 30 | 90 = 30) {
  return getUsageSeries(db, workspaceId, resolveRange({ kind: days === 30 ? "30d" : "90d", timeZone: "UTC" }, at, null));
}

/**
 * R11: the audit trail of the account, newest first — every change by
 * customers, staff and the billing system, and every staff view — with its
 * detail (for support actions, the state before and after), and the count of all rows.
 */
export async function listAuditTrail(db: Reader, workspaceId: string, take: number = SUPPORT_ACCOUNT_LIMITS.auditLog) {
  const [entries, total] = await Promise.all([
    db.auditLog.findMany({
      where: { workspaceId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take,
      select: { id: true, createdAt: true, actorId: true, actorEmail: true, actorRole: true, action: true, reason: true, detail: true },
    }),
    db.auditLog.count({ where: { workspaceId } }),
  ]);
  return { entries, total };
}

export type AuditTrail = Awaited<ReturnType<typeof listAuditTrail>>;
export type AuditTrailEntry = AuditTrail["entries"][number];

// ---------------------------------------------------------------- the whole page

/** Every section of the account page at `at` but the ledger (which pages by the address), read at once. */
export async function loadAccountSections(db: Reader, workspaceId: string, at: Date) {
  const [plan, balances, invoices, limits, refusals, arrears, card, usage, timeline, audit] = await Promise.all([
    getPlanAndPeriods(db, workspaceId),
    getAccountBalances(db, workspaceId, at),
    listAccountInvoices(db, workspaceId),
    getAccountRateLimits(db, workspaceId),
    listRefusedCalls(db, workspaceId, new Date(at.getTime() - SUPPORT_ACCOUNT_LIMITS.refusalDays * DAY_MS)),
    getArrearsState(db, workspaceId),
    getCardOnFile(db, workspaceId),
    getAccountUsage(db, workspaceId, at),
    // R10: the same timeline the customer's Plan page shows.
    getBillingTimeline(db, workspaceId, at),
    listAuditTrail(db, workspaceId),
  ]);
  return { plan, balances, invoices, limits, refusals, arrears, card, usage, timeline, audit };
}

export type AccountSections = Awaited<ReturnType<typeof loadAccountSections>>;
