"use server";

// Packages page mutations (R6): buy a package, renew one now, switch its
// auto-renewal. Owners and billing admins only: each action checks
// "manage-billing" on the server, whatever the page showed. Refusals (arrears,
// no card, a package that is not this workspace's) come back as their plain
// message; the dialog's request id makes a double click one purchase.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ActionError, workspaceAction, type ActionResult } from "@/lib/actions/safe-action";
import { db } from "@/lib/db";
import { renewPackageNow, setPackageAutoRenew } from "@/lib/db/billing/package-settings";
import { env } from "@/lib/env";
import { paymentGateway } from "@/lib/payments";
import { buyPackage } from "@/lib/payments/packages";
import { PaymentRefused } from "@/lib/payments/top-ups";

async function refusalsAsMessages<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PaymentRefused) throw new ActionError(error.message);
    throw error;
  }
}

export interface PackageAnswer {
  invoiceNumber: string;
  paid: boolean;
  failureMessage: string | null;
}

const answerOf = (outcome: { invoiceNumber: string; paid: boolean; failureMessage: string | null }): PackageAnswer => ({
  invoiceNumber: outcome.invoiceNumber,
  paid: outcome.paid,
  failureMessage: outcome.failureMessage,
});

const buySchema = z.object({
  packageCode: z.string().min(1).max(100),
  autoRenew: z.boolean(),
  requestId: z.uuid(),
});

const buy = workspaceAction("manage-billing", buySchema, async (input, ctx) => {
  const outcome = await refusalsAsMessages(async () =>
    buyPackage(await db(), paymentGateway(), {
      workspaceId: ctx.workspace.id,
      packageCode: input.packageCode,
      autoRenew: input.autoRenew,
      requestId: `${ctx.workspace.id}:${input.requestId}`,
      actor: ctx.actor,
      now: ctx.now,
      creditsPerUsd: env().CREDITS_PER_USD,
    }),
  );
  // The quotas (Packages, Overview), the invoice, and the arrears banner should the charge fail.
  revalidatePath(`/w/${ctx.workspace.slug}`, "layout");
  return answerOf(outcome);
});

/** Buys a catalog package with the card on file; the same request id twice is one purchase. */
export async function buyPackageAction(
  slug: string,
  input: { packageCode: string; autoRenew: boolean; requestId: string },
): Promise<ActionResult<PackageAnswer>> {
  return buy(slug, input);
}

const renewSchema = z.object({ purchaseId: z.uuid(), requestId: z.uuid() });

const renew = workspaceAction("manage-billing", renewSchema, async (input, ctx) => {
  const outcome = await refusalsAsMessages(async () =>
    renewPackageNow(await db(), paymentGateway(), {
      workspaceId: ctx.workspace.id,
      purchaseId: input.purchaseId,
      requestId: `${ctx.workspace.id}:${input.requestId}`,
      actor: ctx.actor,
      now: ctx.now,
      creditsPerUsd: env().CREDITS_PER_USD,
    }),
  );
  revalidatePath(`/w/${ctx.workspace.slug}`, "layout");
  return answerOf(outcome);
});

/** Renews now: buys another of the same package, which stacks with the running one. */
export async function renewPackageAction(
  slug: string,
  input: { purchaseId: string; requestId: string },
): Promise<ActionResult<PackageAnswer>> {
  return renew(slug, input);
}

const autoRenewSchema = z.object({ purchaseId: z.uuid(), autoRenew: z.boolean() });

const switchAutoRenew = workspaceAction("manage-billing", autoRenewSchema, async (input, ctx) => {
  const outcome = await refusalsAsMessages(async () =>
    setPackageAutoRenew(await db(), {
      workspaceId: ctx.workspace.id,
      purchaseId: input.purchaseId,
      autoRenew: input.autoRenew,
      actor: ctx.actor,
      now: ctx.now,
    }),
  );
  // Shown on this page and beside the quotas on the Overview.
  revalidatePath(`/w/${ctx.workspace.slug}/packages`);
  revalidatePath(`/w/${ctx.workspace.slug}`);
  return outcome;
});

export async function setPackageAutoRenewAction(
  slug: string,
  input: { purchaseId: string; autoRenew: boolean },
): Promise<ActionResult<{ autoRenew: boolean; changed: boolean }>> {
  return switchAutoRenew(slug, input);
}
