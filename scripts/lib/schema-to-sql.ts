// Reads prisma/schema.prisma the way Prisma's schema engine does and renders
// the PostgreSQL that `prisma migrate diff --from-empty --to-schema --script`
// writes. Prisma 7's own `migrate` needs a native schema engine that cannot be
// installed here, so migrations are written with this instead.
//
// The same description of the schema (`SchemaShape`) feeds the drift test
// (tests/helpers/drift.ts): what a migration creates and what the test expects
// are both read from schema.prisma in this one place.
//
// Supported: what Meterdesk's schema uses (enums, scalar and list columns,
// native types, literal / now() / autoincrement() / dbgenerated() defaults,
// composite ids, @@unique, @@index with sort orders, an index type
// (`type: Gin` …) and operator classes written as `ops: raw("…")`, @map /
// @@map, relations with referential actions). Implicit many-to-many relations
// and Prisma's named operator classes (`ops: JsonbPathOps`) are refused.
// Two things the DMMF does not carry: a custom foreign key name
// (`@relation(map: …)`), rendered here with Prisma's default name, and the
// trailing zeros of a Decimal default (`2.50` comes out as `2.5`).
import { get_dmmf } from "@prisma/prisma-schema-wasm";

// ---------------------------------------------------------------- DMMF subset

type DmmfDefault = string | number | boolean | unknown[] | { name: string; args: unknown[] };

export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "enum" | "object" | "unsupported";
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType?: [string, string[]] | null;
  default?: DmmfDefault;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

export interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  isDefinedOnField: boolean;
  dbName?: string | null;
  /** BTree (also when absent), Hash, Gist, Gin, SpGist, Brin. */
  algorithm?: string;
  fields: { name: string; sortOrder?: "asc" | "desc"; operatorClass?: string }[];
}

export interface DmmfEnum {
  name: string;
  dbName: string | null;
  values: { name: string; dbName: string | null }[];
}

export interface Datamodel {
  models: DmmfModel[];
  enums: DmmfEnum[];
  indexes: DmmfIndex[];
}

/** Parses and validates a schema with Prisma's own parser (WebAssembly). */
export function readDatamodel(schemaText: string): Datamodel {
  try {
    const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schemaText]] })));
    return dmmf.datamodel as Datamodel;
  } catch (error) {
    throw new Error(`schema.prisma is invalid:\n${prismaErrorText(error)}`);
  }
}

