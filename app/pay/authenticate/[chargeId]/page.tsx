// The test gateway's authentication page (R13): the demo's stand-in for the
// bank's 3-D Secure page that Stripe shows for a card that needs it. Only an
// owner or billing admin of the payment's workspace sees it.
import { ShieldCheck } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { formatCardBrand } from "@/components/billing/labels";
import { Logo } from "@/components/shell/logo";
import { Alert } from "@/components/ui/alert";
import { buttonClassName } from "@/components/ui/button";
import { getSessionUser } from "@/lib/auth/access";
import { formatCents, formatCount } from "@/lib/money";
import { paymentGateway } from "@/lib/payments";
import { AuthenticateForm } from "./authenticate-form";
import { findAuthenticatablePayment, type AuthenticatablePayment } from "./payment";

export const metadata: Metadata = { title: "Confirm this payment" };

function purposeOf(payment: AuthenticatablePayment): string {
  if (payment.kind === "INVOICE") return payment.invoiceNumber ? `Invoice ${payment.invoiceNumber}` : "An invoice";
  const credits = payment.credits !== null ? `${formatCount(payment.credits)} prepaid credits` : "Prepaid credits";
  return payment.kind === "AUTO_TOP_UP" ? `${credits} (automatic top-up)` : credits;
}

export default async function AuthenticatePage({ params }: { params: Promise<{ chargeId: string }> }) {
  const { chargeId } = await params;
  const user = await getSessionUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/pay/authenticate/${chargeId}`)}`);
  if (paymentGateway().name !== "test") notFound();
  const payment = await findAuthenticatablePayment(chargeId, user.id);
  if (!payment) notFound();

  const base = `/w/${payment.workspace.slug}`;
  const backHref =
    payment.kind === "INVOICE" && payment.invoiceNumber
      ? `${base}/invoices/${encodeURIComponent(payment.invoiceNumber)}`
      : `${base}/credits`;
  const amount = formatCents(payment.amountCents);
  const details = [
    { term: "Amount", value: <span className="text-base font-semibold tabular-nums">{amount}</span> },
    { term: "Paid to", value: `Meterdesk · ${payment.workspace.name}` },
    { term: "For", value: purposeOf(payment) },
    ...(payment.card ? [{ term: "Card", value: `${formatCardBrand(payment.card.brand)} •••• ${payment.card.last4}` }] : []),
  ];

  return (
    <div className="relative flex min-h-dvh flex-col items-center justify-center px-4 py-12">
      <div
        aria-hidden
        className="pointer-events-none absolute inset-x-0 top-0 -z-10 h-80 bg-gradient-to-b from-primary-soft/70 to-transparent"
      />
      <div className="w-full max-w-[440px]">
        <div className="mb-8 flex justify-center">
          <Logo className="text-lg" />
        </div>
        <main id="main" className="rounded-2xl border border-border bg-surface p-6 shadow-card sm:p-8">
          <div className="mb-5 flex items-start gap-3.5">
            <span className="flex size-10 shrink-0 items-center justify-center rounded-full bg-primary-soft text-primary-soft-foreground ring-1 ring-primary/15">
              <ShieldCheck aria-hidden className="size-5" />
            </span>
            <div className="space-y-1">
              <h1 className="text-xl font-semibold tracking-tight">Confirm this payment</h1>
              <p className="text-sm text-muted-foreground text-pretty">Your bank asks you to confirm this payment before it is charged.</p>
            </div>
          </div>
          <dl className="mb-6 divide-y divide-border rounded-lg border border-border bg-surface-muted/50 text-sm">
            {details.map((item) => (
              <div key={item.term} className="flex items-baseline justify-between gap-4 px-4 py-2.5">
                <dt className="text-muted-foreground">{item.term}</dt>
                <dd className="text-right">{item.value}</dd>
              </div>
            ))}
          </dl>
          {payment.status === "REQUIRES_ACTION" ? (
            payment.canAnswer ? (
              <AuthenticateForm chargeId={chargeId} amount={amount} />
            ) : (
              <Alert tone="info">Only owners and billing admins of {payment.workspace.name} can confirm its payments.</Alert>
            )
          ) : (
            <div className="space-y-4">
              <Alert tone={payment.status === "SUCCEEDED" ? "success" : payment.status === "FAILED" ? "warning" : "info"}>
                {payment.status === "SUCCEEDED"
                  ? "This payment is already confirmed. Nothing more to do."
                  : payment.status === "FAILED"
                    ? "This payment was declined. Nothing was charged."
                    : "This payment is being processed."}
              </Alert>
              <div className="flex justify-end">
                <Link href={backHref} className={buttonClassName({ variant: "secondary" })}>
                  Back to {payment.workspace.name}
                </Link>
              </div>
            </div>
          )}
        </main>
        <p className="mt-6 text-center text-[13px] text-muted-foreground text-pretty">
          Demo payments: this page stands in for your bank&apos;s security check. No real card is charged.
        </p>
      </div>
    </div>
  );
}
