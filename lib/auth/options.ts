import "server-only";

// next-auth configuration. Sessions are JWT cookies that name a server-side
// AuthSession row: the row is what makes a session valid, so signing out
// (which revokes the row) ends the session even for a copied cookie.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import { z } from "zod";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { normaliseEmail } from "@/lib/db/accounts";
import {
  createAuthSession,
  findUserForSignIn,
  findUserIdByOAuthAccount,
  recordFailedSignIn,
  recordSuccessfulSignIn,
  revokeAuthSession,
} from "@/lib/db/queries/users";
import { env } from "@/lib/env";
import { verifyPassword } from "./password";
import { registerUser } from "./register";
import { authSecret } from "./secret";

const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60;

const credentialsSchema = z.object({
  email: z.string().trim().email().max(320),
  password: z.string().min(1).max(1024),
});

function minutesUntil(instant: Date, from: Date): number {
  return Math.max(1, Math.ceil((instant.getTime() - from.getTime()) / 60_000));
}

async function authorizeWithPassword(raw: unknown) {
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return null;
  const prisma = await db();
  const at = now();
  const user = await findUserForSignIn(prisma, normaliseEmail(parsed.data.email));
  if (user?.lockedUntil && user.lockedUntil > at) {
    throw new Error(`Too many failed sign-in attempts. Try again in ${minutesUntil(user.lockedUntil, at)} minutes.`);
  }
  const valid = await verifyPassword(user?.passwordHash ?? null, parsed.data.password);
  if (!user || !valid) {
    if (user) {
      const lockedUntil = await recordFailedSignIn(prisma, user.id, at);
      if (lockedUntil) {
        throw new Error(`Too many failed sign-in attempts. Try again in ${minutesUntil(lockedUntil, at)} minutes.`);
      }
    }
    return null;
  }
  await recordSuccessfulSignIn(prisma, user.id, at);
  return { id: user.id, email: user.email, name: user.name };
}

let cachedOptions: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (cachedOptions) return cachedOptions;
  const { GITHUB_ID, GITHUB_SECRET } = env();
  cachedOptions = {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        authorize: (credentials) => authorizeWithPassword(credentials),
      }),
      ...(GITHUB_ID && GITHUB_SECRET ? [GitHubProvider({ clientId: GITHUB_ID, clientSecret: GITHUB_SECRET })] : []),
    ],
    callbacks: {
      // GitHub: link to the user with the same email, or sign them up on Free.
      async signIn({ user, account }) {
        if (account?.provider !== "github") return true;
        const prisma = await db();
        if (await findUserIdByOAuthAccount(prisma, "github", account.providerAccountId)) return true;
        if (!user.email) return "/sign-in?error=GitHubEmailMissing";
        const email = normaliseEmail(user.email);
        const existing = await prisma.user.findUnique({ where: { email }, select: { id: true } });
        if (existing) {
          await prisma.authAccount.create({
            data: { userId: existing.id, provider: "github", providerAccountId: account.providerAccountId },
          });
        } else {
          const name = user.name ?? email.split("@")[0]!;
          await registerUser(
            {
              name,
              email,
              passwordHash: null,
              workspaceName: `${name}'s workspace`,
              oauth: { provider: "github", providerAccountId: account.providerAccountId },
            },
            now(),
          );
        }
        return true;
      },
      async jwt({ token, user, account }) {
        if (!user) return token;
        const prisma = await db();
        const userId =
          account?.provider === "github" ? await findUserIdByOAuthAccount(prisma, "github", account.providerAccountId) : user.id;
        if (!userId) return token;
        const session = await createAuthSession(prisma, userId, new Date(now().getTime() + SESSION_MAX_AGE_S * 1000));
        return { ...token, sub: userId, sid: session.id };
      },
      async session({ session, token }) {
        return { ...session, sid: token.sid } as typeof session;
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === "string") await revokeAuthSession(await db(), token.sid, now());
      },
    },
  };
  return cachedOptions;
}
