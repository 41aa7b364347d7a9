// A comparable picture of whole tables: every row, in a stable order, as text.
import type { SqlRunner } from "@/lib/db/connect";

export async function snapshotTables(sql: SqlRunner, tables: string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = await sql.query(`SELECT row_to_json(t)::text AS row FROM "${table}" t`);
    out[table] = rows.map((r) => String((r as { row: string }).row)).sort();
  }
  return out;
}