function prismaErrorText(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  let message = raw;
  try {
    message = (JSON.parse(raw) as { message?: string }).message ?? raw;
  } catch {
    // Not Prisma's JSON error: keep the text as it is.
  }
  // Prisma colours its diagnostics for a terminal.
  return message.replace(/\u001b\[[0-9;]*m/g, "");
}

// ---------------------------------------------------------------- shape

export type ReferentialAction = "CASCADE" | "RESTRICT" | "NO ACTION" | "SET NULL" | "SET DEFAULT";

export type ColumnDefault =
  | { kind: "autoincrement" }
  | { kind: "now" }
  /** A constant, as SQL: `0`, `false`, `'GOOD'`, `'{}'`. */
  | { kind: "literal"; sql: string }
  /** `dbgenerated("…")`: an expression written by hand. */
  | { kind: "expression"; sql: string };

export interface ColumnShape {
  name: string;
  /** The type as the migration writes it: `TIMESTAMP(3)`, `BIGSERIAL`, `"BillingState"`. */
  ddlType: string;
  /** The type as PostgreSQL's format_type() prints it, without quotes: `timestamp(3) without time zone`. */
  catalogType: string;
  notNull: boolean;
  default: ColumnDefault | null;
}

export interface IndexShape {
  name: string;
  unique: boolean;
  /** The access method as pg_am names it: `btree`, `gin` … */
  method: IndexMethod;
  /** `ops`: the operator class when it is not the type's default (`gin_trgm_ops`, `text_pattern_ops`). */
  columns: { name: string; sort: "ASC" | "DESC" | null; ops: string | null }[];
}

export type IndexMethod = "btree" | "hash" | "gist" | "gin" | "spgist" | "brin";

// Prisma's `type:` argument → the access method.
const INDEX_METHODS: Record<string, IndexMethod> = {
  BTree: "btree",
  Hash: "hash",
  Gist: "gist",
  Gin: "gin",
  SpGist: "spgist",
  Brin: "brin",
};

export interface ForeignKeyShape {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export interface TableShape {
  name: string;
  columns: ColumnShape[];
  primaryKey: { name: string; columns: string[] } | null;
  /** In the order Prisma creates them. */
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
}

export interface SchemaShape {
  namespace: string;
  enums: { name: string; values: string[] }[];
  tables: TableShape[];
}

// PostgreSQL's NAMEDATALEN - 1; Prisma cuts its default names to fit.
const MAX_IDENTIFIER = 63;

function defaultName(base: string, suffix: string): string {
  return (base.length >= MAX_IDENTIFIER - suffix.length ? base.slice(0, MAX_IDENTIFIER - suffix.length) : base) + suffix;
}

interface NativeType {
  ddl: (args: string[]) => string;
  catalog: (args: string[]) => string;
}

const paren = (args: string[]) => (args.length ? `(${args.join(",")})` : "");
const plain = (ddl: string, catalog = ddl.toLowerCase()): NativeType => ({ ddl: () => ddl, catalog: () => catalog });
const sized = (ddl: string, catalog: string, zone = ""): NativeType => ({
  ddl: (args) => `${ddl}${paren(args)}`,
  catalog: (args) => `${catalog}${paren(args)}${zone}`,
});

// Native type name (as in `@db.X`) → how the migration writes it and how the catalog prints it.
const NATIVE_TYPES: Record<string, NativeType> = {
  Text: plain("TEXT"),
  Uuid: plain("UUID"),
  Citext: plain("CITEXT"),
  Inet: plain("INET"),
  Xml: plain("XML"),
  Money: plain("MONEY"),
  Oid: plain("OID"),
  Date: plain("DATE"),
  SmallInt: plain("SMALLINT"),
  Integer: plain("INTEGER"),
  BigInt: plain("BIGINT"),
  Real: plain("REAL"),
  DoublePrecision: plain("DOUBLE PRECISION"),
  Boolean: plain("BOOLEAN"),
  Json: plain("JSON"),
  JsonB: plain("JSONB"),
  ByteA: plain("BYTEA"),
  VarChar: sized("VARCHAR", "character varying"),
  Char: sized("CHAR", "character"),
  Bit: sized("BIT", "bit"),
  VarBit: sized("VARBIT", "bit varying"),
  Decimal: sized("DECIMAL", "numeric"),
  Timestamp: sized("TIMESTAMP", "timestamp", " without time zone"),
  Timestamptz: sized("TIMESTAMPTZ", "timestamp", " with time zone"),
  Time: sized("TIME", "time", " without time zone"),
  Timetz: sized("TIMETZ", "time", " with time zone"),
};

// Prisma's default native type for each scalar type on PostgreSQL.
const SCALAR_NATIVE: Record<string, [string, string[]]> = {
  String: ["Text", []],
  Int: ["Integer", []],
  BigInt: ["BigInt", []],
  Float: ["DoublePrecision", []],
  Decimal: ["Decimal", ["65", "30"]],
  Boolean: ["Boolean", []],
  DateTime: ["Timestamp", ["3"]],
  Json: ["JsonB", []],
  Bytes: ["ByteA", []],
};

const SERIAL: Record<string, string> = { SmallInt: "SMALLSERIAL", Integer: "SERIAL", BigInt: "BIGSERIAL" };

const ACTIONS: Record<string, ReferentialAction> = {
  Cascade: "CASCADE",
  Restrict: "RESTRICT",
  NoAction: "NO ACTION",
  SetNull: "SET NULL",
  SetDefault: "SET DEFAULT",
};

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** The tables, columns, keys, indexes and enums that a schema asks the database for. */
export function schemaShape(datamodel: Datamodel): SchemaShape {
  const enumsByName = new Map(datamodel.enums.map((e) => [e.name, e]));
  const modelsByName = new Map(datamodel.models.map((m) => [m.name, m]));
  const tableName = (model: DmmfModel) => model.dbName ?? model.name;
  const columnName = (model: DmmfModel, fieldName: string) => {
    const field = model.fields.find((f) => f.name === fieldName);
    if (!field) throw new Error(`${model.name}.${fieldName} is not a field`);
    return field.dbName ?? field.name;
  };

  const tables = datamodel.models.map((model): TableShape => {
    const table = tableName(model);
    const indexes = datamodel.indexes.filter((index) => index.model === model.name);
    refuseUnsupported(model, indexes, modelsByName);
    const id = indexes.find((index) => index.type === "id");

    const columns = model.fields
      .filter((field) => field.kind === "scalar" || field.kind === "enum")
      .map((field) => columnShape(field, enumsByName));

    // Prisma's order: field-level @unique first, then every @@index, then every @@unique.
    const rank = (index: DmmfIndex) => (index.isDefinedOnField ? 0 : index.type === "normal" ? 1 : 2);
    const secondary = indexes
      .filter((index) => index.type === "unique" || index.type === "normal")
      .map((index, position) => ({ index, position }))
      .sort((a, b) => rank(a.index) - rank(b.index) || a.position - b.position)
      .map(({ index }): IndexShape => {
        const names = index.fields.map((f) => columnName(model, f.name));
        const suffix = index.type === "unique" ? "_key" : "_idx";
        return {
          name: index.dbName ?? defaultName(`${table}_${names.join("_")}`, suffix),
          unique: index.type === "unique",
          method: INDEX_METHODS[index.algorithm ?? "BTree"]!,
          columns: index.fields.map((f, i) => ({
            name: names[i]!,
            sort: f.sortOrder ? (f.sortOrder.toUpperCase() as "ASC" | "DESC") : null,
            ops: f.operatorClass ?? null,
          })),
        };
      });

    const foreignKeys = model.fields
      .filter((field) => field.kind === "object" && (field.relationFromFields?.length ?? 0) > 0)
      .map((field): ForeignKeyShape => {
        const target = modelsByName.get(field.type)!;
        const columns = field.relationFromFields!.map((name) => columnName(model, name));
        return {
          name: defaultName(`${table}_${columns.join("_")}`, "_fkey"),
          columns,
          referencedTable: tableName(target),
          referencedColumns: field.relationToFields!.map((name) => columnName(target, name)),
          // Prisma's defaults: a required relation restricts deletes, an optional one nulls itself.
          onDelete: ACTIONS[field.relationOnDelete ?? (field.isRequired ? "Restrict" : "SetNull")]!,
          onUpdate: ACTIONS[field.relationOnUpdate ?? "Cascade"]!,
        };
      });

    return {
      name: table,
      columns,
      primaryKey: id
        ? {
            name: id.dbName ?? defaultName(table, "_pkey"),
            columns: id.fields.map((f) => columnName(model, f.name)),
          }
        : null,
      indexes: secondary,
      foreignKeys,
    };
  });

  return {
    namespace: "public",
    enums: datamodel.enums.map((e) => ({ name: e.dbName ?? e.name, values: e.values.map((v) => v.dbName ?? v.name) })),
    tables,
  };
}

// Rather fail than write SQL that differs from Prisma's.
function refuseUnsupported(model: DmmfModel, indexes: DmmfIndex[], models: Map<string, DmmfModel>): void {
  for (const index of indexes) {
    if (index.type === "fulltext" || (index.algorithm && !INDEX_METHODS[index.algorithm])) {
      const kind = index.type === "fulltext" ? "fulltext" : index.algorithm;
      throw new Error(`${model.name}: ${kind} indexes are not supported by scripts/lib/schema-to-sql.ts`);
    }
    // Named classes (JsonbPathOps) map to SQL names by rules of their own; raw("…") says the name itself.
    const named = index.fields.find((f) => f.operatorClass && !/^[a-z_][a-z0-9_]*$/.test(f.operatorClass));
    if (named) {
      throw new Error(
        `${model.name}.${named.name}: write the operator class as ops: raw("…") with its SQL name, not ${named.operatorClass} (scripts/lib/schema-to-sql.ts)`,
      );
    }
  }
  for (const field of model.fields.filter((f) => f.kind === "object" && f.isList)) {
    const opposite = models.get(field.type)?.fields.find((f) => f !== field && f.relationName === field.relationName);
    if (opposite?.isList) {
      throw new Error(`${model.name}.${field.name}: implicit many-to-many relations are not supported`);
    }
  }
}

function columnShape(field: DmmfField, enums: Map<string, DmmfEnum>): ColumnShape {
  const name = field.dbName ?? field.name;
  const list = field.isList ? "[]" : "";
  const isAutoincrement = isFunction(field.default, "autoincrement");

  let ddlType: string;
  let catalogType: string;
  if (field.kind === "enum") {
    const enumName = enums.get(field.type)?.dbName ?? field.type;
    ddlType = quoteIdent(enumName);
    catalogType = enumName;
  } else {
    const [nativeName, args] = field.nativeType ?? SCALAR_NATIVE[field.type] ?? [];
    const native = nativeName ? NATIVE_TYPES[nativeName] : undefined;
    if (!nativeName || !native) throw new Error(`${field.name}: type ${field.type} ${nativeName ?? ""} is not supported`);
    ddlType = isAutoincrement && SERIAL[nativeName] ? SERIAL[nativeName]! : native.ddl(args!);
    catalogType = native.catalog(args!);
  }

  return {
    name,
    ddlType: ddlType + list,
    catalogType: catalogType + list,
    // Prisma leaves list columns nullable.
    notNull: field.isRequired && !field.isList,
    default: columnDefault(field, enums, ddlType + list),
  };
}

function isFunction(value: DmmfDefault | undefined, name: string): value is { name: string; args: unknown[] } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && value.name === name;
}

function columnDefault(field: DmmfField, enums: Map<string, DmmfEnum>, fullType: string): ColumnDefault | null {
  const value = field.default;
  if (value === undefined) return null;
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    if (value.name === "autoincrement") return { kind: "autoincrement" };
    if (value.name === "now") return { kind: "now" };
    if (value.name === "dbgenerated") {
      return typeof value.args[0] === "string" ? { kind: "expression", sql: value.args[0] } : null;
    }
    // uuid(), cuid(), nanoid(), ulid(): filled in by Prisma Client, not by the database.
    return null;
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => constantSql(field, item as DmmfDefault, enums));
    return { kind: "literal", sql: `ARRAY[${items.join(", ")}]::${fullType}` };
  }
  return { kind: "literal", sql: constantSql(field, value, enums) };
}

