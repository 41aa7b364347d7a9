"use client";

// The staff page could not be loaded: said inside the support console's frame,
// with a retry (which asks the server again). Server errors arrive without
// their message; the digest matches the server's log line.
import { useEffect } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";

export default function StaffError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error ? String((error as Error & { digest?: string }).digest ?? "") : "";
  return (
    <>
      <PageHeader title="Staff" />
      <Alert
        tone="danger"
        title="We could not load the staff"
        action={
          <Button size="sm" variant="secondary" onClick={() => retry()}>
            Try again
          </Button>
        }
      >
        Nothing was changed. Try again in a moment.
        {digest ? <span className="mt-1 block font-mono text-xs text-muted-foreground">Reference: {digest}</span> : null}
      </Alert>
    </>
  );
}
