// Support console home (R11): find an account by anything a customer might quote.
import { SearchX, Search } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { BillingStateBadge } from "@/components/billing/billing-state";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Input } from "@/components/ui/input";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { requireStaff } from "@/lib/auth/access";
import { db } from "@/lib/db";
import { SEARCH_LIMIT, searchAccounts } from "@/lib/db/queries/support";

export const metadata: Metadata = { title: "Support console" };

export default async function SupportSearchPage({ searchParams }: { searchParams: Promise<{ q?: string | string[] }> }) {
  await requireStaff();
  const raw = (await searchParams).q;
  const q = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? "";
  const results = q ? await searchAccounts(await db(), q) : [];

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
        <form role="search" action="/support" method="get" className="flex flex-col gap-2 sm:flex-row">
          <label htmlFor="account-search" className="sr-only">
            Search accounts
          </label>
          <div className="relative flex-1">
            <Search aria-hidden className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" />
            <Input
              id="account-search"
              name="q"
              type="search"
              defaultValue={q}
              placeholder="Email, workspace name or id, API-key prefix, invoice number, Stripe customer id"
              autoComplete="off"
              className="pl-9"
            />
          </div>
          <Button type="submit" size="lg">
            Search
          </Button>
        </form>

        <div className="mt-6">
          {!q ? (
            <EmptyState
              icon={Search}
              title="Search for an account"
              description="Find a workspace by a member's email, its name or id, an API-key prefix (mdk_…), an invoice number or a Stripe customer id (cus_…)."
            />
          ) : results.length === 0 ? (
            <EmptyState
              icon={SearchX}
              title="No accounts match"
              description={
                <>
                  Nothing matches “<span className="font-medium text-foreground">{q}</span>”. Check the spelling, or search by another
                  field.
                </>
              }
            />
          ) : (
            <>
              <p className="mb-3 text-sm text-muted-foreground tabular-nums" role="status">
                {results.length === SEARCH_LIMIT
                  ? `First ${SEARCH_LIMIT} accounts`
                  : `${results.length} ${results.length === 1 ? "account" : "accounts"}`}{" "}
                matching “{q}”
              </p>
              <Table label="Matching accounts">
                <THead>
                  <tr>
                    <Th>Workspace</Th>
                    <Th>Plan</Th>
                    <Th>Owner</Th>
                    <Th>Billing state</Th>
                  </tr>
                </THead>
                <TBody>
                  {results.map((account) => (
                    <Tr key={account.id}>
                      <Td>
                        <Link href={`/support/accounts/${account.id}`} className="font-medium text-primary hover:underline">
                          {account.name}
                        </Link>
                        <p className="font-mono text-xs text-muted-foreground">{account.slug}</p>
                      </Td>
                      <Td>{account.planName ?? <span className="text-muted-foreground">No plan</span>}</Td>
                      <Td className="text-muted-foreground">{account.ownerEmail ?? "—"}</Td>
                      <Td>
                        <BillingStateBadge info={account} />
                      </Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            </>
          )}
        </div>
      </section>
    </>
  );
}
