// The Usage page's data for one range, as JSON (TanStack Query fetches it when
// the range changes). Members who may read the workspace only: requireWorkspace
// answers 404 to others and sends the signed-out to sign in.
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireWorkspace } from "@/lib/auth/access";
import { now } from "@/lib/clock";
import { loadUsageView } from "../load-usage";
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
  if (!parsed.success) return Response.json({ ok: false, error: "Choose a range from the list." }, { status: 400 });
  const view = await loadUsageView(ctx, parsed.data, now());
  return Response.json(view, { status: view.ok ? 200 : 400, headers: { "Cache-Control": "private, no-store" } });
}
