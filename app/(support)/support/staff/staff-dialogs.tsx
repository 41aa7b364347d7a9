"use client";

// Changing a staff member's role, and taking it away (staff-controls.tsx opens
// them): each says what will happen, asks why (the reason goes into the staff
// history) and is applied once — the key is made when the dialog opens — onto
// the role the table showed.
import { ArrowRight, ShieldCheck, UserMinus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { FieldError } from "@/components/ui/field-error";
import { inputClassName } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { DialogActions, DialogIcon, ModalDialog } from "@/components/ui/modal-dialog";
import type { StaffRoleName } from "@/lib/auth/roles";
import { changeStaffRoleAction, removeStaffMemberAction } from "./actions";
import type { StaffMessage, StaffRow } from "./staff-controls";
import { RoleBadge } from "./role-badge";
import { asRole, staffRoleLabels, workspacesPhrase } from "./staff-roles";

export const REASON_MAX = 500;

/** The reason every staff change needs, kept in the staff history. */
export function ReasonField({
  value,
  onChange,
  errors,
  disabled,
}: {
  value: string;
  onChange: (value: string) => void;
  errors?: string[];
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div>
      <Label htmlFor={id} className="mb-1.5">
        Reason <span className="font-normal text-muted-foreground">(kept in the staff history)</span>
      </Label>
      <textarea
        id={id}
        name="reason"
        rows={2}
        maxLength={REASON_MAX}
        value={value}
        disabled={disabled}
        placeholder="e.g. Joined the support team"
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${id}-error` : undefined}
        className={cn(inputClassName, "h-auto min-h-16 py-2")}
      />
      <FieldError id={`${id}-error`} errors={errors} />
    </div>
  );
}

const keepsAccount = (member: StaffRow) =>
  member.workspaceCount > 0 ? `Their account stays, with ${workspacesPhrase(member.workspaceCount)}.` : "Their account stays.";

interface DialogProps {
  member: StaffRow;
  onClose: () => void;
  onMessage: (message: StaffMessage) => void;
}

/** Runs one staff change: shows its refusal in the dialog (refreshing the table when it moved meanwhile), or closes with a message. */
function useStaffChange(onClose: () => void, onMessage: (message: StaffMessage) => void) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const run = (call: () => Promise<{ ok: true } | { ok: false; error: string; fieldErrors?: Record<string, string[]> }>, done: string) =>
    startTransition(async () => {
      const result = await call();
      if (!result.ok) {
        setError(result.error);
        setFieldErrors(result.fieldErrors ?? {});
        // The table may be out of date (someone else changed this person): show what is true now.
        if (!result.fieldErrors) router.refresh();
        return;
      }
      onMessage({ tone: "success", text: done });
      onClose();
    });
  return { pending, error, fieldErrors, run };
}

export function ChangeRoleDialog({ member, onClose, onMessage }: DialogProps) {
  const [key] = useState(() => crypto.randomUUID());
  const [reason, setReason] = useState("");
  const { pending, error, fieldErrors, run } = useStaffChange(onClose, onMessage);
  const to: StaffRoleName = member.role === "ADMIN" ? "SUPPORT" : "ADMIN";
  return (
    <ModalDialog
      open
      onClose={onClose}
      dismissible={!pending}
      icon={<DialogIcon icon={ShieldCheck} />}
      title={`Change ${member.name}'s role`}
      description={member.email}
    >
      <div className="rounded-lg border border-border bg-surface-muted/50 p-4">
        <div className="flex items-center gap-2" aria-label={`From ${staffRoleLabels[member.role]} to ${staffRoleLabels[to]}`}>
          <RoleBadge role={member.role} />
          <ArrowRight aria-hidden className="size-4 text-muted-foreground" />
          <RoleBadge role={to} />
        </div>
        <p className="mt-3 text-sm text-pretty" data-testid="change-role-effect">
          {to === "ADMIN"
            ? `${member.name} will be able to add, change and remove staff accounts, on top of everything support staff do.`
            : `${member.name} will no longer manage staff accounts. They keep the support console and every customer account.`}{" "}
          It takes effect on their next page.
        </p>
      </div>
      <div className="mt-4">
        <ReasonField value={reason} onChange={setReason} errors={fieldErrors.reason} disabled={pending} />
      </div>
      {error && !fieldErrors.reason ? (
        <Alert tone="danger" live className="mt-4">
          {error}
        </Alert>
      ) : null}
      <DialogActions>
        <Button variant="secondary" onClick={onClose} disabled={pending} data-autofocus>
          Cancel
        </Button>
        <Button
          disabled={pending || reason.trim() === ""}
          onClick={() =>
            run(
              () => changeStaffRoleAction({ userId: member.id, role: to, expectedRole: member.role, reason, idempotencyKey: key }),
              `${member.name} is now ${asRole[to]}.`,
            )
          }
        >
          {pending ? "Changing…" : `Make ${to === "ADMIN" ? "admin" : "support staff"}`}
        </Button>
      </DialogActions>
    </ModalDialog>
  );
}

export function RemoveStaffDialog({ member, onClose, onMessage }: DialogProps) {
  const [key] = useState(() => crypto.randomUUID());
  const [reason, setReason] = useState("");
  const { pending, error, fieldErrors, run } = useStaffChange(onClose, onMessage);
  return (
    <ModalDialog
      open
      alert
      onClose={onClose}
      dismissible={!pending}
      icon={<DialogIcon icon={UserMinus} tone="warning" />}
      title={`Remove ${member.name} from staff?`}
      description={member.email}
    >
      <div className="rounded-lg border border-border bg-surface-muted/50 p-4 text-sm text-pretty" data-testid="remove-staff-effect">
        <p>
          {member.name} loses the support console at once, including any page they have open
          {member.role === "ADMIN" ? ", and can no longer manage staff" : ""}.
        </p>
        <p className="mt-2 text-muted-foreground">{keepsAccount(member)} You can add them again later.</p>
      </div>
      <div className="mt-4">
        <ReasonField value={reason} onChange={setReason} errors={fieldErrors.reason} disabled={pending} />
      </div>
      {error && !fieldErrors.reason ? (
        <Alert tone="danger" live className="mt-4">
          {error}
        </Alert>
      ) : null}
      <DialogActions>
        <Button variant="secondary" onClick={onClose} disabled={pending} data-autofocus>
          Cancel
        </Button>
        <Button
          variant="danger"
          disabled={pending || reason.trim() === ""}
          onClick={() =>
            run(
              () => removeStaffMemberAction({ userId: member.id, expectedRole: member.role, reason, idempotencyKey: key }),
              `${member.name} is no longer staff. ${keepsAccount(member)}`,
            )
          }
        >
          {pending ? "Removing…" : "Remove from staff"}
        </Button>
      </DialogActions>
    </ModalDialog>
  );
}
