// The accounts `npm run bench:support` searches: workspaces written in bulk
// (INSERT … SELECT generate_series, one statement per table) with what the
// support search reads — owners and members with realistic emails (one or two
// per workspace), subscriptions on the catalog's plans, balances, API keys,
// numbered invoices, Stripe customer ids on some, a few in arrears. Ids are
// derived from the row's number (md5 → uuid), so every table can name them.
import type { SqlRunner } from "@/lib/db/connect";

// prettier-ignore
const FIRST = [
  "maria", "james", "aiko", "omar", "lena", "david", "sofia", "kwame", "elena", "noah", "priya", "lucas", "fatima", "jonas",
  "chloe", "mateo", "ingrid", "ravi", "nora", "yusuf", "hana", "leo", "amara", "felix", "mei", "diego", "zoe", "tomas", "ines",
  "arjun", "clara", "emeka", "julia", "kenji", "alma", "viktor", "rosa", "samir", "ella", "tariq",
];
// prettier-ignore
const LAST = [
  "garcia", "smith", "tanaka", "haddad", "novak", "cohen", "rossi", "mensah", "petrova", "muller", "sharma", "silva", "khan",
  "berg", "martin", "lopez", "larsen", "patel", "walsh", "demir", "okafor", "dubois", "nguyen", "kowalski", "chen", "alvarez",
  "moreau", "fischer", "ito", "costa", "murphy", "adeyemi", "jensen", "kim", "romero", "schmidt", "ahmed", "bianchi", "reyes",
  "olsen",
];
// prettier-ignore
const ADJECTIVE = [
  "Northwind", "Bright", "Blue", "Silver", "Quiet", "Rapid", "Golden", "Clear", "Deep", "Open", "Iron", "Lunar", "Solar",
  "Green", "Red", "Swift", "Urban", "Polar", "Crimson", "Amber", "Coastal", "Alpine", "Prime", "Nova", "Pixel", "Signal",
  "Vector", "Summit", "Harbor", "Cedar", "Maple", "Orbit", "Echo", "Atlas", "Delta", "Falcon", "Granite", "Juniper", "Kestrel",
  "Meadow",
];
// prettier-ignore
const NOUN = [
  "Vision", "Labs", "Analytics", "Robotics", "Studio", "Health", "Logistics", "Media", "Foods", "Systems", "Retail", "Farms",
  "Security", "Imaging", "Motors", "Energy", "Finance", "Maps", "Sports", "Games", "Fashion", "Insights", "Sensors", "Pharma",
  "Travel", "Realty", "Learning", "Audio", "Drones", "Optics", "Cloud", "Works", "Dynamics", "Networks", "Bio", "Design",
  "Marine", "Mobility", "Textiles", "Goods",
];
// prettier-ignore
const KIND = [
  "", " AI", " Inc", " GmbH", " Ltd", " Co", " Group", " Partners", " Studio", " Research", " Tech", " Global", "", "", "", "",
];

const sqlArray = (values: string[]) => `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(",")}]::text[]`;
const pick = (array: string, index: string) => `(${array})[1 + ((${index}) % array_length(${array}, 1))]`;

// Per workspace n: its name, its slug, its domain, its owner's and second member's emails.
const WORDS = `SELECT ${sqlArray(FIRST)} AS first, ${sqlArray(LAST)} AS last, ${sqlArray(ADJECTIVE)} AS adj,
  ${sqlArray(NOUN)} AS noun, ${sqlArray(KIND)} AS kind`;
const ADJ = pick("w.adj", "n * 7 + n / 97");
const NOUNW = pick("w.noun", "n * 13 + n / 41");
const KINDW = pick("w.kind", "n / 3");
const NAME = `${ADJ} || ' ' || ${NOUNW} || ${KINDW}`;
const DOMAIN = `lower(${ADJ} || ${NOUNW}) || (ARRAY['.com','.io','.ai','.dev','.co'])[1 + n % 5]`;
const OWNER_EMAIL = `${pick("w.first", "n")} || '.' || ${pick("w.last", "n / 40 + n")} || n || '@' || ${DOMAIN}`;
const MEMBER_EMAIL = `${pick("w.first", "n * 3 + 11")} || n || '@' || ${DOMAIN}`;
/** Two in five workspaces have a second member (a billing admin). */
const HAS_MEMBER = `n % 5 < 2`;

export interface SupportBenchCounts {
  workspaces: number;
  users: number;
  apiKeys: number;
  invoices: number;
  stripeCustomers: number;
}

