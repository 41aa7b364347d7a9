// The ledger explorer (R10, R5): every movement of the workspace's credits, newest first, filtered and paged by cursor.
import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/lib/auth/access";
import { db } from "@/lib/db";
import { listOperationTypes } from "@/lib/db/queries/catalog";
import { readLedgerPage } from "@/lib/db/queries/ledger-explorer";
import { LedgerView } from "@/components/billing/ledger/ledger-view";
import { ledgerHref, parseLedgerSearch, type SearchParams } from "@/components/billing/ledger/search-params";

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

  const { page, cursorRefused } = search.ok
    ? await readLedgerPage(prisma, {
        workspaceId: ctx.workspace.id,
        filters: search.filters,
        cursor: search.cursor,
        direction: search.direction,
        limit: PAGE_SIZE,
      })
    : { page: null, cursorRefused: false };

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

      <LedgerView
        basePath={ledgerHref(slug)}
        search={search}
        page={page}
        cursorRefused={cursorRefused}
        operationTypes={operationTypes}
        slug={slug}
        emptyDescription="Your plan's included credits, top-ups, packages and charged usage appear here as they happen."
      />
    </>
  );
}
