// Email through a real SMTP server (R13: SMTP_URL set): the `smtp-server`
// package on a free port receives what the outbox delivers through nodemailer.
// A message arrives once, however often delivery runs, with the right amounts;
// a temporary refusal is retried later without a second copy.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deliverDueNotices, enqueueNotice } from "@/lib/db/notices";
import { smtpMailer } from "@/lib/email/mailer";
import { createTestDatabase, type TestDatabase } from "../helpers/test-db";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

process.env.APP_URL = "https://billing.test";
process.env.AUTH_SECRET = "smtp-test-secret-0123456789abcdef012345";

const NOW = new Date("2027-06-01T12:00:00.000Z");

type Received = { from: string; to: string[]; raw: string };

/** Header block unfolded, body decoded from quoted-printable. */
function parseMessage(raw: string): { headers: Map<string, string>; text: string } {
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

describe("email through SMTP", () => {
  let database: TestDatabase;
  let server: SMTPServer;
  let url: string;
  const received: Received[] = [];
  /** Recipients refused once with a temporary error. */
  const busyOnce = new Set<string>();

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadCatalog(database.prisma);
    server = new SMTPServer({
      authOptional: true,
      // Plain SMTP on the loopback: no certificate to trust in a test.
      disabledCommands: ["STARTTLS"],
      logger: false,
      onRcptTo(address, _session, callback) {
        if (busyOnce.delete(address.address)) {
          const error = Object.assign(new Error("Mailbox busy, try again later"), { responseCode: 451 });
          return callback(error);
        }
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw: Buffer.concat(chunks).toString("utf8"),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await database?.close();
  });

  beforeEach(async () => {
    received.length = 0;
    await database.prisma.notificationOutbox.updateMany({ where: { sentAt: null }, data: { sentAt: NOW } });
  });

  async function ownerOf(workspaceId: string) {
    return database.prisma.membership.findFirstOrThrow({
      where: { workspaceId, role: "OWNER" },
      select: { userId: true, user: { select: { email: true } } },
    });
  }

  it("a payment-failed notice arrives exactly once, with the amount and the link", async () => {
    const workspace = await makeWorkspace(database.prisma, { now: NOW });
    const owner = await ownerOf(workspace.id);
    await database.prisma.$transaction((tx) =>
      enqueueNotice(tx, {
        workspaceId: workspace.id,
        kind: "payment_failed",
        dedupeKey: "payment-failed:smtp-1",
        at: NOW,
        data: { amountCents: 987_654, invoiceNumber: "INV-004321", reason: "Your card was declined.", nextAttemptAt: null },
      }),
    );

    const mailer = smtpMailer(url);
    expect(await deliverDueNotices(database.prisma, NOW, { mailer })).toEqual({ sent: 1, failed: 0 });
    expect(await deliverDueNotices(database.prisma, NOW, { mailer })).toEqual({ sent: 0, failed: 0 });
    expect(await deliverDueNotices(database.prisma, new Date(NOW.getTime() + 86_400_000), { mailer })).toEqual({ sent: 0, failed: 0 });

    expect(received).toHaveLength(1);
    const [message] = received;
    expect(message!.to).toEqual([owner.user.email]);
    expect(message!.from).toBe("billing@meterdesk.local");
    const { headers, text } = parseMessage(message!.raw);
    expect(headers.get("subject")).toBe("Payment failed for invoice INV-004321: $9,876.54");
    expect(headers.get("to")).toBe(owner.user.email);
    expect(text).toContain("We could not charge $9,876.54 for invoice INV-004321");
    expect(text).toContain("Reason: Your card was declined.");
    expect(text).toContain(`https://billing.test/w/${workspace.slug}/invoices/INV-004321`);
    // A money notice has no unsubscribe.
    expect(headers.has("list-unsubscribe")).toBe(false);
    expect(text).not.toContain("unsubscribe");
  });

  it("an optional notice carries List-Unsubscribe and the one-click header", async () => {
    const workspace = await makeWorkspace(database.prisma, { now: NOW });
    const owner = await ownerOf(workspace.id);
    await database.prisma.$transaction((tx) =>
      enqueueNotice(tx, {
        workspaceId: workspace.id,
        kind: "auto_top_up_succeeded",
        dedupeKey: "auto-top-up:smtp-1",
        at: NOW,
        data: { amountCents: 2_000, credits: 40_000_000n, invoiceNumber: "INV-004322" },
      }),
    );
    expect(await deliverDueNotices(database.prisma, NOW, { mailer: smtpMailer(url) })).toEqual({ sent: 1, failed: 0 });
    expect(received).toHaveLength(1);
    const { headers, text } = parseMessage(received[0]!.raw);
    expect(headers.get("subject")).toBe(`Auto top-up: $20.00 added to ${workspace.name}`);
    const link = headers.get("list-unsubscribe");
    const token = `${workspace.id}\\.${owner.userId}\\.auto_top_up_succeeded\\.[A-Za-z0-9_-]+`;
    expect(link).toMatch(new RegExp(`^<https://billing\\.test/unsubscribe/one-click\\?token=${token}>$`));
    expect(headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    // The text links to the page that asks first, with the same token.
    const sameToken = new URL(link!.slice(1, -1)).searchParams.get("token");
    expect(text).toContain(`Stop these emails: https://billing.test/unsubscribe?token=${sameToken}`);
    expect(text).toContain("40,000,000 credits");
  });

  it("a temporary refusal is retried after the back-off and arrives once", async () => {
    const workspace = await makeWorkspace(database.prisma, { now: NOW });
    const owner = await ownerOf(workspace.id);
    await database.prisma.$transaction((tx) =>
      enqueueNotice(tx, {
        workspaceId: workspace.id,
        kind: "invoice_issued",
        dedupeKey: "invoice-issued:smtp-1",
        at: NOW,
        data: { invoiceNumber: "INV-004323", totalCents: 4_900, cardLast4: "4242" },
      }),
    );
    busyOnce.add(owner.user.email);
    const mailer = smtpMailer(url);
    expect(await deliverDueNotices(database.prisma, NOW, { mailer })).toEqual({ sent: 0, failed: 1 });
    const row = await database.prisma.notificationOutbox.findFirstOrThrow({
      where: { workspaceId: workspace.id },
      select: { attempts: true, lastError: true, nextAttemptAt: true },
    });
    expect(row.attempts).toBe(1);
    expect(row.lastError).toMatch(/busy/i);
    expect(received).toHaveLength(0);

    expect(await deliverDueNotices(database.prisma, row.nextAttemptAt!, { mailer })).toEqual({ sent: 1, failed: 0 });
    expect(await deliverDueNotices(database.prisma, row.nextAttemptAt!, { mailer })).toEqual({ sent: 0, failed: 0 });
    expect(received).toHaveLength(1);
    expect(parseMessage(received[0]!.raw).headers.get("subject")).toBe(`Invoice INV-004323 for ${workspace.name}: $49.00`);
  });
});
