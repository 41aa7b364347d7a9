// The production server (`npm start`): Next.js behind a Node HTTP server that
// answers the metering API's hot path itself.
//
// POST /api/v1/operations is the one endpoint called at platform rates (R9).
// Through Next.js routing a call costs about as much CPU again as the metering
// itself (request adaptation, routing, Web streams), so this server hands it
// straight to lib/api/metering — the same function the Next.js route handler
// calls — and everything else to Next.js. The process-wide state (database,
// debit queue, key cache, rate limiter, activity counters) is kept on
// globalThis, so this bundle and the Next.js bundles share it.
//
// Every request handed to Next.js gets, from here: the security headers with
// a fresh CSP nonce (set on the request too, where Next.js reads it to put on
// its scripts; lib/http/security-headers.ts), and the socket's peer address in
// an internal header that the client cannot set (lib/http/client-address.ts).
// This is done here rather than in a Next.js proxy (middleware): for a
// request with a body, a proxy makes Next.js read the whole body, buffering up
// to 10 MB, before the route runs.
//
// With METRICS_PORT set, a second HTTP server on that port answers GET
// /metrics with the process's Prometheus registry (lib/metrics.ts; the
// Next.js bundles record into the same one through globalThis), apart from
// the public port so that it can be kept off the internet (docs/OPERATIONS.md).
//
// Built by scripts/build-server.mjs into .next/meterdesk/server.mjs.
import http from "node:http";
import { activity } from "@/lib/api/activity";
import { internalErrorReply, newRequestId, performOperation } from "@/lib/api/metering";
import { fromNodeRequest, sendReply } from "@/lib/api/node-transport";
import { targetsPath } from "@/lib/api/request-path";
import { now, startClock } from "@/lib/clock";
import { closeDatabase, database } from "@/lib/db";
import { readOutboxBacklog } from "@/lib/db/outbox-backlog";
import { env } from "@/lib/env";
import { announcePeerStamping, stampPeerAddress } from "@/lib/http/client-address";
import { isHttps, newNonce, NONCE_HEADER, securityHeaders } from "@/lib/http/security-headers";
import { metrics } from "@/lib/metrics";

const OPERATIONS_PATH = "/api/v1/operations";

async function serveOperation(request: http.IncomingMessage, response: http.ServerResponse) {
  try {
    sendReply(response, await performOperation(fromNodeRequest(request)));
  } catch (error) {
    // Unexpected: nothing acknowledged; the caller retries with its Idempotency-Key.
    const reqId = newRequestId();
    console.error(`[api] ${reqId} POST ${OPERATIONS_PATH} failed`, error);
    if (!response.headersSent) sendReply(response, internalErrorReply(reqId));
    else response.destroy();
  }
}

/** What this server adds to every request and response that Next.js serves. */
function prepareForNext(request: http.IncomingMessage, response: http.ServerResponse, appUrl: string | undefined) {
  stampPeerAddress(request.headers, request.socket.remoteAddress);
  const nonce = newNonce();
  const headers = securityHeaders(nonce, isHttps(appUrl, request.headers["x-forwarded-proto"]));
  // Next.js takes the nonce for its scripts from the request's policy; the client's own copies are dropped.
  delete request.headers["content-security-policy-report-only"];
  request.headers["content-security-policy"] = headers["content-security-policy"];
  request.headers[NONCE_HEADER] = nonce;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
}

/** The Prometheus scrape endpoint, on its own port. */
function serveMetrics(port: number, hostname: string): http.Server {
  const m = metrics();
  m.collectProcessMetrics();
  m.watchOutbox(async () => readOutboxBacklog((await database()).prisma, now()));
  const server = http.createServer((request, response) => {
    if (request.method !== "GET" || new URL(request.url ?? "/", "http://metrics").pathname !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found: GET /metrics\n");
      return;
    }
    m.registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": m.registry.contentType }).end(text),
      (error) => {
        console.error("[metrics] collecting failed", error);
        response.writeHead(500, { "content-type": "text/plain" }).end("collecting the metrics failed\n");
      },
    );
  });
  server.listen(port, hostname, () => console.log(`[metrics] Prometheus metrics on http://${hostname}:${port}/metrics`));
  return server;
}

async function main() {
  // R8.7: one clock for this process, counting from boot (shared with the Next.js bundles through globalThis).
  startClock();
  // Next.js loads .env files itself (in prepare); the app reads its settings lazily, after that.
  const dir = process.cwd();
  const port = Number(process.env.PORT || 3000);
  const hostname = process.env.HOST || "0.0.0.0";
  const { default: next } = await import("next");
  const app = next({ dev: false, dir, hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const { APP_URL, METRICS_PORT } = env();
  announcePeerStamping();
  const metricsServer = METRICS_PORT === undefined ? null : serveMetrics(METRICS_PORT, hostname);

  const server = http.createServer((request, response) => {
    // Every spelling Next.js would route to the operations handler ("/api/v1/./operations", "//api/…") comes here.
    if (request.method === "POST" && targetsPath(request.url, OPERATIONS_PATH)) return void serveOperation(request, response);
    prepareForNext(request, response, APP_URL);
    void handle(request, response);
  });
  server.listen(port, hostname, () =>
    console.log(`▲ Meterdesk (Next.js) ready on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`),
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    // Whatever is still open after 5 s is cut; the database is closed cleanly (PGlite flushes its files).
    setTimeout(() => process.exit(0), 5_000).unref();
    // Stop accepting, let the requests in flight finish (up to 3 s), then write the
    // refused-call and key-use counters they left in memory before the database closes.
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    metricsServer?.close();
    metricsServer?.closeAllConnections();
    void Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 3_000))])
      .then(() => activity.flush())
      .then(() => app.close())
      .catch(() => {})
      .then(() => closeDatabase())
      .catch((error) => console.error("[server] closing the database failed", error))
      .finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
