import { describe, expect, it } from "vitest";
import { creditsToCents, formatCents, formatCount, formatCredits, formatCreditsWithUsd } from "./money";

describe("creditsToCents", () => {
  it.each([
    // R1.1 2,000,000 credits = $1
    { credits: 2_000_000n, cents: 100n, rule: "R1.1 2,000,000 credits = $1" },
    { credits: 35_200_000n, cents: 1_760n, rule: "R1.3 35.2M credits = $17.60" },
    // R1.2 round down: the customer never pays for a fraction of a cent
    { credits: 155_419_999n, cents: 7_770n, rule: "R1.2 155,419,999 credits → 7,770 cents (not 7,771)" },
    { credits: 155_420_000n, cents: 7_771n, rule: "R1.2 exactly 7,771 cents" },
    { credits: 19_999n, cents: 0n, rule: "R1.2 just under one cent is zero" },
    { credits: 20_000n, cents: 1n, rule: "R1.2 one cent" },
    { credits: 1n, cents: 0n, rule: "R1.2 a single credit is worth nothing billable" },
    { credits: 0n, cents: 0n, rule: "R1.2 zero" },
    { credits: -155_419_999n, cents: -7_770n, rule: "R1.2 a debit's magnitude rounds down too" },
    { credits: 9_000_000_000n, cents: 450_000n, rule: "R3.4 Growth annual 9B credits = $4,500" },
    {
      credits: 123_456_789_012_345_678_901n,
      cents: 6_172_839_450_617_283n,
      rule: "R1.1 BigInt only: exact beyond 2^53",
    },
  ])("$rule", ({ credits, cents }) => {
    expect(creditsToCents(credits)).toBe(cents);
  });

  it.each([
    { credits: 1_500_000n, rate: 1_000_000n, cents: 150n, rule: "R1.1 rate configurable per deployment" },
    { credits: 999_999n, rate: 1_000_000n, cents: 99n, rule: "R1.2 round down at another rate" },
  ])("$rule", ({ credits, rate, cents }) => {
    expect(creditsToCents(credits, rate)).toBe(cents);
  });

  it("refuses a zero or negative rate", () => {
    expect(() => creditsToCents(1n, 0n)).toThrow(RangeError);
    expect(() => creditsToCents(1n, -1n)).toThrow(RangeError);
  });
});

describe("formatCents", () => {
  it.each([
    { cents: 1_760n, text: "$17.60" },
    { cents: 1_760, text: "$17.60" },
    { cents: 0n, text: "$0.00" },
    { cents: 5n, text: "$0.05" },
    { cents: 100_000n, text: "$1,000.00" },
    { cents: 300_000, text: "$3,000.00" },
    { cents: -250n, text: "-$2.50" },
    { cents: 1_234_567_890_123_456_789n, text: "$12,345,678,901,234,567.89" },
  ])("$cents → $text", ({ cents, text }) => {
    expect(formatCents(cents)).toBe(text);
  });

  it("uses the locale's number formatting (R1.3)", () => {
    expect(formatCents(176_000n, "de-DE")).toMatch(/^1\.760,00\s\$$/);
  });

  it("refuses fractional cents: money is never a float (R1.1)", () => {
    expect(() => formatCents(17.6)).toThrow(RangeError);
  });
});

describe("formatCredits", () => {
  it.each([
    { credits: 0n, text: "0 credits" },
    { credits: 1n, text: "1 credit" },
    { credits: 9_999n, text: "9,999 credits" },
    { credits: 10_000n, text: "10K credits" },
    { credits: 35_200_000n, text: "35.2M credits" },
    // Truncated, not rounded up: a balance is never shown larger than it is.
    { credits: 35_299_999n, text: "35.2M credits" },
    { credits: 999_999_999n, text: "999.9M credits" },
    { credits: 9_000_000_000n, text: "9B credits" },
    { credits: -2_400n, text: "-2,400 credits" },
  ])("$credits → $text", ({ credits, text }) => {
    expect(formatCredits(credits)).toBe(text);
  });
});

describe("formatCreditsWithUsd", () => {
  it.each([
    { credits: 35_200_000n, text: "35.2M credits ≈ $17.60", rule: "R1.3 the example of the spec" },
    { credits: 0n, text: "0 credits ≈ $0.00", rule: "R1.3 empty balance" },
    { credits: 155_419_999n, text: "155.4M credits ≈ $77.70", rule: "R1.2 USD rounded down" },
    { credits: 5_000_000n, text: "5M credits ≈ $2.50", rule: "R3.4 Free plan allowance" },
  ])("$rule", ({ credits, text }) => {
    expect(formatCreditsWithUsd(credits)).toBe(text);
  });

  it("takes the deployment's rate", () => {
    expect(formatCreditsWithUsd(1_000_000n, "en-US", 1_000_000n)).toBe("1M credits ≈ $1.00");
  });
});

describe("formatCount", () => {
  it("groups digits exactly", () => {
    expect(formatCount(1_000_000n)).toBe("1,000,000");
    expect(formatCount(32)).toBe("32");
  });
});
