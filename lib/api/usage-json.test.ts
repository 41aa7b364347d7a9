import { describe, expect, it } from "vitest";
import { creditsToUsdString, usageJson } from "./usage-json";

describe("API money strings (R1, R9.2)", () => {
  it.each([
    [76_800n, "0.0384"], // R9.2 example: 32 × 2,400 credits
    [0n, "0"],
    [2_000_000n, "1"],
    [155_419_999n, "77.7099995"],
    [1n, "0.0000005"],
  ])("%s credits → $%s", (credits, usd) => {
    expect(creditsToUsdString(credits, 2_000_000n)).toBe(usd);
  });

  it("cuts (never rounds up) when the rate does not divide evenly", () => {
    expect(creditsToUsdString(1n, 3n)).toBe("0.333333333");
    expect(creditsToUsdString(2n, 3n)).toBe("0.666666666");
  });

  it("writes credits and counts as decimal strings whose sources add up to the credits", () => {
    const json = usageJson({
      operations: 32n,
      credits: 76_800n,
      sources: { included: 50_000n, package: 0n, prepaid: 26_800n, flex: 0n },
      balance: {
        included: 1n,
        includedExpiresAt: null,
        prepaid: 2n,
        flexUsed: 3n,
        packages: [{ id: "p", operationType: "predict", remainingOperations: 10n, expiresAt: new Date("2027-01-01T00:00:00Z") }],
      },
      creditsPerUsd: 2_000_000n,
    });
    expect(json).toEqual({
      operations: 32,
      credits: "76800",
      usd: "0.0384",
      sources: { included: "50000", package: "0", prepaid: "26800", flex: "0" },
      balance: {
        included: "1",
        prepaid: "2",
        flex_used: "3",
        packages: [{ type: "predict", remaining_operations: "10", expires_at: "2027-01-01T00:00:00.000Z" }],
      },
    });
    const s = json.sources;
    expect(BigInt(s.included) + BigInt(s.package) + BigInt(s.prepaid) + BigInt(s.flex)).toBe(BigInt(json.credits));
  });
});
