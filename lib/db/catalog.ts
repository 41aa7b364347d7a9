import "server-only";

// Loads the catalog file into the database (R3.3). Idempotent: loading the
// same file twice changes nothing; a changed file updates rows in place.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import type { Catalog } from "@/lib/catalog/schema";

export async function syncCatalog(prisma: PrismaClient, catalog: Catalog): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const typeIds = new Map<string, string>();
    for (const [index, type] of catalog.operationTypes.entries()) {
      const fields = { code: type.code, name: type.name, unit: type.unit, sortOrder: index };
      const row = await upsertIfChanged(
        () => tx.operationType.findUnique({ where: { code: type.code } }),
        () => tx.operationType.create({ data: fields }),
        (id) => tx.operationType.update({ where: { id }, data: fields }),
        fields,
      );
      typeIds.set(type.code, row.id);
      const existing = await tx.priceTier.findMany({
        where: { operationTypeId: row.id },
        select: { fromCount: true, toCount: true, creditsPerOp: true },
        orderBy: { fromCount: "asc" },
      });
      const same =
        existing.length === type.tiers.length &&
        existing.every((tier, i) => {
          const wanted = type.tiers[i]!;
          return tier.fromCount === wanted.from && tier.toCount === wanted.to && tier.creditsPerOp === wanted.credits;
        });
      if (!same) {
        await tx.priceTier.deleteMany({ where: { operationTypeId: row.id } });
        await tx.priceTier.createMany({
          data: type.tiers.map((tier) => ({
            operationTypeId: row.id,
            fromCount: tier.from,
            toCount: tier.to,
            creditsPerOp: tier.credits,
          })),
        });
      }
    }

    for (const plan of catalog.plans) {
      const { rateLimits, ...fields } = plan;
      const row = await upsertIfChanged(
        () => tx.plan.findUnique({ where: { code: plan.code } }),
        () => tx.plan.create({ data: fields }),
        (id) => tx.plan.update({ where: { id }, data: fields }),
        fields,
      );
      for (const window of ["SECOND", "HOUR"] as const) {
        const limit = rateLimits[window];
        if (limit === undefined) {
          await tx.planRateLimit.deleteMany({ where: { planId: row.id, window } });
        } else {
          await upsertIfChanged(
            () => tx.planRateLimit.findUnique({ where: { planId_window: { planId: row.id, window } } }),
            () => tx.planRateLimit.create({ data: { planId: row.id, window, limit } }),
            () => tx.planRateLimit.update({ where: { planId_window: { planId: row.id, window } }, data: { limit } }),
            { limit },
          );
        }
      }
    }
    await tx.plan.updateMany({ where: { code: { notIn: catalog.plans.map((p) => p.code) }, active: true }, data: { active: false } });

    for (const pkg of catalog.packages) {
      const { operationType, ...fields } = pkg;
      const data = { ...fields, operationTypeId: typeIds.get(operationType)!, active: true };
      await upsertIfChanged(
        () => tx.package.findUnique({ where: { code: pkg.code } }),
        () => tx.package.create({ data }),
        (id) => tx.package.update({ where: { id }, data }),
        data,
      );
    }
    await tx.package.updateMany({ where: { code: { notIn: catalog.packages.map((p) => p.code) }, active: true }, data: { active: false } });
  });
}

/**
 * Creates the row, or updates it only when a field differs, so that loading
 * an unchanged catalog leaves every row (and its updatedAt) as it was.
 */
async function upsertIfChanged<Row extends object>(
  find: () => PromiseLike<Row | null>,
  create: () => PromiseLike<Row>,
  update: (id: string) => PromiseLike<Row>,
  fields: Record<string, unknown>,
): Promise<Row & { id: string }> {
  const existing = await find();
  if (!existing) return (await create()) as Row & { id: string };
  const current = existing as Record<string, unknown>;
  if (Object.entries(fields).some(([key, value]) => current[key] !== value)) await update(String(current.id ?? ""));
  return existing as Row & { id: string };
}
