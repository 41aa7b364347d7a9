// The email outbox (R13): rows written in the caller's transaction, one per
// recipient (money notices to owners and billing admins, optional ones to
// every member who has not turned them off), delivered once with retries.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUser } from "@/lib/db/accounts";
import {
  deliverDueNotices,
  enqueueNotice,
  MAX_ATTEMPTS,
  noticePreferences,
  setNoticePreference,
  unsubscribeTarget,
} from "@/lib/db/notices";
import { fileMailer, type MailMessage, type Mailer } from "@/lib/email/mailer";
import { oneClickUnsubscribe } from "@/lib/email/one-click";
import { oneClickUnsubscribeUrl, unsubscribeUrl, verifyUnsubscribeToken } from "@/lib/email/unsubscribe";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

// Read lazily by lib/env on first use, after this runs.
process.env.APP_URL = "https://billing.test";
process.env.AUTH_SECRET = "outbox-test-secret-0123456789abcdef0123";

const NOW = new Date("2027-05-10T08:00:00.000Z");
const MINUTE = 60_000;

/** Header block unfolded, body decoded from quoted-printable. */
function parseEml(raw: string): { headers: Map<string, string>; text: string } {
  const split = raw.indexOf("\r\n\r\n");
  const headers = new Map<string, string>();
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n[ \t]+/g, " ")
    .split("\r\n")) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = raw.slice(split + 4);
  if (/quoted-printable/i.test(headers.get("content-transfer-encoding") ?? "")) {
    const bytes = body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    body = Buffer.from(bytes, "latin1").toString("utf8");
  }
  return { headers, text: body.replace(/\r\n/g, "\n") };
}

/** A mailer that keeps what it was given. */
function recordingMailer(delayMs = 0): Mailer & { sent: MailMessage[] } {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(message) {
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      sent.push(message);
    },
  };
}