function constantSql(field: DmmfField, value: DmmfDefault, enums: Map<string, DmmfEnum>): string {
  if (field.kind === "enum") {
    const member = enums.get(field.type)?.values.find((v) => v.name === value);
    return quoteString(member?.dbName ?? String(value));
  }
  switch (field.type) {
    case "String":
    case "Json":
      return quoteString(String(value));
    case "DateTime":
      // Prisma prints chrono's DateTime<FixedOffset>: "2020-01-01 00:00:00 +00:00".
      return quoteString(
        String(value).replace(/^(\d{4}-\d\d-\d\d)T([^+Z-]+)(Z|[+-]\d\d:\d\d)$/, (_, d, t, z) => `${d} ${t} ${z === "Z" ? "+00:00" : z}`),
      );
    case "Bytes":
      return `'\\x${Buffer.from(String(value), "base64").toString("hex")}'`;
    default:
      // Int, BigInt, Float, Decimal, Boolean.
      return String(value);
  }
}

// ---------------------------------------------------------------- rendering

function renderColumn(column: ColumnShape): string {
  let sql = `    ${quoteIdent(column.name)} ${column.ddlType}${column.notNull ? " NOT NULL" : ""}`;
  const value = column.default;
  if (value?.kind === "now") sql += " DEFAULT CURRENT_TIMESTAMP";
  if (value?.kind === "literal" || value?.kind === "expression") sql += ` DEFAULT ${value.sql}`;
  return sql;
}

