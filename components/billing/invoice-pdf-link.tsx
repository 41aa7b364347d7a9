// "Download PDF" on an invoice's page (R8.2): a plain link to the route that
// renders the PDF on the server, styled as a button. Not next/link: the target
// is a file download, not a page to prefetch or navigate to.
import { Download } from "lucide-react";
import { buttonClassName } from "@/components/ui/button";

export function invoicePdfPath(slug: string, number: string): string {
  return `/w/${encodeURIComponent(slug)}/invoices/${encodeURIComponent(number)}/pdf`;
}

export function InvoicePdfLink({ slug, number }: { slug: string; number: string }) {
  return (
    <a href={invoicePdfPath(slug, number)} download={`${number}.pdf`} className={buttonClassName({ variant: "secondary", size: "sm" })}>
      <Download aria-hidden="true" />
      Download PDF
    </a>
  );
}
