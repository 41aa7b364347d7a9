import "server-only";

// Reads for the customer dashboard (R10). Every query names the workspace:
// it is the first column of every workspace-owned key.
import { balanceSnapshot, isIncludedLive, livePackages } from "@/lib/billing/balances";
import type { Tx } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";

type Reader = PrismaClient | Tx;

// ---------------------------------------------------------------- balances

/** The live balance row (R5); null until the billing engine first writes it. */
export async function getCreditBalance(db: Reader, workspaceId: string) {
  return db.creditBalance.findUnique({
    where: { workspaceId },
    select: { included: true, includedExpiresAt: true, prepaid: true, flexUsed: true, flexPeriodStart: true },
  });
}

export type CreditBalanceRow = NonNullable<Awaited<ReturnType<typeof getCreditBalance>>>;

const purchaseSelect = {
  id: true,
  operations: true,
  remainingOperations: true,
  startsAt: true,
  expiresAt: true,
  status: true,
  autoRenew: true,
  package: { select: { name: true, code: true } },
  operationType: { select: { code: true, name: true } },
} as const;

/** R6.1, R6.2: package quotas still usable at `at` (the engine's live-package rule), the one that expires first first. */
export async function listActivePackagePurchases(db: Reader, workspaceId: string, at: Date) {
  const purchases = await db.packagePurchase.findMany({ where: { workspaceId, status: "ACTIVE" }, select: purchaseSelect });
  return livePackages(purchases, at);
}

export type PackagePurchaseRow = Awaited<ReturnType<typeof listActivePackagePurchases>>[number];

/**
 * R10 Overview: the balance of every source at `at` — the same numbers the
 * metering API reports at that instant (both go through
 * lib/billing/balances.ts) — with the package rows the cards show. `opened`:
 * the billing engine has written this period's included credits;
 * `includedExpired`: their period has ended and the reset has not run yet.
 */
export async function getLiveBalances(db: Reader, workspaceId: string, at: Date) {
  const [row, packages] = await Promise.all([getCreditBalance(db, workspaceId), listActivePackagePurchases(db, workspaceId, at)]);
  if (!row) return { balance: null, packages };
  return {
    balance: {
      ...balanceSnapshot(row, packages, at, (pkg) => pkg.operationType.code),
      opened: row.included > 0n || row.includedExpiresAt !== null,
      includedExpired: !isIncludedLive(row.includedExpiresAt, at),
    },
    packages,
  };
}

/** Every package the workspace bought, newest first. */
export async function listPackagePurchases(db: Reader, workspaceId: string, take = 50) {
  return db.packagePurchase.findMany({
    where: { workspaceId },
    orderBy: { createdAt: "desc" },
    take,
    select: purchaseSelect,
  });
}

/** Prepaid credits put into the workspace (R5.2: top-ups and support grants), newest first. */
export async function listPrepaidGrants(db: Reader, workspaceId: string, take = 25) {
  return db.creditGrant.findMany({
    where: { workspaceId, kind: { in: ["TOP_UP", "AUTO_TOP_UP", "SUPPORT"] } },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, kind: true, source: true, amount: true, expiresAt: true, reason: true, createdAt: true },
  });
}

// ---------------------------------------------------------------- plan and settings

/** Subscription details the access context does not carry (R4.5 scheduled downgrade). */
export async function getActiveSubscription(db: Reader, workspaceId: string) {
  return db.subscription.findFirst({
    where: { workspaceId, status: "ACTIVE" },
    select: {
      startedAt: true,
      anchorDay: true,
      currentPeriodStart: true,
      currentPeriodEnd: true,
      cancelAtPeriodEnd: true,
      plan: { select: { code: true } },
      scheduledPlan: { select: { code: true, name: true } },
    },
  });
}

