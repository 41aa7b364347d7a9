"use client";

// Rename the workspace (owners only; the page does not render this form for
// other roles, and the action refuses them anyway).
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/text-field";
import { renameWorkspaceAction, type RenameState } from "./actions";

export function WorkspaceNameForm({ slug, name }: { slug: string; name: string }) {
  const [state, formAction, pending] = useActionState<RenameState, FormData>(renameWorkspaceAction, null);
  const failure = state && !state.ok ? state : null;
  const fieldErrors = failure?.fieldErrors?.name;
  return (
    <form action={formAction} aria-label="Workspace name" className="flex flex-col gap-3 sm:flex-row sm:items-start">
      <input type="hidden" name="slug" value={slug} />
      <div className="flex-1">
        <TextField label="Workspace name" name="name" defaultValue={name} required maxLength={100} errors={fieldErrors} />
      </div>
      <div className="flex items-center gap-3 sm:pt-[26px]">
        <Button type="submit" size="md" disabled={pending}>
          {pending ? "Saving…" : "Save name"}
        </Button>
        <p role="status" className="text-[13px] text-muted-foreground">
          {state?.ok ? (state.data.changed ? "Saved." : "No change.") : failure && !fieldErrors ? failure.error : ""}
        </p>
      </div>
    </form>
  );
}
