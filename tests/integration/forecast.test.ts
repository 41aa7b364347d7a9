// The forecast to the period end (R10) against what the engine then bills: a
// Starter workspace with flex on uses the same amount every day; at mid-period
// the forecast is made from the last 7 days; the same usage then goes through
// the real debit path every remaining day, and the billing run closes the
// period. The invoice must equal the forecast to the cent — the included
// credits running out, the tier position of the month and flex all through
// the engine — and the forecast reads without locking the balance.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ARREARS_POLICY } from "@/lib/billing/arrears";
import { runBilling } from "@/lib/db/billing/billing-run";
import { debitBatch, loadRatingCatalog, type DebitContext } from "@/lib/db/ledger/debit";
import { loadForecast } from "@/lib/db/queries/forecast";
import { TestGateway } from "@/lib/payments/test-gateway";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const CREDITS_PER_USD = 2_000_000n;
const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);

describe("the forecast to the period end", () => {
  let database: TestDatabase;
  let context: DebitContext;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    context = { catalog: await loadRatingCatalog(database.prisma), creditsPerUsd: CREDITS_PER_USD };
    gateway = new TestGateway(
      async () => database.prisma,
      () => "http://localhost:3000",
    );
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  /** One day's usage at noon UTC: the same every day. */
  const spendDay = async (workspaceId: string, day: Date, daily: Record<string, bigint>) => {
    const noon = new Date(day.getTime() + DAY / 2);
    const outcomes = await debitBatch(
      database.prisma,
      Object.entries(daily).map(([operationType, operations]) => ({
        workspaceId,
        operationType,
        operations,
        idempotencyKey: randomUUID(),
        requestId: randomUUID(),
        at: noon,
      })),
      context,
    );
    expect(outcomes.map((o) => o.status)).toEqual(Object.keys(daily).map(() => "charged"));
  };

  it("for a constant usage rate, equals what the engine then bills for the rest of the period, to the cent", async () => {
    const start = at("2027-03-01T00:00:00Z");
    const ws = await makeWorkspace(database.prisma, {
      planCode: "starter_monthly",
      now: start,
      included: 70_000_000n,
      flexEnabled: true,
      card: true,
    });
    // 1,000 predictions and 5,000 uploads a day: the included credits run out after the forecast, uploads pass a tier on the 21st.
    const daily = { predict: 1_000n, upload: 5_000n };
    for (let day = 0; day < 14; day += 1) await spendDay(ws.id, new Date(start.getTime() + day * DAY), daily);

    const now = at("2027-03-15T00:00:00Z");
    const answer = await loadForecast(database.prisma, ws.id, now, CREDITS_PER_USD);
    if (!answer.ok) throw new Error(answer.reason);
    const { forecast } = answer;
    expect(answer.rates).toEqual(new Map(Object.entries(daily)));
    expect(forecast.periodEnd.toISOString()).toBe("2027-04-01T00:00:00.000Z");
    // A constant rate: the slowest and the busiest day are the same day.
    expect(forecast.low.totalCents).toBe(forecast.expected.totalCents);
    expect(forecast.high.totalCents).toBe(forecast.expected.totalCents);
    const runsOut = forecast.expected.projection.includedRunsOutAt;
    expect(runsOut).not.toBeNull();
    expect(forecast.expected.projection.sources.flex).toBeGreaterThan(0n);

    // What then happens: the same usage every remaining day, then the period closes.
    for (let day = 14; day < 31; day += 1) await spendDay(ws.id, new Date(start.getTime() + day * DAY), daily);
    const balance = await database.prisma.creditBalance.findUniqueOrThrow({ where: { workspaceId: ws.id } });
    expect(balance.flexUsed).toBe(forecast.expected.flexCredits);
    await runBilling(database.prisma, {
      now: forecast.periodEnd,
      creditsPerUsd: CREDITS_PER_USD,
      gateway,
      arrears: DEFAULT_ARREARS_POLICY,
      deliverEmail: false,
    });
    const invoice = await database.prisma.invoice.findFirstOrThrow({
      where: { workspaceId: ws.id, periodEnd: forecast.periodEnd, kind: { not: "TOP_UP" } },
      include: { lines: true },
    });
    expect(BigInt(invoice.totalCents)).toBe(forecast.expected.totalCents);
    // The included credits ran out when the forecast said, give or take the day's usage coming at noon in one go.
    const firstFlex = await database.prisma.ledgerEntry.findFirstOrThrow({
      where: { workspaceId: ws.id, reason: "USAGE", source: "FLEX" },
      orderBy: { createdAt: "asc" },
    });
    expect(Math.abs(firstFlex.createdAt.getTime() - runsOut!.getTime())).toBeLessThan(DAY);
    expect(runsOut!.getTime()).toBeGreaterThan(now.getTime());
  });

  it("says why there is none: no usage in the last week", async () => {
    const start = at("2027-05-01T00:00:00Z");
    const ws = await makeWorkspace(database.prisma, { planCode: "growth_monthly", now: start, included: 750_000_000n });
    expect(await loadForecast(database.prisma, ws.id, at("2027-05-10T00:00:00Z"), CREDITS_PER_USD)).toEqual({
      ok: false,
      reason: "There is no usage in the last 7 days to project from.",
    });
  });

  it("uses the days a new workspace has, not zeros for days before it existed", async () => {
    const start = at("2027-06-01T00:00:00Z");
    const ws = await makeWorkspace(database.prisma, { planCode: "growth_monthly", now: start, included: 750_000_000n });
    await spendDay(ws.id, start, { predict: 3_000n });
    await spendDay(ws.id, new Date(start.getTime() + DAY), { predict: 5_000n });
    const answer = await loadForecast(database.prisma, ws.id, at("2027-06-03T08:00:00Z"), CREDITS_PER_USD);
    if (!answer.ok) throw new Error(answer.reason);
    expect(answer.trailingDays).toBe(2);
    expect(answer.rates.get("predict")).toBe(4_000n);
  });
});
