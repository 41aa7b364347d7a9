// The ledger explorer's body (R10, R5): the filters, what is wrong with them
// or with a page link, the entries with their cursor pages, and the empty
// states. The customer's Ledger page and the support console's account page
// show it at their own address (`basePath`, whose query it owns).
import { ChevronLeft, ChevronRight, ScrollText, SearchX } from "lucide-react";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { buttonClassName } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import type { LedgerPage } from "@/lib/db/queries/ledger-explorer";
import { LedgerFilters } from "./ledger-filters";
import { LedgerEntries } from "./ledger-table";
import { ledgerViewHref, type LedgerForm, type LedgerSearch } from "./search-params";

export interface LedgerViewProps {
  /** Where the filters and page links lead, without a query (it may end with "#fragment"). */
  basePath: string;
  search: LedgerSearch;
  page: LedgerPage | null;
  cursorRefused: boolean;
  operationTypes: { code: string; name: string }[];
  /** The workspace whose invoice pages the entries link to; without it, invoice numbers are plain text. */
  slug?: string;
  /** What "no entries yet" says. */
  emptyDescription: string;
  compact?: boolean;
}

export function LedgerView({ basePath, search, page, cursorRefused, operationTypes, slug, emptyDescription, compact }: LedgerViewProps) {
  const filtered = search.ok ? search.filtered : Object.values(search.form).some(Boolean);
  const newest = ledgerViewHref(basePath, search.form);
  const button = buttonClassName({ variant: "secondary", size: "sm" });
  return (
    <>
      <LedgerFilters
        basePath={basePath}
        form={search.form}
        operationTypes={operationTypes}
        problems={search.ok ? undefined : search.problems}
        filtered={filtered}
      />
      {!search.ok ? (
        <Alert tone="warning" title="These filters could not be used">
          <ul className="list-disc space-y-0.5 pl-4">
            {Object.values(search.problems)
              .flat()
              .map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
          </ul>
        </Alert>
      ) : cursorRefused ? (
        <Alert
          tone="warning"
          title="This page link is not valid"
          action={
            <Link href={newest} className={button}>
              Newest entries
            </Link>
          }
        >
          It may have been cut short or changed. Start again from the newest entries.
        </Alert>
      ) : page && page.entries.length > 0 ? (
        <>
          <p className="mb-3 text-sm text-muted-foreground tabular-nums" role="status">
            {pageSummary(page)}
            {filtered ? " matching the filters" : ""}
          </p>
          <LedgerEntries entries={page.entries} slug={slug} />
          <Pages basePath={basePath} form={search.form} page={page} />
        </>
      ) : filtered ? (
        <EmptyState
          compact={compact}
          icon={SearchX}
          title="No ledger entries match these filters"
          description="Try another kind or source, or a wider range of dates."
        >
          <Link href={basePath} className={button}>
            Clear filters
          </Link>
        </EmptyState>
      ) : search.cursor ? (
        <EmptyState compact={compact} icon={ScrollText} title="No older entries" description="This is the start of the ledger.">
          <Link href={newest} className={button}>
            Newest entries
          </Link>
        </EmptyState>
      ) : (
        <EmptyState compact={compact} icon={ScrollText} title="No ledger entries yet" description={emptyDescription} />
      )}
    </>
  );
}

function pageSummary(page: LedgerPage): string {
  const count = page.entries.length;
  const entries = `${count} ${count === 1 ? "entry" : "entries"}`;
  if (!page.newerCursor && !page.olderCursor) return count === 1 ? "1 entry" : `All ${entries}`;
  return page.newerCursor ? `${entries} on this page` : `The newest ${entries}`;
}

function Pages({ basePath, form, page }: { basePath: string; form: LedgerForm; page: LedgerPage }) {
  if (!page.newerCursor && !page.olderCursor) return null;
  const link = buttonClassName({ variant: "secondary", size: "sm" });
  return (
    <nav aria-label="Ledger pages" className="mt-4 flex flex-wrap items-center justify-between gap-3">
      {page.newerCursor ? (
        <Link href={ledgerViewHref(basePath, form, { after: page.newerCursor })} className={link}>
          <ChevronLeft aria-hidden />
          Newer entries
        </Link>
      ) : (
        <span />
      )}
      {page.olderCursor ? (
        <Link href={ledgerViewHref(basePath, form, { before: page.olderCursor })} className={link}>
          Older entries
          <ChevronRight aria-hidden />
        </Link>
      ) : (
        <p className="text-[13px] text-muted-foreground">This is the oldest entry.</p>
      )}
    </nav>
  );
}
