import "server-only";

// The email outbox (R13). `enqueueNotice` writes one NotificationOutbox row per
// recipient inside the caller's transaction, so an email exists exactly when
// the event that causes it committed; `deliverDueNotices` (the billing run)
// sends what is due. Rows are claimed with a lease (UPDATE … FOR UPDATE SKIP
// LOCKED … RETURNING), so two deliverers running at once never send the same
// row twice; a failure backs off and is tried again, up to MAX_ATTEMPTS.
import type { PrismaClient, Tx } from "@/lib/db";
import { configuredMailer, type Mailer } from "@/lib/email/mailer";
import {
  isOptionalNotice,
  OPTIONAL_NOTICE_KINDS,
  renderNotice,
  type NoticeData,
  type NoticeKind,
  type OptionalNoticeKind,
} from "@/lib/email/notices";
import { oneClickUnsubscribeUrl, unsubscribeUrl, type UnsubscribeClaims } from "@/lib/email/unsubscribe";
import { appOrigin, env } from "@/lib/env";

export type NoticeInput = {
  [K in NoticeKind]: {
    workspaceId: string;
    kind: K;
    /** Says which event this is (`payment-failed:<paymentId>`); the same key twice writes nothing more. */
    dedupeKey: string;
    at: Date;
    data: NoticeData[K];
  };
}[NoticeKind];

/** Links in emails point here: APP_URL, or the local server of the demo. */
export const noticeAppUrl = appOrigin;

const MONEY_ROLES = ["OWNER", "BILLING_ADMIN"] as const;

/**
 * Who receives `kind`: money notices go to every owner and billing admin,
 * whatever their preferences; optional ones to every member (viewers too)
 * who has not turned them off.
 */
async function recipients(tx: Tx, workspaceId: string, kind: NoticeKind) {
  const optional = isOptionalNotice(kind);
  const [members, off] = await Promise.all([
    tx.membership.findMany({
      where: { workspaceId, ...(optional ? {} : { role: { in: [...MONEY_ROLES] } }) },
      select: { userId: true, user: { select: { email: true } } },
      orderBy: { createdAt: "asc" },
    }),
    optional
      ? tx.notificationPreference.findMany({ where: { workspaceId, kind, enabled: false }, select: { userId: true } })
      : Promise.resolve([]),
  ]);
  const optedOut = new Set(off.map((row) => row.userId));
  return members.filter((member) => !optedOut.has(member.userId)).map((member) => ({ userId: member.userId, email: member.user.email }));
}

/** Who receives a money notice (an invoice, a receipt): every owner and billing admin, by email, sorted. */
export async function moneyNoticeRecipients(tx: Tx, workspaceId: string): Promise<string[]> {
  const members = await tx.membership.findMany({
    where: { workspaceId, role: { in: [...MONEY_ROLES] } },
    select: { user: { select: { email: true } } },
  });
  return members.map((member) => member.user.email).sort();
}

/**
 * Records the event in the workspace's notification list and writes the notice
 * for each recipient, rendered now; returns how many emails were queued. An
 * event already in the list (its dedupe key) queues nothing again, even for a
 * member who joined since.
 */
