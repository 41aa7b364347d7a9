import "server-only";

// The user of a live AuthSession row (not revoked, not expired), read once per
// request: next-auth's jwt callback and readSession both ask for it.
import { cache } from "react";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { findSessionUser } from "@/lib/db/queries/users";

export const liveSessionUser = cache(async (sessionId: string) => findSessionUser(await db(), sessionId, now()));
