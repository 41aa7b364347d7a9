// The presets priced by hand (R3.4's default catalog, R12). Each figure is
// worked out below from the tiers and plans, in dollars, and the calculator
// must agree to the cent.
import { describe, expect, it } from "vitest";
import { calculatorCatalogFromFile } from "./catalog-file";
import { compareAll, monthlyCents, parseCalculatorCatalog, type Comparison } from "./estimate";
import { PRESETS, parseInputs } from "./inputs";

const catalog = parseCalculatorCatalog(calculatorCatalogFromFile());
const dollars = (amount: number) => BigInt(Math.round(amount * 100));

function compare(presetId: string): Comparison {
  const preset = PRESETS.find((candidate) => candidate.id === presetId)!;
  return compareAll(catalog, parseInputs(preset.inputs).volumes!);
}
const withoutPackages = (comparison: Comparison, code: string) =>
  monthlyCents(comparison.plans.find((entry) => entry.plan.code === code)!.without);

describe("presets, totals worked out by hand", () => {
  it("Prototype: 2,000 uploads, 5,000 predictions, 2,000 searches", () => {
    // Credits: uploads 1,000 × 400 = 0.4M; predictions 4,000 × 2,400 = 9.6M; searches 1,000 × 1,000 = 1M → 11M = $5.50.
    const c = compare("prototype");
    expect(c.monthCredits).toBe(11_000_000n);
    expect(withoutPackages(c, "payg")).toBe(dollars(5.5));
    expect(withoutPackages(c, "starter_monthly")).toBe(dollars(30)); // 70M included cover it
    expect(withoutPackages(c, "starter_annual")).toBe(dollars(25)); // $300 / 12
    expect(withoutPackages(c, "growth_monthly")).toBe(dollars(300));
    expect(withoutPackages(c, "growth_annual")).toBe(dollars(250));
    // Free's 5M included credits do not cover 11M: it refuses calls, so it is not recommended.
    expect(c.plans.find((entry) => entry.plan.code === "free")!.without.refused.size).toBeGreaterThan(0);
    expect(c.recommended?.plan.plan.code).toBe("payg");
    expect(monthlyCents(c.recommended!.option)).toBe(dollars(5.5));
  });

  it("Production app: 50k uploads, 250k predictions + 1,000 video minutes, 150k searches, 2 training runs", () => {
    // uploads 49,000 × 400 = 19.6M; predictions 310,000: 99,000 × 2,400 = 237.6M + 210,000 × 2,000 = 420M;
    // searches 99,000 × 1,000 = 99M + 50,000 × 800 = 40M; training 2 × 20M = 40M → 856.2M credits = $428.10.
    const c = compare("production");
    expect(c.monthCredits).toBe(856_200_000n);
    expect(withoutPackages(c, "payg")).toBe(dollars(428.1));
    expect(withoutPackages(c, "starter_monthly")).toBe(dollars(30 + 393.1)); // flex 786.2M
    expect(withoutPackages(c, "growth_monthly")).toBe(dollars(300 + 53.1)); // flex 106.2M
    // Starter annual: 840M for the year; month 1 flex 16.2M = $8.10, months 2–12 all flex: 11 × $428.10. ($300 + $8.10 + $4,709.10) / 12.
    expect(withoutPackages(c, "starter_annual")).toBe(dollars(418.1));
    // Growth annual: 9,000M cover 10 months (8,562M); month 11 flex 418.2M = $209.10; month 12 $428.10. ($3,000 + $637.20) / 12.
    expect(withoutPackages(c, "growth_annual")).toBe(dollars(303.1));
    expect(c.recommended?.plan.plan.code).toBe("growth_annual");
    expect(monthlyCents(c.recommended!.option)).toBe(dollars(303.1));
    expect(c.plans.find((entry) => entry.plan.code === "growth_annual")!.annualSaving?.centsPerMonth).toBe(dollars(50));
  });

  it("Video pipeline: 5k uploads, 20k predictions + 30k video minutes at 1 fps, 10k searches, 1 training run", () => {
    // uploads 4,000 × 400 = 1.6M; predictions 1,820,000: 237.6M + 900,000 × 2,000 = 1,800M + 820,000 × 1,600 = 1,312M;
    // searches 9,000 × 1,000 = 9M; training 20M → 3,380.2M credits = $1,690.10.
    const c = compare("video");
    expect(c.monthCredits).toBe(3_380_200_000n);
    expect(withoutPackages(c, "payg")).toBe(dollars(1690.1));
    expect(withoutPackages(c, "starter_monthly")).toBe(dollars(30 + 1655.1));
    expect(withoutPackages(c, "growth_monthly")).toBe(dollars(300 + 1315.1));
    // Starter annual: month 1 flex 2,540.2M = $1,270.10; 11 months × $1,690.10. ($300 + $1,270.10 + $18,591.10) / 12.
    expect(withoutPackages(c, "starter_annual")).toBe(dollars(1680.1));
    // Growth annual: 2 months included (6,760.4M), month 3 flex 1,140.6M = $570.30, 9 × $1,690.10. ($3,000 + $570.30 + $15,210.90) / 12.
    expect(withoutPackages(c, "growth_annual")).toBe(dollars(1565.1));
    // Yearly predict packages lower Growth annual further; whatever the mix, it stays the cheapest.
    expect(c.recommended?.plan.plan.code).toBe("growth_annual");
    expect(monthlyCents(c.recommended!.option)).toBeLessThan(dollars(1565.1));
  });
});