function renderCreateTable(table: TableShape): string {
  const columns = table.columns.map(renderColumn).join(",\n");
  const primaryKey = table.primaryKey
    ? `,\n\n    CONSTRAINT ${quoteIdent(table.primaryKey.name)} PRIMARY KEY (${table.primaryKey.columns.map(quoteIdent).join(",")})`
    : "";
  return `CREATE TABLE ${quoteIdent(table.name)} (\n${columns}${primaryKey}\n)`;
}

// Prisma writes `ON "T"("c")` for a B-tree and `ON "T" USING GIN ("c" gin_trgm_ops)` otherwise.
export function renderCreateIndex(table: TableShape, index: IndexShape): string {
  const columns = index.columns.map((c) => quoteIdent(c.name) + (c.ops ? ` ${c.ops}` : "") + (c.sort ? ` ${c.sort}` : "")).join(", ");
  const using = index.method === "btree" ? "" : ` USING ${index.method.toUpperCase()} `;
  return `CREATE ${index.unique ? "UNIQUE " : ""}INDEX ${quoteIdent(index.name)} ON ${quoteIdent(table.name)}${using}(${columns})`;
}

function renderAddForeignKey(table: TableShape, fk: ForeignKeyShape): string {
  return (
    `ALTER TABLE ${quoteIdent(table.name)} ADD CONSTRAINT ${quoteIdent(fk.name)} ` +
    `FOREIGN KEY (${fk.columns.map(quoteIdent).join(", ")}) ` +
    `REFERENCES ${quoteIdent(fk.referencedTable)}(${fk.referencedColumns.map(quoteIdent).join(", ")}) ` +
    `ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`
  );
}

