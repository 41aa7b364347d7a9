// Test data with overrides: each test makes its own workspace, so files and
// tests can run in parallel on the same database.
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { parseCatalog } from "@/lib/catalog/schema";
import { createUser, createWorkspace } from "@/lib/db/accounts";
import { syncCatalog } from "@/lib/db/catalog";
import { grantPackage, grantPrepaid, startIncludedPeriod } from "@/lib/db/ledger/grants";
import type { PrismaClient } from "@/lib/generated/prisma/client";

export const catalogFile = JSON.parse(fs.readFileSync(path.join(process.cwd(), "prisma/catalog.json"), "utf8"));

export async function loadCatalog(prisma: PrismaClient) {
  await syncCatalog(prisma, parseCatalog(catalogFile));
}

export interface WorkspaceOptions {
  planCode?: string;
  now: Date;
  included?: bigint;
  includedExpiresAt?: Date | null;
  prepaid?: bigint;
  flexEnabled?: boolean;
  card?: boolean;
  billingState?: "GOOD" | "GRACE" | "RETENTION";
  spendCapCents?: number | null;
  packages?: { code: string; expiresAt: Date; operations?: bigint }[];
}

export async function makeWorkspace(prisma: PrismaClient, options: WorkspaceOptions) {
  const tag = randomUUID().slice(0, 8);
  const { workspace } = await prisma.$transaction(async (tx) => {
    const user = await createUser(tx, { email: `owner-${tag}@test.dev`, name: "Owner", passwordHash: null });
    const created = await createWorkspace(tx, {
      ownerId: user.id,
      name: `Test ${tag}`,
      planCode: options.planCode ?? "growth_monthly",
      now: options.now,
    });
    return { workspace: created };
  });
  await prisma.workspace.update({
    where: { id: workspace.id },
    data: {
      flexEnabled: options.flexEnabled ?? false,
      billingState: options.billingState ?? "GOOD",
      spendCapCents: options.spendCapCents ?? null,
    },
  });
  if (options.card) {
    await prisma.paymentMethod.create({
      data: {
        workspaceId: workspace.id,
        gateway: "test",
        externalId: `pm_${tag}`,
        brand: "visa",
        last4: "4242",
        expMonth: 12,
        expYear: 2030,
        isDefault: true,
      },
    });
  }
  await prisma.$transaction(async (tx) => {
    const period = await tx.subscriptionPeriod.findFirstOrThrow({
      where: { workspaceId: workspace.id },
      select: { id: true, endsAt: true },
    });
    if (options.included !== undefined) {
      await startIncludedPeriod(tx, {
        workspaceId: workspace.id,
        periodId: period.id,
        credits: options.included,
        expiresAt: options.includedExpiresAt === undefined ? period.endsAt : options.includedExpiresAt,
        at: options.now,
        idempotencyKey: `test:included:${period.id}`,
      });
    }
    if (options.prepaid) {
      await grantPrepaid(tx, {
        workspaceId: workspace.id,
        credits: options.prepaid,
        kind: "TOP_UP",
        idempotencyKey: `test:prepaid:${tag}`,
        at: options.now,
      });
    }
    for (const [index, pkg] of (options.packages ?? []).entries()) {
      const row = await tx.package.findUniqueOrThrow({
        where: { code: pkg.code },
        select: { id: true, operationTypeId: true, operations: true },
      });
      await grantPackage(tx, {
        workspaceId: workspace.id,
        packageId: row.id,
        operationTypeId: row.operationTypeId,
        operations: pkg.operations ?? row.operations,
        expiresAt: pkg.expiresAt,
        at: options.now,
        autoRenew: false,
        idempotencyKey: `test:package:${tag}:${index}`,
      });
    }
  });
  return workspace;
}
