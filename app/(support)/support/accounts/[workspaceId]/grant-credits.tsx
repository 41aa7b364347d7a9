"use client";

// Grant prepaid credits (R11): amount and reason, a preview of the balance
// it produces, then the grant — applied onto exactly the previewed balance,
// once (the key is made with the preview, so a double submit applies once).
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { FieldError } from "@/components/ui/field-error";
import { Input, inputClassName } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { cn } from "@/components/ui/cn";
import { creditsToCents, formatCents, formatCount } from "@/lib/money";
import { grantPrepaidAction, previewGrantAction, type GrantPreviewData } from "./actions";

const withUsd = (credits: string, creditsPerUsd: bigint) =>
  `${formatCount(BigInt(credits))} credits ≈ ${formatCents(creditsToCents(BigInt(credits), creditsPerUsd))}`;

export function GrantCredits({ workspaceId, creditsPerUsd }: { workspaceId: string; creditsPerUsd: string }) {
  const router = useRouter();
  const rate = BigInt(creditsPerUsd);
  const [credits, setCredits] = useState("");
  const [reason, setReason] = useState("");
  const [preview, setPreview] = useState<(GrantPreviewData & { key: string }) | null>(null);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<{ tone: "success" | "danger" | "warning"; text: string } | null>(null);
  const [pending, startTransition] = useTransition();

  const edit = (apply: () => void) => {
    apply();
    setPreview(null);
    setMessage(null);
  };

  const showPreview = () =>
    startTransition(async () => {
      setMessage(null);
      const result = await previewGrantAction({ workspaceId, credits });
      if (!result.ok) {
        setErrors(result.fieldErrors ?? {});
        setMessage({ tone: "danger", text: result.error });
        return;
      }
      setErrors({});
      setPreview({ ...result.data, key: crypto.randomUUID() });
    });

  const confirm = () =>
    startTransition(async () => {
      if (!preview) return;
      const result = await grantPrepaidAction({
        workspaceId,
        credits: preview.credits,
        reason,
        idempotencyKey: preview.key,
        previewedPrepaid: preview.prepaidBefore,
      });
      if (!result.ok) {
        setErrors(result.fieldErrors ?? {});
        setMessage({ tone: "danger", text: result.error });
        return;
      }
      if (result.data.status === "changed") {
        setPreview({ ...result.data.preview, key: crypto.randomUUID() });
        setMessage({ tone: "warning", text: "The prepaid balance changed since the preview. Check the new preview and confirm again." });
        return;
      }
      setMessage({ tone: "success", text: `Granted. Prepaid is now ${withUsd(result.data.prepaid, rate)}.` });
      setPreview(null);
      setCredits("");
      setReason("");
      router.refresh();
    });

  return (
    <Card>
      <CardHeader>
        <CardTitle>Grant prepaid credits</CardTitle>
      </CardHeader>
      <CardContent className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <Label htmlFor="grant-credits">Credits</Label>
            <Input
              id="grant-credits"
              inputMode="numeric"
              autoComplete="off"
              className="mt-1.5 tabular-nums"
              placeholder="10,000,000"
              value={credits}
              aria-invalid={errors.credits ? true : undefined}
              aria-describedby={errors.credits ? "grant-credits-error" : undefined}
              onChange={(event) => edit(() => setCredits(event.target.value))}
            />
            <FieldError id="grant-credits-error" errors={errors.credits} />
          </div>
          <div>
            <Label htmlFor="grant-reason">Reason (kept in the audit trail)</Label>
            <textarea
              id="grant-reason"
              rows={2}
              className={cn(inputClassName, "mt-1.5 h-auto py-2")}
              value={reason}
              aria-invalid={errors.reason ? true : undefined}
              aria-describedby={errors.reason ? "grant-reason-error" : undefined}
              onChange={(event) => edit(() => setReason(event.target.value))}
            />
            <FieldError id="grant-reason-error" errors={errors.reason} />
          </div>
        </div>
        {preview ? (
          <div className="rounded-lg border border-border bg-surface-muted/50 p-4 text-sm" data-testid="grant-preview">
            <p className="font-medium">Preview</p>
            <dl className="mt-2 grid gap-1 sm:grid-cols-[10rem_1fr]">
              <dt className="text-muted-foreground">Grant</dt>
              <dd className="tabular-nums">{withUsd(preview.credits, rate)}</dd>
              <dt className="text-muted-foreground">Prepaid now</dt>
              <dd className="tabular-nums">{withUsd(preview.prepaidBefore, rate)}</dd>
              <dt className="text-muted-foreground">Prepaid after</dt>
              <dd className="font-medium tabular-nums" data-testid="grant-preview-after">
                {withUsd(preview.prepaidAfter, rate)}
              </dd>
            </dl>
            <p className="mt-2 text-[13px] text-muted-foreground">
              Prepaid credits never expire and are spent after included and package credits.
            </p>
          </div>
        ) : null}
        {message ? (
          <Alert tone={message.tone} live>
            {message.text}
          </Alert>
        ) : null}
        <div className="flex flex-wrap gap-2">
          {preview ? (
            <>
              <Button onClick={confirm} disabled={pending}>
                {pending ? "Granting…" : `Grant ${formatCount(BigInt(preview.credits))} credits`}
              </Button>
              <Button variant="secondary" onClick={() => setPreview(null)} disabled={pending}>
                Change
              </Button>
            </>
          ) : (
            <Button variant="secondary" onClick={showPreview} disabled={pending || credits.trim() === ""}>
              {pending ? "Working out the preview…" : "Preview the grant"}
            </Button>
          )}
        </div>
      </CardContent>
    </Card>
  );
}
