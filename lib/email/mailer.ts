import "server-only";

// Where outbox messages go (R13): an SMTP server through nodemailer when
// SMTP_URL is set, otherwise RFC 822 `.eml` files in OUTBOX_DIR, one per
// outbox row and named by its id, so a retry overwrites its file instead of
// adding a second copy. The Message-ID is derived from the row id too, so a
// receiving server sees a retried message as the same one.
import fs from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import { env } from "@/lib/env";

export interface MailMessage {
  /** The outbox row id: names the file and the Message-ID. */
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  headers: Record<string, string>;
}

export interface Mailer {
  /** Resolves once the message is handed over (accepted by the SMTP server, or written); throws otherwise. */
  send(message: MailMessage): Promise<void>;
}

const SAFE_ID = /^[A-Za-z0-9-]{1,100}$/;

function messageId(message: MailMessage): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(message.from)?.[1] ?? "meterdesk.local";
  return `<${message.id}@${domain}>`;
}

function mailOptions(message: MailMessage) {
  return {
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    headers: message.headers,
    messageId: messageId(message),
  };
}

/** Delivers through SMTP, e.g. "smtp://user:pass@mail.example.com:587" or "smtps://…:465". */
export function smtpMailer(url: string): Mailer {
  // Options in the URL's query (?ignoreTLS=true …) win over these defaults; the
  // timeouts keep one unreachable server from holding up the billing run.
  const transport = nodemailer.createTransport(
    new SMTPTransport({ url, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 }),
  );
  return {
    async send(message) {
      const info = await transport.sendMail(mailOptions(message));
      if (info.rejected.length > 0) throw new Error(`the SMTP server refused ${info.rejected.join(", ")}`);
    },
  };
}

/** Writes each message to `<dir>/<id>.eml` (the embedded default: read them with any mail client). */
export function fileMailer(dir: string): Mailer {
  return {
    async send(message) {
      if (!SAFE_ID.test(message.id)) throw new Error(`not a file-safe message id: ${message.id}`);
      const raw = await new MailComposer(mailOptions(message)).compile().build();
      await fs.mkdir(dir, { recursive: true });
      const file = path.join(dir, `${message.id}.eml`);
      // Written beside it, then renamed: a reader never sees half a message.
      const partial = `${file}.${process.pid}.partial`;
      await fs.writeFile(partial, raw);
      await fs.rename(partial, file);
    },
  };
}

/** The deployment's mailer: SMTP_URL if set, else the local outbox folder. */
export function configuredMailer(): Mailer {
  const { SMTP_URL, OUTBOX_DIR } = env();
  return SMTP_URL ? smtpMailer(SMTP_URL) : fileMailer(path.resolve(OUTBOX_DIR));
}
