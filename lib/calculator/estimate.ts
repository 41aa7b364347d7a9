// The price calculator (R12): a month of expected usage priced on every plan
// by the engine's own pure functions — tiers (rateBatch), the order credit
// sources pay (allocateDebit, expiringOrder) and flex's once-per-period
// rounding (flexChargeCents) — and the catalog the engine bills from. Pure
// and client-safe: it runs in the browser on every keystroke.
//
// What "a month of usage" means, so that the engine bills exactly this:
// - The month is a calendar month and the subscription's period is aligned
//   to it (started on the 1st); packages are bought at its start, monthly
//   ones again every month, yearly ones once at the start of the year.
// - Usage is spread evenly: the month is cut into SLICES equal parts and each
//   part sends its share of every type, in catalog order. Only the order
//   matters, not the batch sizes: a debit costs what its operations would in
//   any split (allocateDebit, rule (f)), so the engine may receive the same
//   usage in any batches within that order.
// - A month is order-sensitive only when included credits run out during it
//   while a package that expires after them still has quota (included pays
//   first, so the point where it runs out decides which operations the
//   package covers), or when the plan cannot flex and calls may be refused.
//   Other months are priced with one batch per type, which gives the same.
// - Annual plans, and monthly plans with a yearly package, are priced over
//   twelve months of the same usage; their monthly figure is a twelfth.
// - No prepaid balance: pay as you go is priced with a card on file (flex,
//   billed per calendar month); prepaying the same usage costs the same.
import { flexChargeCents } from "@/lib/billing/flex";
import { rateBatch, tiersFromCatalog, type RatedLine, type Tier } from "@/lib/billing/rating";
import { allocateDebit, expiringOrder, type FundingPackage, type FundingState } from "@/lib/billing/sources";
import { creditsToCents } from "@/lib/money";

export const SLICES = 4;

// ---------------------------------------------------------------- the catalog

/** The catalog as the server hands it to the page: strings for every BigInt, so it crosses to the client as JSON. */
export interface CalculatorCatalogData {
  creditsPerUsd: string;
  types: { code: string; name: string; unit: string; tiers: { from: string; to: string | null; credits: string }[] }[];
  plans: {
    code: string;
    name: string;
    rank: number;
    interval: "NONE" | "MONTH" | "YEAR";
    feeCents: number;
    includedCredits: string;
    flexAllowed: boolean;
    payAsYouGo: boolean;
  }[];
  packages: { code: string; name: string; operationType: string; operations: string; validity: "MONTH" | "YEAR"; priceCents: number }[];
}

export interface CalculatorType {
  code: string;
  name: string;
  unit: string;
  tiers: Tier[];
}

export interface CalculatorPlan {
  code: string;
  name: string;
  rank: number;
  interval: "NONE" | "MONTH" | "YEAR";
  feeCents: bigint;
  includedCredits: bigint;
  flexAllowed: boolean;
  payAsYouGo: boolean;
}

export interface CalculatorPackage {
  code: string;
  name: string;
  operationType: string;
  operations: bigint;
  validity: "MONTH" | "YEAR";
  priceCents: bigint;
}

export interface CalculatorCatalog {
  creditsPerUsd: bigint;
  types: CalculatorType[];
  plans: CalculatorPlan[];
  packages: CalculatorPackage[];
}

export function parseCalculatorCatalog(data: CalculatorCatalogData): CalculatorCatalog {
  return {
    creditsPerUsd: BigInt(data.creditsPerUsd),
    types: data.types
      .filter((type) => type.tiers.length > 0)
      .map((type) => ({
        code: type.code,
        name: type.name,
        unit: type.unit,
        tiers: tiersFromCatalog(
          type.tiers.map((t) => ({ from: BigInt(t.from), to: t.to === null ? null : BigInt(t.to), credits: BigInt(t.credits) })),
        ),
      })),
    plans: data.plans.map((plan) => ({ ...plan, feeCents: BigInt(plan.feeCents), includedCredits: BigInt(plan.includedCredits) })),
    packages: data.packages.map((pkg) => ({ ...pkg, operations: BigInt(pkg.operations), priceCents: BigInt(pkg.priceCents) })),
  };
}

