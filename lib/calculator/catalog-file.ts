// The checked-in catalog file (R3.3) in the calculator's shape, for tests and
// benchmarks that price without a database. The page reads the database.
import catalogJson from "@/prisma/catalog.json";
import { DEFAULT_CREDITS_PER_USD } from "@/lib/money";
import type { CalculatorCatalogData } from "./estimate";

export function calculatorCatalogFromFile(): CalculatorCatalogData {
  return {
    creditsPerUsd: DEFAULT_CREDITS_PER_USD.toString(),
    types: catalogJson.operationTypes.map((type) => ({ code: type.code, name: type.name, unit: type.unit, tiers: type.tiers })),
    plans: catalogJson.plans.map((plan) => ({
      code: plan.code,
      name: plan.name,
      rank: plan.rank,
      interval: plan.interval as "NONE" | "MONTH" | "YEAR",
      feeCents: plan.feeCents,
      includedCredits: plan.includedCredits,
      flexAllowed: plan.flexAllowed,
      payAsYouGo: plan.payAsYouGo,
    })),
    packages: catalogJson.packages.map((pkg) => ({
      code: pkg.code,
      name: pkg.name,
      operationType: pkg.operationType,
      operations: pkg.operations,
      validity: pkg.validity as "MONTH" | "YEAR",
      priceCents: pkg.priceCents,
    })),
  };
}
