import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertConsistentRating, combineRatings, rateBatch, rateMonth, tierAt, TierError, tiersFromCatalog, type Tier } from "./rating";

// R3.4 the default catalog's predict and train price lists.
const predict: Tier[] = [
  { fromCount: 1n, toCount: 1_000n, creditsPerOp: 0n },
  { fromCount: 1_001n, toCount: 100_000n, creditsPerOp: 2_400n },
  { fromCount: 100_001n, toCount: 1_000_000n, creditsPerOp: 2_000n },
  { fromCount: 1_000_001n, toCount: null, creditsPerOp: 1_600n },
];
const train: Tier[] = [{ fromCount: 1n, toCount: null, creditsPerOp: 20_000_000n }];

const line = (fromCount: bigint, toCount: bigint, creditsPerOp: bigint) => ({
  fromCount,
  toCount,
  operations: toCount - fromCount + 1n,
  creditsPerOp,
  credits: (toCount - fromCount + 1n) * creditsPerOp,
});

describe("tiered rating by the month's count (R3.1)", () => {
  it.each([
    // R3.1 the first 1,000 predict of the month are free
    ["R3.1 first call of the month is free", predict, 0n, 1n, 0n, [line(1n, 1n, 0n)]],
    ["R3.1 a batch inside the free tier", predict, 0n, 1_000n, 0n, [line(1n, 1_000n, 0n)]],
    // R3.1 a batch crossing a tier boundary is split: 990 + 32 → 991–1000 free, 1001–1022 at 2,400
    ["R3.1 990 + 32 crosses 1,000 and is split", predict, 990n, 32n, 52_800n, [line(991n, 1_000n, 0n), line(1_001n, 1_022n, 2_400n)]],
    ["R3.1 the 1,001st call is the first paid one", predict, 1_000n, 1n, 2_400n, [line(1_001n, 1_001n, 2_400n)]],
    ["R3.1 the 100,000th call is still 2,400", predict, 99_999n, 1n, 2_400n, [line(100_000n, 100_000n, 2_400n)]],
    ["R3.1 the 100,001st call is 2,000", predict, 100_000n, 1n, 2_000n, [line(100_001n, 100_001n, 2_000n)]],
    ["R3.1 beyond 1,000,000 is 1,600", predict, 1_000_000n, 10n, 16_000n, [line(1_000_001n, 1_000_010n, 1_600n)]],
    [
      "R3.1 one batch crossing every boundary",
      predict,
      999n,
      999_002n,
      99_000n * 2_400n + 900_000n * 2_000n + 1n * 1_600n,
      [line(1_000n, 1_000n, 0n), line(1_001n, 100_000n, 2_400n), line(100_001n, 1_000_000n, 2_000n), line(1_000_001n, 1_000_001n, 1_600n)],
    ],
    ["R2.1 train: 20,000,000 credits per run", train, 5n, 2n, 40_000_000n, [line(6n, 7n, 20_000_000n)]],
    ["R2.4 zero operations cost nothing and have no lines", predict, 500n, 0n, 0n, []],
  ] as const)("%s", (_rule, tiers, countBefore, operations, credits, lines) => {
    const rating = rateBatch(tiers, countBefore, operations);
    expect(rating).toEqual({ operations, credits, lines });
    assertConsistentRating(rating);
  });

  it("R2.2 32 images at 2,400 is 76,800 credits (the API example)", () => {
    expect(rateBatch(predict, 5_000n, 32n).credits).toBe(76_800n);
  });

  it("R3.2 free calls do not roll over: month 1 uses 500, month 2's first 1,000 are still free", () => {
    const month1 = rateBatch(predict, 0n, 500n);
    expect(month1.credits).toBe(0n);
    // The caller starts month 2 again at count 0, not at 500 and not with 500 saved.
    const month2 = rateBatch(predict, 0n, 1_000n);
    expect(month2.credits).toBe(0n);
    expect(rateBatch(predict, 1_000n, 1n).credits).toBe(2_400n);
    // Had the 500 unused free calls rolled over, the 1,001st to 1,500th would be free; they are not.
    expect(rateBatch(predict, 0n, 1_500n).credits).toBe(500n * 2_400n);
  });

  it("R3.1 tierAt finds the tier of a count", () => {
    expect(tierAt(predict, 1n).creditsPerOp).toBe(0n);
    expect(tierAt(predict, 1_001n).creditsPerOp).toBe(2_400n);
    expect(tierAt(predict, 10n ** 12n).creditsPerOp).toBe(1_600n);
  });

  it.each([
    ["R3.1 tiers must start at 1", [{ fromCount: 2n, toCount: null, creditsPerOp: 1n }]],
    [
      "R3.1 tiers must be contiguous",
      [
        { fromCount: 1n, toCount: 10n, creditsPerOp: 0n },
        { fromCount: 12n, toCount: null, creditsPerOp: 1n },
      ],
    ],
    [
      "R3.1 only the last tier is open",
      [
        { fromCount: 1n, toCount: null, creditsPerOp: 0n },
        { fromCount: 2n, toCount: null, creditsPerOp: 1n },
      ],
    ],
    ["R3.1 the last tier must be open", [{ fromCount: 1n, toCount: 10n, creditsPerOp: 0n }]],
    ["R1.1 prices are not negative", [{ fromCount: 1n, toCount: null, creditsPerOp: -1n }]],
    ["R3.1 at least one tier", []],
  ] as const)("%s", (_rule, tiers) => {
    expect(() => rateBatch(tiers, 0n, 1n)).toThrow(TierError);
  });

  it("R3.3 reads the catalog file's tier shape", () => {
    expect(tiersFromCatalog([{ from: 1n, to: null, credits: 20_000_000n }])).toEqual(train);
  });
});

// R3.1 + R12: random contiguous price lists with up to five tiers.
const tiersArbitrary = fc
  .tuple(
    fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 4 }),
    fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 5, maxLength: 5 }),
  )
  .map(([widths, prices]) => {
    const tiers: Tier[] = [];
    let from = 1n;
    widths.forEach((width, index) => {
      const to = from + BigInt(width) - 1n;
      tiers.push({ fromCount: from, toCount: to, creditsPerOp: BigInt(prices[index] ?? 0) });
      from = to + 1n;
    });
    tiers.push({ fromCount: from, toCount: null, creditsPerOp: BigInt(prices[widths.length] ?? 0) });
    return tiers;
  });

describe("a month priced at once equals its batches priced one by one (R3.1, R12)", () => {
  it("R12 splitting a month's operations into random batches with the running count gives the same total", () => {
    fc.assert(
      fc.property(tiersArbitrary, fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 30 }), (tiers, batches) => {
        let count = 0n;
        const ratings = batches.map((size) => {
          const rating = rateBatch(tiers, count, BigInt(size));
          assertConsistentRating(rating);
          count += BigInt(size);
          return rating;
        });
        const month = rateMonth(tiers, count);
        const combined = combineRatings(ratings);
        expect(combined.credits).toBe(month.credits);
        expect(combined.operations).toBe(month.operations);
        // Every month count from 1 to the total is priced exactly once, in order.
        let expectedNext = 1n;
        for (const rated of combined.lines) {
          expect(rated.fromCount).toBe(expectedNext);
          expect(rated.creditsPerOp).toBe(tierAt(tiers, rated.fromCount).creditsPerOp);
          expect(tierAt(tiers, rated.toCount)).toBe(tierAt(tiers, rated.fromCount));
          expectedNext = rated.toCount + 1n;
        }
        expect(expectedNext - 1n).toBe(count);
      }),
      { numRuns: 3_000 },
    );
  });
});
