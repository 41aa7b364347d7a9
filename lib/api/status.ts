// The metering API's status codes (R9.2–R9.4) and the bodies that carry them.
// Pure; the route handlers turn these into HTTP responses.

export const API_STATUS = {
  OK: { code: 10000, http: 200, description: "Ok" },
  INVALID_KEY: { code: 11001, http: 401, description: "Invalid API key" },
  INVALID_BODY: { code: 11002, http: 400, description: "Invalid request" },
  IDEMPOTENCY_MISMATCH: { code: 11003, http: 409, description: "Idempotency key reused with a different request" },
  THROTTLED: { code: 11005, http: 429, description: "Making too many requests" },
  INSUFFICIENT_CREDITS: { code: 11100, http: 402, description: "Insufficient credits" },
  ARREARS: { code: 11101, http: 402, description: "Account in arrears" },
  RETENTION: { code: 11102, http: 403, description: "Account suspended" },
  SPEND_CAP: { code: 11103, http: 402, description: "Monthly spend cap reached" },
  INTERNAL: { code: 10020, http: 500, description: "Internal error, nothing was charged; retry with the same Idempotency-Key" },
} as const;

export type ApiStatusName = keyof typeof API_STATUS;

export interface StatusBody {
  status: { code: number; description: string; details?: string; req_id: string };
}

export function statusBody(name: ApiStatusName, reqId: string, details?: string): StatusBody {
  const { code, description } = API_STATUS[name];
  // Key order is part of the contract (R9.3 shows code, description, details, req_id).
  return details === undefined
    ? { status: { code, description, req_id: reqId } }
    : { status: { code, description, details, req_id: reqId } };
}

/** R9.3: "exceeded limit of 15 requests per second". */
export function throttleDetails(limit: number, window: "SECOND" | "HOUR"): string {
  return `exceeded limit of ${limit} requests per ${window === "SECOND" ? "second" : "hour"}`;
}
