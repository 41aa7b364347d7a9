"use server";

// Support console actions on one account (R11). Staff only: each checks the
// staff role on the server (staffAction) before reading anything. Each is
// previewed first and applied exactly as previewed, once per key, with its
// audit row in the same transaction.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { ActionError, type ActionResult } from "@/lib/actions/safe-action";
import { staffAction } from "@/lib/actions/staff-action";
import { db } from "@/lib/db";
import { applySupportGrant, previewSupportGrant } from "@/lib/db/support/grants";

/** The largest grant one action may make: 10 trillion credits ($5,000,000 at the default rate). */
const MAX_GRANT = 10_000_000_000_000n;

const credits = z
  .string()
  .trim()
  .transform((value) => value.replace(/[,\s_]/g, ""))
  .pipe(z.string().regex(/^\d{1,14}$/, "Enter a whole number of credits, such as 10,000,000."))
  .transform((value) => BigInt(value))
  .refine((value) => value > 0n && value <= MAX_GRANT, "Enter between 1 and 10,000,000,000,000 credits.");

const previewInput = z.object({ workspaceId: z.uuid(), credits });
const grantInput = previewInput.extend({
  reason: z.string().trim().min(3, "Say why, in a few words: it goes into the audit trail.").max(500),
  idempotencyKey: z.uuid(),
  previewedPrepaid: z
    .string()
    .regex(/^\d+$/)
    .transform((value) => BigInt(value)),
});

export interface GrantPreviewData {
  credits: string;
  prepaidBefore: string;
  prepaidAfter: string;
}

const preview = staffAction(previewInput, async (input): Promise<GrantPreviewData> => {
  const result = await previewSupportGrant(await db(), input.workspaceId, input.credits);
  if (!result) throw new ActionError("This account no longer exists.");
  return {
    credits: input.credits.toString(),
    prepaidBefore: result.prepaidBefore.toString(),
    prepaidAfter: result.prepaidAfter.toString(),
  };
});

export async function previewGrantAction(raw: unknown): Promise<ActionResult<GrantPreviewData>> {
  return preview(raw);
}

const grant = staffAction(
  grantInput,
  async (input, ctx): Promise<{ status: "applied" | "replayed"; prepaid: string } | { status: "changed"; preview: GrantPreviewData }> => {
    const result = await applySupportGrant(await db(), {
      workspaceId: input.workspaceId,
      credits: input.credits,
      reason: input.reason,
      actor: ctx.actor,
      idempotencyKey: input.idempotencyKey,
      previewedPrepaid: input.previewedPrepaid,
      now: ctx.now,
    });
    if (result.status === "changed") {
      return {
        status: "changed",
        preview: {
          credits: input.credits.toString(),
          prepaidBefore: result.preview.prepaidBefore.toString(),
          prepaidAfter: result.preview.prepaidAfter.toString(),
        },
      };
    }
    revalidatePath(`/support/accounts/${input.workspaceId}`);
    return { status: result.status, prepaid: result.prepaid.toString() };
  },
);

export async function grantPrepaidAction(raw: unknown) {
  return grant(raw);
}
