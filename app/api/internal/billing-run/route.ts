// Internal: does the billing run in this server's process. `npm run
// billing:run` calls it when the embedded database is held by this server
// (PGlite allows one process). Only from the machine itself — a loopback peer,
// not relayed by a proxy — and authenticated with a token derived from the
// server's secret, which only someone with access to the data folder has.
import { timingSafeEqual } from "node:crypto";
import { NextResponse } from "next/server";
import { z } from "zod";
import { internalBillingRunToken, runBillingOnce } from "@/lib/billing-run";
import { now as clockNow } from "@/lib/clock";
import { database } from "@/lib/db";
import { isFromThisMachine } from "@/lib/http/client-address";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ now: z.iso.datetime({ offset: true }).optional() });

function authorised(request: Request): boolean {
  const presented = Buffer.from(request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "");
  const expected = Buffer.from(internalBillingRunToken());
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export async function POST(request: Request) {
  if (!isFromThisMachine((name) => request.headers.get(name))) {
    return NextResponse.json(
      { error: "the billing run is started from the server's own machine only (npm run billing:run)" },
      { status: 403 },
    );
  }
  if (!authorised(request)) return NextResponse.json({ error: "unauthorised" }, { status: 401 });
  const parsed = bodySchema.safeParse(await request.json().catch(() => ({})));
  if (!parsed.success) return NextResponse.json({ error: "now must be an ISO-8601 instant" }, { status: 400 });
  const now = parsed.data.now ? new Date(parsed.data.now) : clockNow();
  const lines: string[] = [];
  const result = await runBillingOnce(await database(), now, (line) => lines.push(line));
  if (!result.ran) return NextResponse.json({ error: "the billing run is already in progress; try again in a moment" }, { status: 409 });
  return NextResponse.json({ now: now.toISOString(), summary: result.summary, lines });
}
