// POST /api/v1/operations: perform (meter and charge) one operation request (R9.1–R9.4).
import { performOperation, newRequestId, jsonResponse } from "@/lib/api/metering";
import { statusBody } from "@/lib/api/status";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  try {
    return await performOperation(request);
  } catch (error) {
    // Unexpected: nothing acknowledged; the caller retries with its Idempotency-Key.
    const reqId = newRequestId();
    console.error(`[api] ${reqId} POST /api/v1/operations failed`, error);
    return jsonResponse(500, JSON.stringify(statusBody("INTERNAL", reqId)), { "x-request-id": reqId });
  }
}
