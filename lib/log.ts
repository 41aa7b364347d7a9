// Structured logs (docs/OPERATIONS.md): one JSON object per line on stdout,
// for a log shipper to index. The metering API writes one line per call with
// the req_id its answer carries, so a customer's req_id leads to its line.
//
// One logger per process, kept on globalThis like the other process-wide
// objects (the production server and the Next.js bundles each load lib/),
// created on first use: the settings it reads are loaded after the server
// bundle's imports run. Lines are written asynchronously (pino's default
// destination), off the request's time. Tests (NODE_ENV=test) log nothing.
//
// The older bracketed console lines (`[billing run] …`, `[api] … failed`)
// stay as they are: tests and operators grep them.
import pino, { type Logger } from "pino";
import { env } from "@/lib/env";

const holder = globalThis as unknown as { __meterdeskLog?: Logger };

/** The process's JSON logger. */
export function logger(): Logger {
  holder.__meterdeskLog ??= pino({
    level: env().NODE_ENV === "test" ? "silent" : "info",
    // `"level":"info"` rather than pino's number, and ISO times: readable without pino's tools.
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  return holder.__meterdeskLog;
}
