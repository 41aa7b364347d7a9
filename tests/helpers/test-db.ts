// A private database per test file, so files run in parallel without sharing
// rows. TEST_DB (set per vitest project) picks the engine:
//   pglite   — an in-memory PGlite, gone when closed;
//   postgres — a fresh database `md_test_<hex>` on TEST_DATABASE_URL's server,
//              dropped when closed.
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";
import { createScratchDatabase } from "../../scripts/lib/scratch-database";
import { openDatabase, type Database } from "@/lib/db/connect";
import { applyMigrations } from "@/lib/db/migrate";

export type TestDatabase = Database & { name: string };

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

const DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/test";

/** A new database with no tables at all (for the migration tests). */
export async function emptyTestDatabase(): Promise<TestDatabase> {
  const engine = process.env.TEST_DB ?? "pglite";
  if (engine === "pglite") {
    const database = await openDatabase({ kind: "pglite", dir: "memory://" });
    return { ...database, name: `memory_${crypto.randomBytes(6).toString("hex")}` };
  }
  if (engine !== "postgres") throw new Error(`TEST_DB must be "pglite" or "postgres", not "${engine}"`);

  const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL ?? DEFAULT_SERVER_URL, "md_test");
  try {
    const database = await openDatabase({ kind: "postgres", url: scratch.url }, { poolSize: 4 });
    return {
      ...database,
      name: scratch.name,
      async close() {
        await database.close();
        await scratch.drop();
      },
    };
  } catch (error) {
    await scratch.drop();
    throw error;
  }
}

/** A new database with every migration applied. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const database = await emptyTestDatabase();
  try {
    await applyMigrations(database.sql, { dir: MIGRATIONS_DIR });
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}
