// R12 through the database: the price calculator's total for a month of usage
// is what the real system bills for it. For seeded random monthly profiles, a
// workspace per plan (Starter, Growth, pay as you go with a card and flex on,
// some with monthly packages bought at the start through the purchase path,
// and Free for a few) lives one calendar month aligned to its period: the
// month's usage goes through the real ledger (debitBatch) in the calculator's
// order — SLICES equal parts of the month, each sending its share of every
// type in catalog order, in random batch sizes — then the billing run closes
// the period. The workspace's invoices must add up to the calculator's
// total, to the cent, and the usage rows must show the credits by source and
// the refusals the calculator predicted. The seed names the profile that broke.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ARREARS_POLICY } from "@/lib/billing/arrears";
import {
  SLICES,
  estimateOption,
  parseCalculatorCatalog,
  type CalculatorCatalog,
  type OptionEstimate,
  type PackageBuy,
  type Volumes,
} from "@/lib/calculator/estimate";
import { runBilling } from "@/lib/db/billing/billing-run";
import { debitBatch, loadRatingCatalog, type DebitContext, type DebitRequest } from "@/lib/db/ledger/debit";
import { getCalculatorCatalog } from "@/lib/db/queries/catalog";
import { buyPackage } from "@/lib/payments/packages";
import { TestGateway } from "@/lib/payments/test-gateway";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";
import { random, randomSplit } from "@/tests/helpers/random";

const CREDITS_PER_USD = 2_000_000n;
const PROFILES = 27;
/**
 * Profiles share a month, three at a time, from January 2027 on: months of 28, 30 and 31 days. Later
 * months' billing runs renew the earlier workspaces too; each profile is compared right after its own run.
 */
const PROFILES_PER_MONTH = 3;
const PAID_PLANS = ["starter_monthly", "growth_monthly", "payg"];
const MONTHLY_PACKAGES = ["predict_100k_month", "search_100k_month"];
/** Operations of a type a month, at most. */
const MAX_VOLUME = 300_000n;
/** Volumes on the tier boundaries of the default catalog (R3.4), drawn now and then. */
const BOUNDARIES = [1_000n, 1_001n, 100_000n, 100_001n];
const actor = { id: null, email: "owner@test.dev", role: "OWNER" };

interface Profile {
  seed: number;
  monthStart: Date;
  monthEnd: Date;
  volumes: Volumes;
  /** Monthly packages bought at the month's start on each paid plan, besides none; empty for most profiles. */
  buys: PackageBuy[];
  /** Also on Free: its total is $0, and what its included credits cannot pay is refused. */
  free: boolean;
  /** The rest of the seed's stream: the batch sizes. */
  next: () => number;
}

const monthOf = (seed: number) => Math.floor((seed - 1) / PROFILES_PER_MONTH);

function profileOf(seed: number, catalog: CalculatorCatalog): Profile {
  const next = random(seed);
  const volumes = new Map<string, bigint>();
  for (const type of catalog.types) {
    if (next() < 0.2) continue;
    // Train runs cost 20M credits each: a few. Other types: a boundary, any volume up to the cap, or small ones (log-uniform).
    const shape = next();
    let volume: bigint;
    if (type.code === "train") volume = BigInt(Math.floor(next() * 4));
    else if (shape < 0.1) volume = BOUNDARIES[Math.floor(next() * BOUNDARIES.length)]!;
    else if (shape < 0.6) volume = BigInt(Math.floor(next() * (Number(MAX_VOLUME) + 1)));
    else volume = BigInt(Math.floor(10 ** (next() * Math.log10(Number(MAX_VOLUME)))));
    volumes.set(type.code, volume > MAX_VOLUME ? MAX_VOLUME : volume);
  }
  const buys: PackageBuy[] = [];
  if (next() < 0.45) {
    for (const code of MONTHLY_PACKAGES) if (next() < 0.6) buys.push({ code, count: BigInt(1 + Math.floor(next() * 3)) });
    if (buys.length === 0) buys.push({ code: MONTHLY_PACKAGES[0]!, count: 1n });
  }
  const month = monthOf(seed);
  return {
    seed,
    monthStart: new Date(Date.UTC(2027, month, 1)),
    monthEnd: new Date(Date.UTC(2027, month + 1, 1)),
    volumes,
    buys,
    free: seed % 9 === 0,
    next,
  };
}

