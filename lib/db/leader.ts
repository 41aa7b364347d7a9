// One leader among the instances on one database (docs/SCALING.md), for work
// that must have exactly one runner: the billing-run timer. On PostgreSQL the
// leader holds a session advisory lock on a connection of its own for as long
// as it leads; the lock belongs to that session, so when the leader stops,
// crashes or loses the connection, PostgreSQL releases it and the next
// follower to ask takes the lead. A follower asks again every `retryMs` on
// its own connection (one idle connection per instance, like a listener).
import pg from "pg";

export interface LeadHandlers {
  /** This process now holds the lead. */
  elected(): void;
  /** It no longer does (stopped, or the connection dropped); another process may take it. */
  deposed(): void;
}

export interface Leadership {
  /**
   * Whether this process still holds the lead, asked on the lock's own
   * connection: false when the lock is gone or the connection cannot answer
   * (which also deposes it, so that it competes again).
   */
  confirm(): Promise<boolean>;
  /** Gives up the lead (ends its connection) and stops competing. */
  stop(): Promise<void>;
}

export interface LeadOptions {
  /** How often a follower asks for the lead, and how soon a lost connection is replaced. */
  retryMs?: number;
}

const DEFAULT_RETRY_MS = 1_000;
// A half-open connection must not leave confirm() waiting for ever.
const QUERY_TIMEOUT_MS = 10_000;

const HOLDS_LOCK = `SELECT EXISTS (
  SELECT 1 FROM pg_locks
  WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
    AND classid = ($1::bigint >> 32)::oid AND objid = ($1::bigint & 4294967295)::oid AND objsubid = 1
) AS held`;

export async function leadOnPostgres(url: string, key: number, handlers: LeadHandlers, options: LeadOptions = {}): Promise<Leadership> {
  const retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
  let current: pg.Client | null = null;
  let leading = false;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;

  const later = (step: () => Promise<void>) => {
    if (!stopped) retry = setTimeout(() => void step(), retryMs).unref();
  };
  const lost = (client: pg.Client) => {
    if (current !== client) return;
    current = null;
    if (leading) {
      leading = false;
      handlers.deposed();
    }
    void client.end().catch(() => {});
    later(connect);
  };
  const ask = async (client: pg.Client) => {
    if (stopped || current !== client) return;
    try {
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [key]);
      if (stopped || current !== client) return;
      if (rows[0]?.locked) {
        leading = true;
        handlers.elected();
      } else later(() => ask(client));
    } catch {
      lost(client);
    }
  };
  const connect = async () => {
    if (stopped) return;
    const client = new pg.Client({ connectionString: url, keepAlive: true, query_timeout: QUERY_TIMEOUT_MS });
    client.on("error", () => lost(client));
    client.on("end", () => lost(client));
    current = client;
    try {
      await client.connect();
    } catch {
      lost(client);
      return;
    }
    await ask(client);
  };

  await connect();
  return {
    async confirm() {
      const client = current;
      if (!leading || !client) return false;
      try {
        const { rows } = await client.query<{ held: boolean }>(HOLDS_LOCK, [key]);
        if (rows[0]?.held) return true;
      } catch {
        // Treated as lost below.
      }
      lost(client);
      return false;
    },
    async stop() {
      stopped = true;
      clearTimeout(retry);
      const client = current;
      current = null;
      if (leading) {
        leading = false;
        handlers.deposed();
      }
      await client?.end().catch(() => {});
    },
  };
}

/** The same inside one process (the embedded PGlite, which only one process may open). */
export function inProcessLeader() {
  const held = new Set<number>();
  return async (key: number, handlers: LeadHandlers, options: LeadOptions = {}): Promise<Leadership> => {
    let leading = false;
    let stopped = false;
    let retry: NodeJS.Timeout | undefined;
    const ask = () => {
      if (stopped) return;
      if (held.has(key)) {
        retry = setTimeout(ask, options.retryMs ?? DEFAULT_RETRY_MS).unref();
        return;
      }
      held.add(key);
      leading = true;
      handlers.elected();
    };
    ask();
    return {
      confirm: async () => leading,
      async stop() {
        stopped = true;
        clearTimeout(retry);
        if (!leading) return;
        leading = false;
        held.delete(key);
        handlers.deposed();
      },
    };
  };
}
