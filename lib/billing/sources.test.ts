import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rateBatch, type RatedLine, type Rating, type Tier } from "./rating";
import {
  allocateDebit,
  expiringOrder,
  fundingAfter,
  type Allocation,
  type AllocationResult,
  type FlexStatus,
  type FundingPackage,
  type FundingState,
  type SourceOperations,
} from "./sources";

const predict: Tier[] = [
  { fromCount: 1n, toCount: 1_000n, creditsPerOp: 0n },
  { fromCount: 1_001n, toCount: 100_000n, creditsPerOp: 2_400n },
  { fromCount: 100_001n, toCount: 1_000_000n, creditsPerOp: 2_000n },
  { fromCount: 1_000_001n, toCount: null, creditsPerOp: 1_600n },
];
const train: Tier[] = [{ fromCount: 1n, toCount: null, creditsPerOp: 20_000_000n }];

const at = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const pkg = (id: string, remainingOperations: bigint, expires: string): FundingPackage => ({
  id,
  remainingOperations,
  expiresAt: at(expires),
});

function funding(overrides: Partial<FundingState> = {}): FundingState {
  return {
    included: { balance: 0n, expiresAt: at("2026-12-14") },
    packages: [],
    prepaid: 0n,
    flex: { status: "not_allowed", remainingCap: null },
    ...overrides,
  };
}

type Credits = Omit<Allocation, "operations">;

function allocation(overrides: Partial<Credits> = {}): { ok: true; allocation: Credits } {
  const base: Credits = { included: 0n, packages: [], packageCredits: 0n, prepaid: 0n, flex: 0n, ...overrides };
  base.packageCredits = base.packages.reduce((sum, draw) => sum + draw.credits, 0n);
  return { ok: true, allocation: base };
}

/** The credits part of a result (the operations by source have their own table). */
function creditsOf(result: AllocationResult) {
  if (!result.ok) return result;
  const { operations: _operations, ...credits } = result.allocation;
  return { ok: true, allocation: credits };
}

const paidBatch = (operations: bigint) => rateBatch(predict, 5_000n, operations); // 2,400 each

