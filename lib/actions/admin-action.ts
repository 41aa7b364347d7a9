import "server-only";

// The one way to write a staff-management server action (R11: admins manage
// staff accounts): signed in as an admin, or refused before anything is read
// (support staff and customers get 403 even when they call the action
// directly); then zod; then the handler with the admin as the audit actor.
// Like staffAction, with one addition: a refusal may name the fields it is
// about (AdminFieldError), so the form shows it by the field.
import { z } from "zod";
import { requireAdmin } from "@/lib/auth/access";
import { now } from "@/lib/clock";
import type { Actor } from "@/lib/db/audit";
import { ActionError, fieldErrorsOf, type ActionResult } from "./safe-action";

/** An expected refusal about particular fields of the form. */
export class AdminFieldError extends ActionError {
  constructor(
    message: string,
    readonly fieldErrors: Record<string, string[]>,
  ) {
    super(message);
  }
}

export function adminAction<S extends z.ZodType, T>(
  schema: S,
  handler: (input: z.infer<S>, ctx: { now: Date; actor: Actor }) => Promise<T>,
) {
  return async (raw: unknown): Promise<ActionResult<T>> => {
    const admin = await requireAdmin();
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      return { ok: false, error: "Please correct the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
    }
    try {
      const actor: Actor = { id: admin.id, email: admin.email, role: admin.staffRole };
      return { ok: true, data: await handler(parsed.data, { now: now(), actor }) };
    } catch (error) {
      if (error instanceof AdminFieldError) return { ok: false, error: error.message, fieldErrors: error.fieldErrors };
      if (error instanceof ActionError) return { ok: false, error: error.message };
      console.error(`[admin-action] ${handler.name || "anonymous"} failed`, error);
      return { ok: false, error: "Something went wrong on our side. Nothing was changed; please try again." };
    }
  };
}
