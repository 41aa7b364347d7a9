import "server-only";

// POST /api/v1/operations (R9.1–R9.4): authenticate the key, apply the rate
// limits, validate the body, honour the Idempotency-Key, debit through the
// engine and answer with the usage and balance. Only a successful call is
// counted or charged (R2.4); every refusal is recorded with its reason. Every
// call, whatever its answer, is counted and logged once with its req_id
// (call-record.ts, docs/OPERATIONS.md).
import { createHash, randomBytes } from "node:crypto";
import { apiKeyMatches, apiKeyPrefix } from "@/lib/api-keys/key";
import { now as clockNow } from "@/lib/clock";
import { database } from "@/lib/db";
import type { KeyWithLimits } from "@/lib/db/api-auth";
import { claimIdempotencyKey, storeIdempotentResponse } from "@/lib/db/idempotency";
import type { RefusalReason as DebitRefusal } from "@/lib/db/ledger/debit-types";
import { env } from "@/lib/env";
import { limiterNowMs, retryAfterSeconds, type RateLimit } from "@/lib/rate-limit/limits";
import { metrics } from "@/lib/metrics";
import { activity, type RefusalReason } from "./activity";
import { recordCall, type CallTrace } from "./call-record";
import { debit, debitContext } from "./debit-service";
import { findApiKey } from "./key-lookup";
import { parseOperationBody } from "./operation-request";
import { rateLimiter } from "./rate-limiter";
import { jsonReply, type ApiReply, type ApiRequest } from "./transport";
import { API_STATUS, statusBody, throttleDetails, type ApiStatusName } from "./status";
import { usageJson } from "./usage-json";

const MAX_BODY_BYTES = 16 * 1024;
const MAX_IDEMPOTENCY_KEY = 255;

// Request ids need to be unique, not secret: they are cut from a pool of
// random bytes refilled 4 KiB at a time instead of one system call per request.
const ID_BYTES = 12;
const ID_POOL_BYTES = ID_BYTES * 341;
let idPool = Buffer.alloc(0);
let idOffset = 0;

export function newRequestId(): string {
  if (idOffset + ID_BYTES > idPool.length) {
    idPool = randomBytes(ID_POOL_BYTES);
    idOffset = 0;
  }
  idOffset += ID_BYTES;
  return `req_${idPool.toString("hex", idOffset - ID_BYTES, idOffset)}`;
}

function statusReply(name: ApiStatusName, reqId: string, details?: string, headers: Record<string, string> = {}): ApiReply {
  return jsonReply(API_STATUS[name].http, JSON.stringify(statusBody(name, reqId, details)), { "x-request-id": reqId, ...headers });
}

/** The answer to a request that failed unexpectedly: nothing was acknowledged, so nothing is lost by retrying. */
export function internalErrorReply(reqId: string): ApiReply {
  return statusReply("INTERNAL", reqId);
}

export type Authenticated = { ok: true; key: KeyWithLimits } | { ok: false; reply: ApiReply };

/** R9.1: `Authorization: Key <key>` or `Bearer <key>`; invalid or revoked → 401 with 11001. */
export async function authenticate(request: ApiRequest, reqId: string, at: Date): Promise<Authenticated> {
  const header = request.header("authorization") ?? "";
  const match = /^(?:Key|Bearer)\s+(\S+)$/i.exec(header.trim());
  const secret = match?.[1] ?? "";
  const prefix = apiKeyPrefix(secret);
  if (!prefix) {
    return {
      ok: false,
      reply: statusReply("INVALID_KEY", reqId, header ? "the API key is malformed" : "send the key as Authorization: Key <key>"),
    };
  }
  const key = await findApiKey(prefix);
  if (!key || !apiKeyMatches(secret, key.secretHash)) {
    return { ok: false, reply: statusReply("INVALID_KEY", reqId, "the API key is not valid") };
  }
  if (key.revoked) {
    activity.refused(key.workspaceId, "invalid_key", at);
    return { ok: false, reply: statusReply("INVALID_KEY", reqId, "the API key was revoked") };
  }
  return { ok: true, key };
}

export function limitsOf(key: KeyWithLimits): RateLimit[] {
  const limits: RateLimit[] = [];
  if (key.perSecond) limits.push({ window: "SECOND", limit: key.perSecond });
  if (key.perHour) limits.push({ window: "HOUR", limit: key.perHour });
  return limits;
}

