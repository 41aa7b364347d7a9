"use client";

// A modal on the native <dialog>: showModal() puts it in the top layer and
// makes the page behind it inert, so focus stays inside; Escape closes it;
// focus goes back to the element that opened it. The content mounts only
// while it is open, so closing it forgets whatever it held (a key's secret).
import { X, type LucideIcon } from "lucide-react";
import { useEffect, useId, useRef, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

export function ModalDialog({
  open,
  onClose,
  title,
  description,
  icon,
  alert = false,
  dismissible = true,
  size = "md",
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
  /** Shown left of the title, e.g. a warning sign for a destructive confirmation. */
  icon?: ReactNode;
  /** A confirmation that interrupts the task (role="alertdialog"). */
  alert?: boolean;
  /** False while a request is in flight: Escape and the close button wait for it. */
  dismissible?: boolean;
  size?: "md" | "lg";
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      // React's autoFocus runs before showModal(), which moves focus again.
      dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  // A dialog taken off the page while open (the flows that mount it only while open) gets no close event:
  // focus goes back to its opener all the same.
  useEffect(() => {
    const dialog = ref.current;
    return () => {
      if (dialog?.open) restoreFocus(opener.current);
    };
  }, []);

  return (
    <dialog
      ref={ref}
      role={alert ? "alertdialog" : undefined}
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onCancel={(event) => {
        if (!dismissible) event.preventDefault();
      }}
      onClose={() => {
        restoreFocus(opener.current);
        onClose();
      }}
      className={cn(
        "m-auto max-h-[calc(100dvh-2rem)] w-[calc(100%-2rem)] overflow-y-auto rounded-xl border border-border bg-surface-raised p-0 shadow-popover",
        // The top layer does not reset inherited styles: a dialog opened from a
        // right-aligned table cell would otherwise be right-aligned too.
        "text-left text-sm font-normal whitespace-normal text-foreground",
        "backdrop:bg-black/45 backdrop:backdrop-blur-[2px]",
        size === "lg" ? "max-w-lg" : "max-w-md",
      )}
    >
      {open ? (
        <div className="relative p-5 sm:p-6">
          <div className="flex items-start gap-3.5 pr-8">
            {icon}
            <div className="min-w-0 space-y-1">
              <h2 id={titleId} className="text-base font-semibold tracking-tight text-foreground text-balance">
                {title}
              </h2>
              {description ? (
                <div id={descriptionId} className="text-sm text-muted-foreground text-pretty">
                  {description}
                </div>
              ) : null}
            </div>
          </div>
          <Button
            variant="ghost"
            size="icon"
            aria-label="Close"
            className="absolute top-3.5 right-3.5 size-8 text-muted-foreground"
            disabled={!dismissible}
            onClick={onClose}
          >
            <X aria-hidden />
          </Button>
          <div className="mt-5">{children}</div>
        </div>
      ) : null}
    </dialog>
  );
}

function restoreFocus(element: HTMLElement | null) {
  if (element?.isConnected) element.focus();
}

/** The row of buttons at the foot of a dialog, the main one last. */
export function DialogActions({ children, tight = false }: { children: ReactNode; tight?: boolean }) {
  return <div className={cn("flex flex-col-reverse gap-2 sm:flex-row sm:justify-end", tight ? "mt-4" : "mt-6")}>{children}</div>;
}

const ICON_TONES = {
  primary: "bg-primary-soft text-primary-soft-foreground ring-primary/15",
  success: "bg-success-soft text-success ring-success/15",
  warning: "bg-warning-soft text-warning ring-warning/20",
} as const;

/** The round icon beside a dialog's title: what the dialog is about, in the tone of what it does. */
export function DialogIcon({ icon: Icon, tone = "primary" }: { icon: LucideIcon; tone?: keyof typeof ICON_TONES }) {
  return (
    <span className={cn("flex size-9 shrink-0 items-center justify-center rounded-full ring-1", ICON_TONES[tone])}>
      <Icon aria-hidden className="size-4.5" />
    </span>
  );
}

/** One term and its value in a dialog's summary (inside a <dl>). */
export function SummaryRow({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-4 px-4 py-2.5">
      <dt className="text-muted-foreground">{term}</dt>
      <dd className="text-right">{children}</dd>
    </div>
  );
}
