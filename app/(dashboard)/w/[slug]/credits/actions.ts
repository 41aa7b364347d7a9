"use server";

// Credits page mutations (R7): the card on file, top-ups and auto top-up.
// Owners and billing admins only: each action checks "manage-billing" on the
// server, whatever the page showed. Refusals of the payment code
// (PaymentRefused) come back as their plain message; a declined card is an
// answer, not an error, and grants nothing.
import { revalidatePath } from "next/cache";
import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import { ActionError, workspaceAction, type ActionResult } from "@/lib/actions/safe-action";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { saveAutoTopUpSettings, AUTO_TOP_UP_MAX_PER_MONTH } from "@/lib/payments/auto-top-up";
import { saveCard, startCardSetup } from "@/lib/payments/cards";
import { appOrigin, gatewayFor, paymentGateway } from "@/lib/payments";
import { luhnValid, TestCardError, TestGateway, testCustomerId } from "@/lib/payments/test-gateway";
import { buyCredits, PaymentRefused, TOP_UP_MAX_CENTS, TOP_UP_MIN_CENTS } from "@/lib/payments/top-ups";
import type { SettledStatus } from "@/lib/db/payments/settle";

const creditsPath = (slug: string) => `/w/${slug}/credits`;

/** Expected refusals from the payment code become messages for the dialog. */
async function refusalsAsMessages<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PaymentRefused) throw new ActionError(error.message);
    throw error;
  }
}

// ---------------------------------------------------------------- the card on file

const startSetup = workspaceAction("manage-billing", z.object({}), async (_input, ctx) => {
  return startCardSetup(await db(), paymentGateway(), {
    workspaceId: ctx.workspace.id,
    origin: appOrigin(),
    returnPath: creditsPath(ctx.workspace.slug),
  });
});

/** Where the browser goes to enter a card (Stripe Checkout, or the test gateway's form); it comes back to Credits. */
export async function startCardSetupAction(slug: string): Promise<ActionResult<{ url: string }>> {
  return startSetup(slug, {});
}

const openPortal = workspaceAction("manage-billing", z.object({}), async (_input, ctx) => {
  const gateway = paymentGateway();
  const workspace = await (await db()).workspace.findUniqueOrThrow({ where: { id: ctx.workspace.id }, select: { stripeCustomerId: true } });
  const url =
    gateway.name === "stripe" && workspace.stripeCustomerId
      ? await gateway.portalUrl({ customerId: workspace.stripeCustomerId, returnUrl: `${appOrigin()}${creditsPath(ctx.workspace.slug)}` })
      : null;
  if (!url) throw new ActionError("Cards are managed on this page: use “Replace card”.");
  return { url };
});

/** Stripe's Customer Portal, where saved cards are managed. */
export async function openCardPortalAction(slug: string): Promise<ActionResult<{ url: string }>> {
  return openPortal(slug, {});
}

/**
 * The built-in test gateway, when it is this deployment's gateway. A fresh
 * instance of this bundle's class rather than the process-wide one: that one
 * may have been built by another bundle (the metering server's), whose
 * TestCardError would not be ours to recognise.
 */
function testGateway(): TestGateway | null {
  const gateway = gatewayFor(db);
  return gateway instanceof TestGateway ? gateway : null;
}

// The test gateway's own card form (R13). The number is checked and dropped:
// only brand, last four digits and expiry are kept, and it is never logged.
const cardSchema = z.object({
  session: z.string().regex(/^tgss_[0-9a-f]{24}$/, "This card form has expired. Start again from the Credits page."),
  number: z
    .string()
    .transform((value) => value.replace(/[\s-]/g, ""))
    .pipe(
      z
        .string()
        .regex(/^\d{12,19}$/, "Enter the card number.")
        .refine(luhnValid, "This card number is not valid. Check the digits and try again."),
    ),
  expiry: z
    .string()
    .trim()
    .regex(/^(0[1-9]|1[0-2])\s*\/\s*\d{2}$/, "Enter the expiry as MM/YY.")
    .transform((value) => {
      const [month, year] = value.split("/").map((part) => Number(part.trim()));
      return { month: month!, year: 2000 + year! };
    })
    // A card works through the end of its expiry month (the clock of the app, as the gateway checks it).
    .refine((expiry) => Date.UTC(expiry.year, expiry.month, 1) > now().getTime(), "This card has expired. Check the expiry date."),
  cvc: z
    .string()
    .trim()
    .regex(/^\d{3,4}$/, "Enter the 3 or 4 digits on the back of the card."),
  name: z.string().trim().min(1, "Enter the name on the card.").max(100, "Use at most 100 characters."),
});

type CardFormOutcome = { saved: true } | { saved: false; fieldErrors: Record<string, string[]> };

