import "server-only";

// The usage alerts of R14.1 and the spend-cap notice of R14.2, queued by the
// billing run (every minute), never by a metering request: included credits
// at 50, 80 and 100 % used (once per subscription period per level), flex this
// period above the customer's level (once per flex period per level), and the
// spend cap reached (once per flex period per cap: nothing more fits under it,
// or the API has refused a call at it). The prepaid alert is the
// low-balance notice (notices.ts). The workspace's notification list is the
// dedupe: a level already listed for the period is not sent again.
//
// When several included levels are reached between two runs (the alerts were
// turned on at 85 %, or one large batch), one notice names the highest; the
// lower ones are not sent afterwards.
import { alertLevelsReached, type AlertLevel } from "@/lib/billing/guardrails";
import { creditsToCents } from "@/lib/money";
import { spendCapReached } from "@/lib/billing/flex";
import type { PrismaClient, Tx } from "@/lib/db";
import { enqueueNotice } from "@/lib/db/notices";

const CHUNK = 200;
const NIL_UUID = "00000000-0000-0000-0000-000000000000";

interface GuardrailRow {
  workspaceId: string;
  alertIncludedUsage: boolean;
  alertFlexAbove: bigint | null;
  spendCapCents: number | null;
  included: bigint;
  includedExpiresAt: Date | null;
  includedGranted: bigint | null;
  includedPeriodId: string | null;
  flexUsed: bigint;
  flexPeriodStart: Date | null;
  periodEnd: Date | null;
  autoTopUpCents: bigint;
  /** A call was refused at the cap this period (the API's refused-call counters). */
  capRefused: boolean;
}

async function candidates(prisma: PrismaClient, after: string, chunk: number): Promise<GuardrailRow[]> {
  return prisma.$queryRaw<GuardrailRow[]>`
    SELECT w."id"::text AS "workspaceId", w."alertIncludedUsage", w."alertFlexAbove", w."spendCapCents",
      b."included", b."includedExpiresAt", sp."includedGranted", sp."id"::text AS "includedPeriodId",
      b."flexUsed", f."start" AS "flexPeriodStart", s."currentPeriodEnd" AS "periodEnd",
      CASE WHEN w."spendCapCents" IS NULL THEN 0::bigint ELSE (
        SELECT COALESCE(SUM(pay."amountCents"), 0)::bigint FROM "Payment" pay
        WHERE pay."workspaceId" = w."id" AND pay."kind" = 'AUTO_TOP_UP' AND pay."status" <> 'FAILED' AND pay."createdAt" >= f."start"
      ) END AS "autoTopUpCents",
      w."spendCapCents" IS NOT NULL AND EXISTS (
        SELECT 1 FROM "RefusedCallMinute" r
        WHERE r."workspaceId" = w."id" AND r."reason" = 'spend_cap' AND r."minute" >= f."start"
      ) AS "capRefused"
    FROM "Workspace" w
    JOIN "CreditBalance" b ON b."workspaceId" = w."id"
    LEFT JOIN "Subscription" s ON s."workspaceId" = w."id" AND s."status" = 'ACTIVE'
    LEFT JOIN "SubscriptionPeriod" sp ON sp."workspaceId" = w."id" AND sp."id" = b."includedPeriodId"
    CROSS JOIN LATERAL (SELECT GREATEST(b."flexPeriodStart", s."currentPeriodStart") AS "start") f
    WHERE (w."alertIncludedUsage" OR w."alertFlexAbove" IS NOT NULL OR w."spendCapCents" IS NOT NULL)
      AND w."billingState" <> 'DELETED' AND w."id" > ${after}::uuid
    ORDER BY w."id"
    LIMIT ${chunk}`;
}

type Due = { row: GuardrailRow; dedupeKey: string; notice: (tx: Tx, now: Date) => Promise<number> };

