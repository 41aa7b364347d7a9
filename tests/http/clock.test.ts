// R8.7 through the production server: with METERDESK_NOW set, the metering
// API (the server's own bundle) and the billing run (a Next.js bundle) read
// one clock, started at boot — so usage is stamped at the instant the billing
// run states it for.
import { createHmac, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/lib/db/connect";
import { applyMigrations } from "@/lib/db/migrate";
import { createScratchDatabase, startAppServer, type AppServer } from "../../scripts/lib/app-server";
import type { ScratchDatabase } from "../../scripts/lib/scratch-database";
import { generateApiKey } from "@/lib/api-keys/key";
import { loadCatalog, makeWorkspace } from "../helpers/factories";

const START = "2027-03-15T10:00:00.000Z";
const authSecret = randomBytes(32).toString("hex");
// lib/billing-run.ts derives the internal endpoint's token from the session secret this way.
const internalToken = createHmac("sha256", authSecret).update("meterdesk:billing-run").digest("base64url");

describe("one clock per process (R8.7)", () => {
  let scratch: ScratchDatabase;
  let database: Database;
  let server: AppServer;

  beforeAll(async () => {
    scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test", "md_clock");
    database = await openDatabase({ kind: "postgres", url: scratch.url }, { poolSize: 2 });
    await applyMigrations(database.sql);
    await loadCatalog(database.prisma);
    server = await startAppServer({ databaseUrl: scratch.url, authSecret, env: { METERDESK_NOW: START } });
  });

  afterAll(async () => {
    await server?.stop();
    await database?.close();
    await scratch?.drop();
  });

  async function operate(secret: string): Promise<Date> {
    const response = await fetch(`${server.url}/api/v1/operations`, {
      method: "POST",
      headers: { authorization: `Key ${secret}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "predict", inputs: 2000 }),
    });
    expect(response.status).toBe(200);
    const { status } = (await response.json()) as { status: { req_id: string } };
    const event = await database.prisma.usageEvent.findFirstOrThrow({ where: { requestId: status.req_id }, select: { occurredAt: true } });
    return event.occurredAt;
  }

  async function billingRun(body: { now?: string }): Promise<{ now: string; summary: { statements: number } }> {
    const response = await fetch(`${server.url}/api/internal/billing-run`, {
      method: "POST",
      headers: { authorization: `Bearer ${internalToken}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { now: string; summary: { statements: number } };
  }

  it("stamps API usage and runs the billing on the same instant, however late each bundle first reads the clock", async () => {
    const workspace = await makeWorkspace(database.prisma, { now: new Date("2027-03-01T00:00:00Z"), prepaid: 1_000_000_000n });
    const key = generateApiKey();
    await database.prisma.apiKey.create({
      data: { workspaceId: workspace.id, name: "clock", prefix: key.prefix, secretHash: key.secretHash },
    });

    // The fast path reads the clock first; the billing run (a Next.js route) 3 s later.
    const first = await operate(key.secret);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const run = await billingRun({});
    const second = await operate(key.secret);

    const billingNow = Date.parse(run.now);
    expect(first.getTime()).toBeGreaterThanOrEqual(Date.parse(START));
    // Two clocks started at each bundle's first use would be ~3 s apart here.
    expect(billingNow).toBeGreaterThan(first.getTime() + 2_500);
    expect(Math.abs(second.getTime() - billingNow)).toBeLessThan(1_000);

    // The statement the billing run writes for that hour holds both operations' credits.
    const hourStart = new Date(Math.floor(second.getTime() / 3_600_000) * 3_600_000);
    await billingRun({ now: new Date(hourStart.getTime() + 2 * 3_600_000).toISOString() });
    const statements = await database.prisma.usageStatement.findMany({
      where: { workspaceId: workspace.id },
      select: { hourStart: true, credits: true },
    });
    const events = await database.prisma.usageEvent.findMany({ where: { workspaceId: workspace.id }, select: { credits: true } });
    expect(statements.map((s) => s.hourStart.toISOString())).toEqual([hourStart.toISOString()]);
    expect(statements.reduce((sum, s) => sum + s.credits, 0n)).toBe(events.reduce((sum, e) => sum + e.credits, 0n));
  });
});