const describeBuys = (buys: readonly PackageBuy[]) => (buys.length ? ` + ${buys.map((b) => `${b.count}× ${b.code}`).join(", ")}` : "");

/** What the comparison looks at, the same shape for the calculator's figures and the database's. */
interface Bill {
  cents: bigint;
  credits: { rated: bigint; included: bigint; package: bigint; prepaid: bigint; flex: bigint };
  refused: Record<string, bigint>;
}

const expectedBill = (estimate: OptionEstimate): Bill => ({
  cents: estimate.totalCents,
  credits: {
    rated: estimate.credits.rated,
    included: estimate.credits.included,
    package: estimate.credits.package,
    prepaid: estimate.credits.prepaid,
    flex: estimate.credits.flex,
  },
  refused: Object.fromEntries([...estimate.refused].filter(([, operations]) => operations > 0n)),
});

describe("calculator = ledger and billing run (R12, seeded random monthly profiles)", () => {
  let database: TestDatabase;
  let context: DebitContext;
  let gateway: TestGateway;
  let catalog: CalculatorCatalog;
  let purchases = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: CREDITS_PER_USD };
    // The calculator's catalog as the pricing page gets it: from the database.
    catalog = parseCalculatorCatalog(await getCalculatorCatalog(database.prisma, CREDITS_PER_USD));
    gateway = new TestGateway(
      async () => database.prisma,
      () => "http://localhost:3000",
    );
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const planOf = (code: string) => {
    const plan = catalog.plans.find((candidate) => candidate.code === code);
    if (!plan) throw new Error(`plan ${code} is not in the catalog`);
    return plan;
  };

  /** A workspace on `planCode` from `profile`'s month start: flex on with a card on a paid plan, the packages bought then. */
  async function openWorkspace(profile: Profile, planCode: string, buys: readonly PackageBuy[]) {
    const now = profile.monthStart;
    const workspace =
      planCode === "free"
        ? await makeWorkspace(database.prisma, { planCode, now })
        : await makeWorkspace(database.prisma, { planCode, now, flexEnabled: true, card: true });
    for (const buy of buys) {
      for (let copy = 0n; copy < buy.count; copy += 1n) {
        const bought = await buyPackage(database.prisma, gateway, {
          workspaceId: workspace.id,
          packageCode: buy.code,
          autoRenew: false,
          requestId: `calculator-${(purchases += 1)}`,
          actor,
          now,
          creditsPerUsd: CREDITS_PER_USD,
        });
        expect(bought.paid, `seed ${profile.seed}, ${planCode}: ${buy.code} paid`).toBe(true);
      }
    }
    return workspace.id;
  }

  /**
   * The month's usage through the ledger, as the calculator spreads it: slice k
   * starts at monthStart + (k-1)·length/SLICES and sends its share of every
   * type, in catalog order. Returns the operations refused, by type.
   */
  async function sendMonth(profile: Profile, workspaceId: string, split: (operations: bigint) => bigint[]) {
    const refused: Record<string, bigint> = {};
    const span = profile.monthEnd.getTime() - profile.monthStart.getTime();
    for (let slice = 1; slice <= SLICES; slice += 1) {
      let at = profile.monthStart.getTime() + Math.floor(((slice - 1) * span) / SLICES);
      const requests: DebitRequest[] = [];
      for (const type of catalog.types) {
        const volume = profile.volumes.get(type.code) ?? 0n;
        const share = (volume * BigInt(slice)) / BigInt(SLICES) - (volume * BigInt(slice - 1)) / BigInt(SLICES);
        for (const operations of split(share)) {
          at += 1;
          const key = `slice${slice}:${requests.length}`;
          requests.push({ workspaceId, operationType: type.code, operations, idempotencyKey: key, requestId: key, at: new Date(at) });
        }
      }
      const outcomes = await debitBatch(database.prisma, requests, context);
      outcomes.forEach((outcome, index) => {
        if (outcome.status !== "refused") return;
        const request = requests[index]!;
        refused[request.operationType] = (refused[request.operationType] ?? 0n) + request.operations;
      });
    }
    return refused;
  }

  /** What the database says was billed and spent: the workspace's invoices, its usage rows by source. */
  async function billedBill(workspaceId: string, refused: Record<string, bigint>): Promise<Bill> {
    const [invoices, usage] = await Promise.all([
      database.prisma.invoice.findMany({ where: { workspaceId }, select: { totalCents: true } }),
      database.prisma.usageEvent.aggregate({
        where: { workspaceId },
        _sum: { credits: true, includedCredits: true, packageCredits: true, prepaidCredits: true, flexCredits: true },
      }),
    ]);
    return {
      cents: invoices.reduce((sum, invoice) => sum + BigInt(invoice.totalCents), 0n),
      credits: {
        rated: usage._sum.credits ?? 0n,
        included: usage._sum.includedCredits ?? 0n,
        package: usage._sum.packageCredits ?? 0n,
        prepaid: usage._sum.prepaidCredits ?? 0n,
        flex: usage._sum.flexCredits ?? 0n,
      },
      refused,
    };
  }

  it("the profiles reach the interesting months: flex, packages drawn on, included running out under a package, refusals on Free", () => {
    let flex = 0;
    let packages = 0;
    let packageAfterIncluded = 0;
    let refusedOnFree = 0;
    for (let seed = 1; seed <= PROFILES; seed += 1) {
      const profile = profileOf(seed, catalog);
      for (const code of PAID_PLANS) {
        for (const buys of [[], profile.buys]) {
          const estimate = estimateOption(catalog, planOf(code), profile.volumes, buys);
          expect(estimate.months).toBe(1);
          if (estimate.flexCents > 0n) flex += 1;
          if (estimate.credits.package > 0n) packages += 1;
          if (estimate.credits.package > 0n && estimate.credits.included === planOf(code).includedCredits && code !== "payg")
            packageAfterIncluded += 1;
        }
      }
      if (profile.free && [...estimateOption(catalog, planOf("free"), profile.volumes).refused.values()].some((n) => n > 0n))
        refusedOnFree += 1;
    }
    expect(flex).toBeGreaterThan(PROFILES);
    expect(packages).toBeGreaterThan(5);
    expect(packageAfterIncluded).toBeGreaterThan(2);
    expect(refusedOnFree).toBeGreaterThan(0);
    for (const code of MONTHLY_PACKAGES) expect(catalog.packages.find((pkg) => pkg.code === code)?.validity).toBe("MONTH");
  });

  for (let seed = 1; seed <= PROFILES; seed += 1) {
    const month = new Date(Date.UTC(2027, monthOf(seed), 1)).toISOString().slice(0, 7);
    it(`seed ${seed} (${month}): the invoices of the month add up to the calculator's total on every plan`, async () => {
      const profile = profileOf(seed, catalog);
      const options: { planCode: string; buys: readonly PackageBuy[] }[] = PAID_PLANS.flatMap((planCode) => [
        { planCode, buys: [] },
        ...(profile.buys.length > 0 ? [{ planCode, buys: profile.buys }] : []),
      ]);
      if (profile.free) options.push({ planCode: "free", buys: [] });

      const workspaces: { planCode: string; buys: readonly PackageBuy[]; workspaceId: string; refused: Record<string, bigint> }[] = [];
      for (const option of options) {
        const workspaceId = await openWorkspace(profile, option.planCode, option.buys);
        // A refusal is all or nothing per call, so on Free each part goes in one call, as the calculator counts them
        // (in smaller calls Free serves a little more than the calculator's refused count says; $0 either way).
        const split = option.planCode === "free" ? (n: bigint) => (n > 0n ? [n] : []) : (n: bigint) => randomSplit(n, profile.next);
        workspaces.push({ ...option, workspaceId, refused: await sendMonth(profile, workspaceId, split) });
      }
      // The billing clock at the month's end: the period closes and its invoice is issued.
      await runBilling(database.prisma, {
        now: profile.monthEnd,
        creditsPerUsd: CREDITS_PER_USD,
        gateway,
        arrears: DEFAULT_ARREARS_POLICY,
        deliverEmail: false,
      });

      for (const { planCode, buys, workspaceId, refused } of workspaces) {
        const estimate = estimateOption(catalog, planOf(planCode), profile.volumes, buys);
        const label = `seed ${seed}, ${planCode}${describeBuys(buys)}, volumes ${JSON.stringify(Object.fromEntries([...profile.volumes].map(([code, n]) => [code, n.toString()])))}`;
        expect(estimate.months, label).toBe(1);
        const billed = await billedBill(workspaceId, refused);
        expect(billed.cents, `${label}: invoices against the calculator's total`).toBe(estimate.totalCents);
        expect(billed, `${label}: credits by source and refusals`).toEqual(expectedBill(estimate));
        if (planCode === "free") expect(billed.cents, label).toBe(0n);
      }
    }, 120_000);
  }
});
