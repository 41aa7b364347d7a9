// One-click unsubscribe (RFC 8058): the List-Unsubscribe link of optional notices.
// POST turns the notice off; GET only shows the confirmation page.
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { oneClickPage, oneClickUnsubscribe } from "@/lib/email/one-click";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return oneClickUnsubscribe(await db(), request, now());
}

export function GET(request: Request) {
  return oneClickPage(request);
}
