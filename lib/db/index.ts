import "server-only";

// The application's database: one client per process, opened on first use.
// Kept on globalThis because Next.js may evaluate this module once per bundle
// layer, and the embedded database may only be opened once per process.
import { env } from "@/lib/env";
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { openDatabase, type Database, type DbTarget } from "./connect";

export function configuredTarget(): DbTarget {
  const { DATABASE_URL, PGLITE_DIR } = env();
  return DATABASE_URL ? { kind: "postgres", url: DATABASE_URL } : { kind: "pglite", dir: PGLITE_DIR };
}

const holder = globalThis as unknown as { __meterdeskDb?: Promise<Database> };

/** The process-wide database, opened with the configured target. */
export function database(): Promise<Database> {
  holder.__meterdeskDb ??= openDatabase(configuredTarget(), { role: "server", port: env().PORT }).catch((error) => {
    holder.__meterdeskDb = undefined;
    throw error;
  });
  return holder.__meterdeskDb;
}

/** Closes the process's database if it was opened (server shutdown). */
export async function closeDatabase(): Promise<void> {
  const opened = holder.__meterdeskDb;
  holder.__meterdeskDb = undefined;
  if (opened) await (await opened).close();
}

export async function db(): Promise<PrismaClient> {
  return (await database()).prisma;
}

export type { PrismaClient };
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
