"use client";

// The Plan page's confirmations (R4.5, R4.6). Each dialog asks the server for
// the preview when it opens (the engine function that applies the change
// computes it), shows it, and sends back the plan and the amount it showed:
// the change applied is the change previewed, once.
//
// The dialogs' code (plan-flows.tsx) is fetched when one first opens: the
// page's first load carries only the buttons.
import { Undo2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { lazy, Suspense, useState, useTransition, type ReactNode } from "react";
import { Button, type ButtonVariant } from "@/components/ui/button";
import { undoCancelAction, withdrawDowngradeAction } from "./actions";

const ChangePlanFlow = lazy(() => import("./plan-flows").then((module) => ({ default: module.ChangePlanFlow })));
const CancelFlow = lazy(() => import("./plan-flows").then((module) => ({ default: module.CancelFlow })));

function useDialog(initiallyOpen = false) {
  const [open, setOpen] = useState(initiallyOpen);
  const [session, setSession] = useState(0);
  return {
    open,
    session,
    show: () => setOpen(true),
    close: () => {
      setOpen(false);
      setSession((value) => value + 1);
    },
  };
}
// ---------------------------------------------------------------- change plan

/**
 * A plan's button and its dialog. The dialog stays mounted when the change
 * makes this plan current (or scheduled): the page re-renders with the action's
 * answer, and the confirmation must stay on screen until "Done".
 */
export function ChangePlanButton({
  slug,
  fromPlanCode,
  toPlan,
  label,
  variant = "secondary",
  status = "available",
  autoOpen = false,
}: {
  slug: string;
  fromPlanCode: string;
  toPlan: { code: string; name: string };
  label: string;
  variant?: ButtonVariant;
  /** current / scheduled: no button, a note instead (the dialog of a change just made may still be open). */
  status?: "available" | "current" | "scheduled";
  /** Opened at once: the plan picked on the pricing page (?plan=). */
  autoOpen?: boolean;
}) {
  const dialog = useDialog(autoOpen && status === "available");
  return (
    <>
      {status === "available" ? (
        <Button variant={variant} size="sm" onClick={dialog.show} className="mt-5 w-full">
          {label}
        </Button>
      ) : status === "scheduled" ? (
        <p className="mt-5 text-center text-sm text-muted-foreground">Starts at the end of this period</p>
      ) : null}
      {dialog.open ? (
        <Suspense fallback={null}>
          <ChangePlanFlow
            key={dialog.session}
            open={dialog.open}
            onClose={dialog.close}
            slug={slug}
            fromPlanCode={fromPlanCode}
            toPlan={toPlan}
          />
        </Suspense>
      ) : null}
    </>
  );
}
// ---------------------------------------------------------------- cancellation

export function CancelPlanButton({
  slug,
  fromPlanCode,
  planName,
  scheduled,
}: {
  slug: string;
  fromPlanCode: string;
  planName: string;
  scheduled: boolean;
}) {
  const dialog = useDialog();
  return (
    <>
      {scheduled ? null : (
        <Button variant="secondary" onClick={dialog.show}>
          Cancel plan
        </Button>
      )}
      {dialog.open ? (
        <Suspense fallback={null}>
          <CancelFlow
            key={dialog.session}
            open={dialog.open}
            onClose={dialog.close}
            slug={slug}
            fromPlanCode={fromPlanCode}
            planName={planName}
          />
        </Suspense>
      ) : null}
    </>
  );
}
// ---------------------------------------------------------------- undo

function InlineAction({
  label,
  pendingLabel,
  run,
  icon,
}: {
  label: string;
  pendingLabel: string;
  run: () => Promise<{ ok: true } | { ok: false; error: string }>;
  icon: ReactNode;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="flex flex-col items-end gap-1">
      <Button
        size="sm"
        variant="secondary"
        disabled={pending}
        aria-busy={pending || undefined}
        onClick={() =>
          startTransition(async () => {
            setError(null);
            const result = await run();
            if (!result.ok) setError(result.error);
            else router.refresh();
          })
        }
      >
        {icon}
        {pending ? pendingLabel : label}
      </Button>
      {error ? (
        <p role="alert" className="text-[13px] text-danger">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function UndoCancelButton({ slug }: { slug: string }) {
  return <InlineAction label="Undo cancellation" pendingLabel="Undoing…" icon={<Undo2 aria-hidden />} run={() => undoCancelAction(slug)} />;
}

export function WithdrawDowngradeButton({ slug, scheduledPlanCode }: { slug: string; scheduledPlanCode: string }) {
  return (
    <InlineAction
      label="Keep current plan"
      pendingLabel="Keeping…"
      icon={<Undo2 aria-hidden />}
      run={() => withdrawDowngradeAction(slug, { scheduledPlanCode })}
    />
  );
}