// ---------------------------------------------------------------- one option

/** Monthly operations by operation type code. */
export type Volumes = ReadonlyMap<string, bigint>;

/** Packages bought: `count` of them every month (monthly packages) or once a year (yearly ones). */
export interface PackageBuy {
  code: string;
  count: bigint;
}

export interface CreditSplit {
  rated: bigint;
  included: bigint;
  package: bigint;
  prepaid: bigint;
  flex: bigint;
}

export interface OptionEstimate {
  plan: CalculatorPlan;
  packages: PackageBuy[];
  /** The months the totals cover: 1, or 12 for annual plans and yearly packages. */
  months: number;
  /** What the engine bills over those months: plan fees, packages and flex. */
  totalCents: bigint;
  feeCents: bigint;
  packageCents: bigint;
  flexCents: bigint;
  /** Credits over the months, by what paid them. */
  credits: CreditSplit;
  /** Operations refused over the months, by type (only a plan without flex refuses). */
  refused: Map<string, bigint>;
}

interface LivePackage extends FundingPackage {
  operationType: string;
}

const monthStart = (month: number) => new Date(Date.UTC(2001, month, 1));
const zeroSplit = (): CreditSplit => ({ rated: 0n, included: 0n, package: 0n, prepaid: 0n, flex: 0n });

/** The engine's bill for `volumes` every month on `plan` with `buys`, over one month or a year. */
export function estimateOption(
  catalog: CalculatorCatalog,
  plan: CalculatorPlan,
  volumes: Volumes,
  buys: readonly PackageBuy[] = [],
): OptionEstimate {
  const bought = buys
    .filter((buy) => buy.count > 0n)
    .map((buy) => {
      const pkg = catalog.packages.find((candidate) => candidate.code === buy.code);
      if (!pkg) throw new RangeError(`unknown package ${buy.code}`);
      return { pkg, count: buy.count };
    });
  const months = plan.interval === "YEAR" || bought.some((b) => b.pkg.validity === "YEAR") ? 12 : 1;
  const flex: FundingState["flex"] = { status: plan.flexAllowed ? "available" : "not_allowed", remainingCap: null };
  const types = catalog.types.filter((type) => (volumes.get(type.code) ?? 0n) > 0n);
  const monthCredits = types.reduce((sum, type) => sum + rateBatch(type.tiers, 0n, volumes.get(type.code) ?? 0n).credits, 0n);

  const estimate: OptionEstimate = {
    plan,
    packages: bought.map((b) => ({ code: b.pkg.code, count: b.count })),
    months,
    totalCents: 0n,
    feeCents: 0n,
    packageCents: 0n,
    flexCents: 0n,
    credits: zeroSplit(),
    refused: new Map(),
  };

  const used = new Set(types.map((type) => type.code));
  /** Whether the month's order matters (see the header): then it is priced in SLICES parts. */
  const isSensitive = (included: bigint, includedExpiresAt: Date | null, live: LivePackage[]) =>
    flex.status !== "available" ||
    (included > 0n &&
      included < monthCredits &&
      expiringOrder({ included: { balance: included, expiresAt: includedExpiresAt }, packages: live, prepaid: 0n, flex }).some(
        (source, position, order) =>
          source.kind === "package" &&
          source.source.remainingOperations > 0n &&
          used.has((source.source as LivePackage).operationType) &&
          order.findIndex((s) => s.kind === "included") < position,
      ));

  let included = 0n;
  let includedExpiresAt: Date | null = null;
  let live: LivePackage[] = [];
  let previous: { included: bigint; carried: Map<string, bigint>; draws: Map<string, bigint>; result: MonthResult } | null = null;
  for (let month = 0; month < months; month += 1) {
    const start = monthStart(month);
    const end = monthStart(month + 1);
    if (plan.interval === "MONTH" || (plan.interval === "YEAR" && month === 0)) {
      included = plan.includedCredits;
      includedExpiresAt = plan.interval === "MONTH" ? end : monthStart(12);
    }
    if (plan.interval === "MONTH" || month === 0) estimate.feeCents += plan.interval === "NONE" ? 0n : plan.feeCents;
    live = live.filter((pkg) => pkg.expiresAt > start && pkg.remainingOperations > 0n);
    for (const { pkg, count } of bought) {
      if (pkg.validity === "YEAR" && month > 0) continue;
      estimate.packageCents += pkg.priceCents * count;
      live.push({
        id: `${pkg.code}:${month}`,
        operationType: pkg.operationType,
        remainingOperations: pkg.operations * count,
        expiresAt: pkg.validity === "YEAR" ? monthStart(12) : end,
      });
    }
    live.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());

    // A month that starts as the one before did — the same included credits, the packages carried over
    // from it with more quota left than it drew, none of them exhausted in it — is decided the same way.
    const carried = live.filter((pkg) => pkg.expiresAt > end);
    const reuse =
      previous !== null &&
      previous.included === included &&
      carried.length === previous.carried.size &&
      carried.every((pkg) => {
        const before = previous!.carried.get(pkg.id);
        const drawn = previous!.draws.get(pkg.id) ?? 0n;
        return before !== undefined && before > drawn && pkg.remainingOperations > drawn;
      });
    const result: MonthResult = reuse
      ? previous!.result
      : priceMonth({
          included,
          includedExpiresAt,
          live,
          flex,
          types,
          volumes,
          sensitive: () => isSensitive(included, includedExpiresAt, live),
        });
    previous = { included, carried: new Map(carried.map((pkg) => [pkg.id, pkg.remainingOperations])), draws: result.draws, result };
    included -= result.split.included;
    for (const pkg of live) pkg.remainingOperations -= result.draws.get(pkg.id) ?? 0n;
    for (const [code, operations] of result.refused) estimate.refused.set(code, (estimate.refused.get(code) ?? 0n) + operations);
    for (const key of ["rated", "included", "package", "prepaid", "flex"] as const) estimate.credits[key] += result.split[key];
    const monthFlex = result.split.flex;
    // R5.3: each period's flex is added up, then converted and rounded down once.
    estimate.flexCents += flexChargeCents(monthFlex, catalog.creditsPerUsd);
  }
  estimate.totalCents = estimate.feeCents + estimate.packageCents + estimate.flexCents;
  return estimate;
}

