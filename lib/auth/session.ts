import "server-only";

// Reads the signed-in user of the current request from the session cookie and
// checks its AuthSession row (not revoked, not expired).
import { getServerSession } from "next-auth";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { findSessionUser } from "@/lib/db/queries/users";
import type { SessionUser } from "./access";
import { authOptions } from "./options";

export async function readSession(): Promise<SessionUser | null> {
  const session = (await getServerSession(authOptions())) as { sid?: unknown } | null;
  if (!session || typeof session.sid !== "string") return null;
  const user = await findSessionUser(await db(), session.sid, now());
  return user ? { ...user, staffRole: user.staffRole ?? null } : null;
}
