// The ledger page's address: its filters and its place in the list, read with
// zod. A link edited by hand gets a message naming what is wrong, never an
// error page; the filter form and the page links write the same parameters.
import { z } from "zod";
import { LEDGER_KINDS, LEDGER_SOURCES, type LedgerFilters } from "@/lib/db/queries/ledger-explorer";

export type SearchParams = Record<string, string | string[] | undefined>;

/** What the filter form shows: the link's own values, as typed. */
export interface LedgerForm {
  kind: string;
  source: string;
  type: string;
  from: string;
  to: string;
}

export type LedgerField = keyof LedgerForm | "page";

export type LedgerSearch =
  | { ok: true; form: LedgerForm; filters: LedgerFilters; filtered: boolean; cursor?: string; direction: "older" | "newer" }
  | { ok: false; form: LedgerForm; problems: Partial<Record<LedgerField, string[]>> };

const DAY_MS = 86_400_000;

/** An empty field of a GET form arrives as "": the same as absent. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

const day = (what: string) =>
  z
    .string({ error: `${what} appears more than once in the link.` })
    .regex(ISO_DAY, `${what} must be a date such as 2026-03-05.`)
    .refine((value) => {
      if (!ISO_DAY.test(value)) return true; // said above
      const date = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
    }, `${what} is not a day of the calendar.`);

const cursor = z
  .string({ error: "The page appears more than once in the link." })
  .max(64, "The page link is not valid.")
  .regex(/^[A-Za-z0-9_-]+$/, "The page link is not valid.");

const schema = z
  .object({
    kind: optional(z.enum(LEDGER_KINDS, { error: "Choose a kind from the list." })),
    source: optional(z.enum(LEDGER_SOURCES, { error: "Choose a source from the list." })),
    type: optional(z.string({ error: "Choose one operation type." }).max(64, "Choose an operation type from the list.")),
    from: optional(day("The start date")),
    to: optional(day("The end date")),
    before: optional(cursor),
    after: optional(cursor),
  })
  .superRefine((value, ctx) => {
    if (value.from && value.to && value.from > value.to) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "The end date is before the start date." });
    }
    if (value.before && value.after) ctx.addIssue({ code: "custom", path: ["before"], message: "The page link is not valid." });
  });

const text = (value: string | string[] | undefined) => (typeof value === "string" ? value : "");

/** Reads the page's parameters; `operationTypes` are the catalog's codes, the only types there are. */
export function parseLedgerSearch(params: SearchParams, operationTypes: readonly string[]): LedgerSearch {
  const form: LedgerForm = {
    kind: text(params.kind),
    source: text(params.source),
    type: text(params.type),
    from: text(params.from),
    to: text(params.to),
  };
  const parsed = schema.safeParse(params);
  const problems: Partial<Record<LedgerField, string[]>> = {};
  const add = (field: LedgerField, message: string) => (problems[field] ??= []).push(message);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      add(key === "before" || key === "after" ? "page" : (key as LedgerField), issue.message);
    }
  }
  const value = parsed.success ? parsed.data : null;
  if (value?.type !== undefined && !operationTypes.includes(value.type)) add("type", "Choose an operation type from the list.");
  if (!value || Object.keys(problems).length > 0) return { ok: false, form, problems };

  const filters: LedgerFilters = {
    kind: value.kind,
    source: value.source,
    operationType: value.type,
    // Whole UTC days, as every date on the dashboard: the end date is included.
    from: value.from ? new Date(`${value.from}T00:00:00Z`) : undefined,
    to: value.to ? new Date(new Date(`${value.to}T00:00:00Z`).getTime() + DAY_MS) : undefined,
  };
  return {
    ok: true,
    form,
    filters,
    filtered: Object.values(filters).some((filter) => filter !== undefined),
    cursor: value.before ?? value.after,
    direction: value.after ? "newer" : "older",
  };
}

/** The page's address with these filters, at the newest entries or before / after a cursor. */
export function ledgerHref(slug: string, form?: Partial<LedgerForm>, page?: { before: string } | { after: string }): string {
  return ledgerViewHref(`/w/${slug}/credits/ledger`, form, page);
}

/**
 * The same for a ledger shown at another address (`base`, without a query; it
 * may end with a "#fragment"), e.g. an account page of the support console.
 */
export function ledgerViewHref(base: string, form?: Partial<LedgerForm>, page?: { before: string } | { after: string }): string {
  const hashAt = base.indexOf("#");
  const path = hashAt === -1 ? base : base.slice(0, hashAt);
  const hash = hashAt === -1 ? "" : base.slice(hashAt);
  const query = new URLSearchParams();
  for (const key of ["kind", "source", "type", "from", "to"] as const) {
    const value = form?.[key];
    if (value) query.set(key, value);
  }
  if (page && "before" in page) query.set("before", page.before);
  if (page && "after" in page) query.set("after", page.after);
  const search = query.toString();
  return `${path}${search ? `?${search}` : ""}${hash}`;
}

/** A long idempotency key as its start and end ("demo:pred…600000"); the whole key is its title. */
export function shortKey(key: string, max = 20): string {
  if (key.length <= max) return key;
  const tail = 6;
  return `${key.slice(0, max - tail - 1)}…${key.slice(-tail)}`;
}
