"use client";

// The "Create key" dialog, fetched when it first opens (create-key-dialog.tsx
// has the button and says what it does).
import { Check, Copy, KeyRound } from "lucide-react";
import { useActionState, useEffect, useId, useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { TextField } from "@/components/ui/text-field";
import { createApiKeyAction, type CreateApiKeyState } from "./actions";
import { DialogActions, DialogIcon, ModalDialog } from "@/components/ui/modal-dialog";

// Mirrors API_KEY_NAME_MAX in lib/db/api-keys.ts (server-only); the action enforces it.
const NAME_MAX = 60;

// The whole key stays visible (it wraps rather than scrolls), in the input look.
const secretFieldClassName =
  "block min-h-10 w-full resize-none break-all rounded-lg border border-input bg-surface-muted/60 px-3 py-2.5 font-mono text-[13px] leading-5 text-foreground shadow-card field-sizing-content " +
  "focus-visible:border-ring focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-ring/40";

export function CreateKeyFlow({ slug, open, onClose }: { slug: string; open: boolean; onClose: () => void }) {
  const [state, formAction, pending] = useActionState<CreateApiKeyState, FormData>(createApiKeyAction, null);
  // Controlled, so a refused name stays in the field after the form action resets the form.
  const [name, setName] = useState("");
  const created = state?.ok ? state.data : null;
  const failure = state && !state.ok ? state : null;
  const nameErrors = failure?.fieldErrors?.name;

  if (created) {
    return (
      <ModalDialog
        open={open}
        onClose={onClose}
        size="lg"
        title="Save your secret key"
        description={
          <>
            <span className="font-medium text-foreground">{created.name}</span> is ready. Use it as a bearer token when you call the
            metering API.
          </>
        }
        icon={<DialogIcon icon={KeyRound} />}
      >
        <NewKeySecret secret={created.secret} />
        <DialogActions tight>
          <Button variant="secondary" onClick={onClose}>
            Done
          </Button>
        </DialogActions>
      </ModalDialog>
    );
  }

  return (
    <ModalDialog
      open={open}
      onClose={onClose}
      size="lg"
      dismissible={!pending}
      title="Create an API key"
      description="The key authenticates calls to the metering API. Every successful call is metered and charged to this workspace."
      icon={<DialogIcon icon={KeyRound} />}
    >
      <form action={formAction} aria-label="Create an API key" noValidate>
        <input type="hidden" name="slug" value={slug} />
        <TextField
          label="Key name"
          name="name"
          placeholder="e.g. Production server"
          hint="For your team, to tell keys apart. Up to 60 characters."
          autoComplete="off"
          required
          maxLength={NAME_MAX}
          errors={nameErrors}
          value={name}
          onChange={(event) => setName(event.target.value)}
          data-autofocus
        />
        {failure && !nameErrors ? (
          <Alert tone="danger" live className="mt-4">
            {failure.error}
          </Alert>
        ) : null}
        <DialogActions>
          <Button variant="secondary" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" disabled={pending}>
            {pending ? "Creating…" : "Create key"}
          </Button>
        </DialogActions>
      </form>
    </ModalDialog>
  );
}

/** The secret, once: a read-only field, a copy button and the warning. */
function NewKeySecret({ secret }: { secret: string }) {
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const fieldId = useId();
  const copyRef = useRef<HTMLButtonElement>(null);

  // The form that had focus is gone; land on the one thing to do next.
  useEffect(() => {
    copyRef.current?.focus();
  }, []);

  async function copyToClipboard() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy("copied");
    } catch {
      // No clipboard access (permissions, an insecure origin): select it for the keyboard.
      inputRef.current?.select();
      setCopy("failed");
    }
  }

  return (
    <div className="space-y-4">
      <Alert tone="warning" title="Copy this key now — you won't be able to see it again.">
        We keep only a fingerprint of it. If you lose it, revoke it and create a new one.
      </Alert>
      <div>
        <Label htmlFor={fieldId} className="mb-1.5">
          Secret key
        </Label>
        <div className="flex items-start gap-2">
          <textarea
            ref={inputRef}
            id={fieldId}
            readOnly
            rows={2}
            value={secret}
            spellCheck={false}
            autoComplete="off"
            onFocus={(event) => event.currentTarget.select()}
            className={secretFieldClassName}
          />
          <Button ref={copyRef} variant="primary" className="h-10" onClick={copyToClipboard}>
            {copy === "copied" ? <Check aria-hidden /> : <Copy aria-hidden />}
            {copy === "copied" ? "Copied" : "Copy"}
          </Button>
        </div>
        <p role="status" className="mt-1.5 min-h-5 text-[13px] text-muted-foreground">
          {copy === "copied"
            ? "Copied to the clipboard."
            : copy === "failed"
              ? "Copying is blocked here: the key is selected, press Ctrl+C (⌘C) to copy it."
              : ""}
        </p>
      </div>
    </div>
  );
}
