// Invoices (R8.2): plan fees, flex, packages, top-up receipts and final invoices.
import { Receipt } from "lucide-react";
import type { Metadata } from "next";
import { InvoiceTable } from "@/components/billing/invoice-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/lib/auth/access";
import { db } from "@/lib/db";
import { listInvoices } from "@/lib/db/queries/dashboard";

export const metadata: Metadata = { title: "Invoices" };

export default async function InvoicesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const ctx = await requireWorkspace(slug, "read");
  const invoices = await listInvoices(await db(), ctx.workspace.id);

  return (
    <>
      <PageHeader
        title="Invoices"
        description="Every charge to your workspace: plan fees, flex usage, packages and top-up receipts, with their status."
      />
      {invoices.length === 0 ? (
        <EmptyState
          icon={Receipt}
          title="No invoices yet"
          description="Invoices appear here when a paid plan period is charged, or when you buy credits or a package. Free plan usage never produces an invoice."
        />
      ) : (
        <InvoiceTable invoices={invoices} hrefFor={(invoice) => `/w/${ctx.workspace.slug}/invoices/${invoice.number}`} />
      )}
    </>
  );
}
