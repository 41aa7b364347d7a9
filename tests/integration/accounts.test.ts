import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCatalog } from "@/lib/catalog/schema";
import { createUser, createWorkspace, EmailTakenError } from "@/lib/db/accounts";
import { syncCatalog } from "@/lib/db/catalog";
import { createAuthSession, findSessionUser, revokeAuthSession } from "@/lib/db/queries/users";
import { findMembershipBySlug } from "@/lib/db/queries/workspaces";
import { renameWorkspace } from "@/lib/db/workspace-settings";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";

const catalogFile = JSON.parse(fs.readFileSync(path.join(process.cwd(), "prisma/catalog.json"), "utf8"));
const NOW = new Date("2027-01-31T12:00:00.000Z");

describe("accounts, workspaces and sessions", () => {
  let database: TestDatabase;
  let counter = 0;
  const email = () => `user${(counter += 1)}-${Math.random().toString(36).slice(2, 8)}@test.dev`;

  beforeAll(async () => {
    database = await createTestDatabase();
    await syncCatalog(database.prisma, parseCatalog(catalogFile));
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  async function newOwner(name = "Test Co") {
    return database.prisma.$transaction(async (tx) => {
      const user = await createUser(tx, { email: email(), name: "Tess", passwordHash: "x" });
      const workspace = await createWorkspace(tx, { ownerId: user.id, name, now: NOW });
      return { user, workspace };
    });
  }

  it("starts a new workspace on Free with a monthly period anchored on the sign-up day (R4.1, R4.2)", async () => {
    const { user, workspace } = await newOwner();
    const ctx = await findMembershipBySlug(database.prisma, user.id, workspace.slug);
    expect(ctx?.role).toBe("OWNER");
    expect(ctx?.plan?.code).toBe("free");
    // R4.2 signed up on Jan 31 → the period ends on Feb 28
    expect(ctx?.subscription?.currentPeriodEnd?.toISOString()).toBe("2027-02-28T12:00:00.000Z");
    const balance = await database.prisma.creditBalance.findUnique({ where: { workspaceId: workspace.id } });
    expect(balance).not.toBeNull();
  });

  it("refuses a second account with the same email, whatever its case", async () => {
    const address = email();
    await database.prisma.$transaction((tx) => createUser(tx, { email: address, name: "A", passwordHash: "x" }));
    await expect(
      database.prisma.$transaction((tx) => createUser(tx, { email: address.toUpperCase(), name: "B", passwordHash: "x" })),
    ).rejects.toBeInstanceOf(EmailTakenError);
    expect(await database.prisma.user.count({ where: { email: address } })).toBe(1);
  });

  it("a failed sign-up creates neither user nor workspace", async () => {
    const address = email();
    const usersBefore = await database.prisma.user.count();
    const workspacesBefore = await database.prisma.workspace.count();
    await expect(
      database.prisma.$transaction(async (tx) => {
        const user = await createUser(tx, { email: address, name: "C", passwordHash: "x" });
        await createWorkspace(tx, { ownerId: user.id, name: "C Co", planCode: "no_such_plan", now: NOW });
      }),
    ).rejects.toThrow(/not in the catalog/);
    expect(await database.prisma.user.count()).toBe(usersBefore);
    expect(await database.prisma.workspace.count()).toBe(workspacesBefore);
  });

  it("gives two workspaces with the same name different slugs", async () => {
    const a = await newOwner("Same Name");
    const b = await newOwner("Same Name");
    expect(a.workspace.slug).not.toBe(b.workspace.slug);
  });

  it("does not show a workspace to a user who is not a member", async () => {
    const { workspace } = await newOwner();
    const stranger = await newOwner();
    expect(await findMembershipBySlug(database.prisma, stranger.user.id, workspace.slug)).toBeNull();
  });

  it("a revoked or expired session no longer names its user", async () => {
    const { user } = await newOwner();
    const session = await createAuthSession(database.prisma, user.id, new Date(NOW.getTime() + 60_000));
    expect((await findSessionUser(database.prisma, session.id, NOW))?.id).toBe(user.id);
    expect(await findSessionUser(database.prisma, session.id, new Date(NOW.getTime() + 60_000))).toBeNull();
    await revokeAuthSession(database.prisma, session.id, NOW);
    expect(await findSessionUser(database.prisma, session.id, NOW)).toBeNull();
  });

  it("renaming a workspace writes the audit trail in the same transaction (R11)", async () => {
    const { user, workspace } = await newOwner("Before");
    const actor = { id: user.id, email: "tess@test.dev", role: "OWNER" };
    expect(await renameWorkspace(database.prisma, { workspaceId: workspace.id, name: "After", actor, now: NOW })).toEqual({
      changed: true,
    });
    expect(await renameWorkspace(database.prisma, { workspaceId: workspace.id, name: "After", actor, now: NOW })).toEqual({
      changed: false,
    });
    const audit = await database.prisma.auditLog.findMany({
      where: { workspaceId: workspace.id, action: "workspace.renamed" },
      select: { detail: true },
    });
    expect(audit).toEqual([{ detail: { from: "Before", to: "After" } }]);
  });

  it("loads the catalog idempotently and applies a changed price in place (R3.3)", async () => {
    const changed = structuredClone(catalogFile);
    changed.operationTypes[0].tiers[1].credits = "2500";
    await syncCatalog(database.prisma, parseCatalog(changed));
    const tier = await database.prisma.priceTier.findFirstOrThrow({
      where: { operationType: { code: "predict" }, fromCount: 1001n },
      select: { creditsPerOp: true },
    });
    expect(tier.creditsPerOp).toBe(2500n);
    await syncCatalog(database.prisma, parseCatalog(catalogFile));
    const restored = await database.prisma.priceTier.findFirstOrThrow({
      where: { operationType: { code: "predict" }, fromCount: 1001n },
      select: { creditsPerOp: true },
    });
    expect(restored.creditsPerOp).toBe(2400n);
    expect(await database.prisma.plan.count({ where: { active: true } })).toBe(6);
  });
});
