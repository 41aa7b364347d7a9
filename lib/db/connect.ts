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
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { inProcessLeader, leadOnPostgres, type LeadHandlers, type Leadership, type LeadOptions } from "./leader";

export type DbTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dir: string };

/** Raw SQL access beside Prisma, for migrations and maintenance. */
export interface SqlRunner {
  /** Runs a script of one or more statements. */
  exec(script: string): Promise<void>;
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /**
   * Runs `work` in one transaction on one connection, committed when it
   * resolves and rolled back when it throws. The hot paths use this instead of
   * Prisma's interactive transactions: fewer hops through the event loop per
   * statement. Not nestable.
   */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>): Promise<T>;
}

function notNested(): never {
  throw new Error("SqlRunner.transaction does not nest");
}

/** A SqlRunner on a pg pool or on one of its connections (inside a transaction, which does not nest). */
function pgRunner(target: pg.Pool | pg.PoolClient, transaction: SqlRunner["transaction"]): SqlRunner {
  return {
    async exec(script) {
      await target.query(script);
    },
    async query(text, params) {
      return (await target.query(text, params as unknown[])).rows;
    },
    transaction,
  };
}

/** The same on PGlite or one of its transactions. */
function pgliteRunner(target: Pick<PGlite, "exec" | "query">, transaction: SqlRunner["transaction"]): SqlRunner {
  return {
    async exec(script) {
      await target.exec(script);
    },
    async query(text, params) {
      return (await target.query(text, params as unknown[])).rows as never[];
    },
    transaction,
  };
}

async function postgresTransaction<T>(pool: pg.Pool, work: (tx: SqlRunner) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const tx = pgRunner(client, notNested);
  let discard = false;
  try {
    await client.query("BEGIN");
    const value = await work(tx);
    // COMMIT of a transaction that failed answers "ROLLBACK" instead of an error.
    const commit = await client.query("COMMIT");
    if (commit.command !== "COMMIT") throw new Error(`the transaction was rolled back (${commit.command})`);
    return value;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => (discard = true));
    throw error;
  } finally {
    client.release(discard);
  }
}

