"use client";

// "Revoke" on a key's row (R10): a destructive action, so it asks first.
// Once revoked, the list refreshes and the row shows "Revoked".
import { TriangleAlert } from "lucide-react";
import { useActionState, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { revokeApiKeyAction, type RevokeApiKeyState } from "./actions";
import { DialogActions, ModalDialog } from "@/components/ui/modal-dialog";

export function RevokeKeyButton({ slug, keyId, name }: { slug: string; keyId: string; name: string }) {
  const [open, setOpen] = useState(false);
  const [state, formAction, pending] = useActionState<RevokeApiKeyState, FormData>(async (previous, formData) => {
    const result = await revokeApiKeyAction(previous, formData);
    if (result?.ok) setOpen(false);
    return result;
  }, null);
  const failure = state && !state.ok ? state : null;

  return (
    <>
      <Button variant="secondary" size="sm" aria-label={`Revoke key ${name}`} onClick={() => setOpen(true)}>
        Revoke
      </Button>
      <ModalDialog
        open={open}
        onClose={() => setOpen(false)}
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
            <Button variant="secondary" onClick={() => setOpen(false)} disabled={pending} data-autofocus>
              Cancel
            </Button>
            <Button type="submit" variant="danger" disabled={pending}>
              {pending ? "Revoking…" : "Revoke key"}
            </Button>
          </DialogActions>
        </form>
      </ModalDialog>
    </>
  );
}
