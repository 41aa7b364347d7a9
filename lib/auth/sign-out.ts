"use server";

// Signing out from the account menu: a server action, so that the dashboard
// ships none of next-auth's client. It does what next-auth's sign-out does
// (lib/auth/options.ts, events.signOut): the session's AuthSession row is
// revoked, so even a copy of the cookie no longer signs anyone in, and the
// cookie is cleared.
import { getServerSession } from "next-auth";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { revokeAuthSession } from "@/lib/db/queries/users";
import { authOptions } from "./options";

/** next-auth's session cookie, on http and (with the __Secure- prefix) on https. */
const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export async function signOutAction(): Promise<void> {
  const session = (await getServerSession(authOptions())) as { sid?: unknown } | null;
  if (session && typeof session.sid === "string") await revokeAuthSession(await db(), session.sid, now());
  const jar = await cookies();
  for (const name of SESSION_COOKIES) if (jar.has(name)) jar.delete(name);
  redirect("/sign-in");
}
