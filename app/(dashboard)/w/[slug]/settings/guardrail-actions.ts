"use server";

// The billing guardrails (R14): usage alerts and the monthly spend cap.
// Owners and billing admins only, checked on the server whatever the page showed.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { workspaceAction, type ActionResult } from "@/lib/actions/safe-action";
import { db } from "@/lib/db";
import { GUARDRAIL_MAX_CENTS, saveGuardrails } from "@/lib/db/workspace-settings";
import { env } from "@/lib/env";

const amount = (what: string, min: number) =>
  z
    .number({ error: `Enter ${what} in dollars, or leave it empty.` })
    .int(`Enter ${what} in whole cents.`)
    .min(min, min === 0 ? `Enter ${what} of $0 or more.` : `Enter ${what} above $0.`)
    .max(GUARDRAIL_MAX_CENTS, `Enter ${what} of at most $1,000,000.`)
    .nullable();

const guardrailSchema = z.object({
  includedAlerts: z.boolean(),
  prepaidBelowCents: amount("an alert level", 1),
  flexAboveCents: amount("an alert level", 1),
  spendCapCents: amount("a cap", 0),
});

export type GuardrailValues = z.infer<typeof guardrailSchema>;

const save = workspaceAction("manage-billing", guardrailSchema, async (input, ctx) => {
  const result = await saveGuardrails(await db(), {
    ...input,
    workspaceId: ctx.workspace.id,
    creditsPerUsd: env().CREDITS_PER_USD,
    actor: ctx.actor,
    now: ctx.now,
  });
  revalidatePath(`/w/${ctx.workspace.slug}/settings`);
  return result;
});

export async function saveGuardrailsAction(slug: string, values: GuardrailValues): Promise<ActionResult<{ changed: boolean }>> {
  return save(slug, values);
}
