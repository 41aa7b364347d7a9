// What the tests of server actions share: the app's database pointed at a
// test database, the list of its tables (to prove a refusal changed none),
// staff users, and what a call came to — the access check's 403 or 404, a
// redirect, or the action's own answer. The session and next/cache are mocked
// in each test file (vi.mock is hoisted per file).
import { randomUUID } from "node:crypto";
import type { SessionUser } from "@/lib/auth/access";
import type { Database } from "@/lib/db/connect";
import type { PrismaClient } from "@/lib/generated/prisma/client";

type DbGlobal = { __meterdeskDb?: Promise<Database> };

/** lib/db's `db()` answers with `database` from now on (undefined: back to the app's own). */
export function useDatabase(database: Database | undefined): void {
  (globalThis as unknown as DbGlobal).__meterdeskDb = database ? Promise.resolve(database) : undefined;
}

export async function publicTables(database: Database): Promise<string[]> {
  const rows = await database.sql.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
  return rows.map((row) => String((row as { tablename: string }).tablename));
}

/** A support and an admin staff member, saved as users. */
export async function createStaff(prisma: PrismaClient, tag = randomUUID().slice(0, 8)) {
  const support: SessionUser = { id: randomUUID(), email: `support-${tag}@test.dev`, name: "Sam Support", staffRole: "SUPPORT" };
  const admin: SessionUser = { id: randomUUID(), email: `admin-${tag}@test.dev`, name: "Ada Admin", staffRole: "ADMIN" };
  for (const staff of [support, admin]) {
    await prisma.user.create({ data: { id: staff.id, email: staff.email, name: staff.name, staffRole: staff.staffRole } });
  }
  return { support, admin };
}

/** The workspace's first owner, as a session user. */
export async function ownerOf(prisma: PrismaClient, workspaceId: string): Promise<SessionUser> {
  const owner = await prisma.membership.findFirstOrThrow({ where: { workspaceId, role: "OWNER" }, select: { user: true } });
  return { id: owner.user.id, email: owner.user.email, name: owner.user.name ?? "", staffRole: null };
}

export type Outcome = "403" | "404" | "redirect" | { ok: boolean; error?: string; data?: unknown; fieldErrors?: Record<string, string[]> };

export async function outcomeOf(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    return (await call()) as Outcome;
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    if (digest === "NEXT_HTTP_ERROR_FALLBACK;403") return "403";
    if (digest === "NEXT_HTTP_ERROR_FALLBACK;404") return "404";
    if (digest.startsWith("NEXT_REDIRECT")) return "redirect";
    throw error;
  }
}
