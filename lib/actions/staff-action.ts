import "server-only";

// The one way to write a support console server action (R11): signed in with
// a staff role, or refused before anything is read (customers get 403 even
// when they call the action directly); then zod; then the handler with the
// staff member as the audit actor.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireStaff } from "@/lib/auth/access";
import { db } from "@/lib/db";
import { applyPreviewed, previewAction, type PreviewedSteps } from "@/lib/db/support/previewed";
import type { Previewed, PreviewedApplied } from "./previewed";
import { now } from "@/lib/clock";
import type { Actor } from "@/lib/db/audit";
import { ActionError, fieldErrorsOf, type ActionResult } from "./safe-action";

export function staffAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.infer<S>, ctx: { now: Date; actor: Actor }) => Promise<T>,
) {
  return async (raw: unknown): Promise<ActionResult<T>> => {
    const staff = await requireStaff();
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      return { ok: false, error: "Please correct the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
    }
    try {
      const actor: Actor = { id: staff.id, email: staff.email, role: staff.staffRole };
      return { ok: true, data: await handler(parsed.data, { now: now(), actor }) };
    } catch (error) {
      if (error instanceof ActionError) return { ok: false, error: error.message };
      console.error(`[staff-action] ${handler.name || "anonymous"} failed`, error);
      return { ok: false, error: "Something went wrong on our side. Nothing was changed; please try again." };
    }
  };
}

/** What an apply adds to its preview's input (lib/db/support/previewed.ts). */
const confirmation = z.object({
  reason: z.string().trim().min(3, "Say why, in a few words: it goes into the audit trail.").max(500),
  idempotencyKey: z.uuid(),
  token: z.string().min(1).max(100),
});

/** The confirmation as the steps see it: empty while previewing. */
export interface Confirmed {
  reason: string;
  idempotencyKey: string;
}

/**
 * A previewed support action on one account (R11), as its two server
 * actions: `preview` (the effect and its token) and `apply` (the same input
 * with a reason, the preview's token and its key), which carries out the
 * steps only onto the previewed state, once per key, audited as `action`.
 */
export function previewedStaffAction<S extends z.ZodObject<{ workspaceId: z.ZodType<string> }>, State, P>(
  input: S,
  action: string,
  steps: (input: z.infer<S> & Confirmed, ctx: { now: Date; actor: Actor }) => PreviewedSteps<State, P>,
) {
  const preview = staffAction(input, async (parsed, ctx): Promise<Previewed<P>> =>
    previewAction(await db(), steps({ ...parsed, reason: "", idempotencyKey: "" }, ctx)),
  );
  const apply = staffAction(input.extend(confirmation.shape), async (parsed, ctx): Promise<PreviewedApplied<P>> => {
    const { workspaceId, reason, idempotencyKey, token } = parsed as z.infer<S> & z.infer<typeof confirmation>;
    const outcome = await applyPreviewed(
      await db(),
      { workspaceId, action, reason, actor: ctx.actor, idempotencyKey, token, now: ctx.now },
      steps(parsed as unknown as z.infer<S> & Confirmed, ctx),
    );
    if (outcome.status !== "changed") revalidatePath(`/support/accounts/${workspaceId}`);
    return outcome;
  });
  return { preview, apply };
}
