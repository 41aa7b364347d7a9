"use client";

// The console's search box (R11): results as staff type (250 ms after the last
// keystroke, or at once on Enter), fetched through TanStack Query from
// /api/support/search; the first answer comes hydrated from the server. The
// query is kept in the address (`?q=`), so a link or a reload shows the same
// search, and without JavaScript the form is an ordinary GET of this page.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { LoaderCircle, RotateCw, Search, SearchX } from "lucide-react";
import Link from "next/link";
import { Fragment, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { billingDeadline, type BillingStateInfo } from "@/components/billing/billing-state";
import { formatDate } from "@/components/billing/dates";
import { billingStateLabels } from "@/components/billing/labels";
import { HttpError } from "@/components/query-client";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { inputClassName } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { creditsToCents, formatCents, formatCount, formatCreditAmount } from "@/lib/money";
import {
  accountSearchKey,
  accountSearchUrl,
  matchedFieldLabels,
  SEARCH_QUERY_MAX,
  type AccountSearchAnswer,
  type AccountSearchHit,
} from "./account-search-query";

const DEBOUNCE_MS = 250;
const INPUT_ID = "account-search";

async function fetchAccountSearch(query: string, signal: AbortSignal): Promise<AccountSearchAnswer> {
  let response: Response;
  try {
    response = await fetch(accountSearchUrl(query), { headers: { accept: "application/json" }, signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new HttpError(0, "The server could not be reached.");
  }
  const body = (await response.json().catch(() => null)) as (AccountSearchAnswer & { error?: string }) | null;
  if (!response.ok || !body) throw new HttpError(response.status, body?.error ?? `The server answered ${response.status}.`);
  return body;
}

export function AccountSearch({ initialQuery, creditsPerUsd }: { initialQuery: string; creditsPerUsd: string }) {
  const [text, setText] = useState(initialQuery);
  // What is searched: the text once typing pauses, trimmed.
  const [query, setQuery] = useState(initialQuery.trim());
  const inputRef = useRef<HTMLInputElement>(null);
  const resultsRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const next = text.trim();
    if (next === query) return;
    const timer = window.setTimeout(() => setQuery(next), DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text, query]);

  // The address says what is searched, without adding a history entry per keystroke.
  useEffect(() => {
    const url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    if (url.href !== window.location.href) window.history.replaceState(null, "", url);
  }, [query]);

  // "/" anywhere on the page (outside a field) goes to the search box.
  useEffect(() => {
    const focusSearch = (event: globalThis.KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.key !== "/" || event.metaKey || event.ctrlKey || event.altKey) return;
      if (target?.closest("input, textarea, select, [contenteditable='true']")) return;
      event.preventDefault();
      inputRef.current?.focus();
    };
    document.addEventListener("keydown", focusSearch);
    return () => document.removeEventListener("keydown", focusSearch);
  }, []);

  const tooLong = query.length > SEARCH_QUERY_MAX;
  const search = useQuery({
    queryKey: accountSearchKey(query),
    queryFn: ({ signal }) => fetchAccountSearch(query, signal),
    enabled: query !== "" && !tooLong,
    placeholderData: keepPreviousData,
  });
  const answer = query ? search.data : undefined;
  const searching = query !== "" && !tooLong && search.isFetching;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setQuery(text.trim());
  }

  function change(value: string) {
    setText(value);
    // A cleared box shows the start state at once.
    if (value.trim() === "") setQuery("");
  }

  const resultLinks = () => [...(resultsRef.current?.querySelectorAll<HTMLAnchorElement>("a[data-result-link]") ?? [])];

  function inputKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Escape" && text) {
      event.preventDefault();
      change("");
      return;
    }
    if (event.key !== "ArrowDown") return;
    const first = resultLinks()[0];
    if (!first) return;
    event.preventDefault();
    first.focus();
  }

  // Up and down move between the results' links; up from the first returns to the box.
  function resultsKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const links = resultLinks();
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    if (at < 0) return;
    event.preventDefault();
    const next = event.key === "ArrowDown" ? links[Math.min(at + 1, links.length - 1)] : at === 0 ? inputRef.current : links[at - 1];
    next?.focus();
  }

  return (
    <div>
      <form role="search" action="/support" method="get" onSubmit={submit} className="flex flex-col gap-2 sm:flex-row">
        <label htmlFor={INPUT_ID} className="sr-only">
          Search accounts
        </label>
        <div className="relative flex-1">
          <Search aria-hidden className="pointer-events-none absolute left-3 top-1/2 size-4 -translate-y-1/2 text-muted-foreground" />
          {/* The Input primitive takes no ref; its look, on an input that can be focused from "/" and the results. */}
          <input
            ref={inputRef}
            id={INPUT_ID}
            name="q"
            type="search"
            value={text}
            onChange={(event) => change(event.target.value)}
            onKeyDown={inputKeyDown}
            maxLength={SEARCH_QUERY_MAX}
            placeholder="Email, workspace name or id, API-key prefix, invoice number, Stripe customer id"
            autoComplete="off"
            spellCheck={false}
            aria-keyshortcuts="/"
            aria-describedby="account-search-status"
            // The spinner takes the place of the browser's clear button; Escape clears.
            className={cn(inputClassName, "pl-9 pr-9 [&::-webkit-search-cancel-button]:hidden")}
          />
          <LoaderCircle
            aria-hidden
            className={cn(
              "pointer-events-none absolute right-3 top-1/2 size-4 -translate-y-1/2 animate-spin text-muted-foreground transition-opacity",
              searching ? "opacity-100" : "opacity-0",
            )}
          />
        </div>
        <Button type="submit" size="lg">
          Search
        </Button>
      </form>

      <p id="account-search-status" role="status" className="mb-3 mt-4 min-h-5 text-sm text-muted-foreground tabular-nums">
        {search.isError && !searching ? "" : statusText(query, tooLong, searching, answer)}
      </p>

      {!query ? (
        <EmptyState
          icon={Search}
          title="Search for an account"
          description="Find a workspace by a member's email or its start, any part of its name, its id, an API-key prefix (mdk_…), an invoice number or a Stripe customer id (cus_…). Results appear as you type."
        />
      ) : tooLong ? (
        <Alert tone="warning" title="That search is too long">
          A search is at most {SEARCH_QUERY_MAX} characters. Paste just the email, id or number the customer quoted.
        </Alert>
      ) : search.isError ? (
        <SearchError error={search.error} onRetry={() => void search.refetch()} />
      ) : !answer ? (
        <ResultsSkeleton />
      ) : answer.accounts.length === 0 ? (
        <EmptyState
          icon={SearchX}
          title="No accounts match"
          className={cn("transition-opacity", search.isPlaceholderData && "opacity-60")}
          description={
            <>
              Nothing matches “<span className="font-medium text-foreground">{answer.query}</span>”. Check the spelling, or search by
              another field: the whole invoice number, the start of an email or of a key prefix.
            </>
          }
        />
      ) : (
        <div
          ref={resultsRef}
          onKeyDown={resultsKeyDown}
          aria-busy={search.isPlaceholderData || undefined}
          className={cn("transition-opacity", search.isPlaceholderData && "opacity-60")}
        >
          <ResultsTable accounts={answer.accounts} query={answer.query} creditsPerUsd={BigInt(creditsPerUsd)} />
        </div>
      )}
    </div>
  );
}

