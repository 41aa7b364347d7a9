import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseCatalog } from "./schema";

const file = JSON.parse(fs.readFileSync(path.join(process.cwd(), "prisma/catalog.json"), "utf8"));

describe("the default catalog (R3.4)", () => {
  const catalog = parseCatalog(file);
  const type = (code: string) => catalog.operationTypes.find((t) => t.code === code)!;
  const plan = (code: string) => catalog.plans.find((p) => p.code === code)!;

  it("prices predict in four tiers: 1,000 free, 2,400, 2,000, then 1,600 (R3.1)", () => {
    expect(type("predict").tiers.map((t) => [t.from, t.to, t.credits])).toEqual([
      [1n, 1000n, 0n],
      [1001n, 100000n, 2400n],
      [100001n, 1000000n, 2000n],
      [1000001n, null, 1600n],
    ]);
  });

  it("prices upload and search with a free tier and two paid tiers, train per run (R3.4)", () => {
    expect(type("upload").tiers.map((t) => t.credits)).toEqual([0n, 400n, 300n]);
    expect(type("search").tiers.map((t) => t.credits)).toEqual([0n, 1000n, 800n]);
    expect(type("train").tiers).toEqual([{ from: 1n, to: null, credits: 20_000_000n }]);
  });

  it.each([
    ["free", 0, 5_000_000n, false, "MONTH"],
    ["starter_monthly", 3000, 70_000_000n, true, "MONTH"],
    ["growth_monthly", 30000, 750_000_000n, true, "MONTH"],
    ["starter_annual", 30000, 840_000_000n, true, "YEAR"],
    ["growth_annual", 300000, 9_000_000_000n, true, "YEAR"],
    ["payg", 0, 0n, true, "NONE"],
  ] as const)("plan %s: fee %i cents, %s included, flex %s, %s (R3.4)", (code, fee, included, flex, interval) => {
    expect(plan(code)).toMatchObject({ feeCents: fee, includedCredits: included, flexAllowed: flex, interval });
  });

  it("limits every plan to 15 req/s and pay as you go also to 18,000 req/h (R9.3)", () => {
    for (const p of catalog.plans) expect(p.rateLimits.SECOND).toBe(15);
    expect(plan("payg").rateLimits.HOUR).toBe(18000);
    expect(plan("growth_monthly").rateLimits.HOUR).toBeUndefined();
  });

  it("sells the three packages of R3.4", () => {
    expect(catalog.packages.map((p) => [p.operationType, p.operations, p.validity, p.priceCents])).toEqual([
      ["predict", 100_000n, "MONTH", 10000],
      ["predict", 1_000_000n, "YEAR", 90000],
      ["search", 100_000n, "MONTH", 4000],
    ]);
  });
});

describe("catalog checks", () => {
  it("refuses tiers with a gap", () => {
    const broken = structuredClone(file);
    broken.operationTypes[0].tiers[1].from = "1002";
    expect(() => parseCatalog(broken)).toThrow(/tier must start at 1001/);
  });

  it("refuses a package of an unknown operation type", () => {
    const broken = structuredClone(file);
    broken.packages[0].operationType = "teleport";
    expect(() => parseCatalog(broken)).toThrow(/unknown operation type teleport/);
  });

  it("refuses fractional credits", () => {
    const broken = structuredClone(file);
    broken.plans[0].includedCredits = "5000000.5";
    expect(() => parseCatalog(broken)).toThrow(/whole number/);
  });
});
