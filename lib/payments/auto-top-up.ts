import "server-only";

// Auto top-up (R7.2): when a debit leaves prepaid credits below the
// customer's threshold, the card on file is charged the customer's amount,
// at most the customer's number of times per calendar month. It never runs
// on the metering request's time: the debit only reports the crossing and a
// runner (or the billing run's sweep, after a crash) charges. The workspace
// row is locked while a charge is claimed and the "armed" flag is cleared, so
// however many debits cross at once there is one charge per crossing; the
// flag is set again once prepaid is back at or above the threshold. A
// declined charge turns auto top-up off and tells the owners (settle.ts). It
// stops at the monthly spend cap (R14.2): a top-up that would take flex and
// the period's auto top-ups past the cap is not charged.
import { CLAIM_TX } from "@/lib/db/payments/settle";
import { autoTopUpWithinCap } from "@/lib/billing/flex";
import { calendarMonthStart } from "@/lib/billing/periods";
import { spendThisPeriod } from "@/lib/db/spend-cap";
import { topUpCredits } from "@/lib/billing/invoice-lines";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { writeAudit, type Actor } from "@/lib/db/audit";
import type { SettleOutcome } from "@/lib/db/payments/settle";
import { withTransactionRetry } from "@/lib/db/ledger/retry";
import { formatCents } from "@/lib/money";
import { chargePayment, defaultCard } from "./charge";
import type { PaymentGateway } from "./gateway";
import { PaymentRefused, TOP_UP_MAX_CENTS, TOP_UP_MIN_CENTS } from "./top-ups";

export const AUTO_TOP_UP_MAX_PER_MONTH = 31;

export interface AutoTopUpSettings {
  enabled: boolean;
  thresholdCredits: bigint;
  amountCents: number;
  monthlyMax: number;
}

export async function saveAutoTopUpSettings(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  input: AutoTopUpSettings & { workspaceId: string; actor: Actor; now: Date },
): Promise<void> {
  const { workspaceId, now } = input;
  if (input.thresholdCredits <= 0n) throw new PaymentRefused("The threshold must be above zero.");
  if (!Number.isInteger(input.amountCents) || input.amountCents < TOP_UP_MIN_CENTS || input.amountCents > TOP_UP_MAX_CENTS) {
    throw new PaymentRefused(`The amount is between ${formatCents(TOP_UP_MIN_CENTS)} and ${formatCents(TOP_UP_MAX_CENTS)}.`);
  }
  if (!Number.isInteger(input.monthlyMax) || input.monthlyMax < 1 || input.monthlyMax > AUTO_TOP_UP_MAX_PER_MONTH) {
    throw new PaymentRefused(`Allow between 1 and ${AUTO_TOP_UP_MAX_PER_MONTH} automatic top-ups a month.`);
  }
  if (input.enabled && !(await defaultCard(prisma, workspaceId, gateway))) {
    throw new PaymentRefused("Add a card first: automatic top-ups are charged to the card on file.");
  }
  await prisma.$transaction(async (tx) => {
    await tx.workspace.update({
      where: { id: workspaceId },
      data: {
        autoTopUpEnabled: input.enabled,
        autoTopUpThreshold: input.thresholdCredits,
        autoTopUpAmountCents: input.amountCents,
        autoTopUpMonthlyMax: input.monthlyMax,
        autoTopUpArmed: true,
      },
    });
    await writeAudit(tx, {
      workspaceId,
      actor: input.actor,
      action: input.enabled ? "auto_top_up.enabled" : "auto_top_up.disabled",
      detail: { thresholdCredits: input.thresholdCredits.toString(), amountCents: input.amountCents, monthlyMax: input.monthlyMax },
      now,
    });
  });
}

interface ClaimedAutoTopUp {
  paymentId: string;
  amountCents: number;
  cardExternalId: string;
}

