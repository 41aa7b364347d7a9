import "server-only";

// The one-click unsubscribe request (RFC 8058): a mail client POSTs
// `List-Unsubscribe=One-Click` to the List-Unsubscribe link, and the notice the
// token names is turned off for its member at once. The confirmation page's
// button posts the same form with `from=page` and is sent back to the page.
// A GET never changes anything (link scanners follow links).
import { z } from "zod";
import type { PrismaClient } from "@/lib/db";
import { applyUnsubscribe } from "@/lib/db/notices";
import { UNSUBSCRIBE_PATH, verifyUnsubscribeToken } from "./unsubscribe";

const tokenSchema = z.string().min(1).max(200);

// The token in the URL is the credential; the body only says who is asking.
const formSchema = z.object({
  "List-Unsubscribe": z.literal("One-Click").optional(),
  from: z.literal("page").optional(),
});

function plain(status: number, text: string): Response {
  return new Response(`${text}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}

async function formOf(request: Request): Promise<Record<string, unknown>> {
  try {
    return Object.fromEntries((await request.formData()).entries());
  } catch {
    // No body, or one that is not a form: a bare POST to the link still means "unsubscribe".
    return {};
  }
}

export async function oneClickUnsubscribe(prisma: PrismaClient, request: Request, now: Date): Promise<Response> {
  const token = tokenSchema.safeParse(new URL(request.url).searchParams.get("token"));
  const claims = token.success ? verifyUnsubscribeToken(token.data) : null;
  if (!token.success || !claims) return plain(400, "This unsubscribe link is not valid.");
  const form = formSchema.safeParse(await formOf(request));
  if (!form.success) return plain(400, "Expected List-Unsubscribe=One-Click.");
  if (!(await applyUnsubscribe(prisma, claims, now))) return plain(404, "You are no longer a member of this workspace.");
  if (form.data.from === "page") {
    // Back to the page, which now says what was turned off (303: the browser GETs it).
    return new Response(null, {
      status: 303,
      headers: { location: `${UNSUBSCRIBE_PATH}?token=${token.data}`, "cache-control": "no-store" },
    });
  }
  return plain(200, "You are unsubscribed.");
}

/** GET on the one-click link: show the confirmation page instead. */
export function oneClickPage(request: Request): Response {
  const token = tokenSchema.safeParse(new URL(request.url).searchParams.get("token"));
  const location = token.success ? `${UNSUBSCRIBE_PATH}?token=${encodeURIComponent(token.data)}` : UNSUBSCRIBE_PATH;
  return new Response(null, { status: 303, headers: { location, "cache-control": "no-store" } });
}
