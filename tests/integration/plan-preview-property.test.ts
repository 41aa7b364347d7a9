// Property (R4.5, R4.6, R10): for random sequences of plan changes and
// cancellations at random instants, with random flex usage, every change
// applied produces exactly the invoice its preview showed — at once for an
// upgrade, on the billing clock at the period end for a downgrade or a
// cancellation.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBilling } from "@/lib/db/billing/billing-run";
import { confirmCancellation, confirmPlanChange, loadPlanChangePreview } from "@/lib/db/billing/plan-preview";
import { TestGateway } from "@/lib/payments/test-gateway";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const CREDITS_PER_USD = 2_000_000n;
const HOUR = 3_600_000;
const actor = { id: null, email: "owner@test.dev", role: "OWNER" };
const TARGETS = ["free", "payg", "starter_monthly", "starter_annual", "growth_monthly", "growth_annual", "cancel"] as const;

const step = fc.record({
  waitMs: fc.integer({ min: 1, max: 40 * 24 }).map((hours) => hours * HOUR + 1),
  target: fc.constantFrom(...TARGETS),
  flexCredits: fc.constantFrom(0n, 1n, 999_999n, 3_000_000n, 123_456_789n),
});

describe("every applied plan change equals its preview", () => {
  let database: TestDatabase;
  let gateway: TestGateway;

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    gateway = new TestGateway(
      async () => database.prisma,
      () => "http://localhost:3000",
    );
  }, 60_000);

  afterAll(async () => {
    await database?.close();
  });

  const run = (now: Date) => runBilling(database.prisma, { now, creditsPerUsd: CREDITS_PER_USD, gateway, deliverEmail: false });
  const lines = (rows: { description: string; amountCents: bigint | number }[]) =>
    rows.map((row) => `${row.description} = ${BigInt(row.amountCents)}`);

  it("for random change sequences", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("free", "payg", "starter_monthly", "growth_monthly", "starter_annual"),
        fc.array(step, { minLength: 1, maxLength: 4 }),
        async (startPlan, steps) => {
          let now = new Date(Date.UTC(2027, 0, 1 + ((steps.length * 7) % 28), 9, 30));
          const ws = await makeWorkspace(database.prisma, { planCode: startPlan, now, card: true, flexEnabled: true });
          for (const { waitMs, target, flexCredits } of steps) {
            now = new Date(now.getTime() + waitMs);
            await run(now);
            const current = await database.prisma.subscription.findFirstOrThrow({
              where: { workspaceId: ws.id, status: "ACTIVE" },
              select: { plan: { select: { code: true, flexAllowed: true, interval: true } } },
            });
            // Usage so far (annual plans bill flex each month, which the period-end preview does not cover).
            const flex = current.plan.flexAllowed && current.plan.interval !== "YEAR" ? flexCredits : 0n;
            await database.prisma.creditBalance.update({ where: { workspaceId: ws.id }, data: { flexUsed: flex } });
            const isPaid = current.plan.code !== "free" && current.plan.code !== "payg";
            if (target === current.plan.code || (target === "cancel" && !isPaid)) continue;

            const request = target === "cancel" ? ({ kind: "cancel" } as const) : ({ kind: "plan", toPlanCode: target } as const);
            const shown = await loadPlanChangePreview(database.prisma, {
              workspaceId: ws.id,
              request,
              at: now,
              creditsPerUsd: CREDITS_PER_USD,
            });
            const before = await database.prisma.invoice.count({ where: { workspaceId: ws.id } });

            if (shown.invoice.change === "upgrade") {
              const outcome = await confirmPlanChange(database.prisma, gateway, {
                workspaceId: ws.id,
                fromPlanCode: current.plan.code,
                toPlanCode: target,
                expectedTodayCents: shown.summary.chargedTodayCents,
                at: now,
                creditsPerUsd: CREDITS_PER_USD,
                actor,
              });
              expect(outcome.kind).toBe("upgraded");
              if (outcome.kind !== "upgraded") return;
              if (shown.invoice.lines.length === 0) {
                expect(await database.prisma.invoice.count({ where: { workspaceId: ws.id } })).toBe(before);
                continue;
              }
              const invoice = await database.prisma.invoice.findFirstOrThrow({
                where: { workspaceId: ws.id, number: outcome.invoiceNumber! },
                select: { totalCents: true, status: true, lines: { select: { description: true, amountCents: true } } },
              });
              expect(lines(invoice.lines)).toEqual(lines(shown.invoice.lines));
              expect(BigInt(invoice.totalCents)).toBe(shown.invoice.totalCents);
              expect(BigInt(invoice.totalCents)).toBe(shown.summary.chargedTodayCents);
              if (invoice.totalCents > 0) expect(invoice.status).toBe("PAID");
              continue;
            }

            if (target === "cancel") {
              expect(
                (await confirmCancellation(database.prisma, { workspaceId: ws.id, fromPlanCode: current.plan.code, at: now, actor })).kind,
              ).toBe("cancel_scheduled");
            } else {
              const outcome = await confirmPlanChange(database.prisma, gateway, {
                workspaceId: ws.id,
                fromPlanCode: current.plan.code,
                toPlanCode: target,
                expectedTodayCents: 0n,
                at: now,
                creditsPerUsd: CREDITS_PER_USD,
                actor,
              });
              expect(outcome.kind).toBe("downgrade_scheduled");
            }
            // The billing clock reaches the change: the invoice issued then is the preview.
            now = new Date(shown.invoice.effectiveAt.getTime() + 1);
            await run(now);
            const issued = await database.prisma.invoice.findMany({
              where: { workspaceId: ws.id, issuedAt: shown.invoice.effectiveAt },
              select: { totalCents: true, lines: { select: { description: true, amountCents: true } } },
            });
            if (shown.invoice.issuedAt === null || (shown.invoice.lines.length === 0 && shown.invoice.kind !== "FINAL")) {
              // Nothing to bill (a zero flex line is left out): no invoice is issued.
              expect(shown.invoice.totalCents).toBe(0n);
              expect(issued).toEqual([]);
            } else {
              expect(shown.invoice.issuedAt).toEqual(shown.invoice.effectiveAt);
              expect(issued).toHaveLength(1);
              expect(lines(issued[0]!.lines)).toEqual(lines(shown.invoice.lines));
              expect(BigInt(issued[0]!.totalCents)).toBe(shown.invoice.totalCents);
            }
            const after = await database.prisma.subscription.findFirstOrThrow({
              where: { workspaceId: ws.id, status: "ACTIVE" },
              select: { plan: { select: { code: true } } },
            });
            expect(after.plan.code).toBe(shown.summary.planAfter.code);
          }
        },
      ),
      { numRuns: 15 },
    );
  }, 300_000);
});
