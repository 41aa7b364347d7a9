// npm run db:migrate — applies prisma/migrations to the configured database:
// PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite in
// PGLITE_DIR (R13). Safe to run again: applied migrations are skipped.
import { configuredTarget } from "@/lib/db";
import { openDatabase, type DbTarget } from "@/lib/db/connect";
import { applyMigrations } from "@/lib/db/migrate";

function describeTarget(target: DbTarget): string {
  if (target.kind === "pglite") return `embedded PGlite in ${target.dir}`;
  const url = new URL(target.url);
  return `PostgreSQL at ${url.host}${url.pathname}`; // never print the password
}

async function main(): Promise<void> {
  const target = configuredTarget();
  console.log(`Migrating ${describeTarget(target)}`);
  const database = await openDatabase(target, { role: "migrate", poolSize: 1 });
  try {
    const run = await applyMigrations(database.sql, {
      log: (line) => console.log(`  ${line}`),
    });
    console.log(
      run.applied.length === 0
        ? `Database is up to date: ${run.alreadyApplied.length} migration(s), none pending.`
        : `Applied ${run.applied.length} migration(s); ${run.alreadyApplied.length} had been applied before.`,
    );
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(`db:migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
