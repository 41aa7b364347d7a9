import "server-only";

// The ledger explorer of the Credits page (R10, R5): every movement of a
// workspace's credits, newest first, one page at a time. A debit is one row
// with the split by source that paid it (UsageEvent: the same decision wrote
// it and its per-source LedgerEntry rows); every other movement — included
// credits of a period, top-ups, support grants, packages, forfeits, package
// expiries, flex moved onto an invoice — is its LedgerEntry row. Calls of the
// free tier moved no credits and wrote no ledger rows, so they are not here.
//
// Keyset pagination over both tables in one statement, never OFFSET: the
// order is (instant, table, id) descending, each branch reads its
// (workspaceId, time) index — LedgerEntry(workspaceId, createdAt) and
// UsageEvent(workspaceId, occurredAt) — and a cursor names the position of
// an entry. Credits travel as text (the drivers disagree on int8).
import type { Tx } from "@/lib/db";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { utc } from "@/lib/db/ledger/queryable";

type Reader = PrismaClient | Tx;

/** What a ledger entry is, in the words the filter offers. */
export const LEDGER_KINDS = [
  "usage",
  "included",
  "top-up",
  "grant",
  "package",
  "forfeit",
  "expiry",
  "flex-invoiced",
  "correction",
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const LEDGER_SOURCES = ["included", "package", "prepaid", "flex"] as const;
export type LedgerSource = (typeof LEDGER_SOURCES)[number];

export const LEDGER_PAGE_MAX = 200;

export interface LedgerFilters {
  kind?: LedgerKind;
  /** Usage paid (in part) by this source, or a movement of this source. */
  source?: LedgerSource;
  /** An operation type code: its usage and its packages. */
  operationType?: string;
  /** From this instant, inclusive. */
  from?: Date;
  /** Up to this instant, exclusive. */
  to?: Date;
}

export interface LedgerExplorerQuery {
  workspaceId: string;
  filters?: LedgerFilters;
  /** A cursor from a previous page; without one, the newest entries. */
  cursor?: string;
  /** "older" (default): the entries after the cursor's in the list; "newer": those before it. */
  direction?: "older" | "newer";
  limit: number;
}

export interface LedgerExplorerEntry {
  /** Unique on the page and across pages (the table and the row id). */
  key: string;
  at: Date;
  kind: LedgerKind;
  /** The source a non-usage entry moved; null for usage (see `split`). */
  source: LedgerSource | null;
  /**
   * Usage: the credits charged (positive), equal to the sum of `split`.
   * Other entries: the ledger's signed amount (grants positive, forfeits and
   * the flex moved onto an invoice negative; package entries count operations and carry 0).
   */
  credits: bigint;
  /** Usage: which source paid how many of its credits (R5). */
  split: { included: bigint; package: bigint; prepaid: bigint; flex: bigint } | null;
  /** Usage: operations charged; packages: operations bought (positive) or expired unused (negative). */
  operations: bigint | null;
  operationType: { code: string; name: string } | null;
  packageName: string | null;
  /** The receipt of a top-up or the invoice of a package. */
  invoiceNumber: string | null;
  idempotencyKey: string;
  /** The grant's reason or the entry's memo. */
  note: string;
}

export interface LedgerPage {
  entries: LedgerExplorerEntry[];
  /** The cursor of the next older page, when there is one. */
  olderCursor: string | null;
  /** The cursor of the next newer page, when this is not the newest page. */
  newerCursor: string | null;
}

export class InvalidLedgerCursorError extends Error {
  constructor() {
    super("This ledger page link is not valid: it may have been cut short or changed. Start again from the newest entries.");
    this.name = "InvalidLedgerCursorError";
  }
}

// ---------------------------------------------------------------- cursors

type Stream = "u" | "l";
interface Position {
  at: Date;
  stream: Stream;
  seq: bigint;
}

const MAX_SEQ = 9_223_372_036_854_775_807n;

export function encodeLedgerCursor(position: Position): string {
  return Buffer.from(`${position.stream}.${position.at.getTime()}.${position.seq}`, "utf8").toString("base64url");
}

export function decodeLedgerCursor(cursor: string): Position {
  if (cursor.length > 64 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidLedgerCursorError();
  const match = /^([ul])\.(\d{1,15})\.(\d{1,19})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw new InvalidLedgerCursorError();
  const at = new Date(Number(match[2]));
  const seq = BigInt(match[3]!);
  if (Number.isNaN(at.getTime()) || seq > MAX_SEQ) throw new InvalidLedgerCursorError();
  return { stream: match[1] as Stream, at, seq };
}

// ---------------------------------------------------------------- the query

interface Row {
  stream: Stream;
  seqText: string;
  atText: string;
  kind: LedgerKind;
  source: string | null;
  credits: string;
  operations: string | null;
  included: string | null;
  package: string | null;
  prepaid: string | null;
  flex: string | null;
  typeCode: string | null;
  typeName: string | null;
  idempotencyKey: string;
  note: string;
  packageName: string | null;
  invoiceNumber: string | null;
}

const iso = (at: Date) => at.toISOString();

/** One page as an address asks for it; a cursor edited by hand comes back as `cursorRefused`, for a message instead of an error page. */
export async function readLedgerPage(db: Reader, query: LedgerExplorerQuery): Promise<{ page: LedgerPage | null; cursorRefused: boolean }> {
  try {
    return { page: await listLedgerEntries(db, query), cursorRefused: false };
  } catch (error) {
    if (!(error instanceof InvalidLedgerCursorError)) throw error;
    return { page: null, cursorRefused: true };
  }
}

/** One page of the workspace's ledger, newest first, with the cursors of the pages around it. */
export async function listLedgerEntries(db: Reader, query: LedgerExplorerQuery): Promise<LedgerPage> {
  const { workspaceId, filters = {}, direction = "older" } = query;
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > LEDGER_PAGE_MAX) {
    throw new RangeError(`limit must be an integer from 1 to ${LEDGER_PAGE_MAX}`);
  }
  const position = query.cursor === undefined ? null : decodeLedgerCursor(query.cursor);
  const newer = position !== null && direction === "newer";
  const rows = await readPage(db, workspaceId, filters, position, newer, query.limit + 1);
  const hasMore = rows.length > query.limit;
  const page = rows.slice(0, query.limit);

  if (newer) {
    // At the top already: the newest page itself, full, rather than a short one.
    if (!hasMore) return listLedgerEntries(db, { workspaceId, filters, limit: query.limit });
    const entries = page.reverse().map(toEntry);
    return { entries: entries.map((e) => e.entry), newerCursor: entries[0]!.cursor, olderCursor: entries.at(-1)!.cursor };
  }
  const entries = page.map(toEntry);
  return {
    entries: entries.map((e) => e.entry),
    olderCursor: hasMore ? entries.at(-1)!.cursor : null,
    // Anything before the cursor is newer; with no entry on this page the cursor itself marks where they end.
    newerCursor: position === null ? null : (entries[0]?.cursor ?? query.cursor!),
  };
}

function readPage(db: Reader, workspaceId: string, filters: LedgerFilters, position: Position | null, newer: boolean, take: number) {
  const branches: Prisma.Sql[] = [];
  if (filters.kind === undefined || filters.kind === "usage")
    branches.push(branch(usageRows(workspaceId), "u", filters, position, newer, take));
  if (filters.kind !== "usage") branches.push(branch(ledgerRows(workspaceId), "l", filters, position, newer, take));
  const order = newer ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  return db.$queryRaw<Row[]>`
    SELECT "stream", "seq"::text AS "seqText", to_json("at") #>> '{}' AS "atText", "kind", "source",
           "credits"::text AS "credits", "operations"::text AS "operations",
           "included"::text AS "included", "package"::text AS "package", "prepaid"::text AS "prepaid", "flex"::text AS "flex",
           "typeCode", "typeName", "idempotencyKey", "note", "packageName", "invoiceNumber"
    FROM (${Prisma.join(branches, " UNION ALL ")}) AS entries
    ORDER BY "at" ${order}, "stream" ${order}, "seq" ${order}
    LIMIT ${take}::int`;
}

/** Debits that charged credits, with the split the decision wrote. */
function usageRows(workspaceId: string) {
  return Prisma.sql`
    SELECT 'u' AS "stream", e."id" AS "seq", e."occurredAt" AS "at", 'usage' AS "kind", NULL::text AS "source",
           e."credits" AS "credits", e."operations" AS "operations",
           e."includedCredits" AS "included", e."packageCredits" AS "package", e."prepaidCredits" AS "prepaid", e."flexCredits" AS "flex",
           t."code" AS "typeCode", t."name" AS "typeName", e."idempotencyKey" AS "idempotencyKey", '' AS "note",
           NULL::text AS "packageName", NULL::text AS "invoiceNumber"
    FROM "UsageEvent" e
    JOIN "OperationType" t ON t."id" = e."operationTypeId"
    WHERE e."workspaceId" = ${workspaceId}::uuid AND e."credits" > 0`;
}

/**
 * Every ledger row that is not usage. A period's included grant of zero
 * credits is only a marker that the period started (grants.ts), not a movement.
 * Top-ups are told from support grants by their grant; a top-up's receipt is
 * found through its payment (`payment:<id>`), a package's invoice through its purchase.
 */
function ledgerRows(workspaceId: string) {
  return Prisma.sql`
    SELECT 'l' AS "stream", l."id" AS "seq", l."createdAt" AS "at",
           CASE
             WHEN l."reason" = 'GRANT' AND l."source" = 'INCLUDED' THEN 'included'
             WHEN l."reason" = 'GRANT' AND l."source" = 'PACKAGE' THEN 'package'
             WHEN l."reason" = 'GRANT' AND l."source" = 'PREPAID' AND g."kind" = 'SUPPORT' THEN 'grant'
             WHEN l."reason" = 'GRANT' AND l."source" = 'PREPAID' THEN 'top-up'
             WHEN l."reason" = 'FORFEIT' THEN 'forfeit'
             WHEN l."reason" = 'EXPIRY' THEN 'expiry'
             WHEN l."reason" = 'SETTLEMENT' THEN 'flex-invoiced'
             ELSE 'correction'
           END AS "kind",
           lower(l."source"::text) AS "source", l."amount" AS "credits", l."operations" AS "operations",
           NULL::bigint AS "included", NULL::bigint AS "package", NULL::bigint AS "prepaid", NULL::bigint AS "flex",
           t."code" AS "typeCode", t."name" AS "typeName", l."idempotencyKey" AS "idempotencyKey", l."memo" AS "note",
           pk."name" AS "packageName", COALESCE(pi."number", ri."number") AS "invoiceNumber"
    FROM "LedgerEntry" l
    LEFT JOIN "CreditGrant" g ON g."workspaceId" = l."workspaceId" AND g."id" = l."grantId"
    LEFT JOIN "PackagePurchase" p ON p."workspaceId" = l."workspaceId" AND p."id" = l."purchaseId"
    LEFT JOIN "Package" pk ON pk."id" = p."packageId"
    LEFT JOIN "OperationType" t ON t."id" = p."operationTypeId"
    LEFT JOIN "Invoice" pi ON pi."workspaceId" = p."workspaceId" AND pi."id" = p."invoiceId"
    LEFT JOIN "Payment" pay ON l."idempotencyKey" LIKE 'payment:%' AND pay."workspaceId" = l."workspaceId"
                           AND pay."id"::text = substr(l."idempotencyKey", 9)
    LEFT JOIN "Invoice" ri ON ri."workspaceId" = pay."workspaceId" AND ri."id" = pay."invoiceId"
    WHERE l."workspaceId" = ${workspaceId}::uuid AND l."reason" IN ('GRANT', 'EXPIRY', 'FORFEIT', 'CORRECTION', 'SETTLEMENT')
      AND NOT (l."reason" = 'GRANT' AND l."source" = 'INCLUDED' AND l."amount" = 0)`;
}

const splitColumns: Record<LedgerSource, Prisma.Sql> = {
  included: Prisma.sql`r."included"`,
  package: Prisma.sql`r."package"`,
  prepaid: Prisma.sql`r."prepaid"`,
  flex: Prisma.sql`r."flex"`,
};

/**
 * One table's part of the page: its rows that pass the filters, past the
 * cursor, in page order, at most `take`. At one instant debits ('u') come
 * before the other entries ('l') in the newest-first order.
 */
function branch(rows: Prisma.Sql, stream: Stream, filters: LedgerFilters, position: Position | null, newer: boolean, take: number) {
  const where: Prisma.Sql[] = [];
  if (filters.kind !== undefined) where.push(Prisma.sql`r."kind" = ${filters.kind}`);
  if (filters.source !== undefined) {
    where.push(stream === "u" ? Prisma.sql`${splitColumns[filters.source]} > 0` : Prisma.sql`r."source" = ${filters.source}`);
  }
  if (filters.operationType !== undefined) where.push(Prisma.sql`r."typeCode" = ${filters.operationType}`);
  if (filters.from !== undefined) where.push(Prisma.sql`r."at" >= ${iso(filters.from)}::timestamp`);
  if (filters.to !== undefined) where.push(Prisma.sql`r."at" < ${iso(filters.to)}::timestamp`);
  if (position !== null) where.push(pastCursor(stream, position, newer));
  const order = newer ? Prisma.sql`ASC` : Prisma.sql`DESC`;
  return Prisma.sql`(
    SELECT * FROM (${rows}) AS r
    ${where.length > 0 ? Prisma.sql`WHERE ${Prisma.join(where, " AND ")}` : Prisma.empty}
    ORDER BY r."at" ${order}, r."seq" ${order}
    LIMIT ${take}::int)`;
}

/** The rows of `stream` strictly past the cursor's position, in the page's direction. */
function pastCursor(stream: Stream, position: Position, newer: boolean): Prisma.Sql {
  const at = Prisma.sql`${iso(position.at)}::timestamp`;
  const seq = Prisma.sql`${position.seq.toString()}::bigint`;
  if (stream === position.stream) {
    // The bare bound on the instant lets the (workspaceId, time) index limit the scan.
    return newer
      ? Prisma.sql`r."at" >= ${at} AND (r."at", r."seq") > (${at}, ${seq})`
      : Prisma.sql`r."at" <= ${at} AND (r."at", r."seq") < (${at}, ${seq})`;
  }
  // The other table at the cursor's instant lies wholly on one side of it ('u' before 'l' newest first).
  const sameInstantIsPast = newer ? stream === "u" : stream === "l";
  if (newer) return sameInstantIsPast ? Prisma.sql`r."at" >= ${at}` : Prisma.sql`r."at" > ${at}`;
  return sameInstantIsPast ? Prisma.sql`r."at" <= ${at}` : Prisma.sql`r."at" < ${at}`;
}

function toEntry(row: Row): { entry: LedgerExplorerEntry; cursor: string } {
  const at = utc(row.atText);
  const usage = row.stream === "u";
  return {
    cursor: encodeLedgerCursor({ at, stream: row.stream, seq: BigInt(row.seqText) }),
    entry: {
      key: `${row.stream}${row.seqText}`,
      at,
      kind: row.kind,
      source: usage ? null : (row.source as LedgerSource),
      credits: BigInt(row.credits),
      split: usage
        ? { included: BigInt(row.included!), package: BigInt(row.package!), prepaid: BigInt(row.prepaid!), flex: BigInt(row.flex!) }
        : null,
      operations: row.operations === null ? null : BigInt(row.operations),
      operationType: row.typeCode === null ? null : { code: row.typeCode, name: row.typeName ?? row.typeCode },
      packageName: row.packageName,
      invoiceNumber: row.invoiceNumber,
      idempotencyKey: row.idempotencyKey,
      note: row.note,
    },
  };
}