describe("credit-source order (R5)", () => {
  it.each<[string, Rating, FundingState, ReturnType<typeof creditsOf>]>([
    [
      "R5.1 included pays first",
      paidBatch(10n),
      funding({ included: { balance: 1_000_000n, expiresAt: at("2026-12-14") }, prepaid: 1_000_000n }),
      allocation({ included: 24_000n }),
    ],
    [
      "R5.1 soonest expiry first: a package expiring before included goes first",
      paidBatch(10n),
      funding({ included: { balance: 1_000_000n, expiresAt: at("2026-12-14") }, packages: [pkg("p1", 4n, "2026-12-01")] }),
      allocation({ packages: [{ id: "p1", operations: 4n, credits: 9_600n }], included: 14_400n }),
    ],
    [
      "R5.1 on a tie included goes first",
      paidBatch(10n),
      funding({ included: { balance: 1_000_000n, expiresAt: at("2026-12-14") }, packages: [pkg("p1", 100n, "2026-12-14")] }),
      allocation({ included: 24_000n }),
    ],
    [
      "R5.1 included without an expiry sorts after every package",
      paidBatch(10n),
      funding({ included: { balance: 1_000_000n, expiresAt: null }, packages: [pkg("p1", 100n, "2030-01-01")] }),
      allocation({ packages: [{ id: "p1", operations: 10n, credits: 24_000n }] }),
    ],
    [
      "R6.2 stacked packages: the one expiring first, then the next",
      paidBatch(10n),
      funding({ packages: [pkg("late", 100n, "2027-01-01"), pkg("soon", 3n, "2026-11-20")] }),
      allocation({
        packages: [
          { id: "soon", operations: 3n, credits: 7_200n },
          { id: "late", operations: 7n, credits: 16_800n },
        ],
      }),
    ],
    [
      "R5.1 a package covers operations reported at their rated credits (990 + 32 crosses the free tier)",
      rateBatch(predict, 990n, 32n),
      funding({ packages: [pkg("p1", 100n, "2026-12-01")] }),
      allocation({ packages: [{ id: "p1", operations: 22n, credits: 52_800n }] }),
    ],
    [
      "R3.1 free operations consume nothing from any source",
      rateBatch(predict, 0n, 10n),
      funding({ packages: [pkg("p1", 100n, "2026-12-01")] }),
      allocation(),
    ],
    [
      "R5.1 included pays whole operations while a later package has quota; its remainder pays before prepaid",
      paidBatch(5n),
      funding({ included: { balance: 5_000n, expiresAt: at("2026-11-01") }, packages: [pkg("p1", 2n, "2026-12-01")], prepaid: 1_000_000n }),
      // included 2 × 2,400; the package 2 whole operations; included's last 200 + prepaid 2,200 pay the fifth.
      allocation({ included: 5_000n, packages: [{ id: "p1", operations: 2n, credits: 4_800n }], prepaid: 2_200n }),
    ],
    [
      "R5.1 with no package after it, included splits the last operation with prepaid",
      paidBatch(3n),
      funding({ included: { balance: 5_000n, expiresAt: at("2026-11-01") }, prepaid: 10_000n }),
      allocation({ included: 5_000n, prepaid: 2_200n }),
    ],
    [
      "R5.1 a package with no quota left does not hold included to whole operations",
      paidBatch(3n),
      funding({ included: { balance: 5_000n, expiresAt: at("2026-11-01") }, packages: [pkg("empty", 0n, "2026-12-01")], prepaid: 10_000n }),
      allocation({ included: 5_000n, prepaid: 2_200n }),
    ],
    [
      "R5.2 prepaid after the expiring sources",
      paidBatch(2n),
      funding({ included: { balance: 1_000n, expiresAt: at("2026-11-01") }, prepaid: 10_000n }),
      allocation({ included: 1_000n, prepaid: 3_800n }),
    ],
    [
      "R5.3 flex after prepaid",
      paidBatch(2n),
      funding({ prepaid: 1_000n, flex: { status: "available", remainingCap: null } }),
      allocation({ prepaid: 1_000n, flex: 3_800n }),
    ],
    [
      "R14.2 flex within the spend cap",
      paidBatch(2n),
      funding({ flex: { status: "available", remainingCap: 4_800n } }),
      allocation({ flex: 4_800n }),
    ],
    [
      "R14.2 flex beyond the spend cap is refused",
      paidBatch(2n),
      funding({ prepaid: 100n, flex: { status: "available", remainingCap: 4_000n } }),
      { ok: false, reason: "spend_cap", shortfall: 700n },
    ],
    [
      "R14.2 cap already reached",
      paidBatch(1n),
      funding({ flex: { status: "cap_reached", remainingCap: 0n } }),
      { ok: false, reason: "spend_cap", shortfall: 2_400n },
    ],
    [
      "R8.3 in arrears, usage that needs flex is refused",
      paidBatch(1n),
      funding({ prepaid: 400n, flex: { status: "arrears", remainingCap: null } }),
      { ok: false, reason: "arrears", shortfall: 2_000n },
    ],
    [
      "R8.3 in arrears, prepaid still works",
      paidBatch(1n),
      funding({ prepaid: 2_400n, flex: { status: "arrears", remainingCap: null } }),
      allocation({ prepaid: 2_400n }),
    ],
    [
      "R5.5 flex switched off: refused, and said to be flex being off (the API answers 402 / 11100 as for no credits)",
      paidBatch(1n),
      funding({ flex: { status: "disabled", remainingCap: null } }),
      { ok: false, reason: "flex_off", shortfall: 2_400n },
    ],
    [
      "R4.1 Free: included and prepaid run out, the call is refused",
      paidBatch(3n),
      funding({ included: { balance: 5_000n, expiresAt: at("2026-11-01") }, prepaid: 100n }),
      { ok: false, reason: "insufficient_credits", shortfall: 2_100n },
    ],
    [
      "R2.1 train: 2 runs split between included and prepaid",
      rateBatch(train, 0n, 2n),
      funding({ included: { balance: 30_000_000n, expiresAt: at("2026-11-01") }, prepaid: 100_000_000n }),
      allocation({ included: 30_000_000n, prepaid: 10_000_000n }),
    ],
  ])("%s", (_rule, rating, state, expected) => {
    expect(creditsOf(allocateDebit(rating, state))).toEqual(expected);
  });

  it("R5.1 expiring order: soonest first, included first on a tie, included without expiry last", () => {
    const order = expiringOrder(
      funding({
        included: { balance: 1n, expiresAt: at("2026-12-01") },
        packages: [pkg("b", 1n, "2026-12-01"), pkg("a", 1n, "2026-11-01")],
      }),
    );
    expect(order.map((source) => (source.kind === "included" ? "included" : source.source.id))).toEqual(["a", "included", "b"]);
  });
});

