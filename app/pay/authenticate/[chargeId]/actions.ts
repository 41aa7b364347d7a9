"use server";

// The answer on the test gateway's authentication page (R13: what the bank's
// 3-D Secure page does at Stripe): the charge is approved or declined at the
// gateway, then settled like any other gateway answer — credits granted once,
// or the invoice marked paid — and the browser goes back to the workspace.
import { revalidatePath } from "next/cache";
import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import { getSessionUser } from "@/lib/auth/access";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { applyChargeResult } from "@/lib/db/payments/settle";
import { env } from "@/lib/env";
import { gatewayFor } from "@/lib/payments";
import { TestGateway } from "@/lib/payments/test-gateway";
import { CHARGE_ID, findAuthenticatablePayment } from "./payment";

const answerSchema = z.object({
  chargeId: z.string().regex(CHARGE_ID),
  decision: z.enum(["confirm", "decline"]),
});

export type AuthenticateState = { error: string } | null;

export async function authenticatePaymentAction(_previous: AuthenticateState, formData: FormData): Promise<AuthenticateState> {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  const parsed = answerSchema.safeParse({ chargeId: formData.get("chargeId"), decision: formData.get("decision") });
  if (!parsed.success) return { error: "Choose Confirm or Decline." };
  // A fresh instance of this bundle's class: the process-wide gateway may come from another bundle.
  const gateway = gatewayFor(db);
  if (!(gateway instanceof TestGateway)) notFound();
  const payment = await findAuthenticatablePayment(parsed.data.chargeId, user.id);
  if (!payment) notFound();
  if (!payment.canAnswer) return { error: "Only owners and billing admins of this workspace can confirm its payments." };

  const approve = parsed.data.decision === "confirm";
  let outcome;
  try {
    const result = await gateway.completeAuthentication(parsed.data.chargeId, approve);
    outcome = await applyChargeResult(await db(), {
      workspaceId: payment.workspaceId,
      paymentId: payment.id,
      result,
      now: now(),
      creditsPerUsd: env().CREDITS_PER_USD,
    });
  } catch (error) {
    console.error(`[payments] authentication of payment ${payment.id} failed`, error);
    return { error: "Something went wrong on our side. Nothing was charged; please try again." };
  }

  const base = `/w/${payment.workspace.slug}`;
  revalidatePath(base, "layout");
  const paid = outcome.status === "SUCCEEDED";
  if (payment.kind === "INVOICE" && (outcome.invoiceNumber ?? payment.invoiceNumber)) {
    const number = encodeURIComponent((outcome.invoiceNumber ?? payment.invoiceNumber)!);
    redirect(`${base}/invoices/${number}?notice=${paid ? "invoice-paid" : "payment-not-confirmed"}`);
  }
  redirect(
    paid
      ? `${base}/credits?notice=top-up-confirmed${outcome.invoiceNumber ? `&receipt=${encodeURIComponent(outcome.invoiceNumber)}` : ""}`
      : `${base}/credits?notice=payment-not-confirmed`,
  );
}
