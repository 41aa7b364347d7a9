// Compares the live database with what schema.prisma describes and lists
// every difference in words; [] means none. The migrations test runs it after
// applying every migration, so editing schema.prisma without writing the
// migration that matches (or the other way round) fails the test suite.
//
// Compared: enums and their values in order; tables; columns with their type
// (format_type(), enums and arrays included), nullability and default; primary
// keys; unique and plain indexes with their columns in order, their access
// method (btree, gin …) and each column's operator class; foreign keys with
// their columns, referenced table and columns, ON DELETE and ON UPDATE.
// Prisma's own `_prisma_migrations` table is ignored.
import type { SqlRunner } from "@/lib/db/connect";
import { readDatamodel, schemaShape, type ColumnShape, type SchemaShape, type TableShape } from "@/scripts/lib/schema-to-sql";

interface LiveColumn {
  type: string;
  notNull: boolean;
  default: string | null;
}

interface LiveTable {
  columns: Map<string, LiveColumn>;
  primaryKey: { name: string; columns: string[] } | null;
  indexes: Map<string, { unique: boolean; method: string; columns: string[]; ops: (string | null)[]; predicate: string | null }>;
  foreignKeys: Map<string, { columns: string[]; referencedTable: string; referencedColumns: string[]; onDelete: string; onUpdate: string }>;
}

interface LiveSchema {
  enums: Map<string, string[]>;
  tables: Map<string, LiveTable>;
}

const IGNORED_TABLES = new Set(["_prisma_migrations"]);

// pg_constraint.confdeltype / confupdtype.
const ACTION_CODES: Record<string, string> = {
  a: "NO ACTION",
  r: "RESTRICT",
  c: "CASCADE",
  n: "SET NULL",
  d: "SET DEFAULT",
};

const NUMERIC_TYPES = /^(smallint|integer|bigint|real|double precision|numeric|money)/;

/** Every difference between the database behind `sql` and `schemaText`, in words. */
export async function describeDrift(sql: SqlRunner, schemaText: string): Promise<string[]> {
  const expected = schemaShape(readDatamodel(schemaText));
  const live = await readLiveSchema(sql);
  return [...compareEnums(expected, live), ...compareTables(expected, live)];
}

// json_agg comes back parsed from node-postgres and PGlite; accept text too.
const list = <T>(value: unknown): T[] => (typeof value === "string" ? JSON.parse(value) : ((value as T[]) ?? []));

