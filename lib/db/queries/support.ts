import "server-only";

// Reads for the support console (R11). Staff see accounts, never card
// numbers or API key secrets: no query here selects a secret hash.
import { liveIncluded } from "@/lib/billing/balances";
import type { Tx } from "@/lib/db";
import type { Prisma, PrismaClient } from "@/lib/generated/prisma/client";

type Reader = PrismaClient | Tx;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export const SEARCH_LIMIT = 50;

/**
 * R11: one box finds an account by a member's email, the workspace name or id,
 * an API-key prefix, an invoice number or the Stripe customer id.
 */
export async function searchAccounts(db: Reader, query: string) {
  const q = query.trim();
  if (!q) return [];
  const anyOf: Prisma.WorkspaceWhereInput[] = [
    { name: { contains: q, mode: "insensitive" } },
    { slug: { contains: q, mode: "insensitive" } },
    { memberships: { some: { user: { email: { contains: q, mode: "insensitive" } } } } },
    { apiKeys: { some: { prefix: { startsWith: q } } } },
    { invoices: { some: { number: { equals: q, mode: "insensitive" } } } },
    { stripeCustomerId: q },
  ];
  // Comparing a non-UUID with a uuid column is an error in PostgreSQL.
  if (isUuid(q)) anyOf.push({ id: q.toLowerCase() });

  const rows = await db.workspace.findMany({
    where: { OR: anyOf },
    orderBy: { name: "asc" },
    take: SEARCH_LIMIT,
    select: {
      id: true,
      name: true,
      slug: true,
      billingState: true,
      graceEndsAt: true,
      retentionEndsAt: true,
      createdAt: true,
      subscriptions: { where: { status: "ACTIVE" }, take: 1, select: { plan: { select: { name: true } } } },
      memberships: {
        where: { role: "OWNER" },
        orderBy: { createdAt: "asc" },
        take: 1,
        select: { user: { select: { email: true } } },
      },
    },
  });
  return rows.map(({ subscriptions, memberships, ...workspace }) => ({
    ...workspace,
    planName: subscriptions[0]?.plan.name ?? null,
    ownerEmail: memberships[0]?.user.email ?? null,
  }));
}

export type AccountSearchResult = Awaited<ReturnType<typeof searchAccounts>>[number];

/**
 * Everything the account page shows at `at`, read-only. Null when no such
 * workspace. The included balance is what can pay at `at` (the engine's rule,
 * lib/billing/balances.ts), as the customer and the API see it.
 */
export async function getAccount(db: Reader, workspaceId: string, at: Date, recent = { invoices: 10, auditLog: 25 }) {
  if (!isUuid(workspaceId)) return null;
  const account = await db.workspace.findUnique({
    where: { id: workspaceId },
    select: {
      id: true,
      slug: true,
      name: true,
      createdAt: true,
      stripeCustomerId: true,
      flexEnabled: true,
      billingState: true,
      arrearsSince: true,
      graceEndsAt: true,
      retentionEndsAt: true,
      dataDeletedAt: true,
      autoTopUpEnabled: true,
      spendCapCents: true,
      balance: { select: { included: true, includedExpiresAt: true, prepaid: true, flexUsed: true } },
      subscriptions: {
        where: { status: "ACTIVE" },
        take: 1,
        select: {
          currentPeriodStart: true,
          currentPeriodEnd: true,
          cancelAtPeriodEnd: true,
          plan: {
            select: {
              name: true,
              code: true,
              interval: true,
              feeCents: true,
              includedCredits: true,
              rateLimits: { select: { window: true, limit: true } },
            },
          },
        },
      },
      rateLimits: { select: { window: true, limit: true, reason: true } },
      memberships: {
        orderBy: [{ role: "asc" }, { createdAt: "asc" }],
        select: { role: true, createdAt: true, user: { select: { id: true, name: true, email: true } } },
      },
      apiKeys: {
        orderBy: { createdAt: "desc" },
        select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
      },
      invoices: {
        orderBy: { createdAt: "desc" },
        take: recent.invoices,
        select: { id: true, number: true, kind: true, status: true, totalCents: true, issuedAt: true, createdAt: true },
      },
      auditLog: {
        orderBy: { createdAt: "desc" },
        take: recent.auditLog,
        select: { id: true, createdAt: true, actorEmail: true, actorRole: true, action: true, reason: true },
      },
    },
  });
  if (!account?.balance) return account;
  return { ...account, balance: { ...account.balance, included: liveIncluded(account.balance, at) } };
}

export type Account = NonNullable<Awaited<ReturnType<typeof getAccount>>>;
