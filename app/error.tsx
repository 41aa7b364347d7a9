"use client";

// Unexpected errors below the root layout. Server errors arrive without their
// message (Next hides it); the digest matches the server log line.
//
// Every page loads this boundary up front, so it is kept small: a plain link
// (a full load is what a broken page needs anyway) and the icon inline rather
// than through lucide-react.
import { useEffect } from "react";
import { StatusPage } from "@/components/shell/status-page";
import { buttonClassName } from "@/components/ui/button";

/** lucide's "triangle-alert", drawn the way lucide draws it. */
function WarningIcon({ className }: { className?: string; "aria-hidden"?: boolean }) {
  return (
    <svg
      aria-hidden
      className={className}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      width={24}
      height={24}
    >
      <path d="m21.73 18-8-14a2 2 0 0 0-3.48 0l-8 14A2 2 0 0 0 4 21h16a2 2 0 0 0 1.73-3" />
      <path d="M12 9v4" />
      <path d="M12 17h.01" />
    </svg>
  );
}

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error ? String((error as Error & { digest?: string }).digest ?? "") : "";

  return (
    <StatusPage
      icon={WarningIcon}
      title="Something went wrong"
      description={
        <>
          <p>We could not load this page. Nothing was changed. Try again in a moment.</p>
          {digest ? <p className="mt-2 font-mono text-xs">Reference: {digest}</p> : null}
        </>
      }
    >
      <button type="button" className={buttonClassName()} onClick={() => retry()}>
        Try again
      </button>
      {/* eslint-disable-next-line @next/next/no-html-link-for-pages -- a full load, and no next/link on every page's first load */}
      <a href="/" className={buttonClassName({ variant: "secondary" })}>
        Go home
      </a>
    </StatusPage>
  );
}