interface MonthResult {
  split: CreditSplit;
  /** Operations drawn from each package, by id. */
  draws: Map<string, bigint>;
  refused: Map<string, bigint>;
}

/** One month of the usage through the engine's rating and source order, from the month's start state (left as it is). */
function priceMonth(input: {
  included: bigint;
  includedExpiresAt: Date | null;
  live: readonly LivePackage[];
  flex: FundingState["flex"];
  types: readonly CalculatorType[];
  volumes: Volumes;
  sensitive: () => boolean;
}): MonthResult {
  const { includedExpiresAt, flex, types, volumes } = input;
  const slices = input.sensitive() ? SLICES : 1;
  const result: MonthResult = { split: zeroSplit(), draws: new Map(), refused: new Map() };
  const quota = new Map(input.live.map((pkg) => [pkg.id, pkg.remainingOperations]));
  const counts = new Map<string, bigint>();
  let included = input.included;
  for (let slice = 1; slice <= slices; slice += 1) {
    for (const type of types) {
      const volume = volumes.get(type.code) ?? 0n;
      const operations = (volume * BigInt(slice)) / BigInt(slices) - (volume * BigInt(slice - 1)) / BigInt(slices);
      if (operations === 0n) continue;
      const before = counts.get(type.code) ?? 0n;
      const rating = rateBatch(type.tiers, before, operations);
      const packages = input.live
        .filter((pkg) => pkg.operationType === type.code && (quota.get(pkg.id) ?? 0n) > 0n)
        .map((pkg) => ({ id: pkg.id, remainingOperations: quota.get(pkg.id)!, expiresAt: pkg.expiresAt }));
      const allocated = allocateDebit(rating, {
        included: { balance: included, expiresAt: includedExpiresAt },
        packages,
        prepaid: 0n,
        flex,
      });
      if (!allocated.ok) {
        result.refused.set(type.code, (result.refused.get(type.code) ?? 0n) + operations);
        continue;
      }
      const allocation = allocated.allocation;
      counts.set(type.code, before + operations);
      included -= allocation.included;
      for (const draw of allocation.packages) {
        quota.set(draw.id, (quota.get(draw.id) ?? 0n) - draw.operations);
        result.draws.set(draw.id, (result.draws.get(draw.id) ?? 0n) + draw.operations);
      }
      result.split.rated += rating.credits;
      result.split.included += allocation.included;
      result.split.package += allocation.packageCredits;
      result.split.prepaid += allocation.prepaid;
      result.split.flex += allocation.flex;
    }
  }
  return result;
}

