// The support console's account search as the browser sees it: the JSON the
// route answers (credits as decimal strings, instants as ISO strings), its
// TanStack Query key and its URL. Shared by the server (the route, and the
// page that renders the first answer) and the browser. No zod here: it stays
// out of the browser's bundle (account-search-request.ts validates).
import type { BillingState } from "@/lib/generated/prisma/enums";
import type { AccountSearchResult, SearchField } from "@/lib/db/queries/support";

/** The longest query the search accepts. */
export const SEARCH_QUERY_MAX = 200;

export interface AccountSearchHit {
  id: string;
  name: string;
  slug: string;
  billingState: BillingState;
  graceEndsAt: string | null;
  retentionEndsAt: string | null;
  planName: string | null;
  ownerEmail: string | null;
  /** Credits as decimal strings: included (live at the search's instant) and prepaid. */
  balance: { included: string; prepaid: string } | null;
  matched: { field: SearchField; value: string };
}

export interface AccountSearchAnswer {
  query: string;
  accounts: AccountSearchHit[];
  /** True when there may be more matches than the answer lists. */
  limited: boolean;
}

/** What staff read in the "Matched" column. */
export const matchedFieldLabels: Record<SearchField, string> = {
  id: "Workspace id",
  stripeCustomer: "Stripe customer",
  invoice: "Invoice",
  apiKey: "API key",
  email: "Email",
  name: "Name",
  slug: "Slug",
};

/** Hierarchical: the support console, its accounts, this search. */
export const accountSearchKey = (query: string) => ["support", "accounts", "search", query] as const;

export const accountSearchUrl = (query: string) => `/api/support/search?${new URLSearchParams({ q: query })}`;

export function accountSearchAnswer(query: string, accounts: AccountSearchResult[], limit: number): AccountSearchAnswer {
  return {
    query,
    limited: accounts.length >= limit,
    accounts: accounts.map((account) => ({
      id: account.id,
      name: account.name,
      slug: account.slug,
      billingState: account.billingState,
      graceEndsAt: account.graceEndsAt?.toISOString() ?? null,
      retentionEndsAt: account.retentionEndsAt?.toISOString() ?? null,
      planName: account.planName,
      ownerEmail: account.ownerEmail,
      balance: account.balance ? { included: String(account.balance.included), prepaid: String(account.balance.prepaid) } : null,
      matched: account.matched,
    })),
  };
}
