// GET /api/support/search?q=… — the support console's account search as JSON
// (R11), fetched as staff type. Staff only: the signed-out get 401 and
// customers 403, both before the query is read or anything is looked up.
import { accountSearchQuerySchema, loadAccountSearch } from "@/app/(support)/support/account-search-request";
import { getSessionUser } from "@/lib/auth/access";

export const dynamic = "force-dynamic";

const PRIVATE = { "Cache-Control": "private, no-store" };

export async function GET(request: Request): Promise<Response> {
  const user = await getSessionUser();
  if (!user)
    return Response.json({ error: "Your session has ended. Sign in again to search accounts." }, { status: 401, headers: PRIVATE });
  if (!user.staffRole) return Response.json({ error: "Only support staff can search accounts." }, { status: 403, headers: PRIVATE });

  const parsed = accountSearchQuerySchema.safeParse(new URL(request.url).searchParams.get("q") ?? "");
  if (!parsed.success) return Response.json({ error: parsed.error.issues[0]!.message }, { status: 400, headers: PRIVATE });
  return Response.json(await loadAccountSearch(parsed.data), { headers: PRIVATE });
}
