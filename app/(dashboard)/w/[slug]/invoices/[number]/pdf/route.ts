// The invoice as a PDF download (R8.2), for every member who may open the
// invoice page. requireWorkspace's notFound() / forbidden() / redirect() are
// turned into 404 / 403 / a redirect to sign in by Next.js's route handler.
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireWorkspace } from "@/lib/auth/access";
import { db } from "@/lib/db";
import { invoiceDocument } from "@/lib/db/queries/invoice-document";
import { env } from "@/lib/env";
import { renderInvoicePdf } from "@/lib/invoices/pdf";

export const dynamic = "force-dynamic";

const paramsSchema = z.object({
  slug: z.string().min(1).max(100),
  number: z
    .string()
    .min(1)
    .max(64)
    .transform((value, ctx) => {
      try {
        return decodeURIComponent(value);
      } catch {
        ctx.addIssue({ code: "custom", message: "not a valid invoice number" });
        return z.NEVER;
      }
    }),
});

export async function GET(_request: Request, { params }: { params: Promise<{ slug: string; number: string }> }) {
  const parsed = paramsSchema.safeParse(await params);
  if (!parsed.success) notFound();
  const ctx = await requireWorkspace(parsed.data.slug, "read");
  const invoice = await invoiceDocument(await db(), ctx.workspace.id, parsed.data.number);
  if (!invoice) notFound();

  const bytes = await renderInvoicePdf(invoice, { seller: { name: "Meterdesk", details: sellerDetails() } });
  // Invoice numbers are "MD-000123"; anything else is kept out of the header.
  const filename = `${invoice.number.replace(/[^A-Za-z0-9._-]/g, "_")}.pdf`;
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Content-Length": String(bytes.byteLength),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/** The seller's web address and billing email under its name, when the deployment has them. */
function sellerDetails(): string[] {
  const { APP_URL, EMAIL_FROM } = env();
  const details: string[] = [];
  if (APP_URL) details.push(new URL(APP_URL).host);
  const address = /<([^>]+)>/.exec(EMAIL_FROM)?.[1] ?? (EMAIL_FROM.includes("@") ? EMAIL_FROM : undefined);
  if (address) details.push(address);
  return details;
}
