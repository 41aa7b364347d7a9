import "server-only";

// Reads the signed-in user of the current request from the session cookie and
// checks its AuthSession row (not revoked, not expired).
import { getServerSession } from "next-auth";
import type { SessionUser } from "./access";
import { authOptions } from "./options";
import { liveSessionUser } from "./session-row";

export async function readSession(): Promise<SessionUser | null> {
  const session = (await getServerSession(authOptions())) as { sid?: unknown } | null;
  if (!session || typeof session.sid !== "string") return null;
  const user = await liveSessionUser(session.sid);
  return user ? { ...user, staffRole: user.staffRole ?? null } : null;
}