export async function enqueueNotice(tx: Tx, input: NoticeInput): Promise<number> {
  const workspace = await tx.workspace.findUniqueOrThrow({ where: { id: input.workspaceId }, select: { slug: true, name: true } });
  const appUrl = noticeAppUrl();
  const listed = renderNotice(input.kind, input.data as never, {
    appUrl,
    workspaceSlug: workspace.slug,
    workspaceName: workspace.name,
    at: input.at,
  });
  const recorded = await tx.workspaceNotification.createMany({
    data: [
      {
        workspaceId: input.workspaceId,
        dedupeKey: input.dedupeKey,
        kind: input.kind,
        subject: listed.subject,
        summary: listed.summary,
        linkPath: listed.linkPath,
        createdAt: input.at,
      },
    ],
    skipDuplicates: true,
  });
  if (recorded.count === 0) return 0;
  const to = await recipients(tx, input.workspaceId, input.kind);
  if (to.length === 0) return 0;
  const rows = to.map((recipient) => {
    const unsubscribe = isOptionalNotice(input.kind)
      ? unsubscribeUrl(appUrl, { workspaceId: input.workspaceId, userId: recipient.userId, kind: input.kind })
      : undefined;
    const { subject, text } = renderNotice(input.kind, input.data as never, {
      appUrl,
      workspaceSlug: workspace.slug,
      workspaceName: workspace.name,
      at: input.at,
      unsubscribeUrl: unsubscribe,
    });
    return {
      workspaceId: input.workspaceId,
      dedupeKey: `${input.dedupeKey}:${recipient.userId}`,
      kind: input.kind,
      toEmail: recipient.email,
      userId: recipient.userId,
      subject,
      body: text,
      createdAt: input.at,
    };
  });
  const written = await tx.notificationOutbox.createMany({ data: rows, skipDuplicates: true });
  return written.count;
}

/** Attempts per message before it is given up (the last one about a day after the first). */
export const MAX_ATTEMPTS = 8;
/** Minutes to wait after the n-th failed attempt. */
const RETRY_AFTER_MINUTES = [1, 5, 30, 120, 360, 720, 1440];
/** A claimed row is not claimed again for this long (a deliverer that died mid-send). */
const LEASE_MS = 10 * 60_000;
const BATCH = 20;

/** When to try again after `attempts` failures; null once MAX_ATTEMPTS have failed. */
export function nextAttemptAfterFailure(attempts: number, now: Date): Date | null {
  if (attempts >= MAX_ATTEMPTS) return null;
  const minutes = RETRY_AFTER_MINUTES[Math.min(attempts, RETRY_AFTER_MINUTES.length) - 1] ?? 1;
  return new Date(now.getTime() + minutes * 60_000);
}

type ClaimedRow = {
  workspaceId: string;
  id: string;
  kind: string;
  toEmail: string;
  subject: string;
  body: string;
  userId: string | null;
  attempts: number;
};

async function claimDue(prisma: PrismaClient, now: Date, limit: number): Promise<ClaimedRow[]> {
  const leaseUntil = new Date(now.getTime() + LEASE_MS);
  return prisma.$queryRaw<ClaimedRow[]>`
    WITH due AS (
      SELECT "workspaceId", "id" FROM "NotificationOutbox"
      WHERE "sentAt" IS NULL AND "attempts" < ${MAX_ATTEMPTS}
        AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ${now.toISOString()}::timestamp)
      ORDER BY "createdAt", "id"
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE "NotificationOutbox" o SET "nextAttemptAt" = ${leaseUntil.toISOString()}::timestamp
    FROM due WHERE o."workspaceId" = due."workspaceId" AND o."id" = due."id"
    RETURNING o."workspaceId"::text AS "workspaceId", o."id"::text AS "id", o."kind", o."toEmail", o."subject", o."body",
      o."userId"::text AS "userId", o."attempts"`;
}

function headersFor(row: ClaimedRow, appUrl: string): Record<string, string> {
  const headers: Record<string, string> = { "Auto-Submitted": "auto-generated" };
  if (isOptionalNotice(row.kind) && row.userId) {
    // RFC 8058: mail clients show an unsubscribe button that POSTs to this link.
    headers["List-Unsubscribe"] =
      `<${oneClickUnsubscribeUrl(appUrl, { workspaceId: row.workspaceId, userId: row.userId, kind: row.kind })}>`;
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
  }
  return headers;
}

export interface DeliverOptions {
  /** Default: SMTP_URL, else .eml files in OUTBOX_DIR. */
  mailer?: Mailer;
  /** At most this many messages per call (default 200). */
  maxMessages?: number;
}

