import "server-only";

// The history the guardrail preview replays (R14.3): the workspace's last
// complete subscription period, hour by hour, from the usage rollups (included
// and flex used, and the calls that used flex), the ledger (what moved prepaid
// other than usage: top-ups, grants, expiries) and the auto top-ups charged.
// Every read is by workspace and time, on the rollups' and the ledger's own
// indexes; a busy month is at most 744 hours per operation type.
import type { PeriodHistory } from "@/lib/billing/guardrail-preview";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export async function lastPeriodHistory(
  prisma: PrismaClient,
  workspaceId: string,
  now: Date,
  creditsPerUsd: bigint,
): Promise<PeriodHistory | null> {
  const period = await prisma.subscriptionPeriod.findFirst({
    where: { workspaceId, endsAt: { not: null, lte: now } },
    orderBy: { startsAt: "desc" },
    select: { startsAt: true, endsAt: true, includedGranted: true },
  });
  if (!period?.endsAt) return null;
  const start = period.startsAt;
  const end = period.endsAt;

  const [usage, prepaidMoves, balance, topUps] = await Promise.all([
    // A call's operations were all paid by one source or split over several; the calls that used flex
    // are estimated from the share of operations flex paid, rounded up (a split call counts).
    prisma.$queryRaw<{ hour: Date; included: bigint; flex: bigint; flexCalls: bigint; prepaid: bigint }[]>`
      SELECT "hour",
        SUM("includedCredits")::bigint AS "included",
        SUM("flexCredits")::bigint AS "flex",
        SUM(CASE WHEN "operations" > 0 THEN ("requests" * "flexOperations" + "operations" - 1) / "operations" ELSE 0 END)::bigint AS "flexCalls",
        SUM("prepaidCredits")::bigint AS "prepaid"
      FROM "UsageRollupHourly"
      WHERE "workspaceId" = ${workspaceId}::uuid AND "hour" >= ${start} AND "hour" < ${now}
      GROUP BY "hour"`,
    prisma.$queryRaw<{ hour: Date; amount: bigint }[]>`
      SELECT date_trunc('hour', "createdAt") AS "hour", SUM("amount")::bigint AS "amount"
      FROM "LedgerEntry"
      WHERE "workspaceId" = ${workspaceId}::uuid AND "source" = 'PREPAID' AND "reason" <> 'USAGE' AND "createdAt" >= ${start}
      GROUP BY 1`,
    prisma.creditBalance.findUnique({ where: { workspaceId }, select: { prepaid: true } }),
    prisma.payment.findMany({
      where: { workspaceId, kind: "AUTO_TOP_UP", status: { not: "FAILED" }, createdAt: { gte: start, lt: end } },
      orderBy: { createdAt: "asc" },
      select: { createdAt: true, amountCents: true },
    }),
  ]);

  // Prepaid at the start is today's balance with every later movement taken back.
  let prepaidSince = 0n;
  const hours = new Map<number, PeriodHistory["hours"][number]>();
  const hourOf = (at: Date) => {
    const key = at.getTime();
    let hour = hours.get(key);
    if (!hour) {
      hour = { hour: new Date(key), includedCredits: 0n, flexCredits: 0n, flexCalls: 0n, prepaidChange: 0n };
      hours.set(key, hour);
    }
    return hour;
  };
  for (const row of usage) {
    prepaidSince -= BigInt(row.prepaid);
    if (row.hour >= end) continue;
    const hour = hourOf(row.hour);
    hour.includedCredits += BigInt(row.included);
    hour.flexCredits += BigInt(row.flex);
    hour.flexCalls += BigInt(row.flexCalls);
    hour.prepaidChange -= BigInt(row.prepaid);
  }
  for (const row of prepaidMoves) {
    prepaidSince += BigInt(row.amount);
    if (row.hour < end) hourOf(row.hour).prepaidChange += BigInt(row.amount);
  }

  return {
    start,
    end,
    includedAllotment: period.includedGranted,
    prepaidAtStart: (balance?.prepaid ?? 0n) - prepaidSince,
    hours: [...hours.values()].sort((a, b) => a.hour.getTime() - b.hour.getTime()),
    autoTopUps: topUps.map((payment) => ({ at: payment.createdAt, cents: BigInt(payment.amountCents) })),
    creditsPerUsd,
  };
}
