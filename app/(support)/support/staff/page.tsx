// Staff accounts (R11): who can use the support console and with which role,
// and the history of every change to it. Admins only: support staff get the
// 403 page (checked here before anything is read or streamed).
import { History } from "lucide-react";
import type { Metadata } from "next";
import { Suspense } from "react";
import { DateText } from "@/components/billing/dates";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader, Section } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/access";
import { db } from "@/lib/db";
import { listStaff, listStaffAudit, STAFF_AUDIT_PAGE } from "@/lib/db/support/staff";
import { AddStaffButton, StaffArea, StaffNotice, StaffRowActions, type StaffRow } from "./staff-controls";
import { RoleBadge } from "./role-badge";
import { StaffHistory } from "./staff-history";

export const metadata: Metadata = { title: "Staff · Support console" };

export default async function StaffPage() {
  const admin = await requireAdmin();
  return (
    <StaffArea>
      <PageHeader
        title="Staff"
        description="Who can use the support console. Support staff look up customer accounts and act on them; admins can also add, change and remove staff accounts."
        actions={<AddStaffButton />}
      />
      <StaffNotice />
      <Suspense fallback={<StaffSkeleton />}>
        <StaffSections adminId={admin.id} />
      </Suspense>
    </StaffArea>
  );
}

async function StaffSections({ adminId }: { adminId: string }) {
  const prisma = await db();
  const [staff, history] = await Promise.all([listStaff(prisma), listStaffAudit(prisma)]);
  const admins = staff.filter((member) => member.role === "ADMIN").length;

  return (
    <>
      <section aria-labelledby="staff-heading">
        <div className="mb-4 flex items-end justify-between gap-3">
          <h2 id="staff-heading" className="text-base font-semibold tracking-tight">
            Staff members
          </h2>
          <p className="text-sm text-muted-foreground tabular-nums">
            {staff.length} {staff.length === 1 ? "person" : "people"} · {admins} {admins === 1 ? "admin" : "admins"}
          </p>
        </div>
        <Table label="Staff members">
          <THead>
            <tr>
              <Th>Name</Th>
              <Th className="hidden sm:table-cell">Role</Th>
              <Th className="hidden md:table-cell">Last sign-in</Th>
              <Th className="hidden lg:table-cell">Account created</Th>
              <Th className="hidden sm:table-cell">
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </THead>
          <TBody>
            {staff.map((member) => {
              const self = member.id === adminId;
              const row: StaffRow = {
                id: member.id,
                name: member.name,
                email: member.email,
                role: member.role,
                workspaceCount: member.workspaceCount,
              };
              return (
                <Tr key={member.id}>
                  <Td>
                    <span className="font-medium">{member.name}</span>
                    {self ? <span className="ml-2 text-xs text-muted-foreground">(you)</span> : null}
                    <span className="block break-all text-[13px] text-muted-foreground">{member.email}</span>
                    {/* On a phone the role, the last sign-in and the actions sit under the name; their columns are hidden. */}
                    <span className="mt-1.5 flex flex-wrap items-center gap-2 text-[13px] text-muted-foreground md:hidden">
                      <span className="sm:hidden">
                        <RoleBadge role={member.role} />
                      </span>
                      {member.lastSignInAt ? (
                        <span>
                          Signed in <DateText date={member.lastSignInAt} withTime />
                        </span>
                      ) : (
                        "Never signed in"
                      )}
                    </span>
                    {self ? null : <StaffRowActions member={row} className="-ml-3 mt-1 flex gap-1 sm:hidden" />}
                  </Td>
                  <Td className="hidden sm:table-cell">
                    <RoleBadge role={member.role} />
                  </Td>
                  <Td className="hidden whitespace-nowrap text-muted-foreground md:table-cell">
                    {member.lastSignInAt ? <DateText date={member.lastSignInAt} withTime /> : "Never"}
                  </Td>
                  <Td className="hidden whitespace-nowrap text-muted-foreground lg:table-cell">
                    <DateText date={member.createdAt} />
                  </Td>
                  <Td className="hidden text-right sm:table-cell">
                    {self ? (
                      <span className="whitespace-nowrap text-[13px] text-muted-foreground" title="Another admin can change your role">
                        Your account
                      </span>
                    ) : (
                      <StaffRowActions member={row} />
                    )}
                  </Td>
                </Tr>
              );
            })}
          </TBody>
        </Table>
        <p className="mt-3 text-[13px] text-muted-foreground">
          You cannot change your own role, and there is always at least one admin. Removing someone from staff keeps their account and any
          customer workspaces they belong to.
        </p>
      </section>

      <Section title="History" description="Every change to the staff, newest first: who made it, when, and why. It cannot be edited.">
        {history.length === 0 ? (
          <EmptyState
            compact
            icon={History}
            title="No staff changes yet"
            description="When an admin adds a staff member, changes a role or removes someone, it is recorded here with the reason."
          />
        ) : (
          <>
            <StaffHistory entries={history} />
            {history.length === STAFF_AUDIT_PAGE ? (
              <p className="mt-3 text-[13px] text-muted-foreground">The latest {STAFF_AUDIT_PAGE} changes.</p>
            ) : null}
          </>
        )}
      </Section>
    </>
  );
}

function StaffSkeleton() {
  return (
    <div role="status" aria-live="polite" aria-busy="true">
      <span className="sr-only">Loading the staff…</span>
      <Skeleton className="mb-4 h-5 w-32" />
      <div className="space-y-px overflow-hidden rounded-xl border border-border bg-surface">
        {[0, 1, 2, 3].map((row) => (
          <div key={row} className="flex items-center gap-6 px-5 py-4">
            <div className="flex-1 space-y-2">
              <Skeleton className="h-4 w-40" />
              <Skeleton className="h-3.5 w-56" />
            </div>
            <Skeleton className="h-5 w-16 rounded-full" />
            <Skeleton className="hidden h-4 w-36 md:block" />
          </div>
        ))}
      </div>
      <Skeleton className="mt-10 mb-4 h-5 w-24" />
      <Skeleton className="h-40 w-full rounded-xl" />
    </div>
  );
}
