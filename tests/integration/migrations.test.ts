// The hand-written migrations and prisma/schema.prisma describe the same
// database, and the migrator keeps Prisma's bookkeeping honest: applied once,
// all or nothing, edits to applied migrations refused.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/connect";
import { applyMigrations, MigrationError } from "@/lib/db/migrate";
import { readDatamodel } from "@/scripts/lib/schema-to-sql";
import { describeDrift } from "../helpers/drift";
import { emptyTestDatabase, MIGRATIONS_DIR, type TestDatabase } from "../helpers/test-db";

const SCHEMA_PATH = fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url));
const schemaText = fs.readFileSync(SCHEMA_PATH, "utf8");
const migrationNames = fs
  .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const tempDirs: string[] = [];
function tempMigrations(files: Record<string, string>, copyReal = false): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "md-migrations-"));
  tempDirs.push(dir);
  if (copyReal) fs.cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  for (const [name, sql] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

/** Applies `edit` inside one model or enum block of the schema; fails if it changed nothing. */
function editBlock(schema: string, header: string, edit: (block: string) => string): string {
  const start = schema.indexOf(`${header} {`);
  const end = schema.indexOf("\n}", start);
  if (start < 0 || end < 0) throw new Error(`no block "${header}" in schema.prisma`);
  const block = schema.slice(start, end);
  const edited = edit(block);
  if (edited === block) throw new Error(`edit of "${header}" changed nothing`);
  return schema.slice(0, start) + edited + schema.slice(end);
}

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("migrations on an empty database", () => {
  let db: TestDatabase;
  let firstRun: Awaited<ReturnType<typeof applyMigrations>>;

  beforeAll(async () => {
    db = await emptyTestDatabase();
    firstRun = await applyMigrations(db.sql, { dir: MIGRATIONS_DIR });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("applies every migration folder, in name order", () => {
    expect(migrationNames.length).toBeGreaterThan(0);
    expect(firstRun).toEqual({ applied: migrationNames, alreadyApplied: [] });
  });

  it("creates a table for every model of schema.prisma", async () => {
    const tables = readDatamodel(schemaText).models.map((m) => m.dbName ?? m.name);
    const rows = await db.sql.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`);
    const present = new Set(rows.map((r) => r.tablename));
    expect(tables.filter((t) => !present.has(t))).toEqual([]);
  });

  it("applies nothing on a second run: every migration is reported as already applied", async () => {
    expect(await applyMigrations(db.sql, { dir: MIGRATIONS_DIR })).toEqual({
      applied: [],
      alreadyApplied: migrationNames,
    });
  });

  it("records each migration in _prisma_migrations with Prisma's checksum (sha256 of migration.sql) and finished_at", async () => {
    const rows = await db.sql.query<{
      id: string;
      migration_name: string;
      checksum: string;
      finished_at: unknown;
      rolled_back_at: unknown;
      applied_steps_count: number;
    }>(`SELECT id, migration_name, checksum, finished_at, rolled_back_at, applied_steps_count
        FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
    for (const row of rows) {
      const bytes = fs.readFileSync(path.join(MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(crypto.createHash("sha256").update(bytes).digest("hex"));
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("leaves no drift: the migrated database is exactly what schema.prisma describes", async () => {
    expect(await describeDrift(db.sql, schemaText)).toEqual([]);
  });

  // Each row is an edit to schema.prisma made without a migration; the drift
  // check must name it, so forgetting the migration fails the suite.
  it.each([
    {
      edit: "a column added to a model",
      schema: () => editBlock(schemaText, "model Plan", (b) => b.replace("  rank ", "  nickname String?\n  rank ")),
      expected: ['table "Plan": column "nickname" is in schema.prisma but not in the database'],
    },
    {
      edit: "a required field made optional",
      schema: () => editBlock(schemaText, "model Workspace", (b) => b.replace(/(\n\s+name\s+)String/, "$1String?")),
      expected: ['table "Workspace": column "name": nullable in schema.prisma, NOT NULL in the database'],
    },
    {
      edit: "an @@index removed",
      schema: () => editBlock(schemaText, "model Invoice", (b) => b.replace(/\n\s*@@index\(\[number\]\)/, "")),
      expected: ['table "Invoice": index "Invoice_number_idx" (number) is in the database but not in schema.prisma'],
    },
    {
      edit: "an enum value added",
      schema: () => editBlock(schemaText, "enum BillingState", (b) => b.replace("DELETED", "DELETED\n  PAUSED")),
      expected: ['enum "BillingState": values are [GOOD, GRACE, RETENTION, DELETED, PAUSED] in schema.prisma'],
    },
    {
      edit: "onDelete changed on a relation",
      schema: () => editBlock(schemaText, "model AuditLog", (b) => b.replace("references: [id])", "references: [id], onDelete: Cascade)")),
      expected: [
        'table "AuditLog": foreign key "AuditLog_workspaceId_fkey" ON DELETE is CASCADE in schema.prisma, RESTRICT in the database',
      ],
    },
    {
      edit: "a column type changed",
      schema: () => editBlock(schemaText, "model Plan", (b) => b.replace(/(feeCents\s+)Int/, "$1BigInt")),
      expected: ['table "Plan": column "feeCents": type is bigint in schema.prisma, integer in the database'],
    },
    {
      edit: "a default changed",
      schema: () => editBlock(schemaText, "model Invoice", (b) => b.replace('@default("usd")', '@default("eur")')),
      expected: [`table "Invoice": column "currency": default is 'eur' in schema.prisma, 'usd' in the database`],
    },
    {
      edit: "an index's type changed",
      schema: () =>
        editBlock(schemaText, "model Workspace", (b) =>
          b.replace('@@index([slug(ops: raw("gin_trgm_ops"))], type: Gin)', "@@index([slug])"),
        ),
      expected: ['table "Workspace": index "Workspace_slug_idx" is a btree index in schema.prisma, gin in the database'],
    },
    {
      edit: "an index's operator class removed",
      schema: () => editBlock(schemaText, "model ApiKey", (b) => b.replace('prefix(ops: raw("text_pattern_ops"))', "prefix")),
      expected: [
        'table "ApiKey": index "ApiKey_prefix_pattern_idx" column "prefix": operator class is the default in schema.prisma, text_pattern_ops in the database',
      ],
    },
    {
      edit: "a model added",
      schema: () => `${schemaText}\nmodel Coupon {\n  code String @id\n}\n`,
      expected: ['table "Coupon" is in schema.prisma but not in the database'],
    },
  ])("names $edit when schema.prisma changes without a migration", async ({ schema, expected }) => {
    const drift = await describeDrift(db.sql, schema());
    for (const line of expected)
      expect(
        drift.some((d) => d.includes(line)),
        `${line}\n  in ${drift.join("\n  ")}`,
      ).toBe(true);
  });

  it("refuses a migration edited after it was applied, naming it", async () => {
    const dir = tempMigrations({}, true);
    const edited = migrationNames[0]!;
    fs.appendFileSync(path.join(dir, edited, "migration.sql"), '\nCREATE INDEX "Plan_name_idx" ON "Plan"("name");\n');
    await expect(applyMigrations(db.sql, { dir })).rejects.toThrow(`Migration ${edited} was edited after it was applied`);
  });

  it("refuses a database that recorded a migration missing from the folder", async () => {
    const dir = tempMigrations({});
    await expect(applyMigrations(db.sql, { dir })).rejects.toThrow(
      `Migration ${migrationNames[0]} is recorded in the database but missing from the migrations folder`,
    );
  });
});

describe("migrator safety", () => {
  it("rolls back a migration that fails part-way: neither its tables nor its _prisma_migrations row remain", async () => {
    const db = await emptyTestDatabase();
    try {
      const dir = tempMigrations({
        "20990101000000_ok": `CREATE TABLE "Whole" ("id" INTEGER NOT NULL);\n`,
        "20990102000000_broken": `CREATE TABLE "Half" ("id" INTEGER NOT NULL);\nSELECT 1 / 0;\n`,
      });
      await expect(applyMigrations(db.sql, { dir })).rejects.toThrow(/Migration 20990102000000_broken failed and was rolled back/);
      const tables = await db.sql.query<{ whole: string | null; half: string | null }>(
        `SELECT to_regclass('"Whole"')::text AS whole, to_regclass('"Half"')::text AS half`,
      );
      expect(tables[0]).toEqual({ whole: '"Whole"', half: null });
      const rows = await db.sql.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations"`);
      expect(rows.map((r) => r.migration_name)).toEqual(["20990101000000_ok"]);
    } finally {
      await db.close();
    }
  });

  it("refuses to go on past a failed migration (finished_at NULL) until it is resolved", async () => {
    const db = await emptyTestDatabase();
    try {
      const dir = tempMigrations({ "20990101000000_stuck": `CREATE TABLE "Stuck" ("id" INTEGER);\n` });
      await applyMigrations(db.sql, { dir: tempMigrations({}) }); // creates _prisma_migrations only
      await db.sql.exec(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name)
        VALUES ('00000000-0000-0000-0000-000000000001', 'x', '20990101000000_stuck')`);
      await expect(applyMigrations(db.sql, { dir })).rejects.toThrow(/20990101000000_stuck failed.*resolve/s);

      await db.sql.exec(`UPDATE "_prisma_migrations" SET rolled_back_at = now()`);
      expect(await applyMigrations(db.sql, { dir })).toEqual({ applied: ["20990101000000_stuck"], alreadyApplied: [] });
    } finally {
      await db.close();
    }
  });

  it("refuses a migration with its own BEGIN/COMMIT, which would break all-or-nothing", async () => {
    const db = await emptyTestDatabase();
    try {
      const dir = tempMigrations({ "20990101000000_tx": `BEGIN;\nCREATE TABLE "T" ("id" INTEGER);\nCOMMIT;\n` });
      await expect(applyMigrations(db.sql, { dir })).rejects.toThrow(MigrationError);
    } finally {
      await db.close();
    }
  });

  // PGlite runs in one process and has no concurrent migrators: this test is
  // registered for the PostgreSQL project only (not skipped elsewhere).
  if (process.env.TEST_DB === "postgres")
    it("applies each migration exactly once when two migrators run at the same time (PostgreSQL advisory lock)", async () => {
      const db = await emptyTestDatabase();
      if (db.target.kind !== "postgres") throw new Error("expected a PostgreSQL test database");
      const other = await openDatabase(db.target, { poolSize: 2 });
      try {
        const runs = await Promise.all([
          applyMigrations(db.sql, { dir: MIGRATIONS_DIR }),
          applyMigrations(other.sql, { dir: MIGRATIONS_DIR }),
        ]);
        expect([...runs[0].applied, ...runs[1].applied].sort()).toEqual(migrationNames);
        const rows = await db.sql.query<{ migration_name: string }>(
          `SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`,
        );
        expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
        expect(await describeDrift(db.sql, schemaText)).toEqual([]);
      } finally {
        await other.close();
        await db.close();
      }
    });
});
