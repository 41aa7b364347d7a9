"use client";

// The test gateway's card fields: number in groups of four, expiry MM/YY,
// CVC and name. The number goes to the server once, with the form, and is
// not kept there or here after the page is left.
import Link from "next/link";
import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { buttonClassName, Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { saveTestCardAction, type CardFormState } from "../actions";
import { brandOf, formatCardNumber, formatExpiryInput } from "./card-input";

export function CardForm({ slug, session, cancelHref }: { slug: string; session: string; cancelHref: string }) {
  const [state, formAction, pending] = useActionState<CardFormState, FormData>(saveTestCardAction, null);
  const [number, setNumber] = useState("");
  const [expiry, setExpiry] = useState("");
  const [cvc, setCvc] = useState("");
  const [name, setName] = useState("");
  const fieldErrors = state?.fieldErrors ?? {};
  // Field problems show under their field; the rest (an expired form, a failure on our side) above the buttons.
  const general = fieldErrors.session?.[0] ?? (state && !state.fieldErrors ? state.error : null);
  const brand = brandOf(number);

  return (
    <form action={formAction} aria-label="Card details" noValidate className="space-y-4">
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="session" value={session} />
      <TextField
        label="Card number"
        name="number"
        inputMode="numeric"
        autoComplete="cc-number"
        placeholder="1234 1234 1234 1234"
        value={number}
        onChange={(event) => setNumber(formatCardNumber(event.target.value))}
        errors={fieldErrors.number}
        labelAside={brand ? <span className="text-[13px] font-medium text-muted-foreground">{brand}</span> : null}
        className="font-mono tracking-wide tabular-nums"
        spellCheck={false}
        required
        autoFocus
      />
      <div className="grid grid-cols-2 gap-4">
        <TextField
          label="Expiry"
          name="expiry"
          inputMode="numeric"
          autoComplete="cc-exp"
          placeholder="MM/YY"
          value={expiry}
          onChange={(event) => setExpiry(formatExpiryInput(event.target.value, expiry))}
          errors={fieldErrors.expiry}
          className="tabular-nums"
          required
        />
        <TextField
          label="CVC"
          name="cvc"
          inputMode="numeric"
          autoComplete="cc-csc"
          placeholder="123"
          value={cvc}
          onChange={(event) => setCvc(event.target.value.replace(/\D/g, "").slice(0, 4))}
          errors={fieldErrors.cvc}
          className="tabular-nums"
          required
        />
      </div>
      <TextField
        label="Name on card"
        name="name"
        autoComplete="cc-name"
        placeholder="Olivia Owner"
        value={name}
        onChange={(event) => setName(event.target.value)}
        errors={fieldErrors.name}
        maxLength={100}
        required
      />
      {general ? (
        <Alert tone="danger" live>
          {general}
        </Alert>
      ) : null}
      <div className="flex flex-col-reverse gap-2 pt-2 sm:flex-row sm:justify-end">
        <Link href={cancelHref} className={buttonClassName({ variant: "secondary" })}>
          Cancel
        </Link>
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? "Saving card…" : "Save card"}
        </Button>
      </div>
    </form>
  );
}
