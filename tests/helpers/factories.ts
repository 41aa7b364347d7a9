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
import { testCustomerId, type CardBehaviour } from "@/lib/payments/test-gateway";

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
  /** A card on file of the built-in test gateway: true succeeds; or what its charges do. */
  card?: boolean | CardBehaviour;
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
  if (options.card) await putCard(prisma, workspace.id, options.card === true ? "succeed" : options.card, options.now);
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

const LAST4: Record<CardBehaviour, string> = { succeed: "4242", decline: "0002", insufficient_funds: "9995", authenticate: "3184" };

/** Saves a test-gateway card as the workspace's card on file (replacing any other), as the card form does. */
export async function putCard(prisma: PrismaClient, workspaceId: string, behaviour: CardBehaviour, now: Date) {
  const id = `tgpm_${randomUUID().replaceAll("-", "")}`;
  await prisma.testGatewayCard.create({
    data: {
      id,
      customerId: testCustomerId(workspaceId),
      brand: "visa",
      last4: LAST4[behaviour],
      expMonth: 12,
      expYear: 2035,
      behaviour,
      createdAt: now,
    },
  });
  await prisma.paymentMethod.deleteMany({ where: { workspaceId } });
  return prisma.paymentMethod.create({
    data: {
      workspaceId,
      gateway: "test",
      externalId: id,
      brand: "visa",
      last4: LAST4[behaviour],
      expMonth: 12,
      expYear: 2035,
      isDefault: true,
      createdAt: now,
    },
  });
}
