"use client";

// The arrears banner's buttons ("Pay now", "Update card"), fetched only where
// the banner shows them: the banner is in the layout of every workspace page,
// and a workspace that owes nothing should not load the payment dialogs.
// React.lazy rather than next/dynamic, whose loader would itself be on every
// page: the server renders the buttons; the browser keeps that HTML while it
// fetches their code, then hydrates them.
import { lazy, Suspense, type ComponentProps } from "react";

const PayInvoice = lazy(() =>
  import("@/app/(dashboard)/w/[slug]/invoices/[number]/pay-invoice-button").then((module) => ({ default: module.PayInvoiceButton })),
);
const AddCard = lazy(() => import("@/app/(dashboard)/w/[slug]/credits/card-on-file").then((module) => ({ default: module.AddCardButton })));

export function PayInvoiceButton(props: ComponentProps<typeof PayInvoice>) {
  return (
    <Suspense fallback={null}>
      <PayInvoice {...props} />
    </Suspense>
  );
}

export function AddCardButton(props: ComponentProps<typeof AddCard>) {
  return (
    <Suspense fallback={null}>
      <AddCard {...props} />
    </Suspense>
  );
}
