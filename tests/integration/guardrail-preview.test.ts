// The guardrail preview (R14.3) on a real database: last period's history is
// read from the usage rollups, the ledger and the payments the debits and the
// billing run wrote, and the preview dates each alert and the cap from it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { previewGuardrails } from "@/lib/billing/guardrail-preview";
import { runBilling } from "@/lib/db/billing/billing-run";
import { debitBatchSql, loadRatingCatalog, type DebitContext } from "@/lib/db/ledger/debit";
import { grantPrepaid } from "@/lib/db/ledger/grants";
import { lastPeriodHistory } from "@/lib/db/queries/guardrail-preview";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const CREDITS_PER_USD = 2_000_000n;
const START = new Date("2027-01-10T00:00:00Z");
const at = (day: number, hour: number, minute = 15) => new Date(START.getTime() + ((day * 24 + hour) * 60 + minute) * 60_000);
const hourOf = (day: number, hour: number) => at(day, hour, 0);
// Predict: the month's first 1,000 operations are free, then 2,400 credits each (R3.4).
const PREDICT = 2_400n;
const INCLUDED = 10_000_000n;

describe("guardrail preview (R14.3)", () => {
  let database: TestDatabase;
  let context: DebitContext;
  let sequence = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: CREDITS_PER_USD };
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const debit = async (workspaceId: string, operations: bigint, when: Date) => {
    sequence += 1;
    const [outcome] = await debitBatchSql(
      database.sql,
      [{ workspaceId, operationType: "predict", operations, idempotencyKey: `op-${sequence}`, requestId: `req-${sequence}`, at: when }],
      context,
    );
    expect(outcome).toMatchObject({ status: "charged" });
  };

  it("reads last period hour by hour and dates the alerts and the cap from it", async () => {
    const ws = await makeWorkspace(database.prisma, {
      now: START,
      included: INCLUDED,
      prepaid: 1_000_000n,
      flexEnabled: true,
      card: true,
    });
    // The period's allotment, as the plan would have granted it (the factory grants INCLUDED instead of the plan's).
    await database.prisma.subscriptionPeriod.updateMany({ where: { workspaceId: ws.id }, data: { includedGranted: INCLUDED } });
    await debit(ws.id, 1_000n, at(1, 10)); // the free tier
    await debit(ws.id, 2_084n, at(2, 5)); // 5,001,600 of 10,000,000 included: 50 %
    await debit(ws.id, 2_084n, at(5, 9)); // included used up (80 and 100 %), 3,200 from prepaid
    await database.prisma.$transaction((tx) =>
      grantPrepaid(tx, { workspaceId: ws.id, credits: 500_000n, kind: "TOP_UP", idempotencyKey: "top-up-1", at: at(6, 0) }),
    );
    await debit(ws.id, 1_000n, at(8, 0)); // 2,400,000: the 1,496,800 prepaid left, then 903,200 flex
    await debit(ws.id, 10n, at(9, 3)); // 24,000 flex
    // The period ends and renews; usage in the next one is not part of the history.
    const renewedAt = new Date("2027-02-10T00:30:00Z");
    await runBilling(database.prisma, { now: renewedAt, creditsPerUsd: CREDITS_PER_USD, deliverEmail: false });
    await debit(ws.id, 10n, new Date("2027-02-11T00:00:00Z"));

    // Before the first period has ended there is nothing to preview.
    expect(await lastPeriodHistory(database.prisma, ws.id, at(20, 0), CREDITS_PER_USD)).toBeNull();

    const history = (await lastPeriodHistory(database.prisma, ws.id, new Date("2027-02-12T00:00:00Z"), CREDITS_PER_USD))!;
    expect(history.start).toEqual(START);
    expect(history.end).toEqual(new Date("2027-02-10T00:00:00Z"));
    expect(history.includedAllotment).toBe(INCLUDED);
    // The prepaid credits bought as the period started are part of it.
    expect(history.prepaidAtStart).toBe(0n);
    expect(history.autoTopUps).toEqual([]);
    expect(history.hours.map((h) => [h.hour, h.includedCredits, h.flexCredits, h.flexCalls, h.prepaidChange])).toEqual([
      [hourOf(0, 0), 0n, 0n, 0n, 1_000_000n],
      [hourOf(1, 10), 0n, 0n, 0n, 0n],
      [hourOf(2, 5), 2_084n * PREDICT, 0n, 0n, 0n],
      [hourOf(5, 9), INCLUDED - 2_084n * PREDICT, 0n, 0n, -3_200n],
      [hourOf(6, 0), 0n, 0n, 0n, 500_000n],
      [hourOf(8, 0), 0n, 903_200n, 1n, -1_496_800n],
      [hourOf(9, 3), 0n, 24_000n, 1n, 0n],
    ]);

    const preview = previewGuardrails(history, {
      includedAlerts: true,
      prepaidBelowCredits: 500_000n,
      flexAboveCredits: 903_200n,
      spendCapCents: 1n, // 20,000 credits: reached on day 8, and both calls that used flex are refused
    });
    expect(preview.included).toEqual([
      { percent: 50, at: hourOf(2, 5) },
      { percent: 80, at: hourOf(5, 9) },
      { percent: 100, at: hourOf(5, 9) },
    ]);
    expect(preview.prepaidBelowAt).toEqual(hourOf(8, 0));
    expect(preview.flexAboveAt).toEqual(hourOf(9, 3));
    expect(preview.cap).toEqual({ refusingFrom: hourOf(8, 0), refusedCalls: 2n, stoppedTopUps: 0, stoppedTopUpCents: 0n });
    expect(preview.flexCents).toBe((927_200n * 100n) / CREDITS_PER_USD);
  });
});
