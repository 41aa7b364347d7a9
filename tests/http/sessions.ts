// A signed-in browser without the sign-in form: a session row and the
// session cookie next-auth would set for it, signed with the server's secret.
// For suites that need many users signed in at once (the sign-in form limits
// attempts per address, and every suite here calls from 127.0.0.1).
import { inject } from "vitest";
import { encode } from "next-auth/jwt";
import type { Database } from "@/lib/db/connect";
import { createAuthSession } from "@/lib/db/queries/users";

const DAY_S = 86_400;

/** The Cookie header of a browser signed in as this user. */
export async function sessionCookie(database: Database, user: { id: string; email: string; name: string }): Promise<string> {
  const session = await createAuthSession(database.prisma, user.id, new Date(Date.now() + DAY_S * 1000));
  const token = await encode({
    token: { sub: user.id, email: user.email, name: user.name, sid: session.id },
    secret: inject("authSecret"),
    maxAge: DAY_S,
  });
  return `next-auth.session-token=${token}`;
}