async function readLiveSchema(sql: SqlRunner): Promise<LiveSchema> {
  const enumRows = await sql.query<{ name: string; labels: unknown }>(`
    SELECT t.typname AS name, json_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
    FROM pg_type t
    JOIN pg_enum e ON e.enumtypid = t.oid
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = current_schema()
    GROUP BY t.typname`);

  const columnRows = await sql.query<{
    table_name: string;
    column_name: string;
    type: string;
    not_null: boolean;
    default_expr: string | null;
    identity: string;
  }>(`
    SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default_expr, a.attidentity::text AS identity
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
    ORDER BY c.relname, a.attnum`);

  const constraintRows = await sql.query<{
    name: string;
    kind: string;
    table_name: string;
    columns: unknown;
    referenced_table: string | null;
    referenced_columns: unknown;
    on_delete: string;
    on_update: string;
  }>(`
    SELECT con.conname AS name, con.contype::text AS kind, c.relname AS table_name,
           (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
           ref.relname AS referenced_table,
           (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
              JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum) AS referenced_columns,
           con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_class ref ON ref.oid = con.confrelid
    WHERE n.nspname = current_schema() AND con.contype IN ('p', 'f')`);

  const indexRows = await sql.query<{
    name: string;
    table_name: string;
    is_unique: boolean;
    method: string;
    columns: unknown;
    ops: unknown;
    predicate: string | null;
  }>(`
    SELECT ic.relname AS name, c.relname AS table_name, i.indisunique AS is_unique, am.amname::text AS method,
           (SELECT json_agg(COALESCE(a.attname::text, '(expression)')
                            || CASE WHEN (i.indoption[k.ord - 1] & 1) = 1 THEN ' DESC' ELSE '' END ORDER BY k.ord)
              FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
              LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS columns,
           -- Each column's operator class, null when it is its type's default.
           (SELECT json_agg(CASE WHEN oc.opcdefault THEN NULL ELSE oc.opcname::text END ORDER BY k.ord)
              FROM unnest(i.indclass::oid[]) WITH ORDINALITY k(opclass, ord)
              JOIN pg_opclass oc ON oc.oid = k.opclass) AS ops,
           pg_get_expr(i.indpred, i.indrelid) AS predicate
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND NOT i.indisprimary`);

  const tables = new Map<string, LiveTable>();
  const table = (name: string) => {
    let found = tables.get(name);
    if (!found) {
      found = { columns: new Map(), primaryKey: null, indexes: new Map(), foreignKeys: new Map() };
      tables.set(name, found);
    }
    return found;
  };

  for (const row of columnRows) {
    if (IGNORED_TABLES.has(row.table_name)) continue;
    table(row.table_name).columns.set(row.column_name, {
      // format_type() quotes mixed-case names ("BillingState"); the schema side has none.
      type: row.type.replace(/"/g, ""),
      notNull: row.not_null,
      default: normalizeLiveDefault(row.default_expr, row.identity, row.type),
    });
  }
  for (const row of constraintRows) {
    if (IGNORED_TABLES.has(row.table_name)) continue;
    if (row.kind === "p") {
      table(row.table_name).primaryKey = { name: row.name, columns: list<string>(row.columns) };
    } else {
      table(row.table_name).foreignKeys.set(row.name, {
        columns: list<string>(row.columns),
        referencedTable: row.referenced_table ?? "?",
        referencedColumns: list<string>(row.referenced_columns),
        onDelete: ACTION_CODES[row.on_delete] ?? row.on_delete,
        onUpdate: ACTION_CODES[row.on_update] ?? row.on_update,
      });
    }
  }
  for (const row of indexRows) {
    if (IGNORED_TABLES.has(row.table_name)) continue;
    table(row.table_name).indexes.set(row.name, {
      unique: row.is_unique,
      method: row.method,
      columns: list<string>(row.columns),
      ops: list<string | null>(row.ops),
      predicate: row.predicate,
    });
  }

  return { enums: new Map(enumRows.map((row) => [row.name, list<string>(row.labels)])), tables };
}

// ---------------------------------------------------------------- defaults

/**
 * Defaults are compared as text in one canonical form on both sides:
 * `autoincrement` (a sequence or identity), `CURRENT_TIMESTAMP` (now()), and
 * otherwise the SQL with its casts removed (`'GOOD'`, `'{}'`, `ARRAY[1, 2]`),
 * numbers bare (`-1`, not `'-1'::integer`) and timestamps as ISO instants.
 */
function normalizeLiveDefault(expr: string | null, identity: string, type: string): string | null {
  if (identity === "a" || identity === "d") return "autoincrement";
  if (expr === null) return null;
  if (/^nextval\(/i.test(expr.trim())) return "autoincrement";
  if (/^(CURRENT_TIMESTAMP|now\(\))$/i.test(expr.trim())) return "CURRENT_TIMESTAMP";
  return canonicalDefault(expr, type.replace(/"/g, ""));
}

function expectedDefault(column: ColumnShape): string | null {
  const value = column.default;
  if (value === null) return null;
  if (value.kind === "autoincrement") return "autoincrement";
  if (value.kind === "now") return "CURRENT_TIMESTAMP";
  return canonicalDefault(value.sql, column.catalogType);
}

// `::text`, `::"BillingState"[]`, `::timestamp(3) without time zone` …
const CAST = /::(?:"[^"]+"|[a-z_][a-z0-9_]*(?: precision| varying)?)(?:\(\d+(?:,\s*\d+)?\))?(?: with(?:out)? time zone)?(?:\[\])*/gi;

function canonicalDefault(sql: string, type: string): string {
  // Strip casts outside string literals (the odd pieces of the split are literals).
  let text = sql
    .split(/('(?:[^']|'')*')/)
    .map((piece, i) => (i % 2 === 1 ? piece : piece.replace(CAST, "").replace(/\s+/g, " ")))
    .join("")
    .trim();
  const negative = /^\((-[\d.]+)\)$/.exec(text);
  if (negative) text = negative[1]!;
  const literal = /^'((?:[^']|'')*)'$/.exec(text);
  if (!literal) return text;
  const inner = literal[1]!;
  if (NUMERIC_TYPES.test(type) && /^-?\d+(\.\d+)?$/.test(inner)) return inner;
  if (/^timestamp/.test(type)) return `'${timestampInstant(inner, type.includes("with time zone"))}'`;
  return text;
}

// Prisma writes '2020-01-01 00:00:00 +00:00'; PostgreSQL prints the stored value,
// which drops the offset for `timestamp without time zone`.
function timestampInstant(value: string, withZone: boolean): string {
  const parts = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d(?:\.\d+)?)\s*(Z|[+-]\d\d(?::?\d\d)?)?$/.exec(value);
  if (!parts) return value;
  const [, date, time, zone] = parts;
  if (!withZone) return `${date}T${time}`;
  const offset = !zone || zone === "Z" ? "Z" : zone.length === 3 ? `${zone}:00` : zone.replace(/^([+-]\d\d)(\d\d)$/, "$1:$2");
  const instant = new Date(`${date}T${time}${offset}`);
  return Number.isNaN(instant.getTime()) ? value : instant.toISOString();
}

