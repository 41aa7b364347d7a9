// What one metering API call leaves for operators (docs/OPERATIONS.md): its
// counters and one JSON log line carrying the req_id the caller was given, so
// a customer's req_id leads to the line. Synchronous: counter increments and
// a log write that pino completes off the request's time.
import type { RefusalReason } from "@/lib/api/activity";
import { logger } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { API_STATUS, type ApiStatusName } from "./status";

/** Filled in by performOperation as the call goes. */
export interface CallTrace {
  /** The answer's status name; INTERNAL until something else is known. */
  status: ApiStatusName;
  /** Why it was refused, as recorded for the customer (R10), when it was. */
  reason: RefusalReason | null;
  workspaceId: string | null;
  /** The operation type and count, once the body was read. */
  type: string | null;
  operations: number | null;
  /** An Idempotency-Key replay: the req_id of the call whose stored answer was returned. */
  replayOf: string | null;
}

export type CallOutcome = "charged" | "refused" | "replayed" | "error";

export function callOutcome(trace: CallTrace): CallOutcome {
  if (trace.replayOf !== null) return "replayed";
  if (trace.status === "OK") return "charged";
  if (trace.status === "INTERNAL") return "error";
  return "refused";
}

export function recordCall(reqId: string, trace: CallTrace, http: number, durationMs: number): void {
  const outcome = callOutcome(trace);
  const m = metrics();
  m.apiCalls.inc({ type: trace.type ?? "none", outcome });
  if (outcome === "refused") m.apiRefusals.inc({ status: trace.status, reason: trace.reason ?? "none" });
  m.apiDuration.observe({ outcome }, durationMs / 1000);
  logger().info(
    {
      req_id: reqId,
      method: "POST",
      path: "/api/v1/operations",
      status: trace.status,
      code: API_STATUS[trace.status].code,
      http,
      outcome,
      ...(trace.reason !== null && outcome === "refused" ? { reason: trace.reason } : {}),
      workspace_id: trace.workspaceId,
      type: trace.type,
      operations: trace.operations,
      ...(trace.replayOf !== null ? { replay_of: trace.replayOf } : {}),
      duration_ms: Math.round(durationMs * 1000) / 1000,
    },
    "api call",
  );
}
