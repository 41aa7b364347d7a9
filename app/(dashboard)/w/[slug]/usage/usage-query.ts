// The Usage page's query: what the browser asks for (range, dates, time zone),
// its TanStack Query key and its URL. Shared by the server (which prefetches
// the first range) and the browser (which fetches the others).
import { z } from "zod";
import { RANGE_KINDS } from "@/lib/usage/range";

export const usageRequestSchema = z.object({
  range: z.enum(RANGE_KINDS).default("30d"),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  tz: z.string().min(1).max(64).default("UTC"),
});

export type UsageRequest = z.infer<typeof usageRequestSchema>;

/** Hierarchical: everything about the workspace, then its usage, then this range. */
export const usageQueryKey = (slug: string, request: UsageRequest) =>
  ["workspace", slug, "usage", { range: request.range, from: request.from ?? null, to: request.to ?? null, tz: request.tz }] as const;

export function usageSearch(request: UsageRequest): string {
  const search = new URLSearchParams({ range: request.range, tz: request.tz });
  if (request.range === "custom") {
    if (request.from) search.set("from", request.from);
    if (request.to) search.set("to", request.to);
  }
  return search.toString();
}

export const usageDataUrl = (slug: string, request: UsageRequest) => `/w/${encodeURIComponent(slug)}/usage/data?${usageSearch(request)}`;
export const usageExportUrl = (slug: string, request: UsageRequest) =>
  `/w/${encodeURIComponent(slug)}/usage/export?${usageSearch(request)}`;