// ---------------------------------------------------------------- comparison

const names = (columns: string[]) => `(${columns.join(", ")})`;

function compareEnums(expected: SchemaShape, live: LiveSchema): string[] {
  const out: string[] = [];
  const wanted = new Map(expected.enums.map((e) => [e.name, e.values]));
  for (const [name, values] of wanted) {
    const actual = live.enums.get(name);
    if (!actual) out.push(`enum "${name}" is in schema.prisma but not in the database`);
    else if (actual.join(",") !== values.join(",")) {
      out.push(`enum "${name}": values are [${values.join(", ")}] in schema.prisma, [${actual.join(", ")}] in the database`);
    }
  }
  for (const name of live.enums.keys()) {
    if (!wanted.has(name)) out.push(`enum "${name}" is in the database but not in schema.prisma`);
  }
  return out;
}

function compareTables(expected: SchemaShape, live: LiveSchema): string[] {
  const out: string[] = [];
  const wanted = new Map(expected.tables.map((t) => [t.name, t]));
  for (const [name, table] of wanted) {
    const actual = live.tables.get(name);
    if (!actual) out.push(`table "${name}" is in schema.prisma but not in the database`);
    else out.push(...compareTable(table, actual));
  }
  for (const name of live.tables.keys()) {
    if (!wanted.has(name)) out.push(`table "${name}" is in the database but not in schema.prisma`);
  }
  return out;
}