// ---------------------------------------------------------------- the best packages

/**
 * The packages that lower `baseline`'s cost most, as far as a short search
 * finds: per package kind, the count whose last package still saves more
 * than it costs (each further package covers operations later in the month,
 * at an equal or lower price), then the combinations of those counts priced
 * exactly. On a plan without flex, the count that serves the refused usage.
 * Null when no package helps.
 */
export function bestPackages(catalog: CalculatorCatalog, baseline: OptionEstimate, volumes: Volumes): OptionEstimate | null {
  const plan = baseline.plan;
  // Without flex, packages help only if every type that is refused has a package to cover it.
  if (
    !plan.flexAllowed &&
    [...baseline.refused].some(([code, n]) => n > 0n && !catalog.packages.some((pkg) => pkg.operationType === code))
  ) {
    return null;
  }
  const candidates: PackageBuy[][] = [];
  const byType = new Map<string, PackageBuy[][]>();
  for (const type of catalog.types) {
    const volume = volumes.get(type.code) ?? 0n;
    const kinds = catalog.packages.filter((pkg) => pkg.operationType === type.code && pkg.operations > 0n);
    if (volume === 0n || kinds.length === 0) continue;
    const monthly = baseline.months === 1 ? 1n : 12n;
    const uncovered = uncoveredOperations(catalog, baseline, type, volumes) / monthly;
    if (uncovered === 0n) continue;
    const options: PackageBuy[][] = [];
    for (const pkg of kinds) {
      const count = plan.flexAllowed ? worthwhileCount(catalog, type.tiers, volume, uncovered, pkg) : servingCount(uncovered, pkg);
      if (count > 0n) options.push([{ code: pkg.code, count }]);
    }
    // A yearly package and monthly ones for what it leaves.
    const yearly = kinds.find((pkg) => pkg.validity === "YEAR");
    const month = kinds.find((pkg) => pkg.validity === "MONTH");
    const yearlyOption = options.find((option) => option[0]?.code === yearly?.code);
    if (yearly && month && yearlyOption) {
      const covered = (yearlyOption[0]!.count * yearly.operations) / 12n;
      const left = uncovered > covered ? uncovered - covered : 0n;
      const count = plan.flexAllowed ? worthwhileCount(catalog, type.tiers, volume, left, month) : servingCount(left, month);
      if (count > 0n) options.push([...yearlyOption, { code: month.code, count }]);
    }
    if (options.length > 0) byType.set(type.code, options);
  }
  if (byType.size === 0) return null;
  // Each type's options with the others' first option, then all first options together.
  const firsts = [...byType.values()].map((options) => options[0]!);
  for (const [code, options] of byType) {
    for (const option of options) {
      candidates.push([...option, ...[...byType].filter(([other]) => other !== code).flatMap(([, others]) => others[0]!)]);
    }
  }
  candidates.push(firsts.flat());
  let best: OptionEstimate | null = null;
  const seen = new Set<string>();
  for (const buys of candidates) {
    const signature = buys.map((buy) => `${buy.code}×${buy.count}`).join(",");
    if (seen.has(signature)) continue;
    seen.add(signature);
    const estimate = estimateOption(catalog, plan, volumes, buys);
    if (best === null || isBetter(estimate, best)) best = estimate;
  }
  if (best === null || !isBetter(best, baseline)) return null;
  // On a plan without flex, packages are worth buying only if they let it serve all of the usage.
  if (!plan.flexAllowed && totalRefused(best) > 0n) return null;
  return best;
}

