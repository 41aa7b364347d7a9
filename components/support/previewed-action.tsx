"use client";

// The shape of every support action (R11): the action's own fields and a
// required reason, a preview of the effect worked out on the server, then
// "apply" — which the server carries out only onto the state it previewed
// (otherwise it answers with a fresh preview) and only once per preview (the
// idempotency key is made with the preview, so a double submit applies once).
import { useRouter } from "next/navigation";
import { useState, useTransition, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { FieldError } from "@/components/ui/field-error";
import { inputClassName } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import type { ActionResult } from "@/lib/actions/safe-action";
import { formatCents } from "@/lib/money";
import type { Previewed, PreviewedApplied } from "@/lib/actions/previewed";

export type FieldErrors = Record<string, string[]>;

export interface PreviewedActionProps<P> {
  /** Prefix of element ids and test ids, e.g. "rate-limit". */
  id: string;
  title: string;
  description?: ReactNode;
  /** The action's own inputs; `errors` holds the server's messages by field name. */
  fields?: (errors: FieldErrors) => ReactNode;
  /** False while the fields cannot make a preview yet (nothing entered). */
  ready?: boolean;
  /** The fields' values as one string: when it changes, the shown preview is stale. */
  inputs: string;
  preview: () => Promise<ActionResult<Previewed<P>>>;
  renderPreview: (preview: P) => ReactNode;
  apply: (confirmed: { reason: string; idempotencyKey: string; token: string }) => Promise<ActionResult<PreviewedApplied<P>>>;
  previewLabel: string;
  applyLabel: (preview: P) => string;
  /** Shown after it was applied. */
  doneMessage: (preview: P) => string;
  /** Called after it was applied (e.g. to clear the fields). */
  onDone?: () => void;
  tone?: "default" | "danger";
}

type Message = { tone: "success" | "danger" | "warning"; text: string };

export function PreviewedAction<P>(props: PreviewedActionProps<P>) {
  const router = useRouter();
  const [reason, setReason] = useState("");
  const [shown, setShown] = useState<{ preview: P; token: string; key: string; inputs: string } | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<Message | null>(null);
  const [pending, startTransition] = useTransition();
  // A preview made from other inputs than the ones on screen is not shown.
  const current = shown?.inputs === props.inputs ? shown : null;

  const fail = (result: { error: string; fieldErrors?: FieldErrors }) => {
    setErrors(result.fieldErrors ?? {});
    setMessage({ tone: "danger", text: result.error });
  };

  const showPreview = () =>
    startTransition(async () => {
      setMessage(null);
      const result = await props.preview();
      if (!result.ok) return fail(result);
      setErrors({});
      setShown({ ...result.data, key: crypto.randomUUID(), inputs: props.inputs });
    });

  const confirm = () =>
    startTransition(async () => {
      if (!current) return;
      const result = await props.apply({ reason, idempotencyKey: current.key, token: current.token });
      if (!result.ok) return fail(result);
      if (result.data.status === "changed") {
        setShown({ preview: result.data.preview, token: result.data.token, key: crypto.randomUUID(), inputs: props.inputs });
        setMessage({ tone: "warning", text: "The account changed since the preview. Check the new preview and confirm again." });
        return;
      }
      setErrors({});
      setMessage({ tone: "success", text: props.doneMessage(current.preview) });
      setShown(null);
      setReason("");
      props.onDone?.();
      router.refresh();
    });

  const reasonId = `${props.id}-reason`;
  return (
    <Card data-testid={`${props.id}-action`}>
      <CardHeader>
        <CardTitle>{props.title}</CardTitle>
        {props.description ? <p className="text-sm text-muted-foreground">{props.description}</p> : null}
      </CardHeader>
      <CardContent className="space-y-4">
        {props.fields ? <div className="grid gap-4 sm:grid-cols-2">{props.fields(errors)}</div> : null}
        <div>
          <Label htmlFor={reasonId}>Reason (kept in the audit trail)</Label>
          <textarea
            id={reasonId}
            rows={2}
            className={cn(inputClassName, "mt-1.5 h-auto py-2")}
            value={reason}
            aria-invalid={errors.reason ? true : undefined}
            aria-describedby={errors.reason ? `${reasonId}-error` : undefined}
            onChange={(event) => setReason(event.target.value)}
          />
          <FieldError id={`${reasonId}-error`} errors={errors.reason} />
        </div>
        {current ? (
          <div className="rounded-lg border border-border bg-surface-muted/50 p-4 text-sm" data-testid={`${props.id}-preview`}>
            <p className="font-medium">Preview</p>
            <div className="mt-2">{props.renderPreview(current.preview)}</div>
          </div>
        ) : null}
        {message ? (
          <Alert tone={message.tone} live>
            {message.text}
          </Alert>
        ) : null}
        <div className="flex flex-wrap gap-2">
          {current ? (
            <>
              <Button variant={props.tone === "danger" ? "danger" : "primary"} onClick={confirm} disabled={pending}>
                {pending ? "Applying…" : props.applyLabel(current.preview)}
              </Button>
              <Button variant="secondary" onClick={() => setShown(null)} disabled={pending}>
                Change
              </Button>
            </>
          ) : (
            <Button variant="secondary" onClick={showPreview} disabled={pending || props.ready === false}>
              {pending ? "Working out the preview…" : props.previewLabel}
            </Button>
          )}
        </div>
      </CardContent>
    </Card>
  );
}

/** A label/value grid for previews: before → after rows. */
export function PreviewRows({ rows }: { rows: { term: string; value: ReactNode; strong?: boolean; testId?: string }[] }) {
  return (
    <dl className="grid gap-1 sm:grid-cols-[11rem_1fr]">
      {rows.map((row) => (
        <div key={row.term} className="contents">
          <dt className="text-muted-foreground">{row.term}</dt>
          <dd className={cn("tabular-nums", row.strong && "font-medium")} data-testid={row.testId}>
            {row.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export interface PickableInvoice {
  id: string;
  number: string;
  status: string;
  totalCents: number;
}

/** The invoice an action is about: "MD-000123 · $25.00 · open", with the server's message for the field. */
export function InvoiceSelect({
  id,
  invoices,
  value,
  onChange,
  errors,
}: {
  id: string;
  invoices: PickableInvoice[];
  value: string;
  onChange: (invoiceId: string) => void;
  errors?: string[];
}) {
  return (
    <div className="sm:col-span-2">
      <Label htmlFor={id}>Invoice</Label>
      <select
        id={id}
        className={cn(inputClassName, "mt-1.5")}
        value={value}
        aria-invalid={errors ? true : undefined}
        aria-describedby={errors ? `${id}-error` : undefined}
        onChange={(event) => onChange(event.target.value)}
      >
        {invoices.map((invoice) => (
          <option key={invoice.id} value={invoice.id}>
            {invoice.number} · {formatCents(invoice.totalCents)} · {invoice.status.toLowerCase()}
          </option>
        ))}
      </select>
      <FieldError id={`${id}-error`} errors={errors} />
    </div>
  );
}
