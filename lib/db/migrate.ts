import "server-only";

// Applies prisma/migrations to a database, keeping Prisma's own bookkeeping
// table `_prisma_migrations`, so that `prisma migrate deploy` / `status` agree
// with us wherever the real schema engine is installed.
//
// Unlike Prisma, each migration runs in ONE transaction together with its
// `_prisma_migrations` row: a crash or a failing statement leaves all of it or
// nothing, never a half-applied migration. The script is sent as a single
// simple-protocol query without BEGIN/COMMIT, which PostgreSQL (and PGlite)
// run as one implicit transaction, so this works over a connection pool too.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { SqlRunner } from "./connect";

export interface ApplyMigrationsOptions {
  /** Folder of migrations; default `<cwd>/prisma/migrations`. */
  dir?: string;
  log?: (line: string) => void;
}

export interface MigrationRun {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {}

interface MigrationOnDisk {
  name: string;
  script: string;
  checksum: string;
  bytes: Buffer;
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

// The key `prisma migrate deploy` locks too, so the two never run at once.
const ADVISORY_LOCK_KEY = 72707369;

// Prisma's table, column for column (schema engine, postgres flavour).
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

// Raised inside the transaction when another migrator got there first.
const ALREADY_APPLIED = "meterdesk: migration already applied by another process";

const sha256 = (data: Buffer | string) => crypto.createHash("sha256").update(data).digest("hex");
const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;

// Like Prisma, a file whose line endings were changed by git is not an edit.
function matchesChecksum(migration: MigrationOnDisk, checksum: string): boolean {
  const text = migration.bytes.toString("utf8");
  return [migration.checksum, sha256(text.replace(/\r\n/g, "\n")), sha256(text.replace(/\r?\n/g, "\r\n"))].includes(checksum);
}

function readMigrations(dir: string): MigrationOnDisk[] {
  if (!fs.existsSync(dir)) throw new MigrationError(`No migrations folder at ${dir}`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(dir, name, "migration.sql");
      if (!fs.existsSync(file)) throw new MigrationError(`Migration ${name} has no migration.sql (${file})`);
      const bytes = fs.readFileSync(file);
      // Prisma's checksum: SHA-256 of the file's bytes, as lowercase hex.
      return { name, bytes, script: bytes.toString("utf8"), checksum: sha256(bytes) };
    });
}

/** Refuses a database whose history does not match the migrations folder. */
function checkHistory(onDisk: MigrationOnDisk[], rows: MigrationRow[]): Set<string> {
  const byName = new Map(onDisk.map((m) => [m.name, m]));
  const applied = new Set<string>();
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue; // Rolled back: Prisma treats it as never applied.
    if (row.finished_at === null) {
      throw new MigrationError(
        `Migration ${row.migration_name} failed or is still running (finished_at is empty in _prisma_migrations). ` +
          `Repair the database, then mark it resolved: \`prisma migrate resolve --rolled-back ${row.migration_name}\` ` +
          `or UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${row.migration_name}'.`,
      );
    }
    const migration = byName.get(row.migration_name);
    if (!migration) {
      throw new MigrationError(`Migration ${row.migration_name} is recorded in the database but missing from the migrations folder.`);
    }
    if (!matchesChecksum(migration, row.checksum)) {
      throw new MigrationError(
        `Migration ${row.migration_name} was edited after it was applied (checksum ${row.checksum} in the database, ` +
          `${migration.checksum} on disk). Restore the file and put the change in a new migration.`,
      );
    }
    applied.add(row.migration_name);
  }
  return applied;
}

// BEGIN/COMMIT inside a migration would end our transaction early and lose the
// all-or-nothing guarantee. Function bodies, strings and comments are skipped.
function hasTransactionControl(script: string): boolean {
  // One pass, so that whichever starts first wins: a quote inside a comment
  // opens no string, and `--` inside a string starts no comment.
  const statements = script.replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$|'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\//g, " ").split(";");
  return statements.some((statement) => /^\s*(BEGIN|COMMIT|ROLLBACK|ABORT|END|START\s+TRANSACTION)\b/i.test(statement));
}

/**
 * One migration and its `_prisma_migrations` row as a single implicit
 * transaction. The advisory lock serialises concurrent migrators on
 * PostgreSQL; the re-check under the lock makes the loser skip instead of
 * applying the migration twice.
 */
function transactionScript(migration: MigrationOnDisk): string {
  const name = sqlString(migration.name);
  return `SELECT pg_advisory_xact_lock(${ADVISORY_LOCK_KEY});
DO $meterdesk$ BEGIN
  IF EXISTS (SELECT 1 FROM "_prisma_migrations" WHERE migration_name = ${name} AND rolled_back_at IS NULL) THEN
    RAISE EXCEPTION '${ALREADY_APPLIED}';
  END IF;
END $meterdesk$;
${migration.script}
;
INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
  VALUES (${sqlString(crypto.randomUUID())}, ${sqlString(migration.checksum)}, ${name}, now(), clock_timestamp(), 1);`;
}

/** Applies, in name order, every migration the database has not recorded yet. */
export async function applyMigrations(sql: SqlRunner, options: ApplyMigrationsOptions = {}): Promise<MigrationRun> {
  const dir = options.dir ?? path.resolve(process.cwd(), "prisma", "migrations");
  const log = options.log ?? (() => {});
  const onDisk = readMigrations(dir);

  // Under the lock too: two CREATE TABLE IF NOT EXISTS at once can still collide.
  await sql.exec(`SELECT pg_advisory_xact_lock(${ADVISORY_LOCK_KEY});\n${CREATE_MIGRATIONS_TABLE};`);
  const rows = await sql.query<MigrationRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
  );
  const recorded = checkHistory(onDisk, rows);

  const run: MigrationRun = { applied: [], alreadyApplied: [] };
  for (const migration of onDisk) {
    if (recorded.has(migration.name)) {
      log(`already applied ${migration.name}`);
      run.alreadyApplied.push(migration.name);
      continue;
    }
    if (hasTransactionControl(migration.script)) {
      throw new MigrationError(
        `Migration ${migration.name} contains BEGIN/COMMIT; migrations run inside one transaction each, remove them.`,
      );
    }
    try {
      await sql.exec(transactionScript(migration));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message.includes(ALREADY_APPLIED)) {
        log(`already applied by another process: ${migration.name}`);
        run.alreadyApplied.push(migration.name);
        continue;
      }
      throw new MigrationError(`Migration ${migration.name} failed and was rolled back, nothing of it applied: ${message}`);
    }
    log(`applied ${migration.name}`);
    run.applied.push(migration.name);
  }
  return run;
}