const saveTestCard = workspaceAction("manage-billing", cardSchema, async (input, ctx): Promise<CardFormOutcome> => {
  const gateway = testGateway();
  if (!gateway) throw new ActionError("Cards are saved on Stripe's page. Start again from the Credits page.");
  let card;
  try {
    card = await gateway.saveCard({
      sessionId: input.session,
      customerId: testCustomerId(ctx.workspace.id),
      number: input.number,
      expMonth: input.expiry.month,
      expYear: input.expiry.year,
      now: ctx.now,
    });
  } catch (error) {
    // What the processor says about the number, shown under it.
    if (error instanceof TestCardError) return { saved: false, fieldErrors: { number: [error.message] } };
    throw error;
  }
  await saveCard(await db(), gateway, { workspaceId: ctx.workspace.id, card, now: ctx.now, actor: ctx.actor });
  revalidatePath(`/w/${ctx.workspace.slug}`, "layout");
  return { saved: true };
});

export type CardFormState = { ok: false; error: string; fieldErrors?: Record<string, string[]> } | null;

export async function saveTestCardAction(_previous: CardFormState, formData: FormData): Promise<CardFormState> {
  if (paymentGateway().name !== "test") notFound();
  const slug = String(formData.get("slug") ?? "");
  const result = await saveTestCard(slug, {
    session: formData.get("session"),
    number: formData.get("number"),
    expiry: formData.get("expiry"),
    cvc: formData.get("cvc"),
    name: formData.get("name"),
  });
  if (!result.ok) return result;
  if (!result.data.saved) return { ok: false, error: "Check the card details.", fieldErrors: result.data.fieldErrors };
  redirect(`${creditsPath(encodeURIComponent(slug))}?card=saved`);
}

// ---------------------------------------------------------------- top-ups

const topUpSchema = z.object({
  amountCents: z
    .number("Enter an amount.")
    .int("Enter an amount in whole cents.")
    .min(TOP_UP_MIN_CENTS, "A top-up is at least $5.")
    .max(TOP_UP_MAX_CENTS, "A top-up is at most $10,000."),
  requestId: z.uuid(),
});

export interface TopUpAnswer {
  status: SettledStatus;
  amountCents: number;
  /** Credits as a decimal string (a bigint does not survive every transport). */
  credits: string;
  receiptNumber: string | null;
  failureMessage: string | null;
  actionUrl: string | null;
}

const topUp = workspaceAction("manage-billing", topUpSchema, async (input, ctx): Promise<TopUpAnswer> => {
  const outcome = await refusalsAsMessages(async () =>
    buyCredits(await db(), paymentGateway(), {
      workspaceId: ctx.workspace.id,
      amountCents: input.amountCents,
      requestId: input.requestId,
      actor: ctx.actor,
      now: ctx.now,
      creditsPerUsd: env().CREDITS_PER_USD,
    }),
  );
  // The balance, the grants, the receipt and (after a top-up in arrears) the banner.
  revalidatePath(`/w/${ctx.workspace.slug}`, "layout");
  return {
    status: outcome.status,
    amountCents: outcome.amountCents,
    credits: outcome.credits.toString(),
    receiptNumber: outcome.status === "SUCCEEDED" ? outcome.invoiceNumber : null,
    failureMessage: outcome.failureMessage,
    actionUrl: outcome.actionUrl,
  };
});

/** Buys prepaid credits with the card on file; the same request id twice is one top-up. */
export async function buyCreditsAction(
  slug: string,
  input: { amountCents: number; requestId: string },
): Promise<ActionResult<TopUpAnswer>> {
  return topUp(slug, input);
}

// ---------------------------------------------------------------- auto top-up

const autoTopUpSchema = z.object({
  enabled: z.boolean(),
  thresholdCents: z
    .number("Enter the balance that triggers a top-up.")
    .int("Enter whole cents.")
    .min(1, "The threshold must be above zero.")
    .max(TOP_UP_MAX_CENTS, "Use a threshold of at most $10,000."),
  amountCents: z
    .number("Enter the amount to add.")
    .int("Enter whole cents.")
    .min(TOP_UP_MIN_CENTS, "Add at least $5.")
    .max(TOP_UP_MAX_CENTS, "Add at most $10,000."),
  monthlyMax: z
    .number("Enter how many times a month.")
    .int("Enter a whole number.")
    .min(1, "Allow at least 1 top-up a month.")
    .max(AUTO_TOP_UP_MAX_PER_MONTH, `Allow at most ${AUTO_TOP_UP_MAX_PER_MONTH} top-ups a month.`),
});

const saveAutoTopUp = workspaceAction("manage-billing", autoTopUpSchema, async (input, ctx) => {
  const creditsPerUsd = env().CREDITS_PER_USD;
  await refusalsAsMessages(async () =>
    saveAutoTopUpSettings(await db(), paymentGateway(), {
      workspaceId: ctx.workspace.id,
      enabled: input.enabled,
      // The threshold is asked in dollars and kept in credits (R1.1: the deployment's rate).
      thresholdCredits: (BigInt(input.thresholdCents) * creditsPerUsd) / 100n,
      amountCents: input.amountCents,
      monthlyMax: input.monthlyMax,
      actor: ctx.actor,
      now: ctx.now,
    }),
  );
  revalidatePath(creditsPath(ctx.workspace.slug));
  return { enabled: input.enabled };
});

export async function saveAutoTopUpAction(
  slug: string,
  input: { enabled: boolean; thresholdCents: number; amountCents: number; monthlyMax: number },
): Promise<ActionResult<{ enabled: boolean }>> {
  return saveAutoTopUp(slug, input);
}
