// What operators watch (docs/OPERATIONS.md): the process's Prometheus metrics.
//
// One registry per process, kept on globalThis: the production server and the
// Next.js bundles each load their own copy of lib/, and a second registry
// would split every counter in two. The server serves it on METRICS_PORT
// (server/index.ts). Recording is synchronous and costs a counter increment
// or a histogram bucket: nothing here awaits on the metering API's hot path.
// Gauges that describe state (the debit queue, the outbox) are read when
// scraped, from sources registered by their owners.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** What the outbox holds at scrape time. */
export interface OutboxBacklog {
  /** Unsent rows that will still be tried. */
  pending: number;
  /** Unsent rows that ran out of attempts. */
  givenUp: number;
  /** Age of the oldest pending row, in seconds (0 when none). */
  oldestPendingSeconds: number;
}

export interface DebitQueueDepth {
  /** Debits waiting for a transaction. */
  waiting: number;
  /** Debits in a transaction not yet committed. */
  inFlight: number;
}

const API_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const BILLING_RUN_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const BATCH_SIZES = [1, 2, 5, 10, 20, 50, 100, 200];

function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  const debitQueues: Array<() => DebitQueueDepth> = [];
  let outbox: (() => Promise<OutboxBacklog>) | null = null;
  let defaultsStarted = false;
  // The two outbox gauges are collected side by side in one scrape: they share one read.
  // A failed read (database down) leaves them as they were rather than failing the whole scrape.
  let outboxRead: { at: number; backlog: Promise<OutboxBacklog | null> } | null = null;
  const readOutbox = async (): Promise<OutboxBacklog | null> => {
    if (!outbox) return null;
    if (!outboxRead || Date.now() - outboxRead.at > 1_000) {
      outboxRead = { at: Date.now(), backlog: outbox().catch(() => null) };
    }
    return outboxRead.backlog;
  };

  return {
    registry,
    apiCalls: new Counter({
      name: "meterdesk_api_calls_total",
      help: "Calls of POST /api/v1/operations by operation type (none: refused before the body was read) and outcome (charged, refused, replayed, error).",
      labelNames: ["type", "outcome"] as const,
      registers,
    }),
    apiRefusals: new Counter({
      name: "meterdesk_api_refusals_total",
      help: "Refused operation calls by API status name (THROTTLED, INSUFFICIENT_CREDITS, SPEND_CAP …) and the reason recorded for the customer.",
      labelNames: ["status", "reason"] as const,
      registers,
    }),
    apiDuration: new Histogram({
      name: "meterdesk_api_call_duration_seconds",
      help: "Time from a call's arrival to its answer, by outcome.",
      labelNames: ["outcome"] as const,
      buckets: API_SECONDS,
      registers,
    }),
    debitDuration: new Histogram({
      name: "meterdesk_debit_duration_seconds",
      help: "Time a debit takes from entering the debit queue to its batch's commit (queueing included).",
      buckets: API_SECONDS,
      registers,
    }),
    debitBatchSize: new Histogram({
      name: "meterdesk_debit_batch_size",
      help: "Debits per group-commit transaction.",
      buckets: BATCH_SIZES,
      registers,
    }),
    debitQueueDepth: new Gauge({
      name: "meterdesk_debit_queue_depth",
      help: "Debits in the process's debit queue: waiting for a transaction, or in one not yet committed.",
      labelNames: ["state"] as const,
      registers,
      collect() {
        let waiting = 0;
        let inFlight = 0;
        for (const depth of debitQueues) {
          const now = depth();
          waiting += now.waiting;
          inFlight += now.inFlight;
        }
        this.set({ state: "waiting" }, waiting);
        this.set({ state: "in_flight" }, inFlight);
      },
    }),
    rateLimitDecisions: new Counter({
      name: "meterdesk_rate_limit_decisions_total",
      help: "Rate-limiter decisions: allowed (window all: every limit admitted the call) or refused by the window that refused it (SECOND, HOUR).",
      labelNames: ["decision", "window"] as const,
      registers,
    }),
    rateLimitFailOpen: new Counter({
      name: "meterdesk_rate_limit_fail_open_total",
      help: "Calls admitted without a rate limit because Redis could not answer.",
      registers,
    }),
    billingRuns: new Counter({
      name: "meterdesk_billing_runs_total",
      help: "Billing runs on this process by result: ran, skipped (another process held the lock) or failed.",
      labelNames: ["result"] as const,
      registers,
    }),
    billingRunDuration: new Histogram({
      name: "meterdesk_billing_run_duration_seconds",
      help: "Duration of the billing runs this process ran, by result (ran, failed).",
      labelNames: ["result"] as const,
      buckets: BILLING_RUN_SECONDS,
      registers,
    }),
    billingRunJobs: new Counter({
      name: "meterdesk_billing_run_jobs_total",
      help: "Due jobs the billing runs did, by job (the fields of the run's summary).",
      labelNames: ["job"] as const,
      registers,
    }),
    paymentFailures: new Counter({
      name: "meterdesk_payment_failures_total",
      help: "Payments settled as failed (declined), each counted once when its failure is applied.",
      registers,
    }),
    paymentSuccesses: new Counter({
      name: "meterdesk_payment_successes_total",
      help: "Payments settled as succeeded, each counted once when its success is applied.",
      registers,
    }),
    outboxBacklog: new Gauge({
      name: "meterdesk_outbox_backlog",
      help: "Unsent email outbox rows (read from the database at scrape time): pending (still tried) or given_up (out of attempts).",
      labelNames: ["state"] as const,
      registers,
      async collect() {
        const backlog = await readOutbox();
        if (!backlog) return;
        this.set({ state: "pending" }, backlog.pending);
        this.set({ state: "given_up" }, backlog.givenUp);
      },
    }),
    outboxOldestPending: new Gauge({
      name: "meterdesk_outbox_oldest_pending_seconds",
      help: "Age of the oldest pending email outbox row, in seconds (0 when none).",
      registers,
      async collect() {
        const backlog = await readOutbox();
        if (backlog) this.set(backlog.oldestPendingSeconds);
      },
    }),
    /** The debit queue reports its depth when scraped. */
    watchDebitQueue(depth: () => DebitQueueDepth) {
      debitQueues.push(depth);
    },
    /** The outbox's backlog is read when scraped (the server registers the query). */
    watchOutbox(read: () => Promise<OutboxBacklog>) {
      outbox = read;
    },
    /** Node's own metrics (CPU, memory, event-loop lag, GC): started by the server that serves the registry. */
    collectProcessMetrics() {
      if (defaultsStarted) return;
      defaultsStarted = true;
      collectDefaultMetrics({ register: registry });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

const holder = globalThis as unknown as { __meterdeskMetrics?: Metrics };

/** The process-wide metrics (one registry however many copies of lib/ are loaded). */
export function metrics(): Metrics {
  holder.__meterdeskMetrics ??= createMetrics();
  return holder.__meterdeskMetrics;
}
