// The flex billing switch (R5.5, R4.4): who may turn it on, the audit of each
// change, and that a debit needing flex is refused once it is off (R9.4 → 11100).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FlexSettingRefused, readFlexSetting, setFlexEnabled } from "@/lib/db/billing/flex-setting";
import { debitBatch, loadRatingCatalog, type DebitContext } from "@/lib/db/ledger/debit";
import { TestGateway } from "@/lib/payments/test-gateway";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const NOW = new Date("2027-03-10T12:00:00Z");
const actor = { id: null, email: "owner@test.dev", role: "OWNER" };

describe("the flex billing switch", () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let context: DebitContext;
  let keys = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    gateway = new TestGateway(
      async () => database.prisma,
      () => "http://localhost:3000",
    );
    context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: 2_000_000n };
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const set = (workspaceId: string, enabled: boolean) =>
    setFlexEnabled(database.prisma, gateway, { workspaceId, enabled, actor, now: NOW });
  const flexOf = async (workspaceId: string) =>
    (await database.prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { flexEnabled: true } })).flexEnabled;
  const auditOf = (workspaceId: string) =>
    database.prisma.auditLog.findMany({ where: { workspaceId, action: { startsWith: "flex." } }, orderBy: { createdAt: "asc" } });
  // 2,000 predict operations: the first 1,000 of the month are free, the next 1,000 cost 2,400 credits each (R3.1).
  const debit = async (workspaceId: string) =>
    (
      await debitBatch(
        database.prisma,
        [{ workspaceId, operationType: "predict", operations: 2_000n, idempotencyKey: `k${(keys += 1)}`, requestId: `r${keys}`, at: NOW }],
        context,
      )
    )[0]!;

  it("R5.5 after turning flex off, a debit that needs flex is refused as flex being off and charges nothing", async () => {
    const ws = await makeWorkspace(database.prisma, {
      now: NOW,
      planCode: "growth_monthly",
      included: 0n,
      prepaid: 1_000n,
      flexEnabled: true,
    });
    // On: the call runs past prepaid into flex.
    const first = await debit(ws.id);
    expect(first).toMatchObject({ status: "charged" });
    const flexBefore = (await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId: ws.id } })).flexUsed;
    expect(flexBefore).toBeGreaterThan(0n);

    expect(await set(ws.id, false)).toEqual({ enabled: false, changed: true });
    expect(await flexOf(ws.id)).toBe(false);
    const refused = await debit(ws.id);
    expect(refused).toMatchObject({ status: "refused", reason: "flex_off" });
    const after = await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId: ws.id } });
    expect(after.flexUsed).toBe(flexBefore);

    // On again: the same call goes through.
    expect(await set(ws.id, true)).toEqual({ enabled: true, changed: true });
    expect(await debit(ws.id)).toMatchObject({ status: "charged" });
    expect((await auditOf(ws.id)).map((row) => [row.action, row.actorEmail])).toEqual([
      ["flex.disabled", "owner@test.dev"],
      ["flex.enabled", "owner@test.dev"],
    ]);
  });

  it("setting the state it already has changes nothing and writes no audit row; concurrent requests write one", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, flexEnabled: false });
    expect(await set(ws.id, false)).toEqual({ enabled: false, changed: false });
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => set(ws.id, true)));
    expect(outcomes.filter((o) => o.changed)).toHaveLength(1);
    expect(await flexOf(ws.id)).toBe(true);
    expect((await auditOf(ws.id)).map((row) => row.action)).toEqual(["flex.enabled"]);
  });

  it("the Free plan cannot turn flex on; turning it off is always allowed", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, planCode: "free", card: true });
    await expect(set(ws.id, true)).rejects.toThrow(FlexSettingRefused);
    await expect(set(ws.id, true)).rejects.toThrow(/Free has no flex billing/);
    expect(await flexOf(ws.id)).toBe(false);
    expect(await auditOf(ws.id)).toEqual([]);
    expect((await readFlexSetting(database.prisma, gateway, ws.id)).canTurnOn).toBe(false);
  });

  it("R4.4 pay as you go needs a card on file to turn flex on", async () => {
    const noCard = await makeWorkspace(database.prisma, { now: NOW, planCode: "payg" });
    await expect(set(noCard.id, true)).rejects.toThrow(/Add a card first/);
    expect(await flexOf(noCard.id)).toBe(false);
    expect(await readFlexSetting(database.prisma, gateway, noCard.id)).toMatchObject({
      payAsYouGo: true,
      hasCard: false,
      canTurnOn: false,
    });

    const withCard = await makeWorkspace(database.prisma, { now: NOW, planCode: "payg", card: true });
    expect(await readFlexSetting(database.prisma, gateway, withCard.id)).toMatchObject({ hasCard: true, canTurnOn: true });
    expect(await set(withCard.id, true)).toEqual({ enabled: true, changed: true });
    expect(await flexOf(withCard.id)).toBe(true);
  });

  it("a paid plan turns flex on without a card", async () => {
    const ws = await makeWorkspace(database.prisma, { now: NOW, planCode: "starter_monthly" });
    expect(await set(ws.id, true)).toEqual({ enabled: true, changed: true });
  });
});
