"use client";

// "Create key" (R10): name a key, then see its secret once. The secret lives
// only in this dialog's state; closing the dialog remounts it empty, so the
// secret leaves the page with it and the list shows the prefix alone.
//
// The dialog's code (create-key-flow.tsx) is fetched when it first opens: the page's
// first load carries only the button.
import { Plus } from "lucide-react";
import { lazy, Suspense } from "react";
import { Button } from "@/components/ui/button";
import { useDialogSession } from "@/components/ui/dialog-session";

const CreateKeyFlow = lazy(() => import("./create-key-flow").then((module) => ({ default: module.CreateKeyFlow })));

export function CreateKeyDialog({ slug, disabledReason }: { slug: string; disabledReason?: string }) {
  const { open, session, triggerRef, show, close } = useDialogSession();

  return (
    <>
      <Button ref={triggerRef} variant="primary" onClick={show} disabled={Boolean(disabledReason)} title={disabledReason}>
        <Plus aria-hidden />
        Create key
      </Button>
      {open ? (
        <Suspense fallback={null}>
          <CreateKeyFlow key={session} slug={slug} open={open} onClose={close} />
        </Suspense>
      ) : null}
    </>
  );
}
