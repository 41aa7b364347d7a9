import "server-only";

// next-auth configuration. Sessions are JWT cookies that name a server-side
// AuthSession row: the row is what makes a session valid, so signing out
// (which revokes the row) ends the session even for a copied cookie.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { normaliseEmail } from "@/lib/db/accounts";
import { createAuthSession, findUserIdByOAuthAccount, revokeAuthSession } from "@/lib/db/queries/users";
import { env } from "@/lib/env";
import { clientAddress } from "@/lib/http/client-address";
import { withoutUnsafeCharacters } from "@/lib/names";
import { safeRedirectUrl } from "./redirect";
import { registerUser } from "./register";
import { authSecret } from "./secret";
import { liveSessionUser } from "./session-row";
import { authorizeWithPassword } from "./sign-in";

const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60;

/** A cookie whose AuthSession row is revoked (signed out), expired or unknown: next-auth answers with no session and clears it. */
class SessionEnded extends Error {
  constructor() {
    super("the session was signed out or has expired");
  }
}

/** The headers next-auth hands to callbacks: a plain object with lower-case names. */
function headerReader(headers: Record<string, unknown> | undefined) {
  return (name: string) => {
    const value = headers?.[name];
    return typeof value === "string" ? value : null;
  };
}

/** "Mallory\u202Egnp.exe" from a GitHub profile must not become a workspace name. */
function displayNameFrom(profileName: string | null | undefined, email: string): string {
  return (withoutUnsafeCharacters(profileName ?? "") || email.split("@")[0]!).slice(0, 80);
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
        authorize: (credentials, request) =>
          authorizeWithPassword(credentials, { address: clientAddress(headerReader(request?.headers), env().TRUST_PROXY), at: now() }),
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
          const name = displayNameFrom(user.name, email);
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
      // Only ever to our own pages (a callbackUrl like "/\t/evil.example" is another site).
      redirect({ url, baseUrl }) {
        return safeRedirectUrl(url, baseUrl);
      },
      async jwt({ token, user, account }) {
        // Every read of the session (/api/auth/session, getServerSession) checks its AuthSession row:
        // a cookie kept from before signing out gets no session.
        if (!user) {
          if (typeof token.sid !== "string" || !(await liveSessionUser(token.sid))) throw new SessionEnded();
          return token;
        }
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
    logger: {
      error(code, metadata) {
        if (code === "JWT_SESSION_ERROR" && metadata instanceof SessionEnded) return;
        console.error(`[next-auth][error][${code}]`, metadata);
      },
      warn(code) {
        console.warn(`[next-auth][warn][${code}]`);
      },
      debug() {},
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid === "string") await revokeAuthSession(await db(), token.sid, now());
      },
    },
  };
  return cachedOptions;
}
