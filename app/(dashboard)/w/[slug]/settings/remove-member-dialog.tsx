"use client";

// Removing a member, or leaving the workspace (members.tsx opens it): asked
// first, since access ends at once.
import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogActions, ModalDialog } from "@/components/ui/modal-dialog";
import type { ManagedMember } from "./members";
import { removeMemberAction } from "./member-actions";

export function RemoveDialog({
  slug,
  member,
  self,
  onClose,
  onMessage,
}: {
  slug: string;
  member: ManagedMember;
  self: boolean;
  onClose: () => void;
  onMessage: (message: { tone: "danger" | "success"; text: string } | null) => void;
}) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const close = () => {
    setError(null);
    onClose();
  };
  return (
    <ModalDialog
      open
      onClose={close}
      dismissible={!pending}
      alert
      title={self ? "Leave this workspace?" : `Remove ${member.name}?`}
      description={
        self
          ? "You will lose access at once. An owner can invite you again."
          : `${member.email} will lose access at once. You can invite them again later.`
      }
    >
      {error ? (
        <Alert tone="danger" live>
          {error}
        </Alert>
      ) : null}
      <DialogActions>
        <Button variant="secondary" onClick={close} disabled={pending} data-autofocus>
          Cancel
        </Button>
        <Button
          variant="danger"
          disabled={pending}
          onClick={() => {
            startTransition(async () => {
              const result = await removeMemberAction(slug, { userId: member.userId });
              if (!result.ok) {
                setError(result.error);
                return;
              }
              onMessage({ tone: "success", text: `${member.name} was removed from the workspace.` });
              close();
            });
          }}
        >
          {pending ? "Removing…" : self ? "Leave workspace" : "Remove member"}
        </Button>
      </DialogActions>
    </ModalDialog>
  );
}
