import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changePlan, PlanChangeError } from "@/lib/db/billing/plan-changes";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const NOW = new Date("2027-03-05T00:00:00.000Z");
const actor = { id: null, email: "o@test.dev", role: "OWNER" };
describe("plan changes in arrears", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
  }, 60_000);
  afterAll(async () => database?.close());
  const change = (workspaceId: string, toPlanCode: string) =>
    changePlan(database.prisma, { workspaceId, toPlanCode, at: NOW, creditsPerUsd: 2_000_000n, actor });

  it("refuses an upgrade in grace, allows a downgrade", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, planCode: "starter_monthly", billingState: "GRACE" });
    await expect(change(ws.id, "growth_monthly")).rejects.toThrow(PlanChangeError);
    await expect(change(ws.id, "growth_monthly")).rejects.toThrow(/upgrading the plan is not possible/);
    const g = await makeWorkspace(database.prisma, { now: NOW, planCode: "growth_monthly", billingState: "GRACE" });
    expect(await change(g.id, "starter_monthly")).toMatchObject({ kind: "downgrade_scheduled" });
  });
  it("refuses subscribing from free in retention; allows it in good standing", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, planCode: "free", billingState: "RETENTION" });
    await expect(change(ws.id, "growth_monthly")).rejects.toThrow(/subscribing to a plan is not possible/);
    const ok = await makeWorkspace(database.prisma, { now: NOW, planCode: "free" });
    expect(await change(ok.id, "growth_monthly")).toMatchObject({ kind: "upgraded" });
  });
});
