import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { unstatedLines, usageLineDescription, type RollupAmounts } from "./usage-statements";

const nothing: RollupAmounts = {
  freeOperations: 0n,
  includedOperations: 0n,
  includedCredits: 0n,
  packageOperations: 0n,
  packageCredits: 0n,
  prepaidOperations: 0n,
  prepaidCredits: 0n,
  flexOperations: 0n,
  flexCredits: 0n,
};
const amounts = (overrides: Partial<RollupAmounts>): RollupAmounts => ({ ...nothing, ...overrides });
const predict = { code: "predict", name: "Predict" };

describe("hourly statement lines (R8.1)", () => {
  it("R8.1 one line per source that paid, each with its own operations and exact credits, the free tier first", () => {
    // 1,032 predict after 0 this month: 1,000 free; 32 × 2,400 = 76,800, included 50,000 completing 20, prepaid 26,800 completing 12.
    const row = amounts({
      freeOperations: 1_000n,
      includedOperations: 20n,
      includedCredits: 50_000n,
      prepaidOperations: 12n,
      prepaidCredits: 26_800n,
    });
    expect(unstatedLines(predict, row, nothing)).toEqual([
      {
        operationType: "predict",
        source: null,
        operations: 1_000n,
        credits: 0n,
        description: "Predict: 1,000 operations in the free tier, no charge",
      },
      {
        operationType: "predict",
        source: "INCLUDED",
        operations: 20n,
        credits: 50_000n,
        description: "Predict: 20 operations, 50,000 credits from included credits",
      },
      {
        operationType: "predict",
        source: "PREPAID",
        operations: 12n,
        credits: 26_800n,
        description: "Predict: 12 operations, 26,800 credits from prepaid credits",
      },
    ]);
  });

  it("R8.1 a follow-up states only what came after the last statement", () => {
    const stated = amounts({ includedOperations: 22n, includedCredits: 52_800n });
    const now = amounts({ includedOperations: 23n, includedCredits: 55_200n, flexOperations: 1n, flexCredits: 2_400n });
    expect(unstatedLines(predict, now, stated).map((line) => line.description)).toEqual([
      "Predict: 1 operation, 2,400 credits from included credits",
      "Predict: 1 operation, 2,400 credits on flex, billed at the end of the period",
    ]);
    expect(unstatedLines(predict, now, now)).toEqual([]);
  });

  it("R5.1 a package's line says it covered the operations", () => {
    expect(usageLineDescription("Search", "PACKAGE", 1_500n, 1_500_000n)).toBe(
      "Search: 1,500 operations, 1,500,000 credits covered by packages",
    );
  });

  it("refuses a row that holds less than was stated (rows only grow)", () => {
    expect(() => unstatedLines(predict, nothing, amounts({ prepaidCredits: 1n }))).toThrow(RangeError);
  });

  it("R8.1 stating in steps says the same as stating at once: the lines of all steps add up to the row (property)", () => {
    const part = fc.record({
      freeOperations: fc.bigInt({ min: 0n, max: 2_000n }),
      includedOperations: fc.bigInt({ min: 0n, max: 50n }),
      includedCredits: fc.bigInt({ min: 0n, max: 200_000n }),
      packageOperations: fc.bigInt({ min: 0n, max: 50n }),
      packageCredits: fc.bigInt({ min: 0n, max: 200_000n }),
      prepaidOperations: fc.bigInt({ min: 0n, max: 50n }),
      prepaidCredits: fc.bigInt({ min: 0n, max: 200_000n }),
      flexOperations: fc.bigInt({ min: 0n, max: 50n }),
      flexCredits: fc.bigInt({ min: 0n, max: 200_000n }),
    });
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), (additions) => {
        let row = nothing;
        let stated = nothing;
        const lines: ReturnType<typeof unstatedLines> = [];
        for (const addition of additions) {
          row = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v + addition[k as keyof RollupAmounts]])) as RollupAmounts;
          lines.push(...unstatedLines(predict, row, stated));
          stated = row;
        }
        const sum = (pick: (line: (typeof lines)[number]) => bigint) => lines.reduce((s, line) => s + pick(line), 0n);
        expect(sum((l) => l.credits)).toBe(row.includedCredits + row.packageCredits + row.prepaidCredits + row.flexCredits);
        expect(sum((l) => l.operations)).toBe(
          row.freeOperations + row.includedOperations + row.packageOperations + row.prepaidOperations + row.flexOperations,
        );
        for (const line of lines) expect(line.description).not.toMatch(/\bR\d+(\.\d+)?\b/);
      }),
      { numRuns: 300 },
    );
  });
});
