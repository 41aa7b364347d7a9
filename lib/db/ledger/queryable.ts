import "server-only";

// What a debit batch needs of its transaction: parameterized statements
// (every value is cast in the SQL), on the driver (SqlRunner) or through a
// Prisma interactive transaction — the same text either way.
import type { Tx } from "@/lib/db";
import type { SqlRunner } from "@/lib/db/connect";
import type { SqlStatement } from "@/lib/db/sql-array";

export type Queryable = Pick<SqlRunner, "query">;

export const run = <Row>(tx: Queryable, statement: SqlStatement) => tx.query<Row>(statement.text, statement.values);

export function prismaQueryable(tx: Tx): Queryable {
  return { query: (text, values = []) => tx.$queryRawUnsafe(text, ...values) };
}

/** Instants come back as text (the drivers disagree on how they decode timestamp): PostgreSQL's timestamp without zone is UTC here. */
export const utc = (timestamp: string) => new Date(`${timestamp}Z`);
