"use client";

// Adding a staff member (staff-controls.tsx opens it). First the email: the
// server says whether an account has it. An existing account keeps its
// password and its customer workspaces and only gains the role; for a new
// email the admin also gives a name and an initial password. Then the role,
// the reason, and a sentence saying what will happen. The key is made when
// the dialog opens, so a double submit adds once.
import { UserPlus } from "lucide-react";
import { useId, useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { DialogActions, DialogIcon, ModalDialog } from "@/components/ui/modal-dialog";
import { TextField } from "@/components/ui/text-field";
import type { StaffRoleName } from "@/lib/auth/roles";
import type { StaffCandidate } from "@/lib/db/support/staff";
import { addStaffMemberAction, lookUpStaffCandidateAction } from "./actions";
import type { StaffMessage } from "./staff-controls";
import { RoleBadge } from "./role-badge";
import { ReasonField } from "./staff-dialogs";
import { asRole, STAFF_ROLES, staffRoleHints, staffRoleLabels, workspacesPhrase } from "./staff-roles";

type Candidate = Exclude<StaffCandidate, { kind: "staff" }>;

const roleEffects: Record<StaffRoleName, string> = {
  SUPPORT: "they look up any customer account and act on it.",
  ADMIN: "they do everything support does, and manage the staff accounts.",
};
type FieldErrors = Record<string, string[]>;

export function AddStaffDialog({ onClose, onMessage }: { onClose: () => void; onMessage: (message: StaffMessage) => void }) {
  const [key] = useState(() => crypto.randomUUID());
  const [email, setEmail] = useState("");
  const [candidate, setCandidate] = useState<Candidate | null>(null);
  const [role, setRole] = useState<StaffRoleName>("SUPPORT");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const fail = (result: { error: string; fieldErrors?: FieldErrors }) => {
    setErrors(result.fieldErrors ?? {});
    setError(result.fieldErrors && Object.keys(result.fieldErrors).length > 0 ? null : result.error);
  };

  const lookUp = (event: FormEvent) => {
    event.preventDefault();
    startTransition(async () => {
      const result = await lookUpStaffCandidateAction({ email });
      if (!result.ok) return fail(result);
      const found = result.data;
      if (found.kind === "staff") {
        return fail({
          error: "",
          fieldErrors: { email: [`${found.name} is already ${asRole[found.role]}. Change their role in the staff table instead.`] },
        });
      }
      setErrors({});
      setError(null);
      setCandidate(found);
    });
  };

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!candidate) return;
    startTransition(async () => {
      const result = await addStaffMemberAction({
        email: candidate.email,
        role,
        reason,
        idempotencyKey: key,
        ...(candidate.kind === "new" ? { name, initialPassword: password } : {}),
      });
      if (!result.ok) return fail(result);
      const added = result.data;
      onMessage({
        tone: "success",
        text: added.createdAccount
          ? `${added.name} was added as ${asRole[role]}. They can sign in now with ${added.email} and the initial password you set.`
          : `${added.name} is now ${asRole[role]}.${candidate.kind === "customer" && candidate.workspaceCount > 0 ? ` They keep ${workspacesPhrase(candidate.workspaceCount)}.` : ""}`,
      });
      onClose();
    });
  };

  const who = candidate?.kind === "customer" ? candidate.name : name.trim() || candidate?.email || "";

  return (
    <ModalDialog
      open
      size="lg"
      onClose={onClose}
      dismissible={!pending}
      icon={<DialogIcon icon={UserPlus} />}
      title="Add staff member"
      description="Give an existing account a staff role, or create a new account for a new colleague."
    >
      {!candidate ? (
        <form onSubmit={lookUp} noValidate aria-label="Find the account">
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="off"
            required
            data-autofocus
            placeholder="sam@company.com"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            errors={errors.email}
            hint="We check whether an account already uses this address."
          />
          {error ? (
            <Alert tone="danger" live className="mt-4">
              {error}
            </Alert>
          ) : null}
          <DialogActions>
            <Button variant="secondary" onClick={onClose} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" disabled={pending || email.trim() === ""}>
              {pending ? "Checking…" : "Continue"}
            </Button>
          </DialogActions>
        </form>
      ) : (
        <form onSubmit={add} noValidate aria-label="Add staff member" className="space-y-5">
          <div className="flex items-start justify-between gap-3 rounded-lg border border-border bg-surface-muted/50 px-4 py-3 text-sm">
            <div className="min-w-0" data-testid="staff-candidate">
              {candidate.kind === "customer" ? (
                <>
                  <p className="font-medium">{candidate.name}</p>
                  <p className="break-all text-muted-foreground">{candidate.email}</p>
                  <p className="mt-1 text-[13px] text-muted-foreground">
                    Existing account
                    {candidate.workspaceCount > 0
                      ? `, member of ${candidate.workspaceCount === 1 ? "1 workspace" : `${candidate.workspaceCount} workspaces`}`
                      : ""}
                    . They keep their password and workspaces.
                  </p>
                </>
              ) : (
                <>
                  <p className="break-all font-medium">{candidate.email}</p>
                  <p className="mt-1 text-[13px] text-muted-foreground">No account uses this email yet: a new one will be created.</p>
                </>
              )}
            </div>
            <Button
              variant="ghost"
              size="sm"
              className="-mr-2 -mt-1"
              disabled={pending}
              onClick={() => {
                setCandidate(null);
                setErrors({});
                setError(null);
              }}
            >
              Change
            </Button>
          </div>

          {candidate.kind === "new" ? (
            <div className="grid gap-4 sm:grid-cols-2">
              <TextField
                label="Name"
                name="name"
                autoComplete="off"
                required
                data-autofocus
                value={name}
                onChange={(event) => setName(event.target.value)}
                errors={errors.name}
              />
              <TextField
                label="Initial password"
                name="initialPassword"
                type="password"
                autoComplete="new-password"
                required
                value={password}
                onChange={(event) => setPassword(event.target.value)}
                errors={errors.initialPassword}
                hint="At least 10 characters. Share it with them privately."
              />
            </div>
          ) : null}

          <RoleChoice value={role} onChange={setRole} errors={errors.role} disabled={pending} />

          <ReasonField value={reason} onChange={setReason} errors={errors.reason} disabled={pending} />

          <p className="rounded-lg border border-info/25 bg-info-soft/50 px-4 py-3 text-sm text-pretty" data-testid="add-staff-effect">
            {candidate.kind === "new" ? (
              <>
                A new account is created for <span className="font-medium">{who}</span>, who can
              </>
            ) : (
              <>
                <span className="font-medium">{who}</span> can
              </>
            )}{" "}
            use the support console at once as <RoleBadge role={role} />: {roleEffects[role]}
          </p>

          {error ? (
            <Alert tone="danger" live>
              {error}
            </Alert>
          ) : null}
          <DialogActions tight>
            <Button variant="secondary" onClick={onClose} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" disabled={pending || reason.trim() === ""}>
              {pending ? "Adding…" : `Add as ${role === "ADMIN" ? "admin" : "support staff"}`}
            </Button>
          </DialogActions>
        </form>
      )}
    </ModalDialog>
  );
}