/**
 * The script of `prisma migrate diff --from-empty --to-schema --script`:
 * steps in Prisma's order (schema, enums, tables, indexes, foreign keys), each
 * headed by its `-- Step` comment and separated by a blank line.
 */
export function renderCreateSql(shape: SchemaShape): string {
  const steps: [string, string][] = [
    ["CreateSchema", `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(shape.namespace)}`],
    ...shape.enums.map((e): [string, string] => [
      "CreateEnum",
      `CREATE TYPE ${quoteIdent(e.name)} AS ENUM (${e.values.map(quoteString).join(", ")})`,
    ]),
    ...shape.tables.map((t): [string, string] => ["CreateTable", renderCreateTable(t)]),
    ...shape.tables.flatMap((t) => t.indexes.map((i): [string, string] => ["CreateIndex", renderCreateIndex(t, i)])),
    ...shape.tables.flatMap((t) => t.foreignKeys.map((fk): [string, string] => ["AddForeignKey", renderAddForeignKey(t, fk)])),
  ];
  return steps.map(([step, sql]) => `-- ${step}\n${sql};\n`).join("\n");
}

/** schema.prisma text → the SQL that creates it from nothing. */
export function schemaToSql(schemaText: string): string {
  return renderCreateSql(schemaShape(readDatamodel(schemaText)));
}
