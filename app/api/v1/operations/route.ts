// POST /api/v1/operations: perform (meter and charge) one operation request (R9.1–R9.4).
// The production server answers this path itself, before Next.js routing
// (server/index.ts); this handler serves it under `next dev` and `next start`.
import { internalErrorReply, newRequestId, performOperation } from "@/lib/api/metering";
import { fromWebRequest, toWebResponse } from "@/lib/api/transport";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  try {
    return toWebResponse(await performOperation(fromWebRequest(request)));
  } catch (error) {
    // Unexpected: nothing acknowledged; the caller retries with its Idempotency-Key.
    const reqId = newRequestId();
    console.error(`[api] ${reqId} POST /api/v1/operations failed`, error);
    return toWebResponse(internalErrorReply(reqId));
  }
}
