// R12: the calculator's price for a month of usage is what the engine bills
// for it. The engine side here is the pure debit decision (decideDebits) fed
// the profile in random batch sizes — in the calculator's order, usage spread
// over the month in SLICES parts, types in catalog order — then the periods'
// invoices as the billing clock plans them (nextEvents, invoiceLinesFor,
// packageLine, invoiceTotals), rounding included.
import { describe, expect, it } from "vitest";
import {
  decideDebits,
  invoiceLinesFor,
  invoiceTotals,
  nextEvents,
  applyEvent,
  packageExpiry,
  packageLine,
  planFeeLine,
  periodEndFor,
  type DebitContext,
  type DebitRequest,
  type LockedDebitState,
  type LockedPackage,
  type LockedWorkspace,
  type PlanTerms,
  type SubscriptionState,
} from "@/lib/billing";
import { calculatorCatalogFromFile } from "./catalog-file";
import {
  SLICES,
  bestPackages,
  compareAll,
  estimateOption,
  parseCalculatorCatalog,
  type CalculatorPlan,
  type PackageBuy,
  type Volumes,
} from "./estimate";
import { random, randomSplit } from "@/tests/helpers/random";

const catalog = parseCalculatorCatalog(calculatorCatalogFromFile());
const context: DebitContext = {
  creditsPerUsd: catalog.creditsPerUsd,
  catalog: {
    types: new Map(catalog.types.map((type) => [type.code, { id: `type-${type.code}`, code: type.code, tiers: type.tiers }])),
    byId: new Map(catalog.types.map((type) => [`type-${type.code}`, type.code])),
  },
};

const terms = (plan: CalculatorPlan): PlanTerms => ({ ...plan, feeCents: Number(plan.feeCents) });

