import "server-only";

// Reads of the catalog (R3.3): plans, operation types with their price tiers,
// packages. The same rows drive the engine, the dashboard and /pricing.
import type { Tx } from "@/lib/db";
import type { PrismaClient } from "@/lib/generated/prisma/client";

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
