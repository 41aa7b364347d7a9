import "server-only";

// Opens the database the deployment is configured for (R13): a real
// PostgreSQL through @prisma/adapter-pg when DATABASE_URL is set, otherwise the
// embedded PGlite in a local folder through pglite-prisma-adapter.
//
// PGlite is a single-process database: only one process may open its folder.
// The process that opens it writes a lock file beside the folder naming its
// pid (and, for the server, its port); a second process is refused with a
// message that says who holds it. Commands that must work while the demo
// server runs (billing:run) reach the database through that server instead.
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "@/lib/generated/prisma/client";

export type DbTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dir: string };

/** Raw SQL access beside Prisma, for migrations and maintenance. */
export interface SqlRunner {
  /** Runs a script of one or more statements. */
  exec(script: string): Promise<void>;
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
}

export interface Database {
  target: DbTarget;
  prisma: PrismaClient;
  sql: SqlRunner;
  close(): Promise<void>;
}

export interface EmbeddedLock {
  pid: number;
  role: string;
  port?: number;
  startedAt: string;
}

export class EmbeddedDatabaseBusyError extends Error {
  constructor(readonly holder: EmbeddedLock, lockFile: string) {
    super(
      `The embedded database is open in another process (pid ${holder.pid}, ${holder.role}` +
        `${holder.port ? ` on port ${holder.port}` : ""}). PGlite allows one process at a time: ` +
        `stop that process first, or set DATABASE_URL to use a real PostgreSQL. Lock file: ${lockFile}`,
    );
  }
}

export function lockFileFor(dir: string): string {
  return `${path.resolve(dir)}.lock`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Who holds the embedded database now, or null when nobody does. */
export function readEmbeddedLock(dir: string): EmbeddedLock | null {
  const file = lockFileFor(dir);
  try {
    const lock = JSON.parse(fs.readFileSync(file, "utf8")) as EmbeddedLock;
    return lock.pid !== process.pid && isAlive(lock.pid) ? lock : null;
  } catch {
    return null;
  }
}

function takeEmbeddedLock(dir: string, role: string, port?: number): () => void {
  const file = lockFileFor(dir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const holder = readEmbeddedLock(dir);
  if (holder) throw new EmbeddedDatabaseBusyError(holder, file);
  const lock: EmbeddedLock = { pid: process.pid, role, port, startedAt: new Date().toISOString() };
  fs.writeFileSync(file, JSON.stringify(lock));
  const release = () => {
    try {
      const current = JSON.parse(fs.readFileSync(file, "utf8")) as EmbeddedLock;
      if (current.pid === process.pid) fs.unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
  process.once("exit", release);
  return release;
}

export interface OpenOptions {
  /** Who opens an embedded database, written to its lock ("server", "seed" …). */
  role?: string;
  port?: number;
  /** Connections in the PostgreSQL pool. */
  poolSize?: number;
}

export async function openDatabase(target: DbTarget, options: OpenOptions = {}): Promise<Database> {
  if (target.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: target.url, max: options.poolSize ?? 10 });
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    const sql: SqlRunner = {
      async exec(script) {
        await pool.query(script);
      },
      async query(text, params) {
        const result = await pool.query(text, params as unknown[]);
        return result.rows;
      },
    };
    return {
      target,
      prisma,
      sql,
      async close() {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }

  const release = target.dir === "memory://" ? () => {} : takeEmbeddedLock(target.dir, options.role ?? "process", options.port);
  try {
    if (target.dir !== "memory://") fs.mkdirSync(target.dir, { recursive: true });
    const pglite = await PGlite.create(target.dir === "memory://" ? undefined : target.dir);
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    const sql: SqlRunner = {
      async exec(script) {
        await pglite.exec(script);
      },
      async query(text, params) {
        const result = await pglite.query(text, params as unknown[]);
        return result.rows as never[];
      },
    };
    return {
      target,
      prisma,
      sql,
      async close() {
        await prisma.$disconnect();
        await pglite.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
