"use server";

// Support sends one of an account's invoice emails again (R11, R8.2). Staff
// only (staffAction checks the staff role before anything is read).
// Previewed first — the recipients, the subject and the text of the real
// email — then queued in the outbox exactly as previewed, once per key (a
// double submit queues once), with its audit row in the same transaction.
import { z } from "zod";
import type { Previewed, PreviewedApplied } from "@/lib/actions/previewed";
import type { ActionResult } from "@/lib/actions/safe-action";
import { previewedStaffAction } from "@/lib/actions/staff-action";
import { resendInvoiceSteps, type ResendPreview } from "@/lib/db/support/resend-invoice";

const resend = previewedStaffAction(
  z.object({ workspaceId: z.uuid(), invoiceId: z.uuid({ error: "Choose an invoice." }) }),
  "support.resend_invoice_email",
  (input) => resendInvoiceSteps(input.workspaceId, input.invoiceId, { idempotencyKey: input.idempotencyKey }),
);

export async function previewResendInvoiceAction(raw: unknown): Promise<ActionResult<Previewed<ResendPreview>>> {
  return resend.preview(raw);
}

export async function resendInvoiceAction(raw: unknown): Promise<ActionResult<PreviewedApplied<ResendPreview>>> {
  return resend.apply(raw);
}