/** Fills an empty, migrated database that has the catalog with `count` workspaces at `at`. */
export async function fillSupportBench(sql: SqlRunner, count: number, at: Date): Promise<SupportBenchCounts> {
  const when = at.toISOString();
  const later = new Date(at.getTime() + 20 * 86_400_000).toISOString();
  const earlier = new Date(at.getTime() - 10 * 86_400_000).toISOString();
  const params = [count, when];

  await sql.query(
    `WITH w AS (${WORDS})
     INSERT INTO "User" ("id", "email", "name", "createdAt", "updatedAt")
     SELECT md5('owner:' || n)::uuid, ${OWNER_EMAIL}, initcap(${pick("w.first", "n")}), $2::timestamp, $2::timestamp
       FROM generate_series(1, $1::int) n, w
     UNION ALL
     SELECT md5('member:' || n)::uuid, ${MEMBER_EMAIL}, initcap(${pick("w.first", "n * 3 + 11")}), $2::timestamp, $2::timestamp
       FROM generate_series(1, $1::int) n, w WHERE ${HAS_MEMBER}`,
    params,
  );
  // About 3% in grace, 1% in retention, 0.5% deleted; 30% with a Stripe customer.
  await sql.query(
    `WITH w AS (${WORDS})
     INSERT INTO "Workspace" ("id", "slug", "name", "createdAt", "updatedAt", "stripeCustomerId", "billingState",
                              "arrearsSince", "graceEndsAt", "retentionEndsAt", "dataDeletedAt")
     SELECT md5('ws:' || n)::uuid, lower(regexp_replace(${NAME}, '[^A-Za-z0-9]+', '-', 'g')) || '-' || n, ${NAME},
            $2::timestamp, $2::timestamp,
            CASE WHEN n % 10 < 3 THEN 'cus_' || substr(md5('cus:' || n), 1, 14) END,
            s.state::"BillingState",
            CASE WHEN s.state <> 'GOOD' THEN $4::timestamp END,
            CASE WHEN s.state = 'GRACE' THEN $3::timestamp END,
            CASE WHEN s.state = 'RETENTION' THEN $3::timestamp END,
            CASE WHEN s.state = 'DELETED' THEN $4::timestamp END
       FROM generate_series(1, $1::int) n, w,
            LATERAL (SELECT CASE WHEN n % 200 = 7 THEN 'DELETED' WHEN n % 100 = 3 THEN 'RETENTION'
                                 WHEN n % 100 < 3 THEN 'GRACE' ELSE 'GOOD' END AS state) s`,
    [count, when, later, earlier],
  );
  await sql.query(
    `INSERT INTO "Membership" ("workspaceId", "userId", "role", "createdAt")
     SELECT md5('ws:' || n)::uuid, md5('owner:' || n)::uuid, 'OWNER'::"MemberRole", $2::timestamp FROM generate_series(1, $1::int) n
     UNION ALL
     SELECT md5('ws:' || n)::uuid, md5('member:' || n)::uuid, 'BILLING_ADMIN'::"MemberRole", $2::timestamp
       FROM generate_series(1, $1::int) n WHERE ${HAS_MEMBER}`,
    params,
  );
  // Plans: half Free, then Starter, Growth, pay as you go.
  await sql.query(
    `WITH plans AS (SELECT array_agg("id" ORDER BY "code") AS ids, array_agg("code" ORDER BY "code") AS codes FROM "Plan"
                    WHERE "code" IN ('free', 'starter_monthly', 'growth_monthly', 'payg'))
     INSERT INTO "Subscription" ("workspaceId", "id", "planId", "anchorDay", "startedAt", "currentPeriodStart", "currentPeriodEnd", "updatedAt")
     SELECT md5('ws:' || n)::uuid, md5('sub:' || n)::uuid,
            plans.ids[array_position(plans.codes, CASE WHEN n % 20 < 10 THEN 'free' WHEN n % 20 < 15 THEN 'starter_monthly'
                                                       WHEN n % 20 < 18 THEN 'growth_monthly' ELSE 'payg' END)],
            1, $2::timestamp, $2::timestamp, $3::timestamp, $2::timestamp
       FROM generate_series(1, $1::int) n, plans`,
    [count, when, later],
  );
  // Included credits live for most, expired for one in ten; prepaid on a third.
  await sql.query(
    `INSERT INTO "CreditBalance" ("workspaceId", "included", "includedExpiresAt", "prepaid", "updatedAt")
     SELECT md5('ws:' || n)::uuid, (n % 97) * 1000000, CASE WHEN n % 10 = 0 THEN $4::timestamp ELSE $3::timestamp END,
            CASE WHEN n % 3 = 0 THEN (n % 500) * 250000 ELSE 0 END, $2::timestamp
       FROM generate_series(1, $1::int) n`,
    [count, when, later, earlier],
  );
  // One to three API keys each: the visible prefix and a hash (never a secret).
  await sql.query(
    `INSERT INTO "ApiKey" ("workspaceId", "id", "name", "prefix", "secretHash", "createdAt")
     SELECT md5('ws:' || n)::uuid, md5('key:' || n || ':' || k)::uuid, (ARRAY['Production','Staging','CI'])[k],
            'mdk_' || substr(md5('prefix:' || n || ':' || k), 1, 10), md5('secret:' || n || ':' || k) || md5('more:' || n || ':' || k),
            $2::timestamp
       FROM generate_series(1, $1::int) n, generate_series(1, 3) k WHERE k <= 1 + n % 3`,
    params,
  );
  // Three invoices each, numbered in one sequence across the deployment (R8.2).
  await sql.query(
    `INSERT INTO "Invoice" ("workspaceId", "id", "number", "kind", "status", "subtotalCents", "totalCents", "idempotencyKey", "createdAt", "issuedAt")
     SELECT md5('ws:' || n)::uuid, md5('inv:' || n || ':' || k)::uuid, 'MD-' || lpad(((n - 1) * 3 + k)::text, 6, '0'),
            'PLAN_FEE'::"InvoiceKind", (ARRAY['PAID','PAID','OPEN'])[k]::"InvoiceStatus", 3000 * k, 3000 * k, 'bench:' || n || ':' || k,
            $2::timestamp, $2::timestamp
       FROM generate_series(1, $1::int) n, generate_series(1, 3) k`,
    params,
  );
  await sql.exec(`ANALYZE`);
  const [counts] = await sql.query<{ users: number; apiKeys: number; invoices: number; stripeCustomers: number }>(
    `SELECT (SELECT count(*)::int FROM "User") AS "users", (SELECT count(*)::int FROM "ApiKey") AS "apiKeys",
            (SELECT count(*)::int FROM "Invoice") AS "invoices",
            (SELECT count(*)::int FROM "Workspace" WHERE "stripeCustomerId" IS NOT NULL) AS "stripeCustomers"`,
  );
  return { workspaces: count, ...counts! };
}
