import "server-only";

// Support sends an invoice's email again (R11, R8.2), as steps for
// lib/db/support/previewed.ts. The email is the real one: the notice the
// invoice's own event writes, with its kind, data and date, through the same
// outbox (enqueueNotice) to the same people (every owner and billing admin:
// both kinds are money notices, which nobody can turn off).
// - An invoice that is owed (open, uncollectible), or paid at $0: the invoice
//   email (invoice_issued, as collection writes it when the invoice opens);
//   "will be charged to the card ending in …" only while the card on file is
//   still charged automatically.
// - A paid invoice: its payment receipt (payment_succeeded, as the settled
//   payment writes it) — the invoice email would say it is still to be paid.
// - Drafts and void invoices have no email.
// The preview shows the recipients, the subject and the text; the apply writes
// the outbox rows under a key made with the confirmation (a double submit
// writes once) and checks they are what the preview showed.
import { ActionError } from "@/lib/actions/safe-action";
import type { Tx } from "@/lib/db";
import { enqueueNotice, moneyNoticeRecipients, noticeAppUrl, type NoticeInput } from "@/lib/db/notices";
import { isOptionalNotice, renderNotice } from "@/lib/email/notices";
import type { PreviewedSteps } from "./previewed";

export interface ResendPreview {
  invoice: { number: string; status: string; totalCents: number };
  kind: "invoice_issued" | "payment_succeeded";
  /** The addresses it goes to, one email each. */
  recipients: string[];
  subject: string;
  text: string;
}

interface ResendState {
  invoice: { id: string; number: string; status: string; totalCents: number };
  notice: Extract<NoticeInput, { kind: "invoice_issued" | "payment_succeeded" }>;
  recipients: string[];
  rendered: { subject: string; text: string };
}

/** The notice the invoice's own event wrote, as it would be written again now. */
async function invoiceNotice(
  tx: Tx,
  workspaceId: string,
  invoice: {
    id: string;
    number: string;
    status: string;
    totalCents: number;
    issuedAt: Date | null;
    paidAt: Date | null;
    createdAt: Date;
    nextCollectionAt: Date | null;
  },
): Promise<ResendState["notice"]> {
  if (invoice.status === "PAID" && invoice.totalCents > 0) {
    const payment = await tx.payment.findFirst({
      where: { workspaceId, invoiceId: invoice.id, status: "SUCCEEDED" },
      orderBy: { settledAt: "desc" },
      select: { kind: true, amountCents: true, credits: true, settledAt: true },
    });
    const topUp = payment?.kind === "TOP_UP" || payment?.kind === "AUTO_TOP_UP";
    return {
      workspaceId,
      kind: "payment_succeeded",
      dedupeKey: "",
      at: payment?.settledAt ?? invoice.paidAt ?? invoice.issuedAt ?? invoice.createdAt,
      data: topUp
        ? { amountCents: payment.amountCents, invoiceNumber: invoice.number, credits: payment.credits ?? 0n }
        : { amountCents: payment?.amountCents ?? invoice.totalCents, invoiceNumber: invoice.number },
    };
  }
  // Still charged to the card on file only while collection has an attempt scheduled.
  const charged = invoice.status === "OPEN" && invoice.nextCollectionAt !== null;
  const card = charged
    ? await tx.paymentMethod.findFirst({
        where: { workspaceId },
        orderBy: [{ isDefault: "desc" }, { createdAt: "desc" }],
        select: { last4: true },
      })
    : null;
  return {
    workspaceId,
    kind: "invoice_issued",
    dedupeKey: "",
    at: invoice.issuedAt ?? invoice.createdAt,
    data: { invoiceNumber: invoice.number, totalCents: invoice.totalCents, cardLast4: card?.last4 ?? null },
  };
}

/** The outbox key of one resend: the invoice and the confirmation's idempotency key. */
export const resendDedupeKey = (invoiceId: string, idempotencyKey: string) => `support-resend:${invoiceId}:${idempotencyKey}`;

export function resendInvoiceSteps(
  workspaceId: string,
  invoiceId: string,
  meta: { idempotencyKey?: string },
): PreviewedSteps<ResendState, ResendPreview> {
  return {
    async read(tx) {
      const workspace = await tx.workspace.findUnique({ where: { id: workspaceId }, select: { slug: true, name: true } });
      if (!workspace) return { missing: "This account no longer exists." };
      const invoice = await tx.invoice.findUnique({
        where: { workspaceId_id: { workspaceId, id: invoiceId } },
        select: {
          id: true,
          number: true,
          status: true,
          totalCents: true,
          issuedAt: true,
          paidAt: true,
          createdAt: true,
          nextCollectionAt: true,
        },
      });
      if (!invoice) return { missing: "This account has no such invoice." };
      if (invoice.status === "DRAFT") return { missing: `Invoice ${invoice.number} is a draft: it was never issued, so it has no email.` };
      if (invoice.status === "VOID") return { missing: `Invoice ${invoice.number} is void: it is not owed, so there is no email to send.` };
      const notice = await invoiceNotice(tx, workspaceId, invoice);
      if (isOptionalNotice(notice.kind)) throw new Error(`${notice.kind} is not a money notice`);
      const recipients = await moneyNoticeRecipients(tx, workspaceId);
      if (recipients.length === 0) return { missing: "This account has no owner or billing admin to send the email to." };
      // Money notices read the same for every recipient (no unsubscribe link): one rendering is the email.
      const rendered = renderNotice(notice.kind, notice.data as never, {
        appUrl: noticeAppUrl(),
        workspaceSlug: workspace.slug,
        workspaceName: workspace.name,
        at: notice.at,
      });
      return {
        invoice: { id: invoice.id, number: invoice.number, status: invoice.status, totalCents: invoice.totalCents },
        notice,
        recipients,
        rendered,
      };
    },

    preview: (state) => ({
      invoice: { number: state.invoice.number, status: state.invoice.status, totalCents: state.invoice.totalCents },
      kind: state.notice.kind,
      recipients: state.recipients,
      subject: state.rendered.subject,
      text: state.rendered.text,
    }),

    async apply(tx, state, preview) {
      if (!meta.idempotencyKey) throw new Error("a resend is applied with its confirmation's key");
      const dedupeKey = resendDedupeKey(state.invoice.id, meta.idempotencyKey);
      await enqueueNotice(tx, { ...state.notice, dedupeKey });
      const rows = await tx.notificationOutbox.findMany({
        where: { workspaceId, dedupeKey: { startsWith: `${dedupeKey}:` } },
        select: { toEmail: true, subject: true, body: true, kind: true },
      });
      const same =
        JSON.stringify(rows.map((row) => row.toEmail).sort()) === JSON.stringify(preview.recipients) &&
        rows.every((row) => row.kind === preview.kind && row.subject === preview.subject && row.body === preview.text);
      // Rolls back: an email other than the previewed one is never queued.
      if (!same) throw new ActionError("The email came out different from the preview, so nothing was sent. Preview again.");
      return {
        before: { invoice: preview.invoice.number, status: preview.invoice.status },
        after: { invoice: preview.invoice.number, email: preview.kind, subject: preview.subject, recipients: preview.recipients },
      };
    },
  };
}
