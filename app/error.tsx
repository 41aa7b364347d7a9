"use client";

// Unexpected errors below the root layout. Server errors arrive without their
// message (Next hides it); the digest matches the server log line.
import { TriangleAlert } from "lucide-react";
import Link from "next/link";
import { useEffect } from "react";
import { StatusPage } from "@/components/shell/status-page";
import { Button, buttonClassName } from "@/components/ui/button";

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error ? String((error as Error & { digest?: string }).digest ?? "") : "";

  return (
    <StatusPage
      icon={TriangleAlert}
      title="Something went wrong"
      description={
        <>
          <p>We could not load this page. Nothing was changed. Try again in a moment.</p>
          {digest ? <p className="mt-2 font-mono text-xs">Reference: {digest}</p> : null}
        </>
      }
    >
      <Button onClick={() => retry()}>Try again</Button>
      <Link href="/" className={buttonClassName({ variant: "secondary" })}>
        Go home
      </Link>
    </StatusPage>
  );
}