describe("operations by the source that paid them (R8.1 statement lines)", () => {
  const noOperations: SourceOperations = { free: 0n, included: 0n, package: 0n, prepaid: 0n, flex: 0n };
  it.each<[string, Rating, FundingState, Partial<SourceOperations>]>([
    [
      "R3.1 990 + 32 crosses the free tier: 10 free, 22 paid by included",
      rateBatch(predict, 990n, 32n),
      funding({ included: { balance: 1_000_000n, expiresAt: at("2026-12-14") } }),
      { free: 10n, included: 22n },
    ],
    [
      "an operation split between included and prepaid counts for prepaid, which completed it",
      paidBatch(3n),
      funding({ included: { balance: 5_000n, expiresAt: at("2026-11-01") }, prepaid: 10_000n }),
      { included: 2n, prepaid: 1n },
    ],
    [
      "R5.1 included's whole operations, a package's, then included's remainder completed by prepaid",
      paidBatch(5n),
      funding({ included: { balance: 5_000n, expiresAt: at("2026-11-01") }, packages: [pkg("p1", 2n, "2026-12-01")], prepaid: 1_000_000n }),
      { included: 2n, package: 2n, prepaid: 1n },
    ],
    [
      "R5.3 flex completes what prepaid started",
      paidBatch(2n),
      funding({ prepaid: 1_000n, flex: { status: "available", remainingCap: null } }),
      { flex: 2n },
    ],
    [
      "R2.1 train: 2 runs, the second split between included and prepaid",
      rateBatch(train, 0n, 2n),
      funding({ included: { balance: 30_000_000n, expiresAt: at("2026-11-01") }, prepaid: 100_000_000n }),
      { included: 1n, prepaid: 1n },
    ],
  ])("%s", (_rule, rating, state, expected) => {
    const result = allocateDebit(rating, state);
    expect(result.ok && result.allocation.operations).toEqual({ ...noOperations, ...expected });
  });
});

// ---------------------------------------------------------------- properties

const dates = ["2026-11-01", "2026-11-15", "2026-12-01"].map(at);
const dateArbitrary = fc.constantFrom(...dates);

const ratingArbitrary = fc
  .array(fc.record({ operations: fc.integer({ min: 1, max: 40 }), price: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000 })) }), {
    maxLength: 4,
  })
  .map((parts): Rating => {
    let from = 1n;
    const lines: RatedLine[] = parts.map(({ operations, price }) => {
      const ops = BigInt(operations);
      const line = {
        fromCount: from,
        toCount: from + ops - 1n,
        operations: ops,
        creditsPerOp: BigInt(price),
        credits: ops * BigInt(price),
      };
      from += ops;
      return line;
    });
    return { operations: lines.reduce((s, l) => s + l.operations, 0n), credits: lines.reduce((s, l) => s + l.credits, 0n), lines };
  });

