// The ledger explorer (R10, R5): every movement of the workspace's credits, newest first, filtered and paged by cursor.
import { ArrowLeft, ChevronLeft, ChevronRight, ScrollText, SearchX } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { buttonClassName } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/lib/auth/access";
import { db } from "@/lib/db";
import { listOperationTypes } from "@/lib/db/queries/catalog";
import { InvalidLedgerCursorError, listLedgerEntries, type LedgerPage } from "@/lib/db/queries/ledger-explorer";
import { LedgerFilters } from "@/components/billing/ledger/ledger-filters";
import { LedgerEntries } from "@/components/billing/ledger/ledger-table";
import { ledgerHref, parseLedgerSearch, type LedgerForm, type SearchParams } from "@/components/billing/ledger/search-params";

export const metadata: Metadata = { title: "Ledger" };

const PAGE_SIZE = 50;

export default async function LedgerPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { slug } = await params;
  const ctx = await requireWorkspace(slug, "read");
  const prisma = await db();
  const operationTypes = await listOperationTypes(prisma);
  const search = parseLedgerSearch(
    await searchParams,
    operationTypes.map((type) => type.code),
  );

  let page: LedgerPage | null = null;
  let cursorRefused = false;
  if (search.ok) {
    try {
      page = await listLedgerEntries(prisma, {
        workspaceId: ctx.workspace.id,
        filters: search.filters,
        cursor: search.cursor,
        direction: search.direction,
        limit: PAGE_SIZE,
      });
    } catch (error) {
      if (!(error instanceof InvalidLedgerCursorError)) throw error;
      cursorRefused = true;
    }
  }
  const filtered = search.ok ? search.filtered : Object.values(search.form).some(Boolean);
  const newest = ledgerHref(slug, search.form);

  return (
    <>
      <Link
        href={`/w/${slug}/credits`}
        className="mb-3 inline-flex items-center gap-1.5 text-[13px] font-medium text-muted-foreground hover:text-foreground"
      >
        <ArrowLeft aria-hidden className="size-3.5" />
        Credits
      </Link>
      <PageHeader
        title="Ledger"
        description="Every movement of this workspace's credits, newest first: usage with the sources that paid for it, included credits, top-ups, support grants, packages, forfeits and expiries."
      />

      <LedgerFilters
        basePath={ledgerHref(slug)}
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
            <Link href={newest} className={buttonClassName({ variant: "secondary", size: "sm" })}>
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
          <Pages slug={slug} form={search.form} page={page} />
        </>
      ) : (
        <Empty slug={slug} filtered={filtered} paged={Boolean(search.cursor)} newest={newest} />
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

function Pages({ slug, form, page }: { slug: string; form: LedgerForm; page: LedgerPage }) {
  if (!page.newerCursor && !page.olderCursor) return null;
  const link = buttonClassName({ variant: "secondary", size: "sm" });
  return (
    <nav aria-label="Ledger pages" className="mt-4 flex flex-wrap items-center justify-between gap-3">
      {page.newerCursor ? (
        <Link href={ledgerHref(slug, form, { after: page.newerCursor })} className={link}>
          <ChevronLeft aria-hidden />
          Newer entries
        </Link>
      ) : (
        <span />
      )}
      {page.olderCursor ? (
        <Link href={ledgerHref(slug, form, { before: page.olderCursor })} className={link}>
          Older entries
          <ChevronRight aria-hidden />
        </Link>
      ) : (
        <p className="text-[13px] text-muted-foreground">You have reached the oldest entry.</p>
      )}
    </nav>
  );
}

function Empty({ slug, filtered, paged, newest }: { slug: string; filtered: boolean; paged: boolean; newest: string }) {
  if (filtered) {
    return (
      <EmptyState
        icon={SearchX}
        title="No ledger entries match these filters"
        description="Try another kind or source, or a wider range of dates."
      >
        <Link href={ledgerHref(slug)} className={buttonClassName({ variant: "secondary", size: "sm" })}>
          Clear filters
        </Link>
      </EmptyState>
    );
  }
  if (paged) {
    return (
      <EmptyState icon={ScrollText} title="No older entries" description="You have reached the start of the ledger.">
        <Link href={newest} className={buttonClassName({ variant: "secondary", size: "sm" })}>
          Newest entries
        </Link>
      </EmptyState>
    );
  }
  return (
    <EmptyState
      icon={ScrollText}
      title="No ledger entries yet"
      description="Your plan's included credits, top-ups, packages and charged usage appear here as they happen."
    />
  );
}