/** Top-up, flex and guardrail settings (R5.5, R7.2, R14) and the card on file. */
export async function getBillingSettings(db: Reader, workspaceId: string) {
  const [workspace, card] = await Promise.all([
    db.workspace.findUnique({
      where: { id: workspaceId },
      select: {
        flexEnabled: true,
        autoTopUpEnabled: true,
        autoTopUpThreshold: true,
        autoTopUpAmountCents: true,
        autoTopUpMonthlyMax: true,
        spendCapCents: true,
        alertIncludedUsage: true,
        alertPrepaidBelow: true,
        alertFlexAbove: true,
      },
    }),
    db.paymentMethod.findFirst({
      where: { workspaceId },
      orderBy: [{ isDefault: "desc" }, { createdAt: "desc" }],
      select: { brand: true, last4: true, expMonth: true, expYear: true },
    }),
  ]);
  return workspace ? { ...workspace, card } : null;
}

export type BillingSettings = NonNullable<Awaited<ReturnType<typeof getBillingSettings>>>;

export async function listMembers(db: Reader, workspaceId: string) {
  return db.membership.findMany({
    where: { workspaceId },
    orderBy: [{ role: "asc" }, { createdAt: "asc" }],
    select: { role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
  });
}

export type MemberRow = Awaited<ReturnType<typeof listMembers>>[number];

// ---------------------------------------------------------------- invoices and keys

export async function listInvoices(db: Reader, workspaceId: string, take = 50) {
  return db.invoice.findMany({
    where: { workspaceId },
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      number: true,
      kind: true,
      status: true,
      periodStart: true,
      periodEnd: true,
      totalCents: true,
      issuedAt: true,
      dueAt: true,
      paidAt: true,
      createdAt: true,
    },
  });
}

export type InvoiceRow = Awaited<ReturnType<typeof listInvoices>>[number];

/** API keys without their hashes: the prefix is all that is ever shown. */
export async function listApiKeys(db: Reader, workspaceId: string) {
  return db.apiKey.findMany({
    where: { workspaceId },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

export type ApiKeyRow = Awaited<ReturnType<typeof listApiKeys>>[number];

/** One invoice with its lines, by its number, inside the workspace only. */
export async function getInvoiceByNumber(db: Reader, workspaceId: string, number: string) {
  return db.invoice.findUnique({
    where: { workspaceId_number: { workspaceId, number } },
    select: {
      id: true,
      number: true,
      kind: true,
      status: true,
      periodStart: true,
      periodEnd: true,
      subtotalCents: true,
      discountCents: true,
      totalCents: true,
      issuedAt: true,
      dueAt: true,
      paidAt: true,
      createdAt: true,
      lastPaymentError: true,
      nextCollectionAt: true,
      lines: {
        orderBy: { position: "asc" },
        // Not `rule`: the rule number is for code and support, never shown to the customer.
        select: { id: true, description: true, source: true, quantity: true, credits: true, amountCents: true },
      },
    },
  });
}

// ---------------------------------------------------------------- limits and refusals

/** R9.3 / R10: the workspace's rate limits (plan or support override) and refused calls by reason. */
export async function getLimitsAndRefusals(db: Reader, workspaceId: string, since: Date) {
  const [subscription, overrides, refusals] = await Promise.all([
    db.subscription.findFirst({
      where: { workspaceId, status: "ACTIVE" },
      select: { plan: { select: { name: true, rateLimits: { select: { window: true, limit: true } } } } },
    }),
    db.workspaceRateLimit.findMany({ where: { workspaceId }, select: { window: true, limit: true, reason: true } }),
    db.refusedCallMinute.groupBy({
      by: ["reason"],
      where: { workspaceId, minute: { gte: since } },
      _sum: { count: true },
      _max: { minute: true },
    }),
  ]);
  const windows = ["SECOND", "HOUR"] as const;
  const limits = windows
    .map((window) => {
      const override = overrides.find((o) => o.window === window);
      const plan = subscription?.plan.rateLimits.find((l) => l.window === window);
      if (override) return { window, limit: override.limit, source: "support" as const, reason: override.reason };
      if (plan) return { window, limit: plan.limit, source: "plan" as const, reason: subscription!.plan.name };
      return null;
    })
    .filter((limit) => limit !== null);
  return {
    limits,
    refusals: refusals
      .map((r) => ({ reason: r.reason, count: r._sum.count ?? 0, lastAt: r._max.minute }))
      .sort((a, b) => b.count - a.count),
  };
}
