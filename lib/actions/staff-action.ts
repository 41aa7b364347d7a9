import "server-only";

// The one way to write a support console server action (R11): signed in with
// a staff role, or refused before anything is read (customers get 403 even
// when they call the action directly); then zod; then the handler with the
// staff member as the audit actor.
import { z } from "zod";
import { requireStaff } from "@/lib/auth/access";
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
