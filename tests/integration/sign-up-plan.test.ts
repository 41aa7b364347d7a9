// Sign-up with a plan picked on /pricing: a plan that needs no card is where
// the new workspace starts; a plan that needs a card, an unknown code or none
// at all start on Free (no card at sign-up).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, createWorkspace, signUpPlanCode } from "@/lib/db/accounts";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog } from "../helpers/factories";

const NOW = new Date("2027-01-31T12:00:00.000Z");

describe("the plan a sign-up starts on", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  it.each([
    [undefined, "free"],
    ["free", "free"],
    ["payg", "payg"],
    ["starter_monthly", "free"],
    ["growth_annual", "free"],
    ["no_such_plan", "free"],
  ])("picked %s → starts on %s", async (picked, expected) => {
    expect(await database.prisma.$transaction((tx) => signUpPlanCode(tx, picked))).toBe(expected);
  });

  it("a workspace created on pay as you go has no included credits and no card", async () => {
    const workspace = await database.prisma.$transaction(async (tx) => {
      const user = await createUser(tx, { email: "payg-signup@test.dev", name: "Pat", passwordHash: null });
      return createWorkspace(tx, { ownerId: user.id, name: "Pat's team", planCode: await signUpPlanCode(tx, "payg"), now: NOW });
    });
    const subscription = await database.prisma.subscription.findFirstOrThrow({
      where: { workspaceId: workspace.id },
      select: { plan: { select: { code: true } }, currentPeriodEnd: true },
    });
    expect(subscription.plan.code).toBe("payg");
    const balance = await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId: workspace.id } });
    expect(balance.included).toBe(0n);
    const cards = await database.prisma.paymentMethod.count({ where: { workspaceId: workspace.id } });
    expect(cards).toBe(0);
  });
});
