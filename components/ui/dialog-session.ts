"use client";

// The opening button's side of a dialog, apart from the dialog itself
// (modal-dialog.tsx), so that a page whose dialog is fetched on first opening
// does not load the dialog's code with the button.
import { useCallback, useEffect, useRef, useState } from "react";

/**
 * The state of a button that opens a dialog: whether it is open, a session
 * number that changes with each closing (the dialog's `key`, so every
 * opening starts fresh — a new amount, a new request id, a secret
 * forgotten), and a ref for the button, which gets the focus back on close.
 */
export function useDialogSession() {
  const [open, setOpen] = useState(false);
  const [session, setSession] = useState(0);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const refocusTrigger = useRef(false);

  useEffect(() => {
    if (open || !refocusTrigger.current) return;
    refocusTrigger.current = false;
    triggerRef.current?.focus();
  }, [open]);

  const close = useCallback(() => {
    refocusTrigger.current = true;
    setOpen(false);
    setSession((value) => value + 1);
  }, []);
  const show = useCallback(() => setOpen(true), []);
  return { open, session, triggerRef, show, close };
}
