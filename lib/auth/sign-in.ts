import "server-only";

// Signing in with email and password (next-auth's credentials provider).
//
// An unknown email must be indistinguishable from a wrong password: the same
// answer ("wrong email or password", or after five in a row the lockout
// message), the same work (an Argon2 verify against a dummy hash; the same
// lockout store calls) and the same lockout, counted per normalised email
// whether or not an account has it. Before any of that, each address gets
// AUTH_ATTEMPTS_PER_MINUTE attempts a minute.
import { db } from "@/lib/db";
import { normaliseEmail } from "@/lib/db/accounts";
import { findUserForSignIn, recordSuccessfulSignIn } from "@/lib/db/queries/users";
import { env } from "@/lib/env";
import { z } from "zod";
import { admitAuthAttempt, TOO_MANY_ATTEMPTS_MESSAGE } from "./attempt-limit";
import { lockoutKey, MemorySignInLockout, type SignInLockout } from "./lockout";
import { RedisSignInLockout } from "./lockout-redis";
import { verifyPassword } from "./password";

const credentialsSchema = z.object({
  email: z.string().trim().email().max(320),
  password: z.string().min(1).max(1024),
});

/** A refusal the sign-in form shows as written (next-auth passes a thrown error's message on). */
export class SignInRefused extends Error {}

export function lockedMessage(lockedForMs: number): string {
  const minutes = Math.max(1, Math.ceil(lockedForMs / 60_000));
  return `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

const holder = globalThis as unknown as { __meterdeskSignInLockout?: SignInLockout };

/** The process's lockout store: Redis when REDIS_URL is set, in-process otherwise (R13). */
export function signInLockout(): SignInLockout {
  const { REDIS_URL } = env();
  holder.__meterdeskSignInLockout ??= REDIS_URL ? new RedisSignInLockout({ redisUrl: REDIS_URL }) : new MemorySignInLockout();
  return holder.__meterdeskSignInLockout;
}

export interface SignInAttempt {
  /** The client's address (lib/http/client-address.ts), null when unknown. */
  address: string | null;
  at: Date;
}

/**
 * The user for a right email and password; null for a wrong pair (next-auth's
 * "CredentialsSignin"). Throws SignInRefused while the email is locked, when
 * this failure locks it, or when the address made too many attempts.
 */
export async function authorizeWithPassword(raw: unknown, { address, at }: SignInAttempt) {
  const admitted = await admitAuthAttempt("sign-in", address, at);
  if (!admitted.allowed) throw new SignInRefused(TOO_MANY_ATTEMPTS_MESSAGE);
  const parsed = credentialsSchema.safeParse(raw);
  if (!parsed.success) return null;

  const email = normaliseEmail(parsed.data.email);
  const key = lockoutKey(email);
  const lockout = signInLockout();
  const prisma = await db();
  const [lockedForMs, user] = await Promise.all([lockout.lockedForMs(key, at.getTime()), findUserForSignIn(prisma, email)]);
  // Locked: refused before the password is looked at, even the right one.
  if (lockedForMs > 0) throw new SignInRefused(lockedMessage(lockedForMs));

  const valid = await verifyPassword(user?.passwordHash ?? null, parsed.data.password);
  if (!user || !valid) {
    const lockedNow = await lockout.recordFailure(key, at.getTime());
    if (lockedNow > 0) throw new SignInRefused(lockedMessage(lockedNow));
    return null;
  }
  await lockout.clear(key);
  await recordSuccessfulSignIn(prisma, user.id, at);
  return { id: user.id, email: user.email, name: user.name };
}