export interface Database {
  target: DbTarget;
  prisma: PrismaClient;
  sql: SqlRunner;
  /**
   * Runs `work` only if no other process (or call in this one) holds the lock
   * named `key`: a PostgreSQL session advisory lock, or an in-process flag for
   * the single-process PGlite. Returns whether it ran.
   */
  tryWithLock<T>(key: number, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  /**
   * LISTENs on `channel` (PostgreSQL NOTIFY, delivered when the notifying
   * transaction commits). `listening(false)` says notifications may be missed
   * from now on (the connection dropped; it is re-established every second),
   * `listening(true)` that they arrive again. Returns a function that stops.
   */
  listen(channel: string, handlers: ListenHandlers): Promise<() => Promise<void>>;
  /**
   * Competes for the lead named `key` among every process on this database,
   * for work that must have exactly one runner (lib/db/leader.ts): a
   * PostgreSQL session advisory lock held on a connection of its own while
   * this process leads. Never throws for an unreachable database: it asks
   * again every `retryMs`.
   */
  lead(key: number, handlers: LeadHandlers, options?: LeadOptions): Promise<Leadership>;
  close(): Promise<void>;
}

export type { LeadHandlers, Leadership, LeadOptions };

export interface ListenHandlers {
  message(payload: string): void;
  listening(on: boolean): void;
}

const RELISTEN_AFTER_MS = 1_000;

/** One dedicated connection per listener (a pooled one could be handed to a query mid-LISTEN). */
async function listenOnPostgres(url: string, channel: string, handlers: ListenHandlers): Promise<() => Promise<void>> {
  let current: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const lost = (client: pg.Client) => {
    if (current !== client) return;
    current = null;
    handlers.listening(false);
    if (!stopped) retry = setTimeout(() => void connect(), RELISTEN_AFTER_MS).unref();
  };
  const connect = async () => {
    const client = new pg.Client({ connectionString: url, keepAlive: true });
    client.on("notification", (note) => {
      if (note.channel === channel) handlers.message(note.payload ?? "");
    });
    client.on("error", () => lost(client));
    client.on("end", () => lost(client));
    current = client;
    try {
      await client.connect();
      await client.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
      if (stopped) await client.end();
      else handlers.listening(true);
    } catch {
      lost(client);
      await client.end().catch(() => {});
    }
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const client = current;
    current = null;
    await client?.end().catch(() => {});
  };
}

function inProcessLock() {
  const held = new Set<number>();
  return async <T>(key: number, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> => {
    if (held.has(key)) return { ran: false };
    held.add(key);
    try {
      return { ran: true, value: await work() };
    } finally {
      held.delete(key);
    }
  };
}

export interface EmbeddedLock {
  pid: number;
  role: string;
  port?: number;
  startedAt: string;
}

export class EmbeddedDatabaseBusyError extends Error {
  constructor(
    readonly holder: EmbeddedLock,
    lockFile: string,
  ) {
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
    // An idle connection that the server closes (restart, failover, DROP DATABASE)
    // must not crash the process: the pool replaces it on next use.
    pool.on("error", (error) => console.warn(`[db] idle PostgreSQL connection closed: ${error.message}`));
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    const sql = pgRunner(pool, (work) => postgresTransaction(pool, work));
    const local = inProcessLock();
    const listeners = new Set<() => Promise<void>>();
    const leaders = new Set<() => Promise<void>>();
    return {
      target,
      prisma,
      sql,
      tryWithLock: (key, work) =>
        local(key, async () => {
          // A session lock lives on one connection: hold that connection throughout.
          const client = await pool.connect();
          try {
            const got = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [key]);
            if (!got.rows[0]?.locked) return { ran: false as const };
            try {
              return { ran: true as const, value: await work() };
            } finally {
              await client.query("SELECT pg_advisory_unlock($1)", [key]);
            }
          } finally {
            client.release();
          }
        }).then((outcome) => (outcome.ran ? outcome.value : outcome)),
      async listen(channel, handlers) {
        const stop = await listenOnPostgres(target.url, channel, handlers);
        listeners.add(stop);
        return async () => {
          listeners.delete(stop);
          await stop();
        };
      },
      async lead(key, handlers, leadOptions) {
        const leadership = await leadOnPostgres(target.url, key, handlers, leadOptions);
        leaders.add(leadership.stop);
        return {
          confirm: leadership.confirm,
          async stop() {
            leaders.delete(leadership.stop);
            await leadership.stop();
          },
        };
      },
      async close() {
        await Promise.all([...listeners, ...leaders].map((stop) => stop()));
        await prisma.$disconnect();
        await pool.end();
      },
    };
  }

  const release = target.dir === "memory://" ? () => {} : takeEmbeddedLock(target.dir, options.role ?? "process", options.port);
  try {
    if (target.dir !== "memory://") fs.mkdirSync(target.dir, { recursive: true });
    // PGlite ships contrib extensions separately: pg_trgm serves the support search's indexes (R11).
    const pglite = await PGlite.create({ dataDir: target.dir === "memory://" ? undefined : target.dir, extensions: { pg_trgm } });
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    const sql = pgliteRunner(pglite, (work) => pglite.transaction((tx) => work(pgliteRunner(tx, notNested))));
    return {
      target,
      prisma,
      sql,
      tryWithLock: inProcessLock(),
      lead: inProcessLeader(),
      async listen(channel, handlers) {
        // In-process: nothing between PGlite and its listeners can drop.
        const unlisten = await pglite.listen(channel, (payload) => handlers.message(payload));
        handlers.listening(true);
        return async () => {
          handlers.listening(false);
          await unlisten().catch(() => {});
        };
      },
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
