// Page loads over HTTP for the page benchmark. A load is a GET with a session
// cookie, timed until the last byte of the body. Two shapes of traffic:
//
// - open model: requests start on a fixed schedule (`rate` a second) whether
//   or not earlier ones have finished, and each latency is counted from the
//   request's scheduled start, so time spent queueing behind a slow server
//   counts (no coordinated omission);
// - closed loop: `connections` callers each send their next request as soon
//   as the last one is answered: the server's saturation throughput.
import { performance } from "node:perf_hooks";
import { percentile } from "./bench-load";

export interface PageRequest {
  /** The page's name in the report. */
  page: string;
  url: string;
  cookie: string;
}

export interface PageSample {
  page: string;
  ms: number;
  ok: boolean;
}

export interface PageFigures {
  page: string;
  count: number;
  failed: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface LoadResult {
  samples: PageSample[];
  seconds: number;
  /** The first failure (status or error), if any. */
  firstError: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GETs the page and reads its whole body; ok only for a 200 (a redirect to sign-in is a failure). */
async function load(request: PageRequest, since: number, errors: { first: string | null }): Promise<PageSample> {
  try {
    const response = await fetch(request.url, { headers: { cookie: request.cookie }, redirect: "manual" });
    await response.arrayBuffer();
    const ok = response.status === 200;
    if (!ok) errors.first ??= `${request.page}: HTTP ${response.status}`;
    return { page: request.page, ms: performance.now() - since, ok };
  } catch (error) {
    errors.first ??= `${request.page}: ${error instanceof Error ? error.message : String(error)}`;
    return { page: request.page, ms: performance.now() - since, ok: false };
  }
}

export async function openModelLoad(input: {
  rate: number;
  seconds: number;
  request: (index: number) => PageRequest;
}): Promise<LoadResult> {
  const total = Math.round(input.rate * input.seconds);
  const interval = 1000 / input.rate;
  const errors = { first: null as string | null };
  const pending: Promise<PageSample>[] = [];
  const started = performance.now() + 20;
  for (let index = 0; index < total; index += 1) {
    const scheduled = started + index * interval;
    const wait = scheduled - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(load(input.request(index), scheduled, errors));
  }
  const samples = await Promise.all(pending);
  return { samples, seconds: (performance.now() - started) / 1000, firstError: errors.first };
}

export async function closedLoopLoad(input: {
  connections: number;
  seconds: number;
  request: (index: number, caller: number) => PageRequest;
}): Promise<LoadResult> {
  const errors = { first: null as string | null };
  const samples: PageSample[] = [];
  const started = performance.now();
  const deadline = started + input.seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: input.connections }, async (_, caller) => {
      while (performance.now() < deadline) {
        const request = input.request(next++, caller);
        samples.push(await load(request, performance.now(), errors));
      }
    }),
  );
  return { samples, seconds: (performance.now() - started) / 1000, firstError: errors.first };
}

/** Latency percentiles per page, in the order the pages first appear. */
export function figuresByPage(samples: PageSample[]): PageFigures[] {
  const pages = [...new Set(samples.map((sample) => sample.page))];
  return pages.map((page) => {
    const mine = samples.filter((sample) => sample.page === page);
    const sorted = Float64Array.from(mine.map((sample) => sample.ms)).sort();
    return {
      page,
      count: mine.length,
      failed: mine.filter((sample) => !sample.ok).length,
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      p99Ms: percentile(sorted, 0.99),
    };
  });
}
