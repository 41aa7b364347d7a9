"use client";

// The confirmation behind "Revoke" (revoke-key-button.tsx), fetched when it
// first opens.
import { TriangleAlert } from "lucide-react";
import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogActions, ModalDialog } from "@/components/ui/modal-dialog";
import { revokeApiKeyAction, type RevokeApiKeyState } from "./actions";

export function RevokeKeyDialog({ slug, keyId, name, onClose }: { slug: string; keyId: string; name: string; onClose: () => void }) {
  const [state, formAction, pending] = useActionState<RevokeApiKeyState, FormData>(async (previous, formData) => {
    const result = await revokeApiKeyAction(previous, formData);
    if (result?.ok) onClose();
    return result;
  }, null);
  const failure = state && !state.ok ? state : null;

  return (
    <ModalDialog
      open
      onClose={onClose}
      dismissible={!pending}
      alert
      title={
        <>
          Revoke key <span className="break-all">{name}</span>?
        </>
      }
      description="Calls using it will be refused at once. This cannot be undone."
      icon={
        <span className="flex size-9 shrink-0 items-center justify-center rounded-full bg-danger-soft text-danger ring-1 ring-danger/15">
          <TriangleAlert aria-hidden className="size-4.5" />
        </span>
      }
    >
      <form action={formAction}>
        <input type="hidden" name="slug" value={slug} />
        <input type="hidden" name="keyId" value={keyId} />
        {failure ? (
          <Alert tone="danger" live>
            {failure.error}
          </Alert>
        ) : null}
        <DialogActions>
          {/* The safe choice has focus: Enter does not revoke by accident. */}
          <Button variant="secondary" onClick={onClose} disabled={pending} data-autofocus>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={pending}>
            {pending ? "Revoking…" : "Revoke key"}
          </Button>
        </DialogActions>
      </form>
    </ModalDialog>
  );
}