/** The notices a workspace's state calls for now, each with the dedupe key of its period and level. */
function dueNotices(row: GuardrailRow, now: Date, creditsPerUsd: bigint): Due[] {
  const includedLive = row.includedGranted !== null && row.includedExpiresAt !== null && row.includedExpiresAt > now;
  const levels = alertLevelsReached(
    {
      includedAllotment: includedLive ? BigInt(row.includedGranted!) : 0n,
      includedLeft: BigInt(row.included),
      prepaid: 0n,
      flexUsed: BigInt(row.flexUsed),
    },
    {
      includedAlerts: row.alertIncludedUsage,
      prepaidBelowCredits: null,
      flexAboveCredits: row.alertFlexAbove === null ? null : BigInt(row.alertFlexAbove),
      spendCapCents: row.spendCapCents === null ? null : BigInt(row.spendCapCents),
    },
  );
  const due: Due[] = [];
  const flexPeriod = row.flexPeriodStart?.toISOString() ?? "none";
  const workspaceId = row.workspaceId;
  const highestIncluded = levels.filter((level): level is Extract<AlertLevel, { kind: "included" }> => level.kind === "included").at(-1);
  if (highestIncluded && row.includedPeriodId) {
    const allotment = BigInt(row.includedGranted!);
    due.push({
      row,
      dedupeKey: includedUsageKey(row.includedPeriodId, highestIncluded.percent),
      notice: (tx, at) =>
        enqueueNotice(tx, {
          workspaceId,
          kind: "included_usage",
          dedupeKey: includedUsageKey(row.includedPeriodId!, highestIncluded.percent),
          at,
          data: { percent: highestIncluded.percent, used: allotment - BigInt(row.included), allotment, resetsAt: row.includedExpiresAt },
        }),
    });
  }
  const flexAbove = levels.find((level) => level.kind === "flex_above");
  if (flexAbove && flexAbove.kind === "flex_above") {
    const dedupeKey = `flex-usage:${flexPeriod}:${flexAbove.threshold}`;
    const flexUsed = BigInt(row.flexUsed);
    due.push({
      row,
      dedupeKey,
      notice: (tx, at) =>
        enqueueNotice(tx, {
          workspaceId,
          kind: "flex_usage",
          dedupeKey,
          at,
          data: { flexUsed, threshold: flexAbove.threshold, flexCents: Number(creditsToCents(flexUsed, creditsPerUsd)) },
        }),
    });
  }
  const capReached =
    row.spendCapCents !== null &&
    (row.capRefused ||
      spendCapReached({
        spendCapCents: row.spendCapCents,
        flexUsedThisPeriod: BigInt(row.flexUsed),
        autoTopUpCentsThisPeriod: BigInt(row.autoTopUpCents),
        creditsPerUsd,
      }));
  if (capReached) {
    const dedupeKey = `spend-cap:${flexPeriod}:${row.spendCapCents}`;
    due.push({
      row,
      dedupeKey,
      notice: (tx, at) =>
        enqueueNotice(tx, {
          workspaceId,
          kind: "spend_cap_reached",
          dedupeKey,
          at,
          data: { capCents: row.spendCapCents!, resetsAt: row.periodEnd },
        }),
    });
  }
  return due;
}

/** The dedupe key of an included-usage alert: one per subscription period and level. */
export function includedUsageKey(periodId: string, percent: number): string {
  return `included-usage:${periodId}:${percent}`;
}

/** Queues the guardrail notices due at `now`; returns how many events were added to notification lists. */
export async function enqueueGuardrailAlerts(
  prisma: PrismaClient,
  now: Date,
  creditsPerUsd: bigint,
  options: { chunkSize?: number } = {},
): Promise<number> {
  const chunk = options.chunkSize ?? CHUNK;
  let listed = 0;
  for (let after = NIL_UUID; ;) {
    const rows = await candidates(prisma, after, chunk);
    if (rows.length === 0) break;
    const due = rows.flatMap((row) => dueNotices(row, now, creditsPerUsd));
    if (due.length > 0) {
      const known = await prisma.workspaceNotification.findMany({
        where: { OR: due.map((notice) => ({ workspaceId: notice.row.workspaceId, dedupeKey: notice.dedupeKey })) },
        select: { workspaceId: true, dedupeKey: true },
      });
      const seen = new Set(known.map((row) => `${row.workspaceId}|${row.dedupeKey}`));
      const fresh = due.filter((notice) => !seen.has(`${notice.row.workspaceId}|${notice.dedupeKey}`));
      // The notification list's unique key makes a second run's copy (or a concurrent one) write nothing.
      await prisma.$transaction(async (tx) => {
        for (const notice of fresh) await notice.notice(tx, now);
      });
      listed += fresh.length;
    }
    if (rows.length < chunk) break;
    after = rows.at(-1)!.workspaceId;
  }
  return listed;
}
