// A fixed number of debits pushed through the app's DebitQueue by many
// concurrent callers, each awaiting its own debit as an API request would.
// Latency is call → resolved promise (the batch has committed); throughput is
// debits / wall time of the phase.
import { performance } from "node:perf_hooks";
import type { DebitQueue } from "@/lib/db/ledger/debit-queue";
import type { DebitRequest } from "@/lib/db/ledger/debit";

export interface PhaseResult {
  name: string;
  debits: number;
  charged: number;
  refused: Map<string, number>;
  failed: number;
  firstError: string | null;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Transactions the queue opened (its context is asked once per batch). */
  batches: number;
  /** CPU seconds this process spent (Prisma, pg, the engine), to tell an app-bound run from a database-bound one. */
  appCpuSeconds: number;
}

/** The value below which `share` of the sorted samples fall (nearest rank). */
export function percentile(sorted: Float64Array, share: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(share * sorted.length)));
  return sorted[rank - 1]!;
}

export async function runDebitPhase(
  queue: DebitQueue,
  batchCounter: { batches: number },
  input: { name: string; debits: number; callers: number; request: (index: number) => DebitRequest },
): Promise<PhaseResult> {
  const latencies = new Float64Array(input.debits);
  const refused = new Map<string, number>();
  let charged = 0;
  let failed = 0;
  let firstError: string | null = null;
  let next = 0;
  const batchesBefore = batchCounter.batches;

  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  // Bounded: every caller stops once the phase's fixed count is handed out.
  await Promise.all(
    Array.from({ length: input.callers }, async () => {
      while (next < input.debits) {
        const index = next++;
        const request = input.request(index);
        const called = performance.now();
        try {
          const outcome = await queue.debit(request);
          if (outcome.status === "charged" && !outcome.replayed) charged += 1;
          else if (outcome.status === "refused") refused.set(outcome.reason, (refused.get(outcome.reason) ?? 0) + 1);
          else refused.set("replayed", (refused.get("replayed") ?? 0) + 1);
        } catch (error) {
          failed += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
        latencies[index] = performance.now() - called;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);

  latencies.sort();
  return {
    name: input.name,
    debits: input.debits,
    charged,
    refused,
    failed,
    firstError,
    seconds,
    perSecond: input.debits / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies[latencies.length - 1] ?? 0,
    batches: batchCounter.batches - batchesBefore,
    appCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

export function describePhase(result: PhaseResult): string[] {
  const refusals = [...result.refused].map(([reason, count]) => `${reason} ${count}`).join(", ") || "0";
  const batches = Math.max(1, result.batches);
  return [
    `${result.name}: ${result.debits} debits in ${result.seconds.toFixed(2)} s = ${result.perSecond.toFixed(0)} debits/s; ` +
      `latency p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, max ${result.maxMs.toFixed(1)} ms`,
    `  ${result.batches} transactions of ${(result.debits / batches).toFixed(1)} debits on average, one every ${((result.seconds * 1000) / batches).toFixed(1)} ms; ` +
      `app process CPU ${result.appCpuSeconds.toFixed(2)} s (${((result.appCpuSeconds / result.seconds) * 100).toFixed(0)}% of one core, ` +
      `${((result.appCpuSeconds * 1e6) / result.debits).toFixed(0)} µs per debit); charged ${result.charged}, refused ${refusals}, failed ${result.failed}`,
  ];
}