describe("email outbox", () => {
  let database: TestDatabase;
  const dirs: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
  }, 60_000);

  afterAll(async () => {
    await database?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  // Delivery takes every due row of the database: each test starts from an outbox with nothing due.
  beforeEach(async () => {
    await database.prisma.notificationOutbox.updateMany({ where: { sentAt: null }, data: { sentAt: NOW } });
  });

  /** A workspace with an owner, a billing admin and a viewer. */
  async function team() {
    const workspace = await makeWorkspace(database.prisma, { now: NOW });
    const owner = await database.prisma.membership.findFirstOrThrow({
      where: { workspaceId: workspace.id, role: "OWNER" },
      select: { userId: true, user: { select: { email: true } } },
    });
    const tag = workspace.id.slice(-8);
    const [admin, viewer] = await database.prisma.$transaction(async (tx) => {
      const admin = await createUser(tx, { email: `admin-${tag}@test.dev`, name: "Admin", passwordHash: null });
      const viewer = await createUser(tx, { email: `viewer-${tag}@test.dev`, name: "Viewer", passwordHash: null });
      await tx.membership.createMany({
        data: [
          { workspaceId: workspace.id, userId: admin.id, role: "BILLING_ADMIN" },
          { workspaceId: workspace.id, userId: viewer.id, role: "VIEWER" },
        ],
      });
      return [admin, viewer];
    });
    return {
      workspace,
      owner: { id: owner.userId, email: owner.user.email },
      admin: { id: admin.id, email: admin.email },
      viewer: { id: viewer.id, email: viewer.email },
    };
  }

  function paymentFailed(workspaceId: string, key = "payment-failed:p1") {
    return {
      workspaceId,
      kind: "payment_failed" as const,
      dedupeKey: key,
      at: NOW,
      data: { amountCents: 123_450, invoiceNumber: "INV-000777", reason: "Your card was declined.", nextAttemptAt: null },
    };
  }

  function lowBalance(workspaceId: string, key = "low-balance:test") {
    return { workspaceId, kind: "low_balance" as const, dedupeKey: key, at: NOW, data: { prepaid: 1_500_000n, threshold: 10_000_000n } };
  }

  const rowsOf = (workspaceId: string) =>
    database.prisma.notificationOutbox.findMany({
      where: { workspaceId },
      select: { id: true, kind: true, toEmail: true, userId: true, dedupeKey: true, subject: true, body: true, sentAt: true },
      orderBy: { toEmail: "asc" },
    });

  it("is written in the caller's transaction: a rollback leaves nothing", async () => {
    const { workspace } = await team();
    await expect(
      database.prisma.$transaction(async (tx) => {
        expect(await enqueueNotice(tx, paymentFailed(workspace.id))).toBe(2);
        throw new Error("the event failed");
      }),
    ).rejects.toThrow("the event failed");
    expect(await rowsOf(workspace.id)).toEqual([]);

    await database.prisma.$transaction((tx) => enqueueNotice(tx, paymentFailed(workspace.id)));
    expect(await rowsOf(workspace.id)).toHaveLength(2);
  });

  it("money notices go to every owner and billing admin, never to viewers, whatever their preferences", async () => {
    const { workspace, owner, admin, viewer } = await team();
    // Only optional notices have a preference; a stray row for a money notice changes nothing.
    await database.prisma.notificationPreference.create({
      data: { workspaceId: workspace.id, userId: admin.id, kind: "payment_failed", enabled: false, updatedAt: NOW },
    });
    await database.prisma.$transaction((tx) => enqueueNotice(tx, paymentFailed(workspace.id)));
    const rows = await rowsOf(workspace.id);
    expect(rows.map((row) => row.userId).sort()).toEqual([owner.id, admin.id].sort());
    expect(rows.map((row) => row.toEmail)).not.toContain(viewer.email);
    for (const row of rows) {
      expect(row.dedupeKey).toBe(`payment-failed:p1:${row.userId}`);
      expect(row.subject).toBe("Payment failed for invoice INV-000777: $1,234.50");
      expect(row.body).toContain(`https://billing.test/w/${workspace.slug}/invoices/INV-000777`);
      expect(row.body).not.toContain("unsubscribe");
    }
  });

  it("optional notices go to every member, viewers too, except those who turned them off", async () => {
    const { workspace, owner, admin, viewer } = await team();
    expect(await noticePreferences(database.prisma, workspace.id, admin.id)).toEqual({
      low_balance: true,
      package_expiring: true,
      auto_top_up_succeeded: true,
      included_usage: true,
      flex_usage: true,
    });
    await setNoticePreference(database.prisma, {
      workspaceId: workspace.id,
      userId: admin.id,
      kind: "low_balance",
      enabled: false,
      now: NOW,
    });
    // Turning off one kind leaves the others on.
    expect(await noticePreferences(database.prisma, workspace.id, admin.id)).toMatchObject({ low_balance: false, package_expiring: true });

    await database.prisma.$transaction((tx) => enqueueNotice(tx, lowBalance(workspace.id)));
    const rows = await rowsOf(workspace.id);
    expect(rows.map((row) => row.userId).sort()).toEqual([owner.id, viewer.id].sort());
    for (const row of rows) {
      const link = /Stop these emails: (\S+)/.exec(row.body)?.[1];
      expect(link).toMatch(/^https:\/\/billing\.test\/unsubscribe\?token=/);
      expect(verifyUnsubscribeToken(new URL(link!).searchParams.get("token")!)).toEqual({
        workspaceId: workspace.id,
        userId: row.userId,
        kind: "low_balance",
      });
      expect(row.body).toContain("1,500,000 credits");
    }

    // On again: the member receives the next one.
    await setNoticePreference(database.prisma, {
      workspaceId: workspace.id,
      userId: admin.id,
      kind: "low_balance",
      enabled: true,
      now: NOW,
    });
    await database.prisma.$transaction((tx) => enqueueNotice(tx, lowBalance(workspace.id, "low-balance:test-2")));
    expect((await rowsOf(workspace.id)).filter((row) => row.userId === admin.id)).toHaveLength(1);
  });

  it("refuses to turn off a money notice", async () => {
    const { workspace, owner } = await team();
    await expect(
      setNoticePreference(database.prisma, {
        workspaceId: workspace.id,
        userId: owner.id,
        kind: "payment_failed" as never,
        enabled: false,
        now: NOW,
      }),
    ).rejects.toThrow(/always sent/);
  });

  it("the same event twice writes its notice once", async () => {
    const { workspace } = await team();
    expect(await database.prisma.$transaction((tx) => enqueueNotice(tx, paymentFailed(workspace.id)))).toBe(2);
    expect(await database.prisma.$transaction((tx) => enqueueNotice(tx, paymentFailed(workspace.id)))).toBe(0);
    // Inside one transaction too.
    expect(
      await database.prisma.$transaction(
        async (tx) => (await enqueueNotice(tx, lowBalance(workspace.id))) + (await enqueueNotice(tx, lowBalance(workspace.id))),
      ),
    ).toBe(3);
    expect(await rowsOf(workspace.id)).toHaveLength(5);
  });

  it("delivers to .eml files named by the row, once, with List-Unsubscribe on optional notices only", async () => {
    const { workspace, viewer } = await team();
    await database.prisma.$transaction(async (tx) => {
      await enqueueNotice(tx, paymentFailed(workspace.id));
      await enqueueNotice(tx, lowBalance(workspace.id));
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "md-outbox-"));
    dirs.push(dir);

    expect(await deliverDueNotices(database.prisma, NOW, { mailer: fileMailer(dir) })).toEqual({ sent: 5, failed: 0 });
    const rows = await rowsOf(workspace.id);
    expect(rows.every((row) => row.sentAt?.getTime() === NOW.getTime())).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(rows.map((row) => `${row.id}.eml`).sort());

    for (const row of rows) {
      const { headers, text } = parseEml(fs.readFileSync(path.join(dir, `${row.id}.eml`), "utf8"));
      expect(headers.get("to")).toBe(row.toEmail);
      expect(headers.get("from")).toBe("Meterdesk <billing@meterdesk.local>");
      expect(headers.get("message-id")).toBe(`<${row.id}@meterdesk.local>`);
      expect(text).toBe(row.body);
      if (row.kind === "low_balance") {
        expect(headers.get("subject")).toBe(row.subject);
        expect(headers.get("list-unsubscribe")).toMatch(/^<https:\/\/billing\.test\/unsubscribe\/one-click\?token=[^>]+>$/);
        expect(headers.get("list-unsubscribe")).toContain(`.${row.userId}.low_balance.`);
        expect(headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
      } else {
        expect(headers.has("list-unsubscribe")).toBe(false);
        expect(text).toContain("$1,234.50");
      }
    }
    expect(rows.some((row) => row.toEmail === viewer.email && row.kind === "low_balance")).toBe(true);

    // Sent rows are not sent again.
    expect(await deliverDueNotices(database.prisma, new Date(NOW.getTime() + 60 * MINUTE), { mailer: fileMailer(dir) })).toEqual({
      sent: 0,
      failed: 0,
    });
    expect(fs.readdirSync(dir)).toHaveLength(5);

    // A retried write of the same row replaces its file.
    const first = rows[0]!;
    await fileMailer(dir).send({ id: first.id, from: "a@b.dev", to: first.toEmail, subject: "again", text: "again", headers: {} });
    expect(fs.readdirSync(dir)).toHaveLength(5);
    expect(parseEml(fs.readFileSync(path.join(dir, `${first.id}.eml`), "utf8")).text.trim()).toBe("again");
  });

  it("a failing mailer backs off (1, 5, 30 minutes …), records the error, and gives up after the last attempt", async () => {
    const { workspace } = await team();
    await database.prisma.$transaction((tx) => enqueueNotice(tx, paymentFailed(workspace.id)));
    let calls = 0;
    const failing: Mailer = {
      async send() {
        calls += 1;
        throw new Error("421 mail server busy");
      },
    };

    expect(await deliverDueNotices(database.prisma, NOW, { mailer: failing })).toEqual({ sent: 0, failed: 2 });
    const after1 = await database.prisma.notificationOutbox.findMany({
      where: { workspaceId: workspace.id },
      select: { attempts: true, lastError: true, nextAttemptAt: true, sentAt: true },
    });
    expect(after1).toEqual([
      { attempts: 1, lastError: "421 mail server busy", nextAttemptAt: new Date(NOW.getTime() + MINUTE), sentAt: null },
      { attempts: 1, lastError: "421 mail server busy", nextAttemptAt: new Date(NOW.getTime() + MINUTE), sentAt: null },
    ]);

    // Not before the back-off has passed.
    expect(await deliverDueNotices(database.prisma, new Date(NOW.getTime() + 59_999), { mailer: failing })).toEqual({ sent: 0, failed: 0 });
    expect(await deliverDueNotices(database.prisma, new Date(NOW.getTime() + MINUTE), { mailer: failing })).toEqual({ sent: 0, failed: 2 });
    const after2 = await database.prisma.notificationOutbox.findFirstOrThrow({
      where: { workspaceId: workspace.id },
      select: { attempts: true, nextAttemptAt: true },
    });
    expect(after2).toEqual({ attempts: 2, nextAttemptAt: new Date(NOW.getTime() + 6 * MINUTE) });
    expect(await deliverDueNotices(database.prisma, new Date(NOW.getTime() + 6 * MINUTE), { mailer: failing })).toEqual({
      sent: 0,
      failed: 2,
    });
    expect(
      (await database.prisma.notificationOutbox.findFirstOrThrow({ where: { workspaceId: workspace.id }, select: { nextAttemptAt: true } }))
        .nextAttemptAt,
    ).toEqual(new Date(NOW.getTime() + 36 * MINUTE));

    // The server recovers: the next due attempt sends it.
    const working = recordingMailer();
    expect(await deliverDueNotices(database.prisma, new Date(NOW.getTime() + 36 * MINUTE), { mailer: working })).toEqual({
      sent: 2,
      failed: 0,
    });
    expect(working.sent.map((message) => message.subject)).toEqual([
      "Payment failed for invoice INV-000777: $1,234.50",
      "Payment failed for invoice INV-000777: $1,234.50",
    ]);
    expect(calls).toBe(6);

    // Another message that never gets through is given up after MAX_ATTEMPTS.
    await database.prisma.$transaction((tx) => enqueueNotice(tx, paymentFailed(workspace.id, "payment-failed:p2")));
    let at = new Date(NOW.getTime() + 40 * MINUTE);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      expect(await deliverDueNotices(database.prisma, at, { mailer: failing })).toEqual({ sent: 0, failed: 2 });
      const row = await database.prisma.notificationOutbox.findFirstOrThrow({
        where: { workspaceId: workspace.id, dedupeKey: { startsWith: "payment-failed:p2:" } },
        select: { attempts: true, nextAttemptAt: true },
      });
      expect(row.attempts).toBe(attempt);
      if (attempt === MAX_ATTEMPTS) expect(row.nextAttemptAt).toBeNull();
      else at = row.nextAttemptAt!;
    }
    const later = recordingMailer();
    expect(await deliverDueNotices(database.prisma, new Date(at.getTime() + 30 * 86_400_000), { mailer: later })).toEqual({
      sent: 0,
      failed: 0,
    });
    expect(later.sent).toEqual([]);
  });

  it("two deliverers running at once send each row exactly once", async () => {
    const teams = await Promise.all([team(), team(), team()]);
    await database.prisma.$transaction(async (tx) => {
      for (const { workspace } of teams) {
        for (let i = 0; i < 5; i += 1) {
          await enqueueNotice(tx, paymentFailed(workspace.id, `payment-failed:c${i}`));
          await enqueueNotice(tx, lowBalance(workspace.id, `low-balance:c${i}`));
        }
      }
    });
    const expected = await database.prisma.notificationOutbox.findMany({ where: { sentAt: null }, select: { id: true } });
    expect(expected).toHaveLength(3 * 5 * (2 + 3));

    const a = recordingMailer(2);
    const b = recordingMailer(2);
    const [ra, rb] = await Promise.all([
      deliverDueNotices(database.prisma, NOW, { mailer: a }),
      deliverDueNotices(database.prisma, NOW, { mailer: b }),
    ]);
    const ids = [...a.sent, ...b.sent].map((message) => message.id);
    expect(ids).toHaveLength(expected.length);
    expect(new Set(ids).size).toBe(expected.length);
    expect(new Set(ids)).toEqual(new Set(expected.map((row) => row.id)));
    expect(ra.sent + rb.sent).toBe(expected.length);
    expect(await database.prisma.notificationOutbox.count({ where: { sentAt: null } })).toBe(0);
  });

  it("maxMessages bounds one call; the rest go out with the next", async () => {
    const { workspace } = await team();
    await database.prisma.$transaction(async (tx) => {
      for (let i = 0; i < 4; i += 1) await enqueueNotice(tx, paymentFailed(workspace.id, `payment-failed:m${i}`));
    });
    const mailer = recordingMailer();
    expect(await deliverDueNotices(database.prisma, NOW, { mailer, maxMessages: 5 })).toEqual({ sent: 5, failed: 0 });
    expect(await deliverDueNotices(database.prisma, NOW, { mailer, maxMessages: 5 })).toEqual({ sent: 3, failed: 0 });
    expect(new Set(mailer.sent.map((message) => message.id)).size).toBe(8);
  });

  describe("one-click unsubscribe", () => {
    const post = (url: string, body: Record<string, string> | null) =>
      new Request(url, {
        method: "POST",
        ...(body ? { body: new URLSearchParams(body), headers: { "content-type": "application/x-www-form-urlencoded" } } : {}),
      });

    it("a mail client's POST turns that one notice off for that member, and the next one skips them", async () => {
      const { workspace, owner, viewer } = await team();
      const claims = { workspaceId: workspace.id, userId: viewer.id, kind: "low_balance" as const };
      expect(await unsubscribeTarget(database.prisma, claims)).toEqual({
        workspaceName: workspace.name,
        workspaceSlug: workspace.slug,
        role: "VIEWER",
        enabled: true,
      });

      const response = await oneClickUnsubscribe(
        database.prisma,
        post(oneClickUnsubscribeUrl("https://billing.test", claims), { "List-Unsubscribe": "One-Click" }),
        NOW,
      );
      expect(response.status).toBe(200);
      expect(await noticePreferences(database.prisma, workspace.id, viewer.id)).toEqual({
        low_balance: false,
        package_expiring: true,
        auto_top_up_succeeded: true,
        included_usage: true,
        flex_usage: true,
      });
      // Nobody else's choice changed.
      expect((await noticePreferences(database.prisma, workspace.id, owner.id)).low_balance).toBe(true);
      expect((await unsubscribeTarget(database.prisma, claims))?.enabled).toBe(false);

      await database.prisma.$transaction((tx) => enqueueNotice(tx, lowBalance(workspace.id)));
      expect((await rowsOf(workspace.id)).map((row) => row.userId)).not.toContain(viewer.id);

      // Again: still off, still fine.
      const again = await oneClickUnsubscribe(
        database.prisma,
        post(oneClickUnsubscribeUrl("https://billing.test", claims), { "List-Unsubscribe": "One-Click" }),
        NOW,
      );
      expect(again.status).toBe(200);
    });

    it("the page's button is sent back to the page", async () => {
      const { workspace, admin } = await team();
      const claims = { workspaceId: workspace.id, userId: admin.id, kind: "package_expiring" as const };
      const token = new URL(unsubscribeUrl("https://billing.test", claims)).searchParams.get("token")!;
      const response = await oneClickUnsubscribe(
        database.prisma,
        post(oneClickUnsubscribeUrl("https://billing.test", claims), { "List-Unsubscribe": "One-Click", from: "page" }),
        NOW,
      );
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe(`/unsubscribe?token=${token}`);
      expect((await noticePreferences(database.prisma, workspace.id, admin.id)).package_expiring).toBe(false);
    });

    it("refuses an edited token, and a member who has left", async () => {
      const { workspace, owner, viewer } = await team();
      const claims = { workspaceId: workspace.id, userId: viewer.id, kind: "low_balance" as const };
      const url = oneClickUnsubscribeUrl("https://billing.test", claims);
      // The owner's id put into the viewer's link.
      const edited = url.replace(viewer.id, owner.id);
      expect((await oneClickUnsubscribe(database.prisma, post(edited, { "List-Unsubscribe": "One-Click" }), NOW)).status).toBe(400);
      expect((await oneClickUnsubscribe(database.prisma, post("https://billing.test/unsubscribe/one-click", null), NOW)).status).toBe(400);
      expect((await noticePreferences(database.prisma, workspace.id, owner.id)).low_balance).toBe(true);

      await database.prisma.membership.delete({ where: { workspaceId_userId: { workspaceId: workspace.id, userId: viewer.id } } });
      expect(await unsubscribeTarget(database.prisma, claims)).toBeNull();
      expect((await oneClickUnsubscribe(database.prisma, post(url, { "List-Unsubscribe": "One-Click" }), NOW)).status).toBe(404);
    });
  });
});