/**
 * R9.3: over a limit → 429 with Retry-After and the limit that was hit; nothing is charged.
 * Decided as of `arrivedMs` (limiterNowMs() when the request arrived), so that the key
 * lookup's time, a cold cache's query included, never lets a burst spread past its second.
 */
export async function throttle(key: KeyWithLimits, reqId: string, at: Date, arrivedMs: number): Promise<ApiReply | null> {
  const decision = await rateLimiter().check(key.workspaceId, limitsOf(key), arrivedMs);
  const decisions = metrics().rateLimitDecisions;
  if (decision.allowed) {
    decisions.inc({ decision: "allowed", window: "all" });
    return null;
  }
  decisions.inc({ decision: "refused", window: decision.window });
  activity.refused(key.workspaceId, "throttled", at);
  return statusReply("THROTTLED", reqId, throttleDetails(decision.limit, decision.window), {
    "retry-after": String(retryAfterSeconds(decision.retryAfterMs)),
  });
}

const refusalStatus: Record<DebitRefusal, { name: ApiStatusName; reason: RefusalReason; details: string }> = {
  insufficient_credits: {
    name: "INSUFFICIENT_CREDITS",
    reason: "insufficient_credits",
    details: "not enough credits for this call; top up, enable flex billing, or wait for the next period",
  },
  flex_off: {
    name: "INSUFFICIENT_CREDITS",
    reason: "flex_off",
    details: "not enough credits for this call and flex billing is off; top up or turn flex billing on in the dashboard",
  },
  arrears: {
    name: "ARREARS",
    reason: "arrears",
    details: "the account is in arrears: calls that need flex or pay-as-you-go credits are refused until the open invoice is paid",
  },
  spend_cap: {
    name: "SPEND_CAP",
    reason: "spend_cap",
    details: "the monthly spend cap is reached; raise it in the dashboard or wait for the next period",
  },
  retention: {
    name: "RETENTION",
    reason: "retention",
    details: "the account is suspended for an unpaid invoice; pay it to restore service",
  },
  unknown_workspace: { name: "INVALID_KEY", reason: "invalid_key", details: "the API key's workspace no longer exists" },
  key_revoked: { name: "INVALID_KEY", reason: "invalid_key", details: "the API key was revoked" },
  unknown_operation_type: { name: "INVALID_BODY", reason: "invalid_body", details: "type: unknown operation type" },
};

