// Support console home (R11): find an account by anything a customer might quote.
// The first answer for `?q=` is rendered here, so a link, a reload or a browser
// without JavaScript shows it; typing then searches through /api/support/search.
import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import type { Metadata } from "next";
import { QueryProvider } from "@/components/query-provider";
import { requireStaff } from "@/lib/auth/access";
import { env } from "@/lib/env";
import { AccountSearch } from "./account-search";
import { accountSearchKey } from "./account-search-query";
import { accountSearchQuerySchema, loadAccountSearch } from "./account-search-request";

export const metadata: Metadata = { title: "Support console" };

export default async function SupportSearchPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  await requireStaff();
  const raw = (await searchParams).q;
  const typed = (Array.isArray(raw) ? raw[0] : raw) ?? "";
  const parsed = accountSearchQuerySchema.safeParse(typed);
  const query = typed.trim();

  const queryClient = new QueryClient();
  if (parsed.success)
    await queryClient.prefetchQuery({ queryKey: accountSearchKey(parsed.data), queryFn: () => loadAccountSearch(parsed.data) });

  return (
    <>
      <div className="mb-8 space-y-1.5">
        <h1 className="text-2xl font-semibold tracking-tight">Support console</h1>
        <p className="text-sm text-muted-foreground">
          Look up any customer account by email, workspace name or id, API key prefix, invoice number or Stripe customer id.
        </p>
      </div>

      <section aria-labelledby="accounts-heading">
        <h2 id="accounts-heading" className="mb-3 text-base font-semibold tracking-tight">
          Accounts
        </h2>
        <QueryProvider>
          <HydrationBoundary state={dehydrate(queryClient)}>
            <AccountSearch initialQuery={query} creditsPerUsd={String(env().CREDITS_PER_USD)} />
          </HydrationBoundary>
        </QueryProvider>
      </section>
    </>
  );
}
