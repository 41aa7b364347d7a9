import "server-only";

// The reads behind the forecast to the period end (lib/billing/forecast.ts):
// the last 7 whole UTC days of usage per operation type, the workspace's
// balance, packages and month counters as the debit engine reads them, and
// its subscription — all without locks (a page view never waits for, nor
// holds up, a debit).
import { forecastPeriod, trailingRates, type PeriodForecast } from "@/lib/billing/forecast";
import type { DebitRequest } from "@/lib/billing/debit-decision";
import { calendarMonthStart } from "@/lib/billing/periods";
import { previewNextInvoice } from "@/lib/billing/subscriptions";
import type { Tx } from "@/lib/db";
import { lockSubscriptionState } from "@/lib/db/billing/subscriptions";
import { loadRatingCatalog } from "@/lib/db/ledger/debit";
import { lockWorkspaces, readLockedFacts } from "@/lib/db/ledger/debit-read";
import { prismaQueryable, run } from "@/lib/db/ledger/queryable";
import { sql } from "@/lib/db/sql-array";
import type { PrismaClient } from "@/lib/generated/prisma/client";

const DAY_MS = 86_400_000;
/** How many whole days of history the rate is taken from. */
export const FORECAST_TRAILING_DAYS = 7;

export type ForecastAnswer =
  { ok: true; forecast: PeriodForecast; rates: ReadonlyMap<string, bigint>; trailingDays: number } | { ok: false; reason: string };

export async function loadForecast(prisma: PrismaClient, workspaceId: string, now: Date, creditsPerUsd: bigint): Promise<ForecastAnswer> {
  const subscription = await lockSubscriptionState(prisma, workspaceId, { lock: false });
  if (!subscription?.state.currentPeriodEnd) {
    return { ok: false, reason: "There is no billing period to forecast: usage is billed as it is bought." };
  }
  // Whole UTC days before today, so a half-day today does not drag the rate down.
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const since = new Date(today - FORECAST_TRAILING_DAYS * DAY_MS);
  // Summed per UTC day and type in the database: 7 × types rows.
  const [catalog, rows, firstUse] = await Promise.all([
    loadRatingCatalog(prisma),
    run<{ day: string; typeId: string; operations: string }>(
      prismaQueryable(prisma as unknown as Tx),
      sql`SELECT to_char(r.hour, 'YYYY-MM-DD') AS day, r."operationTypeId"::text AS "typeId", sum(r.operations)::text AS operations
            FROM "UsageRollupHourly" r
           WHERE r."workspaceId" = ${workspaceId}::uuid
             AND r.hour >= ${since.toISOString()}::timestamp
             AND r.hour < ${new Date(today).toISOString()}::timestamp
           GROUP BY 1, 2`,
    ),
    prisma.usageRollupHourly.findFirst({ where: { workspaceId }, orderBy: { hour: "asc" }, select: { hour: true } }),
  ]);
  if (!firstUse || rows.length === 0) {
    return { ok: false, reason: `There is no usage in the last ${FORECAST_TRAILING_DAYS} days to project from.` };
  }
  // A workspace younger than a week: the days it has, not zeros for days before it existed.
  const days = Math.max(
    1,
    Math.min(FORECAST_TRAILING_DAYS, Math.floor((today - Math.floor(firstUse.hour.getTime() / DAY_MS) * DAY_MS) / DAY_MS)),
  );
  const byType = new Map<string, bigint[]>();
  for (const row of rows) {
    const code = catalog.byId.get(row.typeId);
    if (!code) continue;
    const index = Math.floor((Date.parse(`${row.day}T00:00:00Z`) - since.getTime()) / DAY_MS);
    if (index < FORECAST_TRAILING_DAYS - days) continue;
    const values = byType.get(code) ?? Array.from({ length: days }, () => 0n);
    values[index - (FORECAST_TRAILING_DAYS - days)]! += BigInt(row.operations);
    byType.set(code, values);
  }
  const rates = trailingRates(byType);

  // The engine's view of the balance; the months the projection rates in decide which counters it needs.
  const queryable = prismaQueryable(prisma as unknown as Tx);
  const workspaces = await lockWorkspaces(queryable, [workspaceId], { lock: false });
  const periodEnd = subscription.state.currentPeriodEnd;
  const months: DebitRequest[] = [];
  for (
    let month = calendarMonthStart(now);
    month.getTime() < periodEnd.getTime();
    month = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1))
  ) {
    months.push({
      workspaceId,
      operationType: "",
      operations: 0n,
      idempotencyKey: `forecast-month:${month.toISOString()}`,
      requestId: "",
      at: month < now ? now : month,
    });
  }
  const state = await readLockedFacts(queryable, workspaces, months);
  const forecast = forecastPeriod({
    workspaceId,
    state: { ...state, replays: [] },
    context: { catalog, creditsPerUsd },
    now,
    subscription: subscription.state,
    flexSoFar: workspaces[0]?.flexUsed ?? 0n,
    includedRemaining: workspaces[0]?.included ?? 0n,
    rates,
  });
  if (!forecast) return { ok: false, reason: "The billing period ends now; the forecast starts with the next one." };
  return { ok: true, forecast, rates: rates.expected, trailingDays: days };
}

export interface NextCharge {
  /** When the period's invoice is issued; null when nothing is billed (Free, pay as you go). */
  at: Date | null;
  totalCents: bigint;
  /** How the amount is known: the forecast at this pace, or the usage so far (no history to project from). */
  basis: "forecast" | "so_far";
  forecast: ForecastAnswer;
}

/** The Overview's next charge: the forecast's invoice, or the invoice with the usage so far when there is no forecast. */
export async function loadNextCharge(prisma: PrismaClient, workspaceId: string, now: Date, creditsPerUsd: bigint): Promise<NextCharge> {
  const forecast = await loadForecast(prisma, workspaceId, now, creditsPerUsd);
  if (forecast.ok)
    return { at: forecast.forecast.invoiceAt, totalCents: forecast.forecast.expected.totalCents, basis: "forecast", forecast };
  const subscription = await lockSubscriptionState(prisma, workspaceId, { lock: false });
  if (!subscription) return { at: null, totalCents: 0n, basis: "so_far", forecast };
  const invoice = previewNextInvoice({
    state: subscription.state,
    now,
    flexCreditsSoFar: subscription.flexUsed,
    includedRemaining: subscription.included,
    creditsPerUsd,
  });
  return { at: invoice.issuedAt, totalCents: invoice.totalCents, basis: "so_far", forecast };
}
