import "server-only";

// Retries a transaction that PostgreSQL aborted for a serialization failure
// or a deadlock (SQLSTATE 40001 / 40P01): both mean "nothing happened, run it
// again". Anything else is thrown at once.

const RETRYABLE = new Set(["40001", "40P01", "P2034"]);

function sqlState(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth += 1) {
    const candidate = current as { code?: unknown; originalCode?: unknown; cause?: unknown; meta?: { code?: unknown } };
    for (const code of [candidate.originalCode, candidate.code, candidate.meta?.code]) {
      if (typeof code === "string" && RETRYABLE.has(code)) return code;
    }
    current = candidate.cause;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/deadlock detected|could not serialize access/i.test(message)) return "40001";
  return undefined;
}

export function isRetryableTransactionError(error: unknown): boolean {
  return sqlState(error) !== undefined;
}

export async function withTransactionRetry<T>(run: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !isRetryableTransactionError(error)) throw error;
      // Back off a little, with jitter, so that the retried transactions do not collide again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}
