import "server-only";

// The support search's input, read with zod, and its answer: what the route
// and the console's first render share. Callers check the staff role first.
import { z } from "zod";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { SEARCH_LIMIT, searchAccounts } from "@/lib/db/queries/support";
import { accountSearchAnswer, SEARCH_QUERY_MAX, type AccountSearchAnswer } from "./account-search-query";

export const accountSearchQuerySchema = z
  .string()
  .trim()
  .min(1, "Type an email, a workspace name or id, an API-key prefix, an invoice number or a Stripe customer id.")
  .max(SEARCH_QUERY_MAX, `A search is at most ${SEARCH_QUERY_MAX} characters.`);

/** The accounts matching an already validated query, at the clock's now. */
export async function loadAccountSearch(query: string): Promise<AccountSearchAnswer> {
  const accounts = await searchAccounts(await db(), query, now());
  return accountSearchAnswer(query, accounts, SEARCH_LIMIT);
}