function compareTable(table: TableShape, live: LiveTable): string[] {
  const out: string[] = [];
  const t = `table "${table.name}"`;

  const columns = new Map(table.columns.map((c) => [c.name, c]));
  for (const column of table.columns) {
    const actual = live.columns.get(column.name);
    if (!actual) out.push(`${t}: column "${column.name}" is in schema.prisma but not in the database`);
    else out.push(...compareColumn(`${t}: column "${column.name}"`, column, actual));
  }
  for (const name of live.columns.keys()) {
    if (!columns.has(name)) out.push(`${t}: column "${name}" is in the database but not in schema.prisma`);
  }

  const pk = table.primaryKey;
  const livePk = live.primaryKey;
  const describePk = (key: typeof pk) => (key ? `"${key.name}" ${names(key.columns)}` : "none");
  if (describePk(pk) !== describePk(livePk)) {
    out.push(`${t}: primary key is ${describePk(pk)} in schema.prisma, ${describePk(livePk)} in the database`);
  }

  const indexes = new Map(table.indexes.map((i) => [i.name, i]));
  for (const index of table.indexes) {
    const wantedColumns = index.columns.map((c) => c.name + (c.sort === "DESC" ? " DESC" : ""));
    const what = `${index.unique ? "unique index" : "index"} "${index.name}" ${names(wantedColumns)}`;
    const actual = live.indexes.get(index.name);
    if (!actual) {
      out.push(`${t}: ${what} is in schema.prisma but not in the database`);
      continue;
    }
    if (actual.unique !== index.unique) {
      out.push(
        `${t}: index "${index.name}" is ${index.unique ? "unique" : "not unique"} in schema.prisma, ` +
          `${actual.unique ? "unique" : "not unique"} in the database`,
      );
    }
    if (actual.columns.join(",") !== wantedColumns.join(",")) {
      out.push(`${t}: index "${index.name}" covers ${names(wantedColumns)} in schema.prisma, ${names(actual.columns)} in the database`);
    }
    if (actual.method !== index.method) {
      out.push(`${t}: index "${index.name}" is a ${index.method} index in schema.prisma, ${actual.method} in the database`);
    }
    index.columns.forEach((column, i) => {
      const found = actual.ops[i] ?? null;
      if (found !== column.ops) {
        const say = (ops: string | null) => ops ?? "the default";
        out.push(
          `${t}: index "${index.name}" column "${column.name}": operator class is ${say(column.ops)} in schema.prisma, ${say(found)} in the database`,
        );
      }
    });
    if (actual.predicate) out.push(`${t}: index "${index.name}" has WHERE ${actual.predicate} in the database only`);
  }
  for (const [name, index] of live.indexes) {
    if (!indexes.has(name)) {
      out.push(
        `${t}: ${index.unique ? "unique index" : "index"} "${name}" ${names(index.columns)} is in the database but not in schema.prisma`,
      );
    }
  }

  const foreignKeys = new Map(table.foreignKeys.map((fk) => [fk.name, fk]));
  for (const fk of table.foreignKeys) {
    const actual = live.foreignKeys.get(fk.name);
    const what = `foreign key "${fk.name}"`;
    if (!actual) {
      out.push(
        `${t}: ${what} ${names(fk.columns)} → "${fk.referencedTable}"${names(fk.referencedColumns)} is in schema.prisma but not in the database`,
      );
      continue;
    }
    const pairs: [string, string, string][] = [
      ["columns", names(fk.columns), names(actual.columns)],
      [
        "references",
        `"${fk.referencedTable}"${names(fk.referencedColumns)}`,
        `"${actual.referencedTable}"${names(actual.referencedColumns)}`,
      ],
      ["ON DELETE", fk.onDelete, actual.onDelete],
      ["ON UPDATE", fk.onUpdate, actual.onUpdate],
    ];
    for (const [aspect, wanted, found] of pairs) {
      if (wanted !== found) out.push(`${t}: ${what} ${aspect} is ${wanted} in schema.prisma, ${found} in the database`);
    }
  }
  for (const [name, fk] of live.foreignKeys) {
    if (!foreignKeys.has(name)) {
      out.push(
        `${t}: foreign key "${name}" ${names(fk.columns)} → "${fk.referencedTable}"${names(fk.referencedColumns)} is in the database but not in schema.prisma`,
      );
    }
  }
  return out;
}

function compareColumn(what: string, column: ColumnShape, live: LiveColumn): string[] {
  const out: string[] = [];
  if (column.catalogType !== live.type) {
    out.push(`${what}: type is ${column.catalogType} in schema.prisma, ${live.type} in the database`);
  }
  if (column.notNull !== live.notNull) {
    const say = (notNull: boolean) => (notNull ? "NOT NULL" : "nullable");
    out.push(`${what}: ${say(column.notNull)} in schema.prisma, ${say(live.notNull)} in the database`);
  }
  const wantedDefault = expectedDefault(column);
  if (wantedDefault !== live.default) {
    out.push(`${what}: default is ${wantedDefault ?? "none"} in schema.prisma, ${live.default ?? "none"} in the database`);
  }
  return out;
}
