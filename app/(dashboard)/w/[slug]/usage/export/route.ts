// The chosen range's usage as a CSV download, streamed as it is read
// (lib/db/queries/usage-export.ts). Members who may read the workspace only.
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireWorkspace } from "@/lib/auth/access";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { usageCsvLines } from "@/lib/db/queries/usage-export";
import { localDate, resolveRange, UsageRangeError } from "@/lib/usage/range";
import { usageRequestSchema } from "../usage-request";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const slug = z
    .string()
    .min(1)
    .max(100)
    .safeParse((await params).slug);
  if (!slug.success) notFound();
  const ctx = await requireWorkspace(slug.data, "read");
  const parsed = usageRequestSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success)
    return new Response("Choose a range from the list.\n", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const { range: kind, from, to, tz } = parsed.data;
  const subscription = ctx.subscription;
  const period = subscription?.currentPeriodEnd ? { start: subscription.currentPeriodStart, end: subscription.currentPeriodEnd } : null;
  let range;
  try {
    range = resolveRange({ kind, from, to, timeZone: tz }, now(), period);
  } catch (error) {
    if (error instanceof UsageRangeError)
      return new Response(`${error.message}\n`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw error;
  }

  const prisma = await db();
  const lines = usageCsvLines(prisma, ctx.workspace.id, range);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  const last = new Date(range.end.getTime() - 1);
  const filename = `usage-${ctx.workspace.slug}-${localDate(range.start, tz)}-to-${localDate(last, tz)}.csv`.replace(
    /[^A-Za-z0-9._-]/g,
    "_",
  );
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