/** Operations of `type` that no included credit or package paid for over the baseline's months: flex-paid and refused. */
function uncoveredOperations(catalog: CalculatorCatalog, baseline: OptionEstimate, type: CalculatorType, volumes: Volumes): bigint {
  const refused = baseline.refused.get(type.code) ?? 0n;
  if (baseline.credits.flex === 0n) return refused;
  // Flex pays the month's last operations of the types in use: share the flex credits out by each type's month of credits.
  const volume = volumes.get(type.code) ?? 0n;
  const typeCredits = rateBatch(type.tiers, 0n, volume).credits;
  if (typeCredits === 0n) return refused;
  const months = BigInt(baseline.months);
  const flexPerMonth = baseline.credits.flex / months;
  const ratedPerMonth = baseline.credits.rated / months;
  const flexOfType = ratedPerMonth === 0n ? 0n : (flexPerMonth * typeCredits) / ratedPerMonth;
  // The operations at the top of the month's count that cost that many credits.
  let low = 0n;
  let high = volume;
  while (low < high) {
    const mid = (low + high + 1n) / 2n;
    if (rateBatch(type.tiers, volume - mid, mid).credits <= flexOfType) low = mid;
    else high = mid - 1n;
  }
  return low * months + refused;
}

/** How many `pkg` a month (or a year) until one more would cost more than the flex it saves. */
function worthwhileCount(catalog: CalculatorCatalog, tiers: Tier[], volume: bigint, uncovered: bigint, pkg: CalculatorPackage): bigint {
  if (uncovered === 0n) return 0n;
  const perMonth = pkg.validity === "YEAR" ? pkg.operations / 12n : pkg.operations;
  if (perMonth === 0n) return 0n;
  const price = pkg.priceCents;
  const months = pkg.validity === "YEAR" ? 12n : 1n;
  const saves = (k: bigint) => {
    const from = (k - 1n) * perMonth;
    if (from >= uncovered) return 0n;
    const operations = uncovered - from < perMonth ? uncovered - from : perMonth;
    return creditsToCents(rateBatch(tiers, volume - uncovered + from, operations).credits * months, catalog.creditsPerUsd);
  };
  let low = 0n;
  let high = (uncovered + perMonth - 1n) / perMonth;
  while (low < high) {
    const mid = (low + high + 1n) / 2n;
    if (saves(mid) > price) low = mid;
    else high = mid - 1n;
  }
  return low;
}

/** How many `pkg` cover `uncovered` operations a month (a year of them for a yearly package). */
function servingCount(uncovered: bigint, pkg: CalculatorPackage): bigint {
  const needed = pkg.validity === "YEAR" ? uncovered * 12n : uncovered;
  return (needed + pkg.operations - 1n) / pkg.operations;
}

// ---------------------------------------------------------------- comparing

/** Serves more of the usage, or the same for less a month (compared exactly, across 1- and 12-month totals). */
export function isBetter(a: OptionEstimate, b: OptionEstimate): boolean {
  const refusedA = totalRefused(a);
  const refusedB = totalRefused(b);
  if ((refusedA === 0n) !== (refusedB === 0n)) return refusedA === 0n;
  if (refusedA !== 0n && refusedA * BigInt(b.months) !== refusedB * BigInt(a.months))
    return refusedA * BigInt(b.months) < refusedB * BigInt(a.months);
  return a.totalCents * BigInt(b.months) < b.totalCents * BigInt(a.months);
}

export function totalRefused(estimate: OptionEstimate): bigint {
  let sum = 0n;
  for (const value of estimate.refused.values()) sum += value;
  return sum;
}

/** The monthly figure: the total, or a twelfth of a year's, rounded to the nearest cent (half up). */
export function monthlyCents(estimate: OptionEstimate): bigint {
  const months = BigInt(estimate.months);
  return (estimate.totalCents * 2n + months) / (2n * months);
}

