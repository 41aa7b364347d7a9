"use client";

// "Revoke" on a key's row (R10): a destructive action, so it asks first.
// Once revoked, the list refreshes and the row shows "Revoked". The dialog's
// code (revoke-key-dialog.tsx) is fetched when it first opens.
import { lazy, Suspense, useState } from "react";
import { Button } from "@/components/ui/button";

const RevokeKeyDialog = lazy(() => import("./revoke-key-dialog").then((module) => ({ default: module.RevokeKeyDialog })));

export function RevokeKeyButton({ slug, keyId, name }: { slug: string; keyId: string; name: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" size="sm" aria-label={`Revoke key ${name}`} onClick={() => setOpen(true)}>
        Revoke
      </Button>
      {open ? (
        <Suspense fallback={null}>
          <RevokeKeyDialog slug={slug} keyId={keyId} name={name} onClose={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