function statusText(query: string, tooLong: boolean, searching: boolean, answer: AccountSearchAnswer | undefined): string {
  if (!query || tooLong) return "";
  if (searching || !answer || answer.query !== query) return "Searching…";
  const count = answer.accounts.length;
  if (count === 0) return "";
  const accounts = answer.limited ? `First ${count} accounts` : `${count} ${count === 1 ? "account" : "accounts"}`;
  return `${accounts} matching “${answer.query}”, strongest matches first`;
}

function SearchError({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const status = error instanceof HttpError ? error.status : 0;
  if (status === 401) {
    return (
      <Alert tone="warning" live title="Your session has ended">
        <Link href="/sign-in?callbackUrl=%2Fsupport" className="font-medium text-foreground underline underline-offset-2">
          Sign in again
        </Link>{" "}
        to keep searching.
      </Alert>
    );
  }
  if (status === 403) {
    return (
      <Alert tone="danger" live title="Only support staff can search accounts">
        This account no longer has a staff role. Ask an administrator if you need access again.
      </Alert>
    );
  }
  return (
    <Alert
      tone="danger"
      live
      title="The search did not finish"
      action={
        <Button variant="secondary" size="sm" onClick={onRetry}>
          <RotateCw aria-hidden />
          Try again
        </Button>
      }
    >
      {error.message}{" "}
      {status === 0 ? "Check your connection, then try again." : "Try again in a moment; if it keeps failing, the server's log says why."}
    </Alert>
  );
}

/** `text` with a line-break opportunity after each "@", so that emails wrap between their two halves. */
function Breakable({ text }: { text: string }) {
  const parts = text.split("@");
  return (
    <>
      {parts.map((part, index) => (
        <Fragment key={index}>
          {part}
          {index < parts.length - 1 ? (
            <>
              @<wbr />
            </>
          ) : null}
        </Fragment>
      ))}
    </>
  );
}

/** The value that matched, with the typed part marked. */
function MatchedValue({ value, query }: { value: string; query: string }) {
  const at = value.toLowerCase().indexOf(query.toLowerCase());
  if (!query || at < 0) return <Breakable text={value} />;
  return (
    <>
      <Breakable text={value.slice(0, at)} />
      <mark className="rounded-sm bg-warning-soft px-0.5 text-foreground">
        <Breakable text={value.slice(at, at + query.length)} />
      </mark>
      <Breakable text={value.slice(at + query.length)} />
    </>
  );
}

/**
 * Credits as credit-amount.tsx shows them — compact, beside their USD value,
 * the exact count on hover — with the number only, as the column says credits.
 */
function Credits({ label, credits, creditsPerUsd }: { label: string; credits: bigint; creditsPerUsd: bigint }) {
  return (
    <p className="whitespace-nowrap tabular-nums">
      <span className="text-xs text-muted-foreground">{label} </span>
      <span title={`${formatCount(credits)} credits`}>{formatCreditAmount(credits)}</span>
      <span className="text-muted-foreground"> ≈ {formatCents(creditsToCents(credits, creditsPerUsd))}</span>
    </p>
  );
}

/** BillingStateBadge's state and deadline, on two lines to keep the table narrow. */
function BillingStateCell({ account }: { account: AccountSearchHit }) {
  const info: BillingStateInfo = {
    billingState: account.billingState,
    graceEndsAt: account.graceEndsAt ? new Date(account.graceEndsAt) : null,
    retentionEndsAt: account.retentionEndsAt ? new Date(account.retentionEndsAt) : null,
  };
  const { label, tone } = billingStateLabels[info.billingState];
  const deadline = billingDeadline(info);
  return (
    <>
      <Badge tone={tone} dot>
        {label}
      </Badge>
      {deadline ? <p className="mt-1 whitespace-nowrap text-xs text-muted-foreground">until {formatDate(deadline)}</p> : null}
    </>
  );
}

function ResultsTable({ accounts, query, creditsPerUsd }: { accounts: AccountSearchHit[]; query: string; creditsPerUsd: bigint }) {
  return (
    <Table label="Matching accounts">
      <THead>
        <tr>
          <Th>Workspace</Th>
          <Th>Matched</Th>
          <Th>Plan and owner</Th>
          <Th>Billing state</Th>
          <Th align="right">Credits</Th>
        </tr>
      </THead>
      <TBody>
        {accounts.map((account) => (
          <Tr key={account.id}>
            <Td className="align-top">
              <Link
                href={`/support/accounts/${account.id}`}
                data-result-link
                className="rounded-sm font-medium text-primary hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
              >
                {account.name}
              </Link>
              <p className="font-mono text-xs text-muted-foreground">{account.slug}</p>
              <p className="whitespace-nowrap font-mono text-[11px] leading-4 text-muted-foreground">{account.id}</p>
            </Td>
            <Td className="max-w-60 align-top">
              <p className="text-xs text-muted-foreground">{matchedFieldLabels[account.matched.field]}</p>
              <p className="font-mono text-xs break-words">
                <MatchedValue value={account.matched.value} query={query} />
              </p>
            </Td>
            <Td className="align-top">
              <p>{account.planName ?? <span className="text-muted-foreground">No plan</span>}</p>
              <p className="text-xs break-words text-muted-foreground">
                {account.ownerEmail ? <Breakable text={account.ownerEmail} /> : "No owner"}
              </p>
            </Td>
            <Td className="align-top">
              <BillingStateCell account={account} />
            </Td>
            <Td numeric className="align-top">
              {account.balance ? (
                <div className="space-y-0.5">
                  <Credits label="Included" credits={BigInt(account.balance.included)} creditsPerUsd={creditsPerUsd} />
                  <Credits label="Prepaid" credits={BigInt(account.balance.prepaid)} creditsPerUsd={creditsPerUsd} />
                </div>
              ) : (
                <span className="text-muted-foreground">No balance</span>
              )}
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}

/** The table's outline while the first answer loads, the height of a few rows, so nothing jumps when it arrives. */
function ResultsSkeleton() {
  return (
    <div aria-hidden className="overflow-hidden rounded-xl border border-border bg-surface shadow-card">
      <div className="flex gap-6 border-b border-border bg-surface-muted/60 px-5 py-3">
        {["w-24", "w-16", "w-12", "w-20", "w-20"].map((width, column) => (
          <Skeleton key={column} className={cn("h-3", width)} />
        ))}
      </div>
      {[0, 1, 2].map((row) => (
        <div key={row} className="flex items-center gap-6 border-b border-border px-5 py-4 last:border-b-0">
          <div className="w-52 space-y-2">
            <Skeleton className="h-4 w-36" />
            <Skeleton className="h-3 w-44" />
          </div>
          <Skeleton className="h-3 w-32" />
          <Skeleton className="h-3 w-16" />
          <Skeleton className="hidden h-3 w-40 sm:block" />
          <Skeleton className="ml-auto h-5 w-24 rounded-full" />
        </div>
      ))}
    </div>
  );
}
