// Guardrails the customer sets (R14) on a real database: each usage alert
// fires once per period per level and lands in the notification list; the
// monthly spend cap refuses flex once reached, counts the period's auto
// top-ups, stops auto top-up, and starts over with the next period or a
// higher cap.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordApiActivity } from "@/lib/db/api-auth";
import { runBilling } from "@/lib/db/billing/billing-run";
import { enqueueGuardrailAlerts } from "@/lib/db/billing/guardrail-alerts";
import { debitBatchSql, loadRatingCatalog, type DebitContext, type DebitOutcome } from "@/lib/db/ledger/debit";
import { ledgerViolations } from "@/lib/db/ledger/invariants";
import { setNoticePreference } from "@/lib/db/notices";
import { listNotifications } from "@/lib/db/queries/notifications";
import { saveGuardrails } from "@/lib/db/workspace-settings";
import { runAutoTopUp, runDueAutoTopUps, saveAutoTopUpSettings } from "@/lib/payments/auto-top-up";
import { TestGateway } from "@/lib/payments/test-gateway";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

process.env.APP_URL = "https://billing.test";

const CREDITS_PER_USD = 2_000_000n;
const NOW = new Date("2027-02-10T12:00:00Z");
const HOUR = 3_600_000;
const later = (hours: number) => new Date(NOW.getTime() + hours * HOUR);
const actor = { id: null, email: "owner@test.dev", role: "OWNER" };
// Predict: the month's first 1,000 operations are free, then 2,400 credits each (R3.4).
const PREDICT = 2_400n;