/** Sends the outbox rows that are due at `now`. */
export async function deliverDueNotices(
  prisma: PrismaClient,
  now: Date,
  options: DeliverOptions = {},
): Promise<{ sent: number; failed: number }> {
  const mailer = options.mailer ?? configuredMailer();
  const maxMessages = options.maxMessages ?? 200;
  const from = env().EMAIL_FROM;
  const appUrl = noticeAppUrl();
  let sent = 0;
  let failed = 0;
  while (sent + failed < maxMessages) {
    const claimed = await claimDue(prisma, now, Math.min(BATCH, maxMessages - sent - failed));
    if (claimed.length === 0) break;
    for (const row of claimed) {
      const where = { workspaceId_id: { workspaceId: row.workspaceId, id: row.id } };
      try {
        await mailer.send({ id: row.id, from, to: row.toEmail, subject: row.subject, text: row.body, headers: headersFor(row, appUrl) });
      } catch (error) {
        failed += 1;
        const attempts = row.attempts + 1;
        const next = nextAttemptAfterFailure(attempts, now);
        const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 500);
        if (!next) console.error(`[email] giving up on ${row.kind} to ${row.toEmail} after ${attempts} attempts: ${lastError}`);
        await prisma.notificationOutbox.update({ where, data: { attempts, lastError, nextAttemptAt: next } });
        continue;
      }
      sent += 1;
      await prisma.notificationOutbox.update({
        where,
        data: { sentAt: now, attempts: row.attempts + 1, lastError: null, nextAttemptAt: null },
      });
    }
  }
  return { sent, failed };
}

/** Which optional notices the member receives (no row: receives it). */
export async function noticePreferences(
  prisma: PrismaClient | Tx,
  workspaceId: string,
  userId: string,
): Promise<Record<OptionalNoticeKind, boolean>> {
  const rows = await prisma.notificationPreference.findMany({
    where: { workspaceId, userId, kind: { in: [...OPTIONAL_NOTICE_KINDS] } },
    select: { kind: true, enabled: true },
  });
  const preferences = Object.fromEntries(OPTIONAL_NOTICE_KINDS.map((kind) => [kind, true])) as Record<OptionalNoticeKind, boolean>;
  for (const row of rows) preferences[row.kind as OptionalNoticeKind] = row.enabled;
  return preferences;
}

/** Turns one optional notice on or off for one member. Money notices cannot be turned off. */
export async function setNoticePreference(
  prisma: PrismaClient | Tx,
  input: { workspaceId: string; userId: string; kind: OptionalNoticeKind; enabled: boolean; now: Date },
): Promise<void> {
  if (!isOptionalNotice(input.kind)) throw new Error(`${input.kind} notices are always sent`);
  const { workspaceId, userId, kind, enabled, now } = input;
  await prisma.notificationPreference.upsert({
    where: { workspaceId_userId_kind: { workspaceId, userId, kind } },
    create: { workspaceId, userId, kind, enabled, updatedAt: now },
    update: { enabled, updatedAt: now },
  });
}

/** What an unsubscribe link is about: null when its member has left the workspace (or it is gone). */
export async function unsubscribeTarget(prisma: PrismaClient, claims: UnsubscribeClaims) {
  const membership = await prisma.membership.findUnique({
    where: { workspaceId_userId: { workspaceId: claims.workspaceId, userId: claims.userId } },
    select: { role: true, workspace: { select: { name: true, slug: true } } },
  });
  if (!membership) return null;
  const preferences = await noticePreferences(prisma, claims.workspaceId, claims.userId);
  return {
    workspaceName: membership.workspace.name,
    workspaceSlug: membership.workspace.slug,
    role: membership.role,
    enabled: preferences[claims.kind],
  };
}

/** Applies a verified unsubscribe link; false when its member has left the workspace. */
export async function applyUnsubscribe(prisma: PrismaClient, claims: UnsubscribeClaims, now: Date): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const member = await tx.membership.findUnique({
      where: { workspaceId_userId: { workspaceId: claims.workspaceId, userId: claims.userId } },
      select: { userId: true },
    });
    if (!member) return false;
    await setNoticePreference(tx, { ...claims, enabled: false, now });
    return true;
  });
}
