"use client";

// A package's auto-renewal (R6.3) as a switch: on, the same package is bought
// again with the card on file when this one expires (not while an invoice is
// overdue). The server checks the role and, to switch it on, the arrears state.
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { cn } from "@/components/ui/cn";
import { setPackageAutoRenewAction } from "./actions";

export function AutoRenewSwitch({
  slug,
  purchaseId,
  packageName,
  autoRenew,
  canManage,
  blockedReason,
  description,
}: {
  slug: string;
  purchaseId: string;
  packageName: string;
  autoRenew: boolean;
  canManage: boolean;
  /** Why it cannot be switched on now (arrears); switching it off is always possible. */
  blockedReason: string | null;
  /** What happens at expiry, formatted by the page. */
  description: string;
}) {
  const [checked, setChecked] = useState(autoRenew);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const router = useRouter();
  const labelId = useId();
  const descriptionId = useId();
  const disabled = !canManage || pending || (!checked && Boolean(blockedReason));

  function toggle() {
    if (disabled) return;
    const next = !checked;
    setError(null);
    setChecked(next);
    startTransition(async () => {
      const result = await setPackageAutoRenewAction(slug, { purchaseId, autoRenew: next });
      if (!result.ok) {
        setChecked(!next);
        setError(result.error);
        return;
      }
      router.refresh();
    });
  }

  return (
    <div>
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <p id={labelId} className="text-sm font-medium">
            Auto-renew
          </p>
          <p id={descriptionId} className="text-[13px] text-muted-foreground text-pretty">
            {checked ? description : !checked && blockedReason ? blockedReason : "Off: the package ends at its expiry."}
          </p>
        </div>
        <button
          type="button"
          role="switch"
          aria-checked={checked}
          aria-label={`Auto-renew ${packageName}`}
          aria-describedby={descriptionId}
          disabled={disabled}
          onClick={toggle}
          className={cn(
            "relative mt-0.5 inline-flex h-6 w-10 shrink-0 items-center rounded-full border transition-colors",
            "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring disabled:cursor-not-allowed disabled:opacity-60",
            checked ? "border-primary bg-primary" : "border-border-strong bg-surface-muted",
          )}
        >
          <span
            aria-hidden
            className={cn(
              "inline-block size-4.5 rounded-full bg-white shadow-card transition-transform",
              checked ? "translate-x-[1.1rem]" : "translate-x-0.5",
            )}
          />
        </button>
      </div>
      {error ? (
        <Alert tone="danger" live className="mt-3">
          {error}
        </Alert>
      ) : null}
    </div>
  );
}