describe("guardrails (R14)", () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let context: DebitContext;
  let sequence = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    gateway = new TestGateway(
      async () => database.prisma,
      () => "https://billing.test",
    );
    context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: CREDITS_PER_USD };
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const debit = async (workspaceId: string, operations: bigint, at = later(1)): Promise<DebitOutcome> => {
    sequence += 1;
    const [outcome] = await debitBatchSql(
      database.sql,
      [{ workspaceId, operationType: "predict", operations, idempotencyKey: `op-${sequence}`, requestId: `req-${sequence}`, at }],
      context,
    );
    return outcome!;
  };
  const sweep = (at = later(2)) => enqueueGuardrailAlerts(database.prisma, at, CREDITS_PER_USD);
  const listed = async (workspaceId: string, kind: string) =>
    (await listNotifications(database.prisma, workspaceId)).filter((row) => row.kind === kind).map((row) => row.subject);
  const emails = (workspaceId: string, kind: string) => database.prisma.notificationOutbox.count({ where: { workspaceId, kind } });
  const guardrails = (workspaceId: string, values: Partial<Parameters<typeof saveGuardrails>[1]>) =>
    saveGuardrails(database.prisma, {
      workspaceId,
      includedAlerts: false,
      prepaidBelowCents: null,
      flexAboveCents: null,
      spendCapCents: null,
      creditsPerUsd: CREDITS_PER_USD,
      actor,
      now: NOW,
      ...values,
    });
  /** The month's free operations, used first so that each later one costs PREDICT. */
  const spendFreeTier = (workspaceId: string) => debit(workspaceId, 1000n, NOW);

  /** A Growth workspace whose current period granted `included` credits. */
  async function withIncluded(included: bigint, options: { flexEnabled?: boolean } = {}) {
    const ws = await makeWorkspace(database.prisma, { now: NOW, included, flexEnabled: options.flexEnabled ?? true, card: true });
    await database.prisma.subscriptionPeriod.updateMany({ where: { workspaceId: ws.id }, data: { includedGranted: included } });
    await spendFreeTier(ws.id);
    return ws;
  }

  describe("usage alerts (R14.1)", () => {
    it("included credits: 50, 80 and 100 % each fire once in the period, in the list and by email", async () => {
      // 2,400,000 credits = 1,000 predict operations.
      const ws = await withIncluded(2_400_000n);
      await guardrails(ws.id, { includedAlerts: true });
      await debit(ws.id, 499n); // 49.9 %
      await sweep();
      expect(await listed(ws.id, "included_usage")).toEqual([]);

      await debit(ws.id, 1n); // 50 %
      await sweep();
      await sweep();
      expect(await listed(ws.id, "included_usage")).toEqual([`50% of the included credits of ${ws.name} are used`]);

      await debit(ws.id, 300n); // 80 %
      await sweep();
      await debit(ws.id, 199n); // 99.9 %
      await sweep();
      expect(await listed(ws.id, "included_usage")).toHaveLength(2);

      await debit(ws.id, 1n); // 100 %
      await debit(ws.id, 50n); // into flex
      await sweep();
      await sweep(later(5));
      expect(await listed(ws.id, "included_usage")).toEqual([
        `All the included credits of ${ws.name} are used`,
        `80% of the included credits of ${ws.name} are used`,
        `50% of the included credits of ${ws.name} are used`,
      ]);
      // One owner: one email per level.
      expect(await emails(ws.id, "included_usage")).toBe(3);
    });

    it("included credits: levels passed at once send the highest, and the next period fires again", async () => {
      const ws = await withIncluded(2_400_000n);
      await guardrails(ws.id, { includedAlerts: true });
      await debit(ws.id, 850n); // 85 % before the first check
      await sweep();
      expect(await listed(ws.id, "included_usage")).toEqual([`80% of the included credits of ${ws.name} are used`]);
      await debit(ws.id, 10n);
      await sweep();
      expect(await listed(ws.id, "included_usage")).toHaveLength(1);

      // The period ends; the next one grants the plan's included credits afresh.
      const period = await database.prisma.subscription.findFirstOrThrow({
        where: { workspaceId: ws.id },
        select: { currentPeriodEnd: true },
      });
      const next = new Date(period.currentPeriodEnd!.getTime() + 60_000);
      await runBilling(database.prisma, { now: next, creditsPerUsd: CREDITS_PER_USD, gateway, deliverEmail: false });
      const balance = await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId: ws.id } });
      const granted = balance.included;
      expect(granted).toBeGreaterThan(0n);
      await database.prisma.subscriptionPeriod.updateMany({
        where: { workspaceId: ws.id, id: balance.includedPeriodId! },
        data: { includedGranted: granted },
      });
      // Half of the new allotment, in whole predict operations at the new month's prices.
      let used = 0n;
      while (
        (granted - (await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId: ws.id } })).included) * 2n <
        granted
      ) {
        const outcome = await debit(ws.id, 20_000n, new Date(next.getTime() + HOUR));
        expect(outcome.status).toBe("charged");
        used += 1n;
        expect(used).toBeLessThan(100n);
      }
      await sweep(new Date(next.getTime() + 2 * HOUR));
      const subjects = await listed(ws.id, "included_usage");
      expect(subjects[0]).toMatch(/^(50|80)% of the included credits|^All the included credits/);
      expect(subjects).toHaveLength(2);
    });

    it("flex above an amount: once per flex period and level; a new level fires again", async () => {
      const ws = await withIncluded(0n);
      // $1 = 2,000,000 credits of flex.
      await guardrails(ws.id, { flexAboveCents: 100 });
      await debit(ws.id, 833n); // 1,999,200
      await sweep();
      expect(await listed(ws.id, "flex_usage")).toEqual([]);
      await debit(ws.id, 1n); // 2,001,600
      await sweep();
      await sweep();
      expect(await listed(ws.id, "flex_usage")).toEqual([`Flex usage of ${ws.name} passed your alert level`]);
      const [notice] = await listNotifications(database.prisma, ws.id);
      expect(notice!.summary).toContain("2,001,600 credits of flex this period ($1.00 so far)");
      expect(notice!.linkPath).toBe("/settings#guardrails");

      await guardrails(ws.id, { flexAboveCents: 200 });
      await debit(ws.id, 900n);
      await sweep();
      expect(await listed(ws.id, "flex_usage")).toHaveLength(2);
      expect(await emails(ws.id, "flex_usage")).toBe(2);
    });

    it("prepaid below an amount: once per period, listed even when every member turned the email off", async () => {
      const ws = await makeWorkspace(database.prisma, { now: NOW, included: 0n, prepaid: 5_000_000n });
      await guardrails(ws.id, { prepaidBelowCents: 200 }); // 4,000,000 credits
      const { userId } = await database.prisma.membership.findFirstOrThrow({ where: { workspaceId: ws.id } });
      await setNoticePreference(database.prisma, { workspaceId: ws.id, userId, kind: "low_balance", enabled: false, now: NOW });
      await spendFreeTier(ws.id);
      await debit(ws.id, 417n); // 5,000,000 − 1,000,800 = 3,999,200
      await runBilling(database.prisma, { now: later(2), creditsPerUsd: CREDITS_PER_USD, gateway, deliverEmail: false });
      await runBilling(database.prisma, { now: later(3), creditsPerUsd: CREDITS_PER_USD, gateway, deliverEmail: false });
      expect(await listed(ws.id, "low_balance")).toEqual([`Prepaid credits are low for ${ws.name}`]);
      expect(await emails(ws.id, "low_balance")).toBe(0);
    });
  });

  describe("the monthly spend cap (R14.2)", () => {
    it("refuses flex once reached, is listed once, lets calls through when raised, and starts over next period", async () => {
      // Pay-as-you-go: no included credits, flex with the card on file, periods of a calendar month.
      const ws = await makeWorkspace(database.prisma, { now: NOW, planCode: "payg", flexEnabled: true, card: true });
      await spendFreeTier(ws.id);
      await guardrails(ws.id, { spendCapCents: 100 }); // $1 = 2,000,000 credits = 833 operations
      expect(await debit(ws.id, 833n)).toMatchObject({ status: "charged", sources: { flex: 1_999_200n } });
      expect(await debit(ws.id, 1n)).toMatchObject({ status: "refused", reason: "spend_cap" });
      await sweep();
      // 800 credits are left under the cap: not reached until a call is refused at it, as the API counts refusals.
      expect(await listed(ws.id, "spend_cap_reached")).toEqual([]);
      await recordApiActivity(database.prisma, [{ workspaceId: ws.id, minute: later(1), reason: "spend_cap", count: 1 }], []);
      await sweep();
      await sweep();
      expect(await listed(ws.id, "spend_cap_reached")).toEqual([`${ws.name} reached its monthly spend cap of $1.00`]);

      await guardrails(ws.id, { spendCapCents: 200 });
      expect(await debit(ws.id, 1n)).toMatchObject({ status: "charged", sources: { flex: PREDICT } });
      expect(await debit(ws.id, 833n)).toMatchObject({ status: "refused", reason: "spend_cap" });
      expect(await debit(ws.id, 832n)).toMatchObject({ status: "charged" }); // 4,000,000 exactly
      expect(await debit(ws.id, 1n)).toMatchObject({ status: "refused", reason: "spend_cap" });
      await sweep();
      await sweep();
      // A raised cap is a new level: reached in full, it is told again.
      expect(await listed(ws.id, "spend_cap_reached")).toEqual([
        `${ws.name} reached its monthly spend cap of $2.00`,
        `${ws.name} reached its monthly spend cap of $1.00`,
      ]);
      expect(await emails(ws.id, "spend_cap_reached")).toBe(2);

      // The next period: flex is invoiced and starts from zero, and so does the cap.
      const period = await database.prisma.subscription.findFirstOrThrow({
        where: { workspaceId: ws.id },
        select: { currentPeriodEnd: true },
      });
      const next = new Date(period.currentPeriodEnd!.getTime() + 60_000);
      await runBilling(database.prisma, { now: next, creditsPerUsd: CREDITS_PER_USD, gateway, deliverEmail: false });
      expect((await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId: ws.id } })).flexUsed).toBe(0n);
      const after = new Date(next.getTime() + HOUR);
      await debit(ws.id, 1000n, after); // the new month's free operations
      expect(await debit(ws.id, 833n, after)).toMatchObject({ status: "charged", sources: { flex: 1_999_200n } });
      expect(await ledgerViolations(database.sql, [ws.id])).toEqual([]);
    });

    it("counts the auto top-ups charged this period, and auto top-up stops at the cap until it is raised", async () => {
      const ws = await makeWorkspace(database.prisma, { now: NOW, included: 0n, prepaid: 1_000_000n, flexEnabled: true, card: true });
      await spendFreeTier(ws.id);
      await saveAutoTopUpSettings(database.prisma, gateway, {
        workspaceId: ws.id,
        enabled: true,
        thresholdCredits: 10_000_000n,
        amountCents: 1_000, // $10 = 20,000,000 credits
        monthlyMax: 5,
        actor,
        now: NOW,
      });
      await guardrails(ws.id, { spendCapCents: 1_500 }); // $15

      // Prepaid is below the threshold: the first $10 fits under the cap.
      expect(await runAutoTopUp(database.prisma, gateway, ws.id, later(1), CREDITS_PER_USD)).not.toBeNull();
      const prepaid = (await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId: ws.id } })).prepaid;
      expect(prepaid).toBe(21_000_000n);

      // Spend it down below the threshold again: 4,584 operations leave 998,400 prepaid.
      expect(await debit(ws.id, 8_334n)).toMatchObject({ status: "charged" });
      // The next $10 would take the period to $20, past the $15 cap: not charged, now or by the sweep.
      expect(await runAutoTopUp(database.prisma, gateway, ws.id, later(2), CREDITS_PER_USD)).toBeNull();
      expect(await runDueAutoTopUps(database.prisma, gateway, later(2), CREDITS_PER_USD)).toBe(0);
      expect(await database.prisma.payment.count({ where: { workspaceId: ws.id, kind: "AUTO_TOP_UP" } })).toBe(1);

      // Flex is left $5 of the cap: 10,000,000 credits, after prepaid runs out.
      const left = (await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId: ws.id } })).prepaid;
      const prepaidOps = left / PREDICT;
      await debit(ws.id, prepaidOps);
      const flexOps = 10_000_000n / PREDICT; // 4,166 operations, 9,998,400 credits
      const before = (await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId: ws.id } })).prepaid;
      expect(before).toBeLessThan(PREDICT);
      expect(await debit(ws.id, flexOps + 1n)).toMatchObject({ status: "refused", reason: "spend_cap" });
      expect(await debit(ws.id, flexOps)).toMatchObject({ status: "charged" });
      expect(await debit(ws.id, 1n)).toMatchObject({ status: "refused", reason: "spend_cap" });

      // Raised to $30: the waiting auto top-up goes through with the next sweep, and flex works again.
      await guardrails(ws.id, { spendCapCents: 3_000 });
      expect(await runDueAutoTopUps(database.prisma, gateway, later(3), CREDITS_PER_USD)).toBe(1);
      expect(await database.prisma.payment.count({ where: { workspaceId: ws.id, kind: "AUTO_TOP_UP", status: "SUCCEEDED" } })).toBe(2);
      expect(await debit(ws.id, 1n)).toMatchObject({ status: "charged" });
      expect(await ledgerViolations(database.sql, [ws.id])).toEqual([]);
    });
  });
});
