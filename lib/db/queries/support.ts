import "server-only";

// Reads for the support console (R11). Staff see accounts, never card
// numbers or API key secrets: no query here selects a secret hash.
import { apiKeyPrefix } from "@/lib/api-keys/key";
import { liveIncluded } from "@/lib/billing/balances";
import type { Tx } from "@/lib/db";
import { INVOICE_NUMBER_PREFIX } from "@/lib/db/invoices";
import { Prisma, type BillingState, type PrismaClient } from "@/lib/generated/prisma/client";

type Reader = PrismaClient | Tx;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export const SEARCH_LIMIT = 50;

/** The field a result was found by, as the console names it. */
export type SearchField = "id" | "stripeCustomer" | "invoice" | "apiKey" | "email" | "name" | "slug";

// A workspace found several ways is listed once, by its strongest match:
// exact identifiers first, then prefixes, then names that merely contain the words.
const FIELD_ORDER: readonly SearchField[] = ["id", "stripeCustomer", "invoice", "apiKey", "email", "name", "slug"];

// What every API key starts with (lib/api-keys/key.ts): other words never search the keys.
const KEY_START = "mdk_";

/** `value` as a literal inside a LIKE pattern (backslash is PostgreSQL's default escape). */
function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

// Whole identifiers are no part of a name, so they skip the name search: a
// UUID, an email or its start up to the @, a key prefix, a Stripe customer id,
// an invoice number.
const IDENTIFIERS = [UUID, /^[^\s@]+@\S*$/, /^mdk_[0-9a-f]*$/i, /^cus_[A-Za-z0-9]+$/, new RegExp(`^${INVOICE_NUMBER_PREFIX}\\d+$`, "i")];

/**
 * How the name is matched, or null when it is not searched. Trigram indexes
 * find a substring of three or more letters or digits; a shorter query matches
 * the start of the name (the index still serves it); one with no letter or
 * digit, or an identifier, is not looked for in names.
 */
function namePattern(q: string): string | null {
  if (IDENTIFIERS.some((identifier) => identifier.test(q))) return null;
  if (/[\p{L}\p{N}]{3}/u.test(q)) return `%${likeLiteral(q)}%`;
  if (/[\p{L}\p{N}]/u.test(q)) return `${likeLiteral(q)}%`;
  return null;
}

// Slugs are lower-case letters, digits and hyphens (slugify): anything else cannot be part of one.
const SLUG_PART = /^[a-z0-9-]+$/i;

interface SearchHit {
  workspaceId: string;
  field: SearchField;
  value: string;
}

/**
 * The search's one statement (exported for its EXPLAIN in the tests and
 * `npm run bench:support`): one branch per field, each an index lookup capped
 * at SEARCH_LIMIT rows (migration support_search), so no branch reads a whole
 * table, whatever the query. Stored forms make the exact fields case-insensitive:
 * emails are kept lower-case (normaliseEmail), key prefixes are lower-case hex,
 * invoice numbers upper-case (nextInvoiceNumber).
 */
export function searchHitsSql(q: string): Prisma.Sql {
  const lower = q.toLowerCase();
  const branches: Prisma.Sql[] = [];
  const branch = (select: Prisma.Sql) => branches.push(Prisma.sql`(${select} LIMIT ${Prisma.raw(String(SEARCH_LIMIT))})`);

  // Comparing a non-UUID with a uuid column is an error in PostgreSQL.
  if (isUuid(q)) {
    branch(Prisma.sql`SELECT w."id" AS "workspaceId", 'id'::text AS "field", w."id"::text AS "value"
      FROM "Workspace" w WHERE w."id" = ${lower}::uuid`);
  }
  branch(Prisma.sql`SELECT w."id" AS "workspaceId", 'stripeCustomer'::text AS "field", w."stripeCustomerId" AS "value"
    FROM "Workspace" w WHERE w."stripeCustomerId" = ${q}`);
  branch(Prisma.sql`SELECT i."workspaceId", 'invoice'::text AS "field", i."number" AS "value"
    FROM "Invoice" i WHERE i."number" = ${q.toUpperCase()}`);
  if (lower.startsWith(KEY_START)) {
    // A whole key pasted in is searched by its visible prefix; the secret goes no further.
    const prefix = apiKeyPrefix(q) ?? lower;
    branch(Prisma.sql`SELECT k."workspaceId", 'apiKey'::text AS "field", k."prefix" AS "value"
      FROM "ApiKey" k WHERE k."prefix" LIKE ${`${likeLiteral(prefix)}%`}`);
  }
  branch(Prisma.sql`SELECT m."workspaceId", 'email'::text AS "field", u."email" AS "value"
    FROM "User" u JOIN "Membership" m ON m."userId" = u."id" WHERE u."email" LIKE ${`${likeLiteral(lower)}%`}`);
  const pattern = namePattern(q);
  if (pattern) {
    branch(Prisma.sql`SELECT w."id" AS "workspaceId", 'name'::text AS "field", w."name" AS "value"
      FROM "Workspace" w WHERE w."name" ILIKE ${pattern}`);
    if (SLUG_PART.test(q)) {
      branch(Prisma.sql`SELECT w."id" AS "workspaceId", 'slug'::text AS "field", w."slug" AS "value"
        FROM "Workspace" w WHERE w."slug" ILIKE ${pattern}`);
    }
  }
  return Prisma.join(branches, " UNION ALL ");
}

