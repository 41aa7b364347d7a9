"use server";

// "Pay now" on an open invoice (R8.2, R8.3): one charge of the card on file at
// once, whatever the retry schedule. Owners and billing admins only. Paying
// what is overdue ends arrears (lib/db/payments/settle.ts), so the whole
// workspace's pages are refreshed, the arrears banner with them.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ActionError, workspaceAction, type ActionResult } from "@/lib/actions/safe-action";
import { db } from "@/lib/db";
import type { SettledStatus } from "@/lib/db/payments/settle";
import { env } from "@/lib/env";
import { paymentGateway } from "@/lib/payments";
import { payInvoice } from "@/lib/payments/collect";
import { PaymentRefused } from "@/lib/payments/top-ups";

const payInvoiceSchema = z.object({ invoiceId: z.uuid("Choose an invoice to pay.") });

export interface InvoicePaymentAnswer {
  status: SettledStatus;
  invoiceNumber: string;
  failureMessage: string | null;
  actionUrl: string | null;
}

const pay = workspaceAction("manage-billing", payInvoiceSchema, async ({ invoiceId }, ctx): Promise<InvoicePaymentAnswer> => {
  let outcome;
  try {
    outcome = await payInvoice(await db(), paymentGateway(), {
      workspaceId: ctx.workspace.id,
      invoiceId,
      actor: ctx.actor,
      now: ctx.now,
      creditsPerUsd: env().CREDITS_PER_USD,
    });
  } catch (error) {
    if (error instanceof PaymentRefused) throw new ActionError(error.message);
    throw error;
  }
  revalidatePath(`/w/${ctx.workspace.slug}`, "layout");
  return {
    status: outcome.status,
    invoiceNumber: outcome.invoiceNumber,
    failureMessage: outcome.failureMessage,
    actionUrl: outcome.actionUrl,
  };
});

export async function payInvoiceAction(slug: string, input: { invoiceId: string }): Promise<ActionResult<InvoicePaymentAnswer>> {
  return pay(slug, input);
}
