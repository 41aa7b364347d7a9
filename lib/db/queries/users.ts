import "server-only";

// Reads and writes of users for sign-in: sessions, OAuth links. (The lockout
// after wrong passwords is counted by email in lib/auth/lockout.ts, so that an
// unknown email is locked out like a known one.)
import type { PrismaClient } from "@/lib/generated/prisma/client";

export function findUserForSignIn(prisma: PrismaClient, email: string) {
  return prisma.user.findUnique({ where: { email }, select: { id: true, email: true, name: true, passwordHash: true } });
}

export async function recordSuccessfulSignIn(prisma: PrismaClient, userId: string, now: Date): Promise<void> {
  await prisma.user.update({ where: { id: userId }, data: { lastSignInAt: now } });
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
