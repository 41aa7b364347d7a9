// What operators watch (docs/OPERATIONS.md), over real HTTP: a server started
// with METRICS_PORT serves Prometheus metrics there (and only there), a few
// known calls move the counters by exactly those calls, and each call's log
// line carries the req_id its answer gave the caller.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "@/lib/db/connect";
import { setWorkspaceRateLimit } from "@/lib/db/api-auth";
import { freePort, startAppServer, type AppServer } from "../../scripts/lib/app-server";
import { apiWorkspace, call, serverDatabase, type Reply } from "./client";

const NOW = new Date();
const support = { id: null, email: "support@test.dev", role: "SUPPORT" };

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text exposition format (version 0.0.4): one sample per line, comments skipped. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label[1]!] = label[2]!.replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value))
    .reduce((sum, s) => sum + s.value, 0);
}

const reqIdOf = (reply: Reply) => (reply.json as { status: { req_id: string } }).status.req_id;

describe("metrics and logs (METRICS_PORT)", () => {
  let database: Database;
  let server: AppServer;
  let metricsUrl: string;

  beforeAll(async () => {
    database = await serverDatabase();
    const metricsPort = await freePort();
    metricsUrl = `http://127.0.0.1:${metricsPort}`;
    // A server of its own, so that only this file's calls move its counters.
    server = await startAppServer({
      databaseUrl: inject("databaseUrl"),
      redisUrl: inject("redisUrl"),
      authSecret: inject("authSecret"),
      env: { METRICS_PORT: String(metricsPort) },
    });
  });

  afterAll(async () => {
    await server?.stop();
    await database?.close();
  });

  const scrape = async (): Promise<{ text: string; samples: Sample[] }> => {
    const response = await fetch(`${metricsUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    return { text, samples: parseExposition(text) };
  };
  const operate = (key: string, body: unknown) => call("/api/v1/operations", { key, body, server: server.url });
  /** The server's JSON log line carrying `reqId`, once written (pino writes asynchronously). */
  const logLineOf = async (reqId: string): Promise<Record<string, unknown>> => {
    const find = () =>
      server
        .log()
        .split("\n")
        .find((line) => line.startsWith("{") && line.includes(`"req_id":"${reqId}"`));
    await expect.poll(find, { timeout: 5_000 }).toBeDefined();
    return JSON.parse(find()!) as Record<string, unknown>;
  };

  it("serves /metrics on METRICS_PORT only, in Prometheus's text format", async () => {
    const { text } = await scrape();
    for (const [name, type] of [
      ["meterdesk_api_calls_total", "counter"],
      ["meterdesk_api_refusals_total", "counter"],
      ["meterdesk_api_call_duration_seconds", "histogram"],
      ["meterdesk_debit_duration_seconds", "histogram"],
      ["meterdesk_debit_batch_size", "histogram"],
      ["meterdesk_debit_queue_depth", "gauge"],
      ["meterdesk_rate_limit_decisions_total", "counter"],
      ["meterdesk_rate_limit_fail_open_total", "counter"],
      ["meterdesk_billing_runs_total", "counter"],
      ["meterdesk_billing_run_duration_seconds", "histogram"],
      ["meterdesk_billing_run_jobs_total", "counter"],
      ["meterdesk_payment_failures_total", "counter"],
      ["meterdesk_payment_successes_total", "counter"],
      ["meterdesk_outbox_backlog", "gauge"],
      ["meterdesk_outbox_oldest_pending_seconds", "gauge"],
      ["process_cpu_seconds_total", "counter"],
    ]) {
      expect(text, name).toContain(`# TYPE ${name} ${type}\n`);
    }
    const samples = parseExposition(text);
    // Read from the database at scrape time; the other suites' workspaces may have rows waiting.
    expect(total(samples, "meterdesk_outbox_backlog", { state: "pending" })).toBeGreaterThanOrEqual(0);
    expect(samples.some((s) => s.name === "meterdesk_debit_queue_depth" && s.labels.state === "waiting")).toBe(true);

    expect((await fetch(`${metricsUrl}/elsewhere`)).status).toBe(404);
    // The public port does not serve them.
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
  });

  it("3 charged calls, 2 with an invalid key and 1 out of credits move the counters by exactly those calls", async () => {
    const ws = await apiWorkspace(database, { now: NOW });
    await database.prisma.$transaction((tx) =>
      setWorkspaceRateLimit(tx, {
        workspaceId: ws.workspaceId,
        window: "SECOND",
        limit: 100_000,
        reason: "test",
        actor: support,
        now: NOW,
      }),
    );
    // No included credits, no prepaid, flex off: a training run (no free tier) is refused (402, 11100).
    const broke = await apiWorkspace(database, { now: NOW, included: 0n, flexEnabled: false });
    const before = (await scrape()).samples;

    const charged = [];
    for (let i = 0; i < 3; i++) charged.push(await operate(ws.secret, { type: "search", inputs: 2 }));
    expect(charged.map((reply) => reply.status)).toEqual([200, 200, 200]);
    const invalid = [
      await call("/api/v1/operations", { authorization: "Key md_not_a_key", body: { type: "search", inputs: 1 }, server: server.url }),
      await call("/api/v1/operations", { body: { type: "search", inputs: 1 }, server: server.url }),
    ];
    expect(invalid.map((reply) => reply.status)).toEqual([401, 401]);
    const refused = await operate(broke.secret, { type: "train", runs: 1 });
    expect([refused.status, (refused.json as { status: { code: number } }).status.code]).toEqual([402, 11100]);

    const after = (await scrape()).samples;
    const moved = (name: string, labels: Record<string, string> = {}) => total(after, name, labels) - total(before, name, labels);

    expect(moved("meterdesk_api_calls_total", { type: "search", outcome: "charged" })).toBe(3);
    expect(moved("meterdesk_api_calls_total", { type: "none", outcome: "refused" })).toBe(2);
    expect(moved("meterdesk_api_calls_total", { type: "train", outcome: "refused" })).toBe(1);
    expect(moved("meterdesk_api_calls_total")).toBe(6);
    expect(moved("meterdesk_api_refusals_total", { status: "INVALID_KEY", reason: "invalid_key" })).toBe(2);
    expect(moved("meterdesk_api_refusals_total", { status: "INSUFFICIENT_CREDITS" })).toBe(1);
    expect(moved("meterdesk_api_refusals_total")).toBe(3);
    expect(moved("meterdesk_api_call_duration_seconds_count")).toBe(6);
    expect(moved("meterdesk_api_call_duration_seconds_count", { outcome: "charged" })).toBe(3);
    // Every call that reached the debit went through the queue: the 3 charged and the 1 out of credits.
    expect(moved("meterdesk_debit_duration_seconds_count")).toBe(4);
    expect(moved("meterdesk_debit_batch_size_sum")).toBe(4);
    // The limiter decided for the calls with a valid key; none was throttled.
    expect(moved("meterdesk_rate_limit_decisions_total", { decision: "allowed", window: "all" })).toBe(4);
    expect(moved("meterdesk_rate_limit_decisions_total", { decision: "refused" })).toBe(0);
    expect(total(after, "meterdesk_debit_queue_depth")).toBe(0);

    // One JSON line per call, found by the req_id the caller got (header and body alike).
    const first = charged[0]!;
    expect(first.headers.get("x-request-id")).toBe(reqIdOf(first));
    expect(await logLineOf(reqIdOf(first))).toMatchObject({
      level: "info",
      msg: "api call",
      req_id: reqIdOf(first),
      status: "OK",
      code: 10000,
      http: 200,
      outcome: "charged",
      workspace_id: ws.workspaceId,
      type: "search",
      operations: 2,
      duration_ms: expect.any(Number),
    });
    expect(await logLineOf(reqIdOf(refused))).toMatchObject({
      status: "INSUFFICIENT_CREDITS",
      http: 402,
      outcome: "refused",
      workspace_id: broke.workspaceId,
      type: "train",
    });
    expect(await logLineOf(invalid[0]!.headers.get("x-request-id")!)).toMatchObject({
      status: "INVALID_KEY",
      http: 401,
      reason: "invalid_key",
      workspace_id: null,
    });
  });
});
