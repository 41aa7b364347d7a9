import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assertLedgerMatches,
  closeFlexPeriod,
  debit,
  emptyCreditState,
  expirePackages,
  grantPackage,
  grantPrepaid,
  planChange,
  resetIncluded,
  type CreditState,
  type LedgerEntryDraft,
} from "./ledger-model";
import { rateBatch, type Tier } from "./rating";
import type { FlexStatus } from "./sources";
import { utc } from "./test-plans";

const prices: Record<string, Tier[]> = {
  predict: [
    { fromCount: 1n, toCount: 1_000n, creditsPerOp: 0n },
    { fromCount: 1_001n, toCount: 100_000n, creditsPerOp: 2_400n },
    { fromCount: 100_001n, toCount: null, creditsPerOp: 2_000n },
  ],
  search: [
    { fromCount: 1n, toCount: 1_000n, creditsPerOp: 0n },
    { fromCount: 1_001n, toCount: null, creditsPerOp: 1_000n },
  ],
  train: [{ fromCount: 1n, toCount: null, creditsPerOp: 20_000_000n }],
};
const noFlex = { status: "not_allowed" as const, remainingCap: null };
const flexOn = { status: "available" as const, remainingCap: null };
const nov = (dayOfMonth: number) => utc(`2026-11-${String(dayOfMonth).padStart(2, "0")}`);

describe("ledger model movements (R4, R5, R6)", () => {
  it("R5.1 a debit writes one usage row per source, adding up to its credits", () => {
    let state = resetIncluded(emptyCreditState(), 10_000n, nov(30)).state;
    state = grantPrepaid(state, 100_000n).state;
    state = grantPackage(state, { id: "p1", operationType: "predict", remainingOperations: 2n, expiresAt: nov(20) }).state;
    const step = debit(state, { rating: rateBatch(prices.predict!, 5_000n, 10n), operationType: "predict", at: nov(10), flex: noFlex });
    expect(step.entries).toEqual<LedgerEntryDraft[]>([
      { source: "INCLUDED", amount: -10_000n, reason: "USAGE" },
      { source: "PACKAGE", amount: -4_800n, operations: -2n, purchaseId: "p1", reason: "USAGE" },
      { source: "PREPAID", amount: -9_200n, reason: "USAGE" },
    ]);
  });

  it("R5.4 a refused debit writes nothing and changes nothing", () => {
    const state = grantPrepaid(emptyCreditState(), 1_000n).state;
    const step = debit(state, { rating: rateBatch(prices.predict!, 5_000n, 1n), operationType: "predict", at: nov(10), flex: noFlex });
    expect(step.result).toEqual({ ok: false, reason: "insufficient_credits", shortfall: 1_400n });
    expect(step.entries).toEqual([]);
    expect(step.state).toBe(state);
  });

  it("R4.2 a new period forfeits what is left of included and grants the new amount", () => {
    const state = resetIncluded(emptyCreditState(), 70_000_000n, nov(14)).state;
    expect(resetIncluded({ ...state, included: { balance: 1_234n, expiresAt: nov(14) } }, 70_000_000n, utc("2026-12-14")).entries).toEqual([
      { source: "INCLUDED", amount: -1_234n, reason: "FORFEIT" },
      { source: "INCLUDED", amount: 70_000_000n, reason: "GRANT" },
    ]);
  });

  it("R5.1 included that has expired pays nothing, even before the reset runs", () => {
    const state = grantPrepaid(resetIncluded(emptyCreditState(), 10_000n, nov(10)).state, 10_000n).state;
    const step = debit(state, { rating: rateBatch(prices.predict!, 5_000n, 1n), operationType: "predict", at: nov(10), flex: noFlex });
    expect(step.entries).toEqual([{ source: "PREPAID", amount: -2_400n, reason: "USAGE" }]);
  });

  it("R6.1 expiry writes off the unused operations of a package, no refund", () => {
    const state = grantPackage(emptyCreditState(), {
      id: "p1",
      operationType: "predict",
      remainingOperations: 40n,
      expiresAt: nov(20),
    }).state;
    expect(expirePackages(state, nov(19)).entries).toEqual([]);
    const step = expirePackages(state, nov(20));
    expect(step.entries).toEqual([{ source: "PACKAGE", amount: 0n, operations: -40n, purchaseId: "p1", reason: "EXPIRY" }]);
    expect(step.state.packages).toEqual([]);
  });

  it("R4.6 cancellation: flex of the final period invoiced, included forfeited, prepaid kept", () => {
    let state = grantPrepaid(resetIncluded(emptyCreditState(), 5_000n, nov(30)).state, 50_000n).state;
    state = debit(state, { rating: rateBatch(prices.predict!, 5_000n, 30n), operationType: "predict", at: nov(10), flex: flexOn }).state;
    const step = planChange(state, { includedCredits: 5_000_000n, includedExpiresAt: utc("2026-12-30") });
    expect(step.flexCredits).toBe(72_000n - 5_000n - 50_000n);
    expect(step.entries).toEqual([
      { source: "FLEX", amount: -17_000n, reason: "SETTLEMENT" },
      { source: "INCLUDED", amount: 5_000_000n, reason: "GRANT" },
    ]);
    expect(step.state.prepaid).toBe(0n);
    expect(closeFlexPeriod(step.state).entries).toEqual([]);
  });
});

