import "server-only";

// Group commit for debits. Callers await one debit each; the queue gathers
// whatever arrives while a transaction is in flight and debits it as the next
// batch, so that a busy workspace (or many) pays for one transaction per
// batch instead of one per call. A debit's promise resolves only after its
// batch has committed: an acknowledged debit is durable.
import type { PrismaClient } from "@/lib/generated/prisma/client";
import { debitBatch, type DebitContext, type DebitOutcome, type DebitRequest } from "./debit";

interface Pending {
  request: DebitRequest;
  resolve: (outcome: DebitOutcome) => void;
  reject: (error: unknown) => void;
}

export interface DebitQueueOptions {
  /** Largest batch in one transaction. */
  maxBatch?: number;
  /** Transactions in flight at once (1 for PGlite, a few for PostgreSQL). */
  concurrency?: number;
}

export class DebitQueue {
  private pending: Pending[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly concurrency: number;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly context: () => Promise<DebitContext>,
    options: DebitQueueOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 200;
    this.concurrency = options.concurrency ?? 1;
  }

  debit(request: DebitRequest): Promise<DebitOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      this.pump();
    });
  }

  private pump() {
    while (this.inFlight < this.concurrency && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async run(batch: Pending[]) {
    try {
      const outcomes = await debitBatch(this.prisma, batch.map((p) => p.request), await this.context());
      batch.forEach((p, i) => p.resolve(outcomes[i]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // One bad request must not fail the others: retry them one by one.
      for (const item of batch) {
        try {
          const [outcome] = await debitBatch(this.prisma, [item.request], await this.context());
          item.resolve(outcome!);
        } catch (single) {
          item.reject(single);
        }
      }
    }
  }
}
