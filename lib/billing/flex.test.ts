import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { creditsToCents } from "@/lib/money";
import {
  autoTopUpWithinCap,
  flexChargeCents,
  flexFunding,
  spendCapReached,
  spendCapRemainingCredits,
  sumFlexCredits,
  type FlexFacts,
} from "./flex";

describe("flex is added up over the period, then rounded down once (R5.3, R1.2)", () => {
  it.each([
    ["R5.3 155,419,999 credits → $77.70", 155_419_999n, 2_000_000n, 7_770n],
    ["R1.2 19,999 credits is less than a cent → 0", 19_999n, 2_000_000n, 0n],
    ["R1.2 20,000 credits is exactly one cent", 20_000n, 2_000_000n, 1n],
    ["R1.1 another deployment's exchange rate (1,000,000 per USD)", 155_419_999n, 1_000_000n, 15_541n],
    ["R5.3 no flex used, nothing billed", 0n, 2_000_000n, 0n],
  ] as const)("%s", (_rule, credits, creditsPerUsd, cents) => {
    expect(flexChargeCents(credits, creditsPerUsd)).toBe(cents);
  });

  it("R5.3 rounding once differs from rounding each debit: 3 debits of 30,000 credits", () => {
    const debits = [30_000n, 30_000n, 30_000n];
    const perDebit = debits.reduce((sum, credits) => sum + creditsToCents(credits), 0n);
    const once = flexChargeCents(sumFlexCredits(debits));
    expect(perDebit).toBe(3n); // 1.5 ¢ → 1 ¢, three times
    expect(once).toBe(4n); // 4.5 ¢ → 4 ¢
  });

  it("R5.3 the sum of per-debit roundings never exceeds the rounding of the sum, and differs by less than one cent per debit", () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10_000_000_000n }), { maxLength: 50 }), (debits) => {
        const perDebit = debits.reduce((sum, credits) => sum + flexChargeCents(credits), 0n);
        const once = flexChargeCents(sumFlexCredits(debits));
        expect(perDebit).toBeLessThanOrEqual(once);
        expect(once - perDebit).toBeLessThanOrEqual(BigInt(Math.max(debits.length - 1, 0)));
      }),
      { numRuns: 2_000 },
    );
  });

  it("R1.1 refuses negative flex", () => {
    expect(() => flexChargeCents(-1n)).toThrow(RangeError);
    expect(() => sumFlexCredits([1n, -1n])).toThrow(RangeError);
  });
});

function facts(overrides: Partial<FlexFacts> = {}): FlexFacts {
  return {
    planFlexAllowed: true,
    payAsYouGo: false,
    hasCard: true,
    flexEnabled: true,
    billingState: "GOOD",
    spendCapCents: null,
    flexUsedThisPeriod: 0n,
    autoTopUpCentsThisPeriod: 0,
    ...overrides,
  };
}

describe("whether flex may pay (R5.3, R5.5, R8.3, R14.2)", () => {
  it.each([
    ["R5.3 a paid plan with flex on", facts(), { status: "available", remainingCap: null }],
    ["R4.1 Free has no flex", facts({ planFlexAllowed: false }), { status: "not_allowed", remainingCap: null }],
    ["R4.4 pay as you go without a card", facts({ payAsYouGo: true, hasCard: false }), { status: "not_allowed", remainingCap: null }],
    ["R4.4 pay as you go with a card", facts({ payAsYouGo: true }), { status: "available", remainingCap: null }],
    ["R5.5 flex switched off", facts({ flexEnabled: false }), { status: "disabled", remainingCap: null }],
    ["R8.3 grace period", facts({ billingState: "GRACE" }), { status: "arrears", remainingCap: null }],
    ["R8.4 retention", facts({ billingState: "RETENTION" }), { status: "arrears", remainingCap: null }],
    // R14.2 $50 cap = 100,000,000 credits; 30,000,000 of flex and a $10 auto top-up (20,000,000) used
    [
      "R14.2 under the cap",
      facts({ spendCapCents: 5_000, flexUsedThisPeriod: 30_000_000n, autoTopUpCentsThisPeriod: 1_000 }),
      { status: "available", remainingCap: 50_000_000n },
    ],
    [
      "R14.2 cap reached exactly",
      facts({ spendCapCents: 5_000, flexUsedThisPeriod: 80_000_000n, autoTopUpCentsThisPeriod: 1_000 }),
      { status: "cap_reached", remainingCap: 0n },
    ],
    [
      "R14.2 auto top-ups alone passed the cap",
      facts({ spendCapCents: 1_000, autoTopUpCentsThisPeriod: 2_000 }),
      { status: "cap_reached", remainingCap: 0n },
    ],
    ["R14.2 a zero cap allows no flex", facts({ spendCapCents: 0 }), { status: "cap_reached", remainingCap: 0n }],
  ] as const)("%s", (_rule, input, expected) => {
    expect(flexFunding(input)).toEqual(expected);
  });

  it("R14.2 an exchange rate that is not a whole number of credits per cent still compares exactly", () => {
    // 150 credits per USD = 1.5 per cent; cap 1 ¢ = 1.5 credits; 1 credit used → 0.5 left → 0 whole credits.
    expect(spendCapRemainingCredits({ spendCapCents: 1, flexUsedThisPeriod: 1n, autoTopUpCentsThisPeriod: 0, creditsPerUsd: 150n })).toBe(
      0n,
    );
    expect(spendCapRemainingCredits({ spendCapCents: 2, flexUsedThisPeriod: 1n, autoTopUpCentsThisPeriod: 0, creditsPerUsd: 150n })).toBe(
      2n,
    );
  });

  it("R14.2 auto top-up stops at the cap: a top-up is charged only if it fits in what the cap has left", () => {
    // Cap $50 at 2,000,000 credits per USD; $30 of flex used (60,000,000 credits), $10 of auto top-ups.
    const spent = { spendCapCents: 5_000, flexUsedThisPeriod: 60_000_000n, autoTopUpCentsThisPeriod: 1_000, creditsPerUsd: 2_000_000n };
    expect(autoTopUpWithinCap(spent, 1_000)).toBe(true);
    expect(autoTopUpWithinCap(spent, 1_001)).toBe(false);
    expect(autoTopUpWithinCap({ ...spent, spendCapCents: null }, 1_000_000)).toBe(true);
    expect(autoTopUpWithinCap({ ...spent, autoTopUpCentsThisPeriod: 2_000 }, 1)).toBe(false);
  });

  it("R14.2 the cap is reached when not one more credit of flex fits", () => {
    const base = { spendCapCents: 5_000, autoTopUpCentsThisPeriod: 0, creditsPerUsd: 2_000_000n };
    expect(spendCapReached({ ...base, flexUsedThisPeriod: 99_999_999n })).toBe(false);
    expect(spendCapReached({ ...base, flexUsedThisPeriod: 100_000_000n })).toBe(true);
    expect(spendCapReached({ ...base, flexUsedThisPeriod: 0n, autoTopUpCentsThisPeriod: 5_000 })).toBe(true);
    expect(spendCapReached({ ...base, spendCapCents: null, flexUsedThisPeriod: 10n ** 15n })).toBe(false);
  });
});
