// GET /api/v1/balance: the workspace's balances by source and its rate limits (R9.5).
import { authenticate, internalErrorReply, limitsOf, newRequestId } from "@/lib/api/metering";
import { fromWebRequest, jsonReply, toWebResponse } from "@/lib/api/transport";
import { statusBody } from "@/lib/api/status";
import { balanceJson } from "@/lib/api/usage-json";
import { now } from "@/lib/clock";
import { database } from "@/lib/db";
import { readBalanceSnapshot } from "@/lib/db/ledger/balance";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const reqId = newRequestId();
  try {
    const at = now();
    const auth = await authenticate(fromWebRequest(request), reqId, at);
    if (!auth.ok) return toWebResponse(auth.reply);
    const balance = await readBalanceSnapshot((await database()).prisma, auth.key.workspaceId, at);
    const limits = limitsOf(auth.key);
    const reply = jsonReply(
      200,
      JSON.stringify({
        ...statusBody("OK", reqId),
        balance: balanceJson(balance),
        rate_limits: {
          per_second: limits.find((l) => l.window === "SECOND")?.limit ?? null,
          per_hour: limits.find((l) => l.window === "HOUR")?.limit ?? null,
        },
      }),
      { "x-request-id": reqId },
    );
    return toWebResponse(reply);
  } catch (error) {
    console.error(`[api] ${reqId} GET /api/v1/balance failed`, error);
    return toWebResponse(internalErrorReply(reqId));
  }
}
