// Starts the production server (`npm run build` must have run) as a child
// process on a free port, for the HTTP tests, the crash test and the ingest
// benchmark: the same entry as `npm start`, on PostgreSQL or on an embedded
// PGlite folder (R13's default). Also a bare Node HTTP server, the ceiling the
// ingest benchmark compares the app with.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";

export const SERVER_ENTRY = ".next/meterdesk/server.mjs";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export interface AppServer {
  url: string;
  port: number;
  child: ChildProcess;
  log(): string;
  /** SIGTERM, then SIGKILL if it lingers. */
  stop(): Promise<void>;
  /** kill -9: no shutdown at all. */
  crash(): Promise<void>;
}

export interface AppServerOptions {
  /** The PostgreSQL database; or, without it, … */
  databaseUrl?: string;
  /** … a PGlite folder (migrated and seeded, and held by no other process: the server opens it). */
  pgliteDir?: string;
  redisUrl?: string;
  port?: number;
  authSecret?: string;
  env?: Record<string, string>;
  /** Extra flags for node itself, e.g. `--cpu-prof` to profile the server. */
  nodeArgs?: string[];
}

export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  const port = options.port ?? (await freePort());
  if (Boolean(options.databaseUrl) === Boolean(options.pgliteDir)) throw new Error("startAppServer needs a databaseUrl or a pgliteDir");
  const database: Record<string, string> = options.databaseUrl
    ? { DATABASE_URL: options.databaseUrl }
    : { DATABASE_URL: "", PGLITE_DIR: options.pgliteDir! };
  return spawnServer(port, [...(options.nodeArgs ?? []), SERVER_ENTRY], {
    NODE_ENV: "production",
    ...database,
    REDIS_URL: options.redisUrl ?? "",
    PORT: String(port),
    HOST: "127.0.0.1",
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    AUTH_SECRET: options.authSecret ?? randomBytes(32).toString("hex"),
    METERDESK_BILLING_RUN: "off",
    ...options.env,
  });
}

// A Node HTTP server that reads each request's body and answers one fixed JSON
// reply: what any server in Node costs on this machine, and so the most the
// metering API could do here (the app's own work is the difference).
const BARE_SERVER_SOURCE = `
const http = require("node:http");
const body = Buffer.from(process.env.BARE_BODY);
const headers = { "content-type": "application/json", "content-length": String(body.length) };
http.createServer((request, response) => {
  request.resume();
  request.on("end", () => { response.writeHead(200, headers); response.end(body); });
}).listen(Number(process.env.PORT), "127.0.0.1");
`;

/** The bare server, in a child process like the app, answering `body` to every request (GET /api/health included). */
export async function startBareServer(options: { body: string; port?: number }): Promise<AppServer> {
  const port = options.port ?? (await freePort());
  return spawnServer(port, ["-e", BARE_SERVER_SOURCE], { PORT: String(port), BARE_BODY: options.body });
}

async function spawnServer(port: number, args: string[], env: Record<string, string>): Promise<AppServer> {
  let output = "";
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // Not up yet.
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the server did not become healthy:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    port,
    child,
    log: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
    async crash() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

export { createScratchDatabase } from "./scratch-database";
