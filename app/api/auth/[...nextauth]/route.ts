// Serves next-auth's endpoints: sign-in, callbacks, session and sign-out.
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";

export const dynamic = "force-dynamic";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handle(request: Request, context: RouteContext) {
  const handler = NextAuth(authOptions());
  return handler(request, { params: await context.params });
}

export { handle as GET, handle as POST };
