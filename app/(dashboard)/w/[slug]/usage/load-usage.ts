import "server-only";

// What the Usage page shows for one range: the series from the hourly rollup
// and, for ranges that reach the end of the billing period, the forecast.
// The page prefetches it; the data route answers the browser's other ranges.
import type { WorkspaceContext } from "@/lib/auth/access";
import { db } from "@/lib/db";
import { getUsageSeries, type UsageSeries } from "@/lib/db/queries/usage-series";
import { resolveRange, UsageRangeError } from "@/lib/usage/range";
import type { UsageRequest } from "./usage-query";

export type UsageView = { ok: true; series: UsageSeries } | { ok: false; error: string };

export async function loadUsageView(ctx: WorkspaceContext, request: UsageRequest, at: Date): Promise<UsageView> {
  const subscription = ctx.subscription;
  const period = subscription?.currentPeriodEnd ? { start: subscription.currentPeriodStart, end: subscription.currentPeriodEnd } : null;
  let range;
  try {
    range = resolveRange({ kind: request.range, from: request.from, to: request.to, timeZone: request.tz }, at, period);
  } catch (error) {
    if (error instanceof UsageRangeError) return { ok: false, error: error.message };
    throw error;
  }
  return { ok: true, series: await getUsageSeries(await db(), ctx.workspace.id, range) };
}
