import "server-only";

// The one way to write a workspace server action: a zod schema and a handler,
// run after the session → membership → role check (STYLE: every exported
// 'use server' function is a public endpoint and checks its permission).
// Expected failures come back as data for the form; unexpected ones are
// logged once here and reported as a generic error.
import { z } from "zod";
import { now } from "@/lib/clock";
import { requireWorkspace, type WorkspaceContext } from "@/lib/auth/access";
import type { Permission } from "@/lib/auth/roles";
import type { Actor } from "@/lib/db/audit";

export type ActionResult<T = undefined> = { ok: true; data: T } | { ok: false; error: string; fieldErrors?: Record<string, string[]> };

/** A failure the user can act on; its message is shown as-is. */
export class ActionError extends Error {}

export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

export function workspaceAction<S extends z.ZodType, T>(
  permission: Permission,
  schema: S,
  handler: (input: z.infer<S>, ctx: WorkspaceContext & { now: Date; actor: Actor }) => Promise<T>,
) {
  return async (slug: string, raw: unknown): Promise<ActionResult<T>> => {
    const ctx = await requireWorkspace(z.string().min(1).max(100).parse(slug), permission);
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      return { ok: false, error: "Please correct the highlighted fields.", fieldErrors: fieldErrorsOf(parsed.error) };
    }
    try {
      const actor: Actor = { id: ctx.user.id, email: ctx.user.email, role: ctx.role };
      return { ok: true, data: await handler(parsed.data, { ...ctx, now: now(), actor }) };
    } catch (error) {
      if (error instanceof ActionError) return { ok: false, error: error.message };
      console.error(`[action] ${handler.name || "anonymous"} failed`, error);
      return { ok: false, error: "Something went wrong on our side. Nothing was changed; please try again." };
    }
  };
}