const fundingArbitrary: fc.Arbitrary<FundingState> = fc.record({
  included: fc.record({ balance: fc.bigInt({ min: 0n, max: 60_000n }), expiresAt: fc.option(dateArbitrary, { nil: null }) }),
  packages: fc.uniqueArray(
    fc.record({
      id: fc.constantFrom("p1", "p2", "p3", "p4"),
      remainingOperations: fc.bigInt({ min: 0n, max: 30n }),
      expiresAt: dateArbitrary,
    }),
    {
      maxLength: 4,
      selector: (p) => p.id,
    },
  ),
  prepaid: fc.bigInt({ min: 0n, max: 60_000n }),
  flex: fc.record({
    status: fc.constantFrom<FlexStatus>("available", "not_allowed", "disabled", "arrears", "cap_reached"),
    remainingCap: fc.option(fc.bigInt({ min: 0n, max: 60_000n }), { nil: null }),
  }),
});

const clone = (state: FundingState): FundingState => structuredClone(state);

describe("allocation invariants (R5, property)", () => {
  it("sources add up to the rating, none goes above what it had, refusals consume nothing", () => {
    fc.assert(
      fc.property(ratingArbitrary, fundingArbitrary, (rating, state) => {
        const before = clone(state);
        const result = allocateDebit(rating, state);
        expect(state).toEqual(before);
        if (!result.ok) {
          expect(result.shortfall).toBeGreaterThan(0n);
          expect(state.flex.status === "available" && state.flex.remainingCap === null).toBe(false);
          // The shortfall is exact: that much more prepaid (or cap) pays the call, one credit less does not.
          if (result.reason === "insufficient_credits") {
            expect(allocateDebit(rating, { ...state, prepaid: state.prepaid + result.shortfall }).ok).toBe(true);
            expect(allocateDebit(rating, { ...state, prepaid: state.prepaid + result.shortfall - 1n }).ok).toBe(false);
          }
          if (result.reason === "spend_cap" && state.flex.status === "available") {
            expect(
              allocateDebit(rating, {
                ...state,
                flex: { status: "available", remainingCap: (state.flex.remainingCap ?? 0n) + result.shortfall },
              }).ok,
            ).toBe(true);
          }
          if (result.reason === "arrears") expect(state.flex.status).toBe("arrears");
          return;
        }
        const { allocation: a } = result;
        expect(a.included + a.packageCredits + a.prepaid + a.flex).toBe(rating.credits);
        // The operations by source add up to the rating's; a source that paid no credits completed no operation.
        const ops = a.operations;
        expect(ops.free + ops.included + ops.package + ops.prepaid + ops.flex).toBe(rating.operations);
        expect(ops.free).toBe(rating.lines.filter((l) => l.creditsPerOp === 0n).reduce((s, l) => s + l.operations, 0n));
        expect(ops.package).toBe(a.packages.reduce((s, d) => s + d.operations, 0n));
        for (const [credits, operations] of [
          [a.included, ops.included],
          [a.prepaid, ops.prepaid],
          [a.flex, ops.flex],
        ] as const) {
          expect(operations).toBeGreaterThanOrEqual(0n);
          if (credits === 0n) expect(operations).toBe(0n);
        }
        expect(a.packages.reduce((sum, draw) => sum + draw.credits, 0n)).toBe(a.packageCredits);
        for (const value of [a.included, a.prepaid, a.flex, ...a.packages.flatMap((d) => [d.operations, d.credits])])
          expect(value).toBeGreaterThanOrEqual(0n);
        expect(a.included).toBeLessThanOrEqual(state.included.balance);
        expect(a.prepaid).toBeLessThanOrEqual(state.prepaid);
        if (a.flex > 0n) {
          expect(state.flex.status).toBe("available");
          if (state.flex.remainingCap !== null) expect(a.flex).toBeLessThanOrEqual(state.flex.remainingCap);
          expect(a.prepaid).toBe(state.prepaid); // R5.3 flex only after prepaid is used up
        }
        const paidOperations = rating.lines.filter((l) => l.creditsPerOp > 0n).reduce((s, l) => s + l.operations, 0n);
        expect(a.packages.reduce((s, d) => s + d.operations, 0n)).toBeLessThanOrEqual(paidOperations);
        const order = expiringOrder(state);
        for (const draw of a.packages) {
          const had = state.packages.find((p) => p.id === draw.id);
          expect(had).toBeDefined();
          expect(draw.operations).toBeGreaterThan(0n);
          expect(draw.operations).toBeLessThanOrEqual(had?.remainingOperations ?? 0n);
          // R5.1 a package is drawn only when every package expiring before it is used up.
          for (const earlier of order.slice(
            0,
            order.findIndex((s) => s.kind === "package" && s.source.id === draw.id),
          )) {
            if (earlier.kind !== "package") continue;
            const used = a.packages.find((d) => d.id === earlier.source.id)?.operations ?? 0n;
            expect(used).toBe(earlier.source.remainingOperations);
          }
        }
        // R5.2 prepaid (and flex) pay only once every expiring source is used up.
        if (a.prepaid + a.flex > 0n) {
          expect(a.included).toBe(state.included.balance);
          for (const p of state.packages) expect(a.packages.find((d) => d.id === p.id)?.operations ?? 0n).toBe(p.remainingOperations);
        }
        const after = fundingAfter(state, a);
        expect(after.included.balance).toBeGreaterThanOrEqual(0n);
        for (const p of after.packages) expect(p.remainingOperations).toBeGreaterThanOrEqual(0n);
      }),
      { numRuns: 5_000 },
    );
  });

  it("a package never pays part of an operation: its credits are whole operations at their rated prices (R5.1)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 1, max: 200 }),
        fundingArbitrary,
        (countBefore, operations, state) => {
          const rating = rateBatch(predict, BigInt(countBefore), BigInt(operations));
          const result = allocateDebit(rating, state);
          if (!result.ok) return;
          // With one paid price in the batch (2,400 after the free tier), each package's credits are a multiple of it.
          for (const draw of result.allocation.packages) expect(draw.credits).toBe(draw.operations * 2_400n);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe("a batch costs what the same operations in any split cost (R5, R12, property)", () => {
  // Tiers with small boundaries, falling and rising prices, so that batches cross them often.
  const tiersArbitrary = fc
    .array(fc.record({ size: fc.integer({ min: 1, max: 12 }), price: fc.integer({ min: 0, max: 3_000 }) }), { minLength: 1, maxLength: 4 })
    .chain((parts) =>
      fc.integer({ min: 0, max: 3_000 }).map((lastPrice): Tier[] => {
        let from = 1n;
        const tiers: Tier[] = parts.map(({ size, price }) => {
          const tier = { fromCount: from, toCount: from + BigInt(size) - 1n, creditsPerOp: BigInt(price) };
          from += BigInt(size);
          return tier;
        });
        return [...tiers, { fromCount: from, toCount: null, creditsPerOp: BigInt(lastPrice) }];
      }),
    );

  function payInBatches(tiers: Tier[], state: FundingState, sizes: number[]) {
    let funding = state;
    let count = 0n;
    const total = { included: 0n, packageCredits: 0n, packageOperations: 0n, prepaid: 0n, flex: 0n };
    for (const size of sizes) {
      const result = allocateDebit(rateBatch(tiers, count, BigInt(size)), funding);
      if (!result.ok) return null;
      const a = result.allocation;
      total.included += a.included;
      total.packageCredits += a.packageCredits;
      total.packageOperations += a.operations.package;
      total.prepaid += a.prepaid;
      total.flex += a.flex;
      funding = fundingAfter(funding, a);
      count += BigInt(size);
    }
    return total;
  }

  it("one batch and the same operations in random smaller batches take the same from every source", () => {
    fc.assert(
      fc.property(
        tiersArbitrary,
        fundingArbitrary.map((state) => ({ ...state, flex: { status: "available" as const, remainingCap: null } })),
        fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 8 }),
        (tiers, state, sizes) => {
          const operations = sizes.reduce((sum, size) => sum + size, 0);
          expect(payInBatches(tiers, state, sizes)).toEqual(payInBatches(tiers, state, [operations]));
          expect(
            payInBatches(
              tiers,
              state,
              Array.from({ length: operations }, () => 1),
            ),
          ).toEqual(payInBatches(tiers, state, [operations]));
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
