import "server-only";

// Reads of the catalog (R3.3): plans, operation types with their price tiers,
// packages. The same rows drive the engine, the dashboard and /pricing.
import type { Tx } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { CalculatorCatalogData } from "@/lib/calculator/estimate";

type Reader = PrismaClient | Tx;

export async function listCatalogPlans(db: Reader) {
  return db.plan.findMany({
    where: { active: true },
    orderBy: { rank: "asc" },
    select: {
      id: true,
      code: true,
      name: true,
      description: true,
      rank: true,
      interval: true,
      feeCents: true,
      includedCredits: true,
      flexAllowed: true,
      requiresCard: true,
      payAsYouGo: true,
      rateLimits: { select: { window: true, limit: true }, orderBy: { window: "asc" } },
    },
  });
}

export type CatalogPlan = Awaited<ReturnType<typeof listCatalogPlans>>[number];

/** Operation types in display order, each with its tiers from the first call of the month. */
export async function listOperationTypesWithTiers(db: Reader) {
  return db.operationType.findMany({
    orderBy: [{ sortOrder: "asc" }, { code: "asc" }],
    select: {
      id: true,
      code: true,
      name: true,
      unit: true,
      tiers: {
        orderBy: { fromCount: "asc" },
        select: { fromCount: true, toCount: true, creditsPerOp: true },
      },
    },
  });
}

export type CatalogOperationType = Awaited<ReturnType<typeof listOperationTypesWithTiers>>[number];

/** Operation types only, for legends and labels. */
export async function listOperationTypes(db: Reader) {
  return db.operationType.findMany({
    orderBy: [{ sortOrder: "asc" }, { code: "asc" }],
    select: { id: true, code: true, name: true, unit: true },
  });
}

export async function listCatalogPackages(db: Reader) {
  return db.package.findMany({
    where: { active: true },
    orderBy: [{ operationType: { sortOrder: "asc" } }, { priceCents: "asc" }],
    select: {
      id: true,
      code: true,
      name: true,
      operations: true,
      validity: true,
      priceCents: true,
      operationType: { select: { code: true, name: true } },
    },
  });
}

export type CatalogPackage = Awaited<ReturnType<typeof listCatalogPackages>>[number];

interface CatalogRows {
  plans: CatalogPlan[];
  types: CatalogOperationType[];
  packages: CatalogPackage[];
}

/**
 * The catalog in the calculator's shape (R12): read once per request and
 * handed to the page, never a second copy. Rows the page has read already
 * are passed in `loaded` and not read again.
 */
export async function getCalculatorCatalog(
  db: Reader,
  creditsPerUsd: bigint,
  loaded: Partial<CatalogRows> = {},
): Promise<CalculatorCatalogData> {
  const [plans, types, packages] = await Promise.all([
    loaded.plans ?? listCatalogPlans(db),
    loaded.types ?? listOperationTypesWithTiers(db),
    loaded.packages ?? listCatalogPackages(db),
  ]);
  return {
    creditsPerUsd: creditsPerUsd.toString(),
    types: types.map((type) => ({
      code: type.code,
      name: type.name,
      unit: type.unit,
      tiers: type.tiers.map((tier) => ({
        from: tier.fromCount.toString(),
        to: tier.toCount === null ? null : tier.toCount.toString(),
        credits: tier.creditsPerOp.toString(),
      })),
    })),
    plans: plans.map((plan) => ({
      code: plan.code,
      name: plan.name,
      rank: plan.rank,
      interval: plan.interval,
      feeCents: plan.feeCents,
      includedCredits: plan.includedCredits.toString(),
      flexAllowed: plan.flexAllowed,
      payAsYouGo: plan.payAsYouGo,
    })),
    // A package is valid for a month or a year (R6.1); the enum it shares with plans also has NONE.
    packages: packages.flatMap((pkg) =>
      pkg.validity === "NONE"
        ? []
        : [
            {
              code: pkg.code,
              name: pkg.name,
              operationType: pkg.operationType.code,
              operations: pkg.operations.toString(),
              validity: pkg.validity,
              priceCents: pkg.priceCents,
            },
          ],
    ),
  };
}

/** Operations by operation type code in [from, to), from the hourly rollup (R8.1). */
export async function getUsageByType(db: Reader, workspaceId: string, from: Date, to: Date): Promise<Map<string, bigint>> {
  const rows = await db.$queryRaw<{ code: string; operations: bigint }[]>`
    SELECT t."code", SUM(r."operations")::bigint AS "operations"
    FROM "UsageRollupHourly" r JOIN "OperationType" t ON t."id" = r."operationTypeId"
    WHERE r."workspaceId" = ${workspaceId}::uuid AND r."hour" >= ${from} AND r."hour" < ${to}
    GROUP BY t."code"`;
  return new Map(rows.map((row) => [row.code, row.operations]));
}