// ---------------------------------------------------------------- the whole comparison

export interface PlanComparison {
  plan: CalculatorPlan;
  without: OptionEstimate;
  /** The best package combination, when one lowers the cost (or serves more on a plan without flex). */
  withPackages: OptionEstimate | null;
  best: OptionEstimate;
  /** A plan that refuses some of the usage: how far into the month its credits last, and what they serve by then. */
  lastsFor: IncludedReach | null;
  /** Annual plans: the monthly plan with the same included credits a month, and what the annual one saves a month (negative: costs more). */
  annualSaving: { monthly: CalculatorPlan; centsPerMonth: bigint } | null;
}

export interface Comparison {
  volumes: Volumes;
  /** Credits of the month's usage by type, with the tiers each part of the volume falls into (the same on every plan). */
  types: { type: CalculatorType; operations: bigint; credits: bigint; lines: RatedLine[] }[];
  monthCredits: bigint;
  plans: PlanComparison[];
  /** The cheapest option that serves all the usage. */
  recommended: { plan: PlanComparison; option: OptionEstimate; nextBest: { plan: PlanComparison; option: OptionEstimate } | null } | null;
}

export function compareAll(catalog: CalculatorCatalog, volumes: Volumes): Comparison {
  const types = catalog.types.map((type) => {
    const operations = volumes.get(type.code) ?? 0n;
    const rating = rateBatch(type.tiers, 0n, operations);
    return { type, operations, credits: rating.credits, lines: rating.lines };
  });
  const plans = catalog.plans.map((plan): PlanComparison => {
    const without = estimateOption(catalog, plan, volumes);
    const withPackages = bestPackages(catalog, without, volumes);
    const lastsFor = totalRefused(without) > 0n ? includedReach(catalog, plan.includedCredits, volumes) : null;
    return { plan, without, withPackages, best: withPackages ?? without, lastsFor, annualSaving: null };
  });
  for (const entry of plans) {
    if (entry.plan.interval !== "YEAR") continue;
    const monthly = plans.find(
      (other) =>
        other.plan.interval === "MONTH" &&
        other.plan.includedCredits > 0n &&
        other.plan.includedCredits * 12n === entry.plan.includedCredits,
    );
    if (monthly) entry.annualSaving = { monthly: monthly.plan, centsPerMonth: monthlyCents(monthly.best) - monthlyCents(entry.best) };
  }
  const ranked = plans
    .map((plan) => ({ plan, option: plan.best }))
    .filter((candidate) => totalRefused(candidate.option) === 0n)
    .sort((a, b) => (isBetter(a.option, b.option) ? -1 : isBetter(b.option, a.option) ? 1 : a.plan.plan.rank - b.plan.plan.rank));
  const first = ranked[0];
  return {
    volumes,
    types,
    monthCredits: types.reduce((sum, entry) => sum + entry.credits, 0n),
    plans,
    recommended: first ? { ...first, nextBest: ranked[1] ?? null } : null,
  };
}

export interface IncludedReach {
  /** Thousandths of the month. */
  permille: bigint;
  /** The operations of each type served by then. */
  operations: Map<string, bigint>;
}

/** With the usage spread evenly, the last thousandth of the month whose usage so far `credits` still pays. */
export function includedReach(catalog: CalculatorCatalog, credits: bigint, volumes: Volumes): IncludedReach {
  const at = (permille: bigint) => new Map(catalog.types.map((type) => [type.code, ((volumes.get(type.code) ?? 0n) * permille) / 1000n]));
  const cost = (operations: Map<string, bigint>) =>
    catalog.types.reduce((sum, type) => sum + rateBatch(type.tiers, 0n, operations.get(type.code) ?? 0n).credits, 0n);
  let low = 0n;
  let high = 1000n;
  while (low < high) {
    const mid = (low + high + 1n) / 2n;
    if (cost(at(mid)) <= credits) low = mid;
    else high = mid - 1n;
  }
  return { permille: low, operations: at(low) };
}
