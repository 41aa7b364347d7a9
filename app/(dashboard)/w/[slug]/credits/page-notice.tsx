"use client";

// A one-time notice at the top of a page after a redirect ("Card saved",
// "Payment received"): shown once, then its query parameters are dropped from
// the address, so a reload or a shared link does not announce it again.
// It stays until it is dismissed or the page is left.
import { X } from "lucide-react";
import { useEffect, useState, type ReactNode } from "react";
import { Alert, type AlertTone } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

export function PageNotice({
  tone,
  title,
  children,
  clearParams,
}: {
  tone: AlertTone;
  title: ReactNode;
  children?: ReactNode;
  /** The query parameters that carried the notice. */
  clearParams: string[];
}) {
  const [dismissed, setDismissed] = useState(false);
  useEffect(() => {
    const url = new URL(window.location.href);
    let changed = false;
    for (const name of clearParams) {
      if (url.searchParams.has(name)) {
        url.searchParams.delete(name);
        changed = true;
      }
    }
    // The App Router keeps its state through history.replaceState: no navigation, no refetch.
    if (changed) window.history.replaceState(window.history.state, "", `${url.pathname}${url.search}${url.hash}`);
  }, [clearParams]);

  if (dismissed) return null;
  return (
    <div role="status" className="mb-6">
      <Alert
        tone={tone}
        title={title}
        action={
          <Button
            variant="ghost"
            size="icon"
            className="-my-1.5 -mr-2 size-8 text-muted-foreground"
            aria-label="Dismiss"
            onClick={() => setDismissed(true)}
          >
            <X aria-hidden />
          </Button>
        }
      >
        {children}
      </Alert>
    </div>
  );
}