function RoleChoice({
  value,
  onChange,
  errors,
  disabled,
}: {
  value: StaffRoleName;
  onChange: (role: StaffRoleName) => void;
  errors?: string[];
  disabled?: boolean;
}) {
  const name = useId();
  return (
    <fieldset>
      <legend className="mb-1.5 text-sm font-medium text-foreground">Role</legend>
      <div className="grid gap-2 sm:grid-cols-2">
        {STAFF_ROLES.map((role) => (
          // A native radio (arrow keys move between them), drawn as a tile.
          <label
            key={role}
            className={cn(
              "flex cursor-pointer flex-col gap-1 rounded-lg border px-3.5 py-3 text-sm transition-colors",
              "has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-ring has-[:disabled]:cursor-not-allowed has-[:disabled]:opacity-60",
              value === role
                ? "border-primary bg-primary-soft/60 ring-1 ring-primary"
                : "border-border-strong bg-surface hover:bg-surface-muted",
            )}
          >
            <span className="flex items-center gap-2 font-medium">
              <input
                type="radio"
                name={name}
                value={role}
                checked={value === role}
                disabled={disabled}
                onChange={() => onChange(role)}
                aria-label={staffRoleLabels[role]}
                aria-describedby={`${name}-${role}-hint`}
                className="accent-[var(--primary)]"
              />
              {staffRoleLabels[role]}
            </span>
            <span id={`${name}-${role}-hint`} className="text-[13px] text-muted-foreground text-pretty">
              {staffRoleHints[role]}
            </span>
          </label>
        ))}
      </div>
      {errors?.length ? <p className="mt-1.5 text-[13px] text-danger">{errors.join(" ")}</p> : null}
    </fieldset>
  );
}
