"use client";

// The staff page's controls (the tables are drawn on the server, page.tsx):
// "Add staff member", and on each row "Change role" and "Remove". Each opens
// a dialog that says what will happen and asks why; the server actions check
// the admin role, the guard rails and the role the admin saw all over again.
import { UserPlus } from "lucide-react";
import { createContext, useContext, useMemo, useState, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import type { StaffRoleName } from "@/lib/auth/roles";
import { AddStaffDialog } from "./add-staff-dialog";
import { ChangeRoleDialog, RemoveStaffDialog } from "./staff-dialogs";

export interface StaffRow {
  id: string;
  name: string;
  email: string;
  role: StaffRoleName;
  workspaceCount: number;
}

export type StaffMessage = { tone: "success" | "danger"; text: string } | null;

type Open = { kind: "add" } | { kind: "change"; member: StaffRow } | { kind: "remove"; member: StaffRow } | null;

interface StaffState {
  open: (dialog: Open) => void;
  message: StaffMessage;
}

const StaffContext = createContext<StaffState | null>(null);

function useStaff(): StaffState {
  const state = useContext(StaffContext);
  if (!state) throw new Error("A staff control outside StaffArea");
  return state;
}

/** The page's shared state: the message above the table and the dialog that is open. */
export function StaffArea({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<StaffMessage>(null);
  const [dialog, setDialog] = useState<Open>(null);
  const state = useMemo<StaffState>(
    () => ({
      message,
      open: (next) => {
        setMessage(null);
        setDialog(next);
      },
    }),
    [message],
  );
  const close = () => setDialog(null);
  return (
    <StaffContext.Provider value={state}>
      {children}
      {dialog?.kind === "add" ? <AddStaffDialog onClose={close} onMessage={setMessage} /> : null}
      {dialog?.kind === "change" ? <ChangeRoleDialog member={dialog.member} onClose={close} onMessage={setMessage} /> : null}
      {dialog?.kind === "remove" ? <RemoveStaffDialog member={dialog.member} onClose={close} onMessage={setMessage} /> : null}
    </StaffContext.Provider>
  );
}

/** The outcome of the last change, under the page's header. */
export function StaffNotice() {
  const { message } = useStaff();
  if (!message) return null;
  return (
    <Alert tone={message.tone} live className="mb-6">
      {message.text}
    </Alert>
  );
}

export function AddStaffButton() {
  const { open } = useStaff();
  return (
    <Button onClick={() => open({ kind: "add" })}>
      <UserPlus aria-hidden />
      Add staff member
    </Button>
  );
}

/** "Change role" and "Remove" on a staff member's row. */
export function StaffRowActions({ member, className }: { member: StaffRow; className?: string }) {
  const { open } = useStaff();
  return (
    <div className={className ?? "flex justify-end gap-1"}>
      <Button variant="ghost" size="sm" aria-label={`Change the role of ${member.name}`} onClick={() => open({ kind: "change", member })}>
        Change role
      </Button>
      <Button variant="ghost" size="sm" aria-label={`Remove ${member.name} from staff`} onClick={() => open({ kind: "remove", member })}>
        Remove
      </Button>
    </div>
  );
}
