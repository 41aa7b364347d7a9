"use server";

// Support cancels an account's paid subscription (R11, R4.6), at the period
// end or now. Staff only (staffAction checks the staff role before anything
// is read). Previewed first — when it ends, the final invoice line by line,
// what happens to included credits and packages — then applied exactly as
// previewed, once per key, with its audit row in the same transaction.
import { z } from "zod";
import type { Previewed, PreviewedApplied } from "@/lib/actions/previewed";
import type { ActionResult } from "@/lib/actions/safe-action";
import { previewedStaffAction } from "@/lib/actions/staff-action";
import { cancelSubscriptionSteps, type CancelPreview } from "@/lib/db/support/cancel";
import { env } from "@/lib/env";

const cancel = previewedStaffAction(
  z.object({
    workspaceId: z.uuid(),
    mode: z.enum(["period_end", "now"], { error: "Choose when the subscription ends." }),
  }),
  "support.cancel_subscription",
  (input, ctx) => cancelSubscriptionSteps(input.workspaceId, input.mode, { now: ctx.now, creditsPerUsd: env().CREDITS_PER_USD }),
);

export async function previewCancelSubscriptionAction(raw: unknown): Promise<ActionResult<Previewed<CancelPreview>>> {
  return cancel.preview(raw);
}

export async function cancelSubscriptionAction(raw: unknown): Promise<ActionResult<PreviewedApplied<CancelPreview>>> {
  return cancel.apply(raw);
}
