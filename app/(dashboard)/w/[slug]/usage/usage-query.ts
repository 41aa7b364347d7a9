// The Usage page's query: what the browser asks for (range, dates, time zone),
// its TanStack Query key and its URL. Shared by the server (which prefetches
// the first range) and the browser (which fetches the others). No zod here:
// it stays out of the browser's bundle (usage-request.ts validates).
import type { RangeKind } from "@/lib/usage/range";

/** What the browser asks for; validated on the server by usage-request.ts. */
export interface UsageRequest {
  range: RangeKind;
  from?: string;
  to?: string;
  tz: string;
}

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
