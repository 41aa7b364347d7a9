import "server-only";

// Group commit for debits. Callers await one debit each; the queue gathers
// whatever arrives while a transaction is in flight and debits it as the next
// batch, so that a busy workspace (or many) pays for one transaction per
// batch instead of one per call. A debit's promise resolves only after its
// batch has committed: an acknowledged debit is durable.
import type { SqlRunner } from "@/lib/db/connect";
import { debitBatchSql, type DebitContext, type DebitOutcome, type DebitRequest } from "./debit";

interface Pending {
  request: DebitRequest;
  resolve: (outcome: DebitOutcome) => void;
  reject: (error: unknown) => void;
}

export interface DebitQueueOptions {
  /** Largest batch in one transaction. */
  maxBatch?: number;
  /** Lanes, each with one transaction in flight (1 for PGlite, a few for PostgreSQL). */
  concurrency?: number;
  /** Told each batch's size as its transaction starts (the metrics). */
  onBatch?: (size: number) => void;
}

interface Lane {
  pending: Pending[];
  /** Debits in the lane's transaction; 0 when none is in flight. */
  inFlight: number;
}

export class DebitQueue {
  // One lane per shard of workspaces, one transaction in flight per lane: a
  // workspace always goes through the same lane, so concurrent transactions
  // of this process never wait for each other's row locks.
  private lanes: Lane[];
  private readonly maxBatch: number;
  private readonly onBatch: ((size: number) => void) | undefined;

  constructor(
    private readonly sql: SqlRunner,
    private readonly context: () => Promise<DebitContext>,
    options: DebitQueueOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 200;
    this.onBatch = options.onBatch;
    this.lanes = Array.from({ length: Math.max(1, options.concurrency ?? 1) }, () => ({ pending: [], inFlight: 0 }));
  }

  /** Debits waiting for a transaction, and in one not yet committed. */
  depth(): { waiting: number; inFlight: number } {
    let waiting = 0;
    let inFlight = 0;
    for (const lane of this.lanes) {
      waiting += lane.pending.length;
      inFlight += lane.inFlight;
    }
    return { waiting, inFlight };
  }

  debit(request: DebitRequest): Promise<DebitOutcome> {
    const lane = this.lanes[laneOf(request.workspaceId, this.lanes.length)]!;
    return new Promise((resolve, reject) => {
      lane.pending.push({ request, resolve, reject });
      this.pump(lane);
    });
  }

  private pump(lane: Lane) {
    if (lane.inFlight > 0 || lane.pending.length === 0) return;
    const batch = lane.pending.splice(0, this.maxBatch);
    lane.inFlight = batch.length;
    this.onBatch?.(batch.length);
    void this.run(batch).finally(() => {
      lane.inFlight = 0;
      this.pump(lane);
    });
  }

  private async run(batch: Pending[]) {
    try {
      const outcomes = await debitBatchSql(
        this.sql,
        batch.map((p) => p.request),
        await this.context(),
      );
      batch.forEach((p, i) => p.resolve(outcomes[i]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad request must not fail the others: retry them one by one.
      for (const item of batch) {
        try {
          const [outcome] = await debitBatchSql(this.sql, [item.request], await this.context());
          item.resolve(outcome!);
        } catch (single) {
          item.reject(single);
        }
      }
    }
  }
}

function laneOf(workspaceId: string, lanes: number): number {
  // The last 8 hex digits of the uuid: random in v4 and v7 ids.
  return lanes === 1 ? 0 : parseInt(workspaceId.slice(-8), 16) % lanes;
}