// ---------------------------------------------------------------- property

type Action =
  | { kind: "advance"; hours: number }
  | { kind: "prepaid"; credits: bigint }
  | { kind: "package"; type: string; operations: bigint; days: number }
  | { kind: "debit"; type: string; countBefore: bigint; operations: bigint; flex: FlexStatus; cap: bigint | null }
  | { kind: "reset"; credits: bigint; days: number }
  | { kind: "expire" }
  | { kind: "plan"; credits: bigint; days: number }
  | { kind: "flexClose" };

const typeArbitrary = fc.constantFrom("predict", "search", "train");
const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant("advance" as const), hours: fc.integer({ min: 1, max: 24 * 20 }) }),
  fc.record({ kind: fc.constant("prepaid" as const), credits: fc.bigInt({ min: 1n, max: 50_000_000n }) }),
  fc.record({
    kind: fc.constant("package" as const),
    type: typeArbitrary,
    operations: fc.bigInt({ min: 1n, max: 60n }),
    days: fc.integer({ min: 1, max: 40 }),
  }),
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("debit" as const),
      type: typeArbitrary,
      countBefore: fc.bigInt({ min: 0n, max: 3_000n }),
      operations: fc.bigInt({ min: 1n, max: 80n }),
      flex: fc.constantFrom<FlexStatus>("available", "not_allowed", "disabled", "arrears", "cap_reached"),
      cap: fc.option(fc.bigInt({ min: 0n, max: 40_000_000n }), { nil: null }),
    }),
  },
  fc.record({
    kind: fc.constant("reset" as const),
    credits: fc.bigInt({ min: 0n, max: 60_000_000n }),
    days: fc.integer({ min: 1, max: 31 }),
  }),
  fc.record({ kind: fc.constant("expire" as const) }),
  fc.record({
    kind: fc.constant("plan" as const),
    credits: fc.bigInt({ min: 0n, max: 60_000_000n }),
    days: fc.integer({ min: 1, max: 366 }),
  }),
  fc.record({ kind: fc.constant("flexClose" as const) }),
);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("ledger invariants over random histories (R5, R6, property)", () => {
  it("entries add up to the balances, no source goes negative, each debit's sources add up to its credits", () => {
    fc.assert(
      fc.property(fc.array(actionArbitrary, { maxLength: 60 }), (actions) => {
        let now = utc("2026-11-01").getTime();
        let state: CreditState = emptyCreditState();
        const ledger: LedgerEntryDraft[] = [];
        let nextPackage = 1;
        for (const action of actions) {
          const at = new Date(now);
          let entries: LedgerEntryDraft[] = [];
          switch (action.kind) {
            case "advance":
              now += action.hours * HOUR;
              break;
            case "prepaid":
              ({ state, entries } = grantPrepaid(state, action.credits));
              break;
            case "package": {
              const pkg = {
                id: `p${nextPackage++}`,
                operationType: action.type,
                remainingOperations: action.operations,
                expiresAt: new Date(now + action.days * DAY),
              };
              ({ state, entries } = grantPackage(state, pkg));
              break;
            }
            case "debit": {
              const rating = rateBatch(prices[action.type]!, action.countBefore, action.operations);
              const before = state;
              const step = debit(state, {
                rating,
                operationType: action.type,
                at,
                flex: { status: action.flex, remainingCap: action.cap },
              });
              if (step.result.ok) {
                // The sources of the debit add up to its credits; flex counts up, the others down.
                const paid = step.entries.reduce((sum, entry) => sum + (entry.source === "FLEX" ? entry.amount : -entry.amount), 0n);
                expect(paid).toBe(rating.credits);
                for (const entry of step.entries) expect(entry.reason).toBe("USAGE");
                // Expired sources were not touched.
                if (before.included.expiresAt && before.included.expiresAt <= at)
                  expect(step.entries.some((entry) => entry.source === "INCLUDED")).toBe(false);
                for (const entry of step.entries.filter((e) => e.source === "PACKAGE")) {
                  const pkg = before.packages.find((held) => held.id === entry.purchaseId);
                  expect(pkg?.operationType).toBe(action.type);
                  expect(pkg && pkg.expiresAt > at).toBe(true);
                }
              } else {
                expect(step.entries).toEqual([]);
                expect(step.state).toBe(before);
              }
              ({ state, entries } = step);
              break;
            }
            case "reset":
              ({ state, entries } = resetIncluded(state, action.credits, new Date(now + action.days * DAY)));
              break;
            case "expire":
              ({ state, entries } = expirePackages(state, at));
              for (const pkg of state.packages) expect(pkg.expiresAt > at).toBe(true);
              break;
            case "plan":
              ({ state, entries } = planChange(state, {
                includedCredits: action.credits,
                includedExpiresAt: new Date(now + action.days * DAY),
              }));
              expect(state.flexUsed).toBe(0n);
              break;
            case "flexClose":
              ({ state, entries } = closeFlexPeriod(state));
              break;
          }
          ledger.push(...entries);
          assertLedgerMatches(state, ledger);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
