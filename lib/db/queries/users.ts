import "server-only";

// Reads and writes of users for sign-in: lockout counters, sessions, OAuth links.
import type { PrismaClient } from "@/lib/generated/prisma/client";

/** After this many wrong passwords in a row the account is locked for LOCKOUT_MS. */
export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MS = 15 * 60_000;

export function findUserForSignIn(prisma: PrismaClient, email: string) {
  return prisma.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true, lockedUntil: true, failedSignIns: true },
  });
}

/** Counts a wrong password; the fifth in a row locks the account. Returns the lock end, if any. */
export async function recordFailedSignIn(prisma: PrismaClient, userId: string, now: Date): Promise<Date | null> {
  const user = await prisma.user.update({
    where: { id: userId },
    data: { failedSignIns: { increment: 1 } },
    select: { failedSignIns: true },
  });
  if (user.failedSignIns < MAX_FAILED_SIGN_INS) return null;
  const lockedUntil = new Date(now.getTime() + LOCKOUT_MS);
  await prisma.user.update({ where: { id: userId }, data: { failedSignIns: 0, lockedUntil } });
  return lockedUntil;
}

export async function recordSuccessfulSignIn(prisma: PrismaClient, userId: string, now: Date): Promise<void> {
  await prisma.user.update({ where: { id: userId }, data: { failedSignIns: 0, lockedUntil: null, lastSignInAt: now } });
}

export function createAuthSession(prisma: PrismaClient, userId: string, expiresAt: Date) {
  return prisma.authSession.create({ data: { userId, expiresAt }, select: { id: true } });
}

export async function revokeAuthSession(prisma: PrismaClient, sessionId: string, now: Date): Promise<void> {
  await prisma.authSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: now } });
}

/** The user of a live session, or null when the session is unknown, revoked or expired. */
export async function findSessionUser(prisma: PrismaClient, sessionId: string, now: Date) {
  const session = await prisma.authSession.findUnique({
    where: { id: sessionId },
    select: {
      revokedAt: true,
      expiresAt: true,
      user: { select: { id: true, email: true, name: true, staffRole: true } },
    },
  });
  if (!session || session.revokedAt || session.expiresAt <= now) return null;
  return session.user;
}

export async function findUserIdByOAuthAccount(prisma: PrismaClient, provider: string, providerAccountId: string) {
  const account = await prisma.authAccount.findUnique({
    where: { provider_providerAccountId: { provider, providerAccountId } },
    select: { userId: true },
  });
  return account?.userId ?? null;
}