async function claimAutoTopUp(prisma: PrismaClient, gateway: PaymentGateway, workspaceId: string, now: Date, creditsPerUsd: bigint) {
  const card = await defaultCard(prisma, workspaceId, gateway);
  return withTransactionRetry(() =>
    prisma.$transaction(async (tx): Promise<ClaimedAutoTopUp | null> => {
      // The workspace row first, then — in a new statement, so a new snapshot — the balance: a top-up
      // that committed while this waited for the lock is seen (a join read with the lock would not see it).
      const rows = await tx.$queryRaw<
        {
          enabled: boolean;
          armed: boolean;
          threshold: bigint | null;
          amountCents: number | null;
          monthlyMax: number | null;
          spendCapCents: number | null;
        }[]
      >`
        SELECT "autoTopUpEnabled" AS "enabled", "autoTopUpArmed" AS "armed", "autoTopUpThreshold" AS "threshold",
               "autoTopUpAmountCents" AS "amountCents", "autoTopUpMonthlyMax" AS "monthlyMax", "spendCapCents"
        FROM "Workspace" WHERE "id" = ${workspaceId}::uuid FOR UPDATE`;
      const balance = await tx.creditBalance.findUnique({ where: { workspaceId }, select: { prepaid: true } });
      const ws = rows[0] && balance ? { ...rows[0], prepaid: balance.prepaid } : null;
      if (!ws || !ws.enabled || !ws.armed || ws.threshold === null || ws.amountCents === null) return null;
      if (BigInt(ws.prepaid) >= BigInt(ws.threshold)) return null;
      const monthStart = calendarMonthStart(now);
      const thisMonth = await tx.payment.count({
        where: { workspaceId, kind: "AUTO_TOP_UP", status: { not: "FAILED" }, createdAt: { gte: monthStart } },
      });
      if (thisMonth >= (ws.monthlyMax ?? 1)) return null;
      // R14.2: stays armed, so raising the cap (or the next period) lets the billing run's sweep charge it.
      if (ws.spendCapCents !== null) {
        const spend = await spendThisPeriod(tx, workspaceId);
        const facts = { spendCapCents: ws.spendCapCents, ...spend, creditsPerUsd };
        if (!autoTopUpWithinCap(facts, ws.amountCents)) return null;
      }
      if (!card) return null;
      await tx.workspace.update({ where: { id: workspaceId }, data: { autoTopUpArmed: false } });
      const ordinal = (await tx.payment.count({ where: { workspaceId, kind: "AUTO_TOP_UP" } })) + 1;
      const payment = await tx.payment.create({
        data: {
          workspaceId,
          kind: "AUTO_TOP_UP",
          amountCents: ws.amountCents,
          credits: topUpCredits(ws.amountCents, creditsPerUsd),
          gateway: gateway.name,
          paymentMethodId: card.id,
          idempotencyKey: `auto-top-up:${workspaceId}:${ordinal}`,
          createdAt: now,
        },
        select: { id: true },
      });
      return { paymentId: payment.id, amountCents: ws.amountCents, cardExternalId: card.externalId };
    }, CLAIM_TX),
  );
}

/** One auto top-up of the workspace if it is due (null: nothing to do). */
export async function runAutoTopUp(
  prisma: PrismaClient,
  gateway: PaymentGateway,
  workspaceId: string,
  now: Date,
  creditsPerUsd: bigint,
): Promise<SettleOutcome | null> {
  const claimed = await claimAutoTopUp(prisma, gateway, workspaceId, now, creditsPerUsd);
  if (!claimed) return null;
  return chargePayment(
    prisma,
    gateway,
    {
      workspaceId,
      id: claimed.paymentId,
      amountCents: claimed.amountCents,
      cardExternalId: claimed.cardExternalId,
      description: "Automatic top-up of prepaid credits",
    },
    now,
    creditsPerUsd,
  );
}

/** The billing run's sweep: every workspace below its threshold and armed (a crossing whose runner never ran). */
export async function runDueAutoTopUps(prisma: PrismaClient, gateway: PaymentGateway, now: Date, creditsPerUsd: bigint): Promise<number> {
  const due = await prisma.$queryRaw<{ id: string }[]>`
    SELECT w."id"::text AS "id" FROM "Workspace" w JOIN "CreditBalance" b ON b."workspaceId" = w."id"
    WHERE w."autoTopUpEnabled" AND w."autoTopUpArmed" AND w."autoTopUpThreshold" IS NOT NULL AND b."prepaid" < w."autoTopUpThreshold"
    ORDER BY w."id" LIMIT 1000`;
  let charged = 0;
  for (const { id } of due) {
    const outcome = await runAutoTopUp(prisma, gateway, id, now, creditsPerUsd);
    if (outcome?.status === "SUCCEEDED") charged += 1;
  }
  return charged;
}

/** This calendar month's automatic top-ups, newest first (the Credits page). */
export async function autoTopUpsThisMonth(prisma: PrismaClient, workspaceId: string, now: Date) {
  return prisma.payment.findMany({
    where: { workspaceId, kind: "AUTO_TOP_UP", createdAt: { gte: calendarMonthStart(now) } },
    select: { id: true, status: true, amountCents: true, credits: true, createdAt: true, failureMessage: true },
    orderBy: { createdAt: "desc" },
  });
}
