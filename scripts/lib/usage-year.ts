// The page benchmark's large customer: one Growth workspace with a year of
// hourly usage at about 100,000 operations a day, and its members, each with a
// password so that they can sign in through the real form. The workspace,
// users and memberships are made by the app's own functions; the 8,760 hours ×
// operation types of rollup rows are written directly, several thousand rows
// per INSERT … SELECT unnest(…).
import { hashPassword } from "@/lib/auth/password";
import { addMember, createUser, createWorkspace } from "@/lib/db/accounts";
import type { Database } from "@/lib/db/connect";
import { grantPrepaid } from "@/lib/db/ledger/grants";
import { operationsInHour, seededRandom, type DailyVolume } from "@/lib/db/seed/usage-shape";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const ROWS_PER_INSERT = 5_000;

/** About 100,000 operations a day over the catalog's four types (the same every day of the week). */
const DAILY_OPERATIONS: Record<string, number> = { predict: 60_000, search: 25_000, upload: 14_995, train: 5 };

export interface UsageYear {
  slug: string;
  workspaceId: string;
  /** The members' emails; the first is the owner. All share `password`. */
  emails: string[];
  password: string;
  /** Rollup rows written (hour × operation type with any usage): what the year's CSV holds. */
  rows: number;
  operations: bigint;
  /** The first and last hour with usage. */
  firstHour: Date;
  lastHour: Date;
}

interface RollupRow {
  hour: string;
  typeId: string;
  operations: bigint;
  credits: bigint;
  included: boolean;
}

export async function provisionUsageYear(
  database: Database,
  options: { now: Date; members: number; days?: number; slug?: string },
): Promise<UsageYear> {
  const days = options.days ?? 365;
  const slug = options.slug ?? "year-of-usage";
  const password = "meterdesk-bench-year";
  const passwordHash = await hashPassword(password);
  const emails = Array.from({ length: options.members }, (_, n) => `member-${String(n + 1).padStart(2, "0")}@${slug}.bench.dev`);
  const lastHour = new Date(Math.floor(options.now.getTime() / HOUR_MS) * HOUR_MS);
  const firstHour = new Date(lastHour.getTime() - (days * 24 - 1) * HOUR_MS);
  // Signed up ten days ago, so that the current period has usage to forecast from; its history is older.
  const signUp = new Date(options.now.getTime() - 10 * DAY_MS);

  const workspace = await database.prisma.$transaction(
    async (tx) => {
      const users = [];
      for (const [n, email] of emails.entries()) users.push(await createUser(tx, { email, name: `Year member ${n + 1}`, passwordHash }));
      const created = await createWorkspace(tx, {
        ownerId: users[0]!.id,
        name: "Year of Usage",
        slug,
        planCode: "growth_monthly",
        now: signUp,
      });
      for (const user of users.slice(1)) await addMember(tx, created.id, user.id, "BILLING_ADMIN");
      await tx.workspace.update({ where: { id: created.id }, data: { createdAt: firstHour, flexEnabled: true } });
      await grantPrepaid(tx, {
        workspaceId: created.id,
        credits: 10n ** 13n,
        kind: "TOP_UP",
        idempotencyKey: `bench:year:${slug}`,
        reason: "benchmark top-up",
        at: signUp,
      });
      return created;
    },
    { timeout: 60_000 },
  );

  // Credits per operation: each type's first paid tier, as the bulk of a busy month is rated.
  const types = await database.prisma.operationType.findMany({
    select: { id: true, code: true, tiers: { select: { creditsPerOp: true }, orderBy: { fromCount: "asc" } } },
  });
  const random = seededRandom(2_027);
  const rows: RollupRow[] = [];
  // Each calendar month's included credits are spent first, then prepaid: whole rows to one source.
  let month = -1;
  let includedLeft = 0n;
  const includedPerMonth = 750_000_000n;
  for (let t = firstHour.getTime(); t <= lastHour.getTime(); t += HOUR_MS) {
    const hour = new Date(t);
    const monthOfHour = hour.getUTCFullYear() * 12 + hour.getUTCMonth();
    if (monthOfHour !== month) [month, includedLeft] = [monthOfHour, includedPerMonth];
    for (const type of types) {
      const daily = DAILY_OPERATIONS[type.code] ?? 0;
      const volume: DailyVolume = { weekday: daily, weekend: daily };
      const operations = BigInt(operationsInHour(hour, volume, random));
      if (operations === 0n) continue;
      const price = (type.tiers.find((tier) => tier.creditsPerOp > 0n) ?? type.tiers[0])?.creditsPerOp ?? 0n;
      const credits = operations * price;
      const included = credits <= includedLeft;
      if (included) includedLeft -= credits;
      rows.push({ hour: hour.toISOString(), typeId: type.id, operations, credits, included });
    }
  }

  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    await insertRollups(database, workspace.id, rows.slice(start, start + ROWS_PER_INSERT));
  }
  await database.sql.exec(`ANALYZE "UsageRollupHourly"`);
  return {
    slug: workspace.slug,
    workspaceId: workspace.id,
    emails,
    password,
    rows: rows.length,
    operations: rows.reduce((sum, row) => sum + row.operations, 0n),
    firstHour,
    lastHour,
  };
}

// Rows already stated (unstated = false, stated columns equal to the amounts): the billing run leaves them alone.
async function insertRollups(database: Database, workspaceId: string, rows: RollupRow[]) {
  const pick = (value: (row: RollupRow) => bigint) => rows.map((row) => String(value(row)));
  const includedOps = pick((row) => (row.included ? row.operations : 0n));
  const prepaidOps = pick((row) => (row.included ? 0n : row.operations));
  const includedCredits = pick((row) => (row.included ? row.credits : 0n));
  const prepaidCredits = pick((row) => (row.included ? 0n : row.credits));
  await database.sql.query(
    `INSERT INTO "UsageRollupHourly" ("workspaceId", "hour", "operationTypeId", "requests", "operations", "credits",
       "includedCredits", "prepaidCredits", "includedOperations", "prepaidOperations", "unstated",
       "statedIncludedOperations", "statedPrepaidOperations", "statedIncludedCredits", "statedPrepaidCredits")
     SELECT $1::uuid, h, t, o, o, c, ic, pc, io, po, false, io, po, ic, pc
     FROM unnest($2::timestamp[], $3::uuid[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
       AS r(h, t, o, c, ic, pc, io, po)`,
    [
      workspaceId,
      rows.map((row) => row.hour),
      rows.map((row) => row.typeId),
      pick((row) => row.operations),
      pick((row) => row.credits),
      includedCredits,
      prepaidCredits,
      includedOps,
      prepaidOps,
    ],
  );
}