/** What the engine bills for `months` months of `volumes` on `plan`, starting 2027-01-01, packages bought at each month's start. */
function engineBill(plan: CalculatorPlan, volumes: Volumes, buys: readonly PackageBuy[], months: number, next: () => number): bigint {
  const start = new Date(Date.UTC(2027, 0, 1));
  const horizonEnd = new Date(Date.UTC(2027, months, 1));
  let subscription: SubscriptionState = {
    plan: terms(plan),
    anchorDay: 1,
    currentPeriodStart: start,
    currentPeriodEnd: periodEndFor(terms(plan), start, 1),
    cancelAtPeriodEnd: false,
    scheduledPlan: null,
    flexPeriodStart: start,
  };
  let workspace: LockedWorkspace = {
    workspaceId: "ws",
    included: plan.includedCredits,
    includedExpiresAt: plan.interval === "NONE" ? null : subscription.currentPeriodEnd,
    prepaid: 0n,
    flexUsed: 0n,
    billingState: "GOOD",
    planFlexAllowed: plan.flexAllowed,
    payAsYouGo: plan.payAsYouGo,
    hasCard: true,
    flexEnabled: true,
    spendCapCents: null,
    autoTopUpCentsThisPeriod: 0n,
    packages: [],
  };
  let total = 0n;
  // R4.3: an annual plan's first year is paid at sign-up.
  if (plan.interval === "YEAR" && plan.feeCents > 0n) {
    total += planFeeLine({
      planName: plan.name,
      periodStart: start,
      periodEnd: subscription.currentPeriodEnd!,
      feeCents: plan.feeCents,
      timing: "upfront",
    }).amountCents;
  }
  let flexInWindow = 0n;
  let purchase = 0;
  for (let month = 0; month < months; month += 1) {
    const monthStart = new Date(Date.UTC(2027, month, 1));
    const monthEnd = new Date(Date.UTC(2027, month + 1, 1));
    const packages: LockedPackage[] = workspace.packages.filter((pkg) => pkg.expiresAt > monthStart && pkg.remainingOperations > 0n);
    for (const buy of buys) {
      const pkg = catalog.packages.find((candidate) => candidate.code === buy.code)!;
      if (pkg.validity === "YEAR" && month > 0) continue;
      for (let copy = 0n; copy < buy.count; copy += 1n) {
        purchase += 1;
        const expiresAt = packageExpiry(monthStart, pkg.validity);
        total += packageLine({ packageName: pkg.name, startsAt: monthStart, expiresAt, priceCents: pkg.priceCents }).amountCents;
        packages.push({
          id: `p${String(purchase).padStart(6, "0")}`,
          operationTypeId: `type-${pkg.operationType}`,
          remainingOperations: pkg.operations,
          expiresAt,
        });
      }
    }
    workspace = { ...workspace, packages };

    const requests: DebitRequest[] = [];
    const span = monthEnd.getTime() - monthStart.getTime();
    for (let slice = 1; slice <= SLICES; slice += 1) {
      let at = monthStart.getTime() + Math.floor(((slice - 1) * span) / SLICES);
      for (const type of catalog.types) {
        const volume = volumes.get(type.code) ?? 0n;
        const operations = (volume * BigInt(slice)) / BigInt(SLICES) - (volume * BigInt(slice - 1)) / BigInt(SLICES);
        for (const size of randomSplit(operations, next)) {
          at += 1;
          const key = `m${month}-${requests.length}`;
          requests.push({
            workspaceId: "ws",
            operationType: type.code,
            operations: size,
            idempotencyKey: key,
            requestId: key,
            at: new Date(at),
          });
        }
      }
    }
    const state: LockedDebitState = { workspaces: [workspace], counters: [], replays: [], revokedKeys: [] };
    const { outcomes, writes } = decideDebits(state, requests, context);
    for (const outcome of outcomes) if (outcome.status === "charged") flexInWindow += outcome.sources.flex;
    const balance = writes.balances.find((row) => row.workspaceId === "ws");
    const left = new Map(writes.packages.map((row) => [row.id, row.remainingOperations]));
    workspace = {
      ...workspace,
      included: balance?.included ?? workspace.included,
      flexUsed: balance?.flexUsed ?? workspace.flexUsed,
      packages: workspace.packages.map((pkg) => ({ ...pkg, remainingOperations: left.get(pkg.id) ?? pkg.remainingOperations })),
    };

    // The billing clock at the month's end: the periods and flex windows that close, with their invoices.
    for (const event of nextEvents(subscription, monthEnd)) {
      if (event.invoice) {
        const invoice = { ...event.invoice, fees: event.invoice.fees.filter((fee) => fee.periodStart < horizonEnd) };
        total += invoiceTotals(invoiceLinesFor(invoice, flexInWindow, catalog.creditsPerUsd)).totalCents;
      }
      flexInWindow = 0n;
      const after = applyEvent(subscription, event);
      if (!after) throw new Error("the subscription ended");
      subscription = after;
      workspace = { ...workspace, flexUsed: 0n };
      if (event.kind === "renew")
        workspace = {
          ...workspace,
          included: event.includedCredits,
          includedExpiresAt: event.plan.interval === "NONE" ? null : event.periodEnd,
        };
    }
  }
  return total;
}

function randomVolumes(next: () => number): Map<string, bigint> {
  const volumes = new Map<string, bigint>();
  for (const type of catalog.types) {
    if (next() < 0.25) continue;
    const volume = type.code === "train" ? BigInt(Math.floor(next() * 12)) : BigInt(Math.floor(10 ** (next() * (next() < 0.3 ? 7 : 5.5))));
    volumes.set(type.code, volume);
  }
  return volumes;
}

function randomBuys(next: () => number): PackageBuy[] {
  return catalog.packages.filter(() => next() < 0.4).map((pkg) => ({ code: pkg.code, count: BigInt(1 + Math.floor(next() * 4)) }));
}

