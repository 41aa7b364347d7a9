// The forecast to the period end (R10): each operation type's trailing daily
// rate, carried on day by day to the end of the billing period and put
// through the debit decision itself (decideDebits) — so it is rated at the
// month's tier position and paid from included, packages, prepaid and flex in
// the engine's order (R3, R5), refused where the engine would refuse — then
// the period's invoice previewed by the engine with that flex (R4.2, R5.3).
// Pure: the state, the rates and `now` come in as arguments.
import { decideDebits, type DebitContext, type DebitRequest, type LockedDebitState } from "./debit-decision";
import { previewNextInvoice, type SubscriptionState } from "./subscriptions";

const DAY_MS = 86_400_000;

export interface ProjectionInput {
  workspaceId: string;
  /** The workspace's balance, packages and month counters as the engine reads them (no lock needed). */
  state: LockedDebitState;
  context: DebitContext;
  now: Date;
  /** Where the projection stops: the end of the billing period. */
  until: Date;
  /** Operations a day, per operation type code. */
  dailyOperations: ReadonlyMap<string, bigint>;
}

export interface ProjectedStep {
  /** The start of the step (a UTC day, or what is left of one). */
  at: Date;
  credits: bigint;
  flex: bigint;
}

export interface Projection {
  operations: bigint;
  credits: bigint;
  sources: { included: bigint; package: bigint; prepaid: bigint; flex: bigint };
  /** When included credits would run out at this pace (null: they last, or there were none). */
  includedRunsOutAt: Date | null;
  prepaidRunsOutAt: Date | null;
  /** The first step whose usage the engine would refuse, and why (flex off, spend cap, arrears …). */
  refusedFrom: { at: Date; reason: string } | null;
  steps: ProjectedStep[];
}

/**
 * Step boundaries: now, each following UTC midnight (so every month start,
 * where tier counts start again, is one), until. Days, not hours: a page view
 * decides a month of usage in about 30 steps per type, not 720.
 */
function boundaries(now: Date, until: Date): number[] {
  const out = [now.getTime()];
  for (let t = Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS; t < until.getTime(); t += DAY_MS) out.push(t);
  out.push(until.getTime());
  return out;
}

/**
 * The usage of `dailyOperations` from `now` until `until`, spread evenly (the
 * operations up to each instant are the rate times the time elapsed, rounded
 * down, so the whole span gets exactly rate × days) and decided by the engine.
 */
export function projectUsage(input: ProjectionInput): Projection {
  const { now, until, workspaceId } = input;
  const projection: Projection = {
    operations: 0n,
    credits: 0n,
    sources: { included: 0n, package: 0n, prepaid: 0n, flex: 0n },
    includedRunsOutAt: null,
    prepaidRunsOutAt: null,
    refusedFrom: null,
    steps: [],
  };
  if (until.getTime() <= now.getTime()) return projection;

  const edges = boundaries(now, until);
  const elapsed = (t: number) => BigInt(t - now.getTime());
  const requests: DebitRequest[] = [];
  const stepOf: number[] = [];
  for (let i = 0; i + 1 < edges.length; i += 1) {
    projection.steps.push({ at: new Date(edges[i]!), credits: 0n, flex: 0n });
    for (const [type, perDay] of input.dailyOperations) {
      const operations = (perDay * elapsed(edges[i + 1]!)) / BigInt(DAY_MS) - (perDay * elapsed(edges[i]!)) / BigInt(DAY_MS);
      if (operations <= 0n) continue;
      requests.push({
        workspaceId,
        operationType: type,
        operations,
        idempotencyKey: `forecast:${i}:${type}`,
        requestId: `forecast:${i}:${type}`,
        at: new Date(edges[i]!),
      });
      stepOf.push(i);
    }
  }

  const start = input.state.workspaces.find((ws) => ws.workspaceId === workspaceId);
  let included = start?.included ?? 0n;
  let prepaid = start?.prepaid ?? 0n;
  const { outcomes } = decideDebits(input.state, requests, input.context);
  outcomes.forEach((outcome, index) => {
    const request = requests[index]!;
    if (outcome.status === "refused") {
      projection.refusedFrom ??= { at: request.at, reason: outcome.reason };
      return;
    }
    const step = projection.steps[stepOf[index]!]!;
    step.credits += outcome.credits;
    step.flex += outcome.sources.flex;
    projection.operations += outcome.operations;
    projection.credits += outcome.credits;
    for (const source of ["included", "package", "prepaid", "flex"] as const) projection.sources[source] += outcome.sources[source];
    if (included > 0n && outcome.balance.included === 0n) projection.includedRunsOutAt ??= request.at;
    if (prepaid > 0n && outcome.balance.prepaid === 0n) projection.prepaidRunsOutAt ??= request.at;
    included = outcome.balance.included;
    prepaid = outcome.balance.prepaid;
  });
  return projection;
}

export interface PeriodForecastInput extends Omit<ProjectionInput, "until" | "dailyOperations"> {
  subscription: SubscriptionState;
  /** Flex credits already used this period. */
  flexSoFar: bigint;
  includedRemaining: bigint;
  /** The trailing rate, and the slowest and busiest of the trailing days, per type. */
  rates: { expected: ReadonlyMap<string, bigint>; low: ReadonlyMap<string, bigint>; high: ReadonlyMap<string, bigint> };
}

export interface PeriodForecast {
  periodEnd: Date;
  /** When the period's invoice is issued (null: nothing is billed, e.g. Free). */
  invoiceAt: Date | null;
  expected: { totalCents: bigint; flexCredits: bigint; projection: Projection };
  low: { totalCents: bigint };
  high: { totalCents: bigint };
}

/** The period's invoice at the expected, low and high rates, each through the engine. */
export function forecastPeriod(input: PeriodForecastInput): PeriodForecast | null {
  const periodEnd = input.subscription.currentPeriodEnd;
  if (!periodEnd || periodEnd.getTime() <= input.now.getTime()) return null;
  const at = (rates: ReadonlyMap<string, bigint>) => {
    const projection = projectUsage({ ...input, until: periodEnd, dailyOperations: rates });
    const flexCredits = input.flexSoFar + projection.sources.flex;
    const invoice = previewNextInvoice({
      state: input.subscription,
      now: input.now,
      flexCreditsSoFar: flexCredits,
      includedRemaining: input.includedRemaining,
      creditsPerUsd: input.context.creditsPerUsd,
    });
    return { projection, flexCredits, totalCents: invoice.totalCents, issuedAt: invoice.issuedAt };
  };
  const expected = at(input.rates.expected);
  return {
    periodEnd,
    invoiceAt: expected.issuedAt,
    expected: { totalCents: expected.totalCents, flexCredits: expected.flexCredits, projection: expected.projection },
    low: { totalCents: at(input.rates.low).totalCents },
    high: { totalCents: at(input.rates.high).totalCents },
  };
}

/** Per type: the mean of the trailing days (rounded down), the slowest day and the busiest, from each day's operations. */
export function trailingRates(days: ReadonlyMap<string, readonly bigint[]>): PeriodForecastInput["rates"] {
  const expected = new Map<string, bigint>();
  const low = new Map<string, bigint>();
  const high = new Map<string, bigint>();
  for (const [type, values] of days) {
    if (values.length === 0) continue;
    expected.set(type, values.reduce((sum, v) => sum + v, 0n) / BigInt(values.length));
    low.set(
      type,
      values.reduce((min, v) => (v < min ? v : min)),
    );
    high.set(
      type,
      values.reduce((max, v) => (v > max ? v : max)),
    );
  }
  return { expected, low, high };
}

export { DAY_MS as FORECAST_DAY_MS };