/** Each workspace once, by its strongest match. */
function strongestHits(hits: SearchHit[]): Map<string, SearchHit> {
  const byWorkspace = new Map<string, SearchHit>();
  for (const hit of hits) {
    const seen = byWorkspace.get(hit.workspaceId);
    if (!seen || FIELD_ORDER.indexOf(hit.field) < FIELD_ORDER.indexOf(seen.field)) byWorkspace.set(hit.workspaceId, hit);
  }
  return byWorkspace;
}

/**
 * R11: one box finds an account by a member's email (or its start), the
 * workspace's name or slug (any part, any case) or id, an API-key prefix (or
 * its start), an invoice number or the Stripe customer id. Each result says
 * what it matched and carries what staff check first: plan, billing state,
 * owner, and the balances at `at` (included credits only while live, R5.1).
 * At most SEARCH_LIMIT accounts, the strongest matches first, then by name.
 */
export async function searchAccounts(db: Reader, query: string, at: Date): Promise<AccountSearchResult[]> {
  const q = query.trim();
  if (!q) return [];
  const hits = strongestHits(await db.$queryRaw<SearchHit[]>(searchHitsSql(q)));
  if (hits.size === 0) return [];

  const rows = await db.workspace.findMany({
    where: { id: { in: [...hits.keys()] } },
    select: {
      id: true,
      name: true,
      slug: true,
      billingState: true,
      graceEndsAt: true,
      retentionEndsAt: true,
      balance: { select: { included: true, includedExpiresAt: true, prepaid: true } },
      subscriptions: { where: { status: "ACTIVE" }, take: 1, select: { plan: { select: { name: true } } } },
      memberships: {
        where: { role: "OWNER" },
        orderBy: { createdAt: "asc" },
        take: 1,
        select: { user: { select: { email: true } } },
      },
    },
  });
  return rows
    .map(({ subscriptions, memberships, balance, ...workspace }) => {
      const hit = hits.get(workspace.id)!;
      return {
        ...workspace,
        planName: subscriptions[0]?.plan.name ?? null,
        ownerEmail: memberships[0]?.user.email ?? null,
        balance: balance ? { included: liveIncluded(balance, at), prepaid: balance.prepaid } : null,
        matched: { field: hit.field, value: hit.value },
      };
    })
    .sort(
      (a, b) =>
        FIELD_ORDER.indexOf(a.matched.field) - FIELD_ORDER.indexOf(b.matched.field) ||
        a.name.localeCompare(b.name, "en") ||
        (a.id < b.id ? -1 : 1),
    )
    .slice(0, SEARCH_LIMIT);
}

export interface AccountSearchResult {
  id: string;
  name: string;
  slug: string;
  /** What BillingStateBadge shows (R8.3–R8.5). */
  billingState: BillingState;
  graceEndsAt: Date | null;
  retentionEndsAt: Date | null;
  planName: string | null;
  ownerEmail: string | null;
  /** Included credits live at the search's instant, and prepaid; null for a workspace without a balance row. */
  balance: { included: bigint; prepaid: bigint } | null;
  /** What the query matched: the field and its stored value (the member's email, the key prefix …). */
  matched: { field: SearchField; value: string };
}

/**
 * The account itself at `at`: its state, plan, balance, custom limits,
 * members and key prefixes (the page's sections read the rest,
 * lib/db/queries/support-account.ts). Null when no such workspace. The included balance is what can pay at `at` (the engine's rule,
 * lib/billing/balances.ts), as the customer and the API see it.
 */
export async function getAccount(db: Reader, workspaceId: string, at: Date) {
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
    },
  });
  if (!account?.balance) return account;
  return { ...account, balance: { ...account.balance, included: liveIncluded(account.balance, at) } };
}

export type Account = NonNullable<Awaited<ReturnType<typeof getAccount>>>;
