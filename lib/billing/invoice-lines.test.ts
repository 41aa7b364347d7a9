import { describe, expect, it } from "vitest";
import {
  discountLine,
  flexLine,
  formatPeriod,
  invoiceTotals,
  packageLine,
  planFeeLine,
  prorationLine,
  ratedLineDescription,
  topUpCredits,
  topUpLine,
  type InvoiceLineDraft,
} from "./invoice-lines";
import { proratedFeeCents } from "./plan-terms";
import { utc } from "./test-plans";

describe("invoice lines say in plain words what is charged; the rule stays in `rule` (R8.2)", () => {
  it.each<[string, InvoiceLineDraft, Partial<InvoiceLineDraft>]>([
    [
      "R5.3 flex, added up and rounded down once",
      flexLine(155_419_999n),
      {
        description: "Flex: 155,419,999 credits used in the period → $77.70, rounded down to the cent",
        source: "FLEX",
        rule: "R5.3",
        credits: 155_419_999n,
        amountCents: 7_770n,
      },
    ],
    [
      "R4.2 a monthly fee in arrears",
      planFeeLine({
        planName: "Growth",
        periodStart: utc("2026-11-14"),
        periodEnd: utc("2026-12-14"),
        feeCents: 30_000,
        timing: "arrears",
      }),
      {
        description: "Growth plan, Nov 14 – Dec 14, 2026 · billed at the end of the period",
        source: null,
        rule: "R4.2",
        amountCents: 30_000n,
      },
    ],
    [
      "R4.3 an annual fee upfront, across a year end",
      planFeeLine({
        planName: "Starter annual",
        periodStart: utc("2026-11-14"),
        periodEnd: utc("2027-11-14"),
        feeCents: 30_000n,
        timing: "upfront",
      }),
      { description: "Starter annual plan, Nov 14, 2026 – Nov 14, 2027 · paid in advance", rule: "R4.3", amountCents: 30_000n },
    ],
    [
      "R4.5 a proration line",
      prorationLine({
        planName: "Starter",
        periodStart: utc("2026-11-14"),
        periodEnd: utc("2026-12-14"),
        closedAt: utc("2026-11-24"),
        feeCents: 3_000,
        amountCents: proratedFeeCents(3_000, utc("2026-11-14"), utc("2026-12-14"), utc("2026-11-24")),
      }),
      {
        description:
          "Starter plan, Nov 14 – Nov 24, 2026 · upgraded: the part used of $30.00 for Nov 14 – Dec 14, 2026, rounded down to the cent",
        rule: "R4.5",
        amountCents: 1_000n,
      },
    ],
    [
      "R6.1 a package, paid upfront",
      packageLine({
        packageName: "100,000 predict · 1 month",
        startsAt: utc("2027-01-31"),
        expiresAt: utc("2027-02-28"),
        priceCents: 10_000,
      }),
      {
        description: "Package 100,000 predict · 1 month, Jan 31 – Feb 28, 2027 · paid in advance, no refunds",
        source: "PACKAGE",
        rule: "R6.1",
        amountCents: 10_000n,
      },
    ],
    [
      "R6.3 a package auto-renewal",
      packageLine({
        packageName: "1,000,000 predict · 1 year",
        startsAt: utc("2027-01-01"),
        expiresAt: utc("2028-01-01"),
        priceCents: 90_000,
        renewal: true,
      }),
      {
        description: "Package renewal 1,000,000 predict · 1 year, Jan 1, 2027 – Jan 1, 2028 · paid in advance, no refunds",
        rule: "R6.3",
        amountCents: 90_000n,
      },
    ],
    [
      "R7.1 a top-up receipt",
      topUpLine(1_000, topUpCredits(1_000)),
      {
        description: "Prepaid top-up: 20,000,000 credits for $10.00 · never expire, non-refundable",
        source: "PREPAID",
        rule: "R7.1",
        credits: 20_000_000n,
        amountCents: 1_000n,
      },
    ],
    [
      "R7.2 an auto top-up receipt",
      topUpLine(2_500n, 50_000_000n, "auto"),
      {
        description: "Auto top-up: 50,000,000 credits for $25.00 · never expire, non-refundable",
        rule: "R7.2",
        amountCents: 2_500n,
      },
    ],
    [
      "R11 a support discount is a negative line",
      discountLine("goodwill for the outage", 500),
      { description: "Discount: goodwill for the outage", rule: "R11", amountCents: -500n },
    ],
  ])("%s", (_rule, line, expected) => {
    expect(line).toMatchObject(expected);
    expect(typeof line.amountCents).toBe("bigint");
    // Customers read the description: no rule number in it.
    expect(line.description).not.toMatch(/\bR\d+(\.\d+)?\b/);
  });

  it("R3.1 one tier's share of a batch in words", () => {
    expect(
      ratedLineDescription("Predict", { fromCount: 1_001n, toCount: 1_022n, operations: 22n, creditsPerOp: 2_400n, credits: 52_800n }),
    ).toBe("Predict 1,001–1,022: 22 × 2,400 credits = 52,800 credits");
  });

  it("R1.1 amounts beyond 2^53 are formatted exactly", () => {
    expect(flexLine(9_007_199_254_740_993n).description).toBe(
      "Flex: 9,007,199,254,740,993 credits used in the period → $4,503,599,627.37, rounded down to the cent",
    );
  });

  it.each([
    ["R1.1 the default rate: 20,000 credits a cent", 500, 2_000_000n, 10_000_000n],
    ["R1.2 a rate that does not divide: the fraction goes to the customer", 1, 150n, 2n],
  ] as const)("%s", (_rule, cents, rate, credits) => {
    expect(topUpCredits(cents, rate)).toBe(credits);
  });

  it("R11 a discount never takes the total below zero", () => {
    const fee = planFeeLine({
      planName: "Starter",
      periodStart: utc("2026-11-14"),
      periodEnd: utc("2026-12-14"),
      feeCents: 3_000,
      timing: "arrears",
    });
    expect(invoiceTotals([fee, discountLine("first month", 500)])).toEqual({
      subtotalCents: 3_000n,
      discountCents: 500n,
      totalCents: 2_500n,
    });
    expect(invoiceTotals([fee, discountLine("all of it and more", 5_000)])).toEqual({
      subtotalCents: 3_000n,
      discountCents: 3_000n,
      totalCents: 0n,
    });
  });

  it("R1.2 cents are whole numbers", () => {
    expect(() =>
      planFeeLine({ planName: "Starter", periodStart: utc("2026-11-14"), periodEnd: utc("2026-12-14"), feeCents: 30.5, timing: "arrears" }),
    ).toThrow(RangeError);
  });

  it("periods are written in UTC", () => {
    expect(formatPeriod(utc("2026-11-30T23:30:00Z"), utc("2026-12-31T23:30:00Z"))).toBe("Nov 30 – Dec 31, 2026");
  });
});