describe("calculator = engine (R12, property over seeded random profiles)", () => {
  const PROFILES = 500;

  it(`for ${PROFILES} monthly usage profiles and every plan, with no packages, the best packages and random ones, the calculator's total is the engine's bill`, () => {
    let compared = 0;
    let withPackages = 0;
    for (let seed = 1; seed <= PROFILES; seed += 1) {
      const next = random(seed);
      const volumes = randomVolumes(next);
      for (const plan of catalog.plans) {
        const without = estimateOption(catalog, plan, volumes);
        const best = bestPackages(catalog, without, volumes);
        const options = [without, ...(best ? [best] : [])];
        if (seed % 5 === 0) options.push(estimateOption(catalog, plan, volumes, randomBuys(next)));
        for (const option of options) {
          const billed = engineBill(plan, volumes, option.packages, option.months, next);
          expect({ seed, plan: plan.code, packages: option.packages, cents: option.totalCents }).toEqual({
            seed,
            plan: plan.code,
            packages: option.packages,
            cents: billed,
          });
          compared += 1;
          if (option.packages.length > 0) withPackages += 1;
        }
      }
    }
    // The profiles reach every kind of comparison: many with packages, not only the trivial ones.
    expect(compared).toBeGreaterThan(PROFILES * catalog.plans.length);
    expect(withPackages).toBeGreaterThan(PROFILES / 2);
  }, 180_000);

  it("an order-sensitive month (included running out while a yearly package waits) is still the engine's bill", () => {
    // Starter's 70M included run out a third of the way into the month; the yearly predict package comes after them.
    const volumes = new Map([
      ["predict", 90_000n],
      ["search", 60_000n],
      ["upload", 40_000n],
    ]);
    const starter = catalog.plans.find((plan) => plan.code === "starter_monthly")!;
    const buys = [{ code: "predict_1m_year", count: 1n }];
    const option = estimateOption(catalog, starter, volumes, buys);
    for (let seed = 1; seed <= 20; seed += 1)
      expect(engineBill(starter, volumes, buys, option.months, random(seed))).toBe(option.totalCents);
  });
});

describe("the comparison", () => {
  const plan = (code: string) => catalog.plans.find((candidate) => candidate.code === code)!;

  it("recommends the cheapest option that serves all the usage, and never one that refuses calls", () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const volumes = randomVolumes(random(seed * 7919));
      const comparison = compareAll(catalog, volumes);
      const recommended = comparison.recommended;
      expect(recommended).not.toBeNull();
      const monthly = (cents: bigint, months: number) => cents * (12n / BigInt(months));
      for (const entry of comparison.plans) {
        for (const option of [entry.without, entry.withPackages].filter((o) => o !== null)) {
          if ([...option.refused.values()].some((n) => n > 0n)) continue;
          expect(monthly(recommended!.option.totalCents, recommended!.option.months)).toBeLessThanOrEqual(
            monthly(option.totalCents, option.months),
          );
        }
      }
      for (const value of recommended!.option.refused.values()) expect(value).toBe(0n);
    }
  });

  it("annual plans show their monthly equivalent and what they save over the monthly plan with the same credits", () => {
    const comparison = compareAll(catalog, new Map());
    const starterAnnual = comparison.plans.find((entry) => entry.plan.code === "starter_annual")!;
    // No usage: $300 a year is $25.00 a month against Starter's $30.00: $5.00 a month saved.
    expect(starterAnnual.annualSaving?.monthly.code).toBe("starter_monthly");
    expect(starterAnnual.annualSaving?.centsPerMonth).toBe(500n);
    expect(comparison.recommended?.plan.plan.code).toBe("free");
    expect(estimateOption(catalog, plan("growth_annual"), new Map()).totalCents).toBe(300_000n);
  });

  it("Free refuses what its included credits cannot pay, and says after how much", () => {
    // 5M included credits pay the first 1,000 predictions free and 2,083 more at 2,400 credits.
    const free = estimateOption(catalog, plan("free"), new Map([["predict", 50_000n]]));
    expect(free.totalCents).toBe(0n);
    expect(free.refused.get("predict")).toBeGreaterThan(0n);
    expect(free.credits.included).toBeLessThanOrEqual(5_000_000n);
  });
});