async function readBody(request: ApiRequest): Promise<{ ok: true; raw: string } | { ok: false; message: string }> {
  const length = Number(request.header("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) return { ok: false, message: `body: at most ${MAX_BODY_BYTES} bytes` };
  const raw = await request.text(MAX_BODY_BYTES);
  if (raw === null) return { ok: false, message: `body: at most ${MAX_BODY_BYTES} bytes` };
  return { ok: true, raw };
}

export async function performOperation(request: ApiRequest): Promise<ApiReply> {
  // R9.3: the rate limits decide as of this instant, before anything slow.
  const arrivedMs = limiterNowMs();
  const reqId = newRequestId();
  const trace: CallTrace = { status: "INTERNAL", reason: null, workspaceId: null, type: null, operations: null, replayOf: null };
  let reply: ApiReply;
  try {
    reply = await meterOperation(request, reqId, arrivedMs, trace);
  } catch (error) {
    // Unexpected: nothing acknowledged; the caller retries with its Idempotency-Key.
    console.error(`[api] ${reqId} POST /api/v1/operations failed`, error);
    trace.status = "INTERNAL";
    reply = internalErrorReply(reqId);
  }
  recordCall(reqId, trace, reply.status, limiterNowMs() - arrivedMs);
  return reply;
}

/** One call; `trace` is filled in on the way (who, what, which answer) for the call's metrics and log line. */
async function meterOperation(request: ApiRequest, reqId: string, arrivedMs: number, trace: CallTrace): Promise<ApiReply> {
  const refuse = (name: ApiStatusName, reason: RefusalReason, reply: ApiReply) => {
    trace.status = name;
    trace.reason = reason;
    return reply;
  };
  const at = clockNow();
  const auth = await authenticate(request, reqId, at);
  if (!auth.ok) return refuse("INVALID_KEY", "invalid_key", auth.reply);
  const { key } = auth;
  trace.workspaceId = key.workspaceId;

  const throttled = await throttle(key, reqId, at, arrivedMs);
  if (throttled) return refuse("THROTTLED", "throttled", throttled);

  const refuseBody = (message: string) => {
    activity.refused(key.workspaceId, "invalid_body", at);
    return refuse("INVALID_BODY", "invalid_body", statusReply("INVALID_BODY", reqId, message));
  };
  const idempotencyKey = request.header("idempotency-key");
  if (idempotencyKey !== null && (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY)) {
    return refuseBody(`Idempotency-Key: 1 to ${MAX_IDEMPOTENCY_KEY} characters`);
  }
  const body = await readBody(request);
  if (!body.ok) return refuseBody(body.message);
  let json: unknown;
  try {
    json = JSON.parse(body.raw);
  } catch {
    return refuseBody("body: not valid JSON");
  }
  const context = await debitContext();
  const parsed = parseOperationBody(json, context.catalog.types);
  if (!parsed.ok) return refuseBody(parsed.message);
  trace.type = parsed.value.type;
  trace.operations = Number(parsed.value.operations);

  const prisma = (await database()).prisma;
  let debitKey = `req:${reqId}`;
  if (idempotencyKey !== null) {
    const requestHash = createHash("sha256").update(body.raw).digest("hex");
    const claim = await claimIdempotencyKey(prisma, { workspaceId: key.workspaceId, key: idempotencyKey, requestHash, now: at });
    if (claim.kind === "mismatch") {
      activity.refused(key.workspaceId, "idempotency_mismatch", at);
      return refuse(
        "IDEMPOTENCY_MISMATCH",
        "idempotency_mismatch",
        statusReply("IDEMPOTENCY_MISMATCH", reqId, "Idempotency-Key: this key was used with a different request body"),
      );
    }
    if (claim.kind === "answered") {
      traceReplay(trace, claim.body);
      return jsonReply(claim.status, claim.body, { "idempotent-replayed": "true" });
    }
    // The debit is keyed too, by this use of the key: a retry after a crash is never charged twice.
    debitKey = `idem:${claim.since.getTime()}:${idempotencyKey}`;
  }

  const outcome = await debit({
    workspaceId: key.workspaceId,
    operationType: parsed.value.type,
    operations: parsed.value.operations,
    idempotencyKey: debitKey,
    requestId: reqId,
    apiKeyId: key.keyId,
    at,
  });
  activity.keyUsed(key.workspaceId, key.keyId, at);

  let status: number;
  let text: string;
  if (outcome.status === "charged") {
    trace.status = "OK";
    status = 200;
    text = JSON.stringify({
      ...statusBody("OK", reqId),
      usage: usageJson({
        operations: outcome.operations,
        credits: outcome.credits,
        sources: outcome.sources,
        balance: outcome.balance,
        creditsPerUsd: env().CREDITS_PER_USD,
      }),
    });
  } else {
    const refusal = refusalStatus[outcome.reason];
    activity.refused(key.workspaceId, refusal.reason, at);
    trace.status = refusal.name;
    trace.reason = refusal.reason;
    status = API_STATUS[refusal.name].http;
    text = JSON.stringify(statusBody(refusal.name, reqId, refusal.details));
  }
  if (idempotencyKey === null) return jsonReply(status, text, { "x-request-id": reqId });
  // The first stored answer wins, so concurrent duplicates return the same bytes.
  const answer = await storeIdempotentResponse(prisma, { workspaceId: key.workspaceId, key: idempotencyKey, status, body: text });
  if (answer.body !== text) traceReplay(trace, answer.body);
  return jsonReply(answer.status, answer.body, { "x-request-id": reqId });
}

/** A replayed answer: the first call's req_id and status, from the stored body. */
function traceReplay(trace: CallTrace, storedBody: string) {
  try {
    const { status } = JSON.parse(storedBody) as { status: { code: number; req_id: string } };
    trace.replayOf = status.req_id;
    trace.status = STATUS_BY_CODE.get(status.code) ?? trace.status;
  } catch {
    trace.replayOf = "unknown";
  }
}

const STATUS_BY_CODE = new Map<number, ApiStatusName>(Object.entries(API_STATUS).map(([name, { code }]) => [code, name as ApiStatusName]));
