// The staff history (StaffAuditLog), newest first: each change in words, who
// made it, when and why.
import { ArrowRight } from "lucide-react";
import { DateText } from "@/components/billing/dates";
import { Badge } from "@/components/ui/badge";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import type { StaffAuditEntry } from "@/lib/db/support/staff";
import { RoleBadge } from "./role-badge";

function Change({ entry }: { entry: StaffAuditEntry }) {
  switch (entry.action) {
    case "staff.created":
    case "staff.granted":
      return (
        <>
          Added as {entry.roleAfter ? <RoleBadge role={entry.roleAfter} /> : null}
          {entry.action === "staff.created" ? <Badge>New account</Badge> : null}
        </>
      );
    case "staff.role_changed":
      return (
        <>
          Role {entry.roleBefore ? <RoleBadge role={entry.roleBefore} /> : null}
          <ArrowRight aria-label="to" className="size-3.5 text-muted-foreground" />
          {entry.roleAfter ? <RoleBadge role={entry.roleAfter} /> : null}
        </>
      );
    case "staff.removed":
      return (
        <>
          Removed from staff
          {entry.roleBefore ? (
            <span className="text-muted-foreground">(was {entry.roleBefore === "ADMIN" ? "admin" : "support"})</span>
          ) : null}
        </>
      );
  }
}

export function StaffHistory({ entries }: { entries: StaffAuditEntry[] }) {
  return (
    <Table label="Staff history">
      <THead>
        <tr>
          <Th>Change</Th>
          <Th className="hidden sm:table-cell">When</Th>
          <Th className="hidden lg:table-cell">By</Th>
          <Th className="hidden sm:table-cell">Reason</Th>
        </tr>
      </THead>
      <TBody>
        {entries.map((entry) => (
          <Tr key={entry.id.toString()}>
            <Td className="align-top">
              <span className="block break-all font-medium">{entry.targetEmail}</span>
              <span className="mt-1 flex flex-wrap items-center gap-1.5 text-[13px]">
                <Change entry={entry} />
              </span>
              {/* On a phone the other columns are hidden: when, by whom and why sit here. */}
              <span className="mt-1.5 block text-[13px] text-muted-foreground sm:hidden">
                <DateText date={entry.createdAt} withTime /> · {entry.reason}
              </span>
              <span className="mt-0.5 block break-all text-[13px] text-muted-foreground lg:hidden">by {entry.actorEmail}</span>
            </Td>
            <Td className="hidden whitespace-nowrap align-top text-muted-foreground sm:table-cell">
              <DateText date={entry.createdAt} withTime />
            </Td>
            <Td className="hidden align-top text-muted-foreground lg:table-cell">{entry.actorEmail}</Td>
            <Td className="hidden max-w-sm align-top text-pretty sm:table-cell">{entry.reason}</Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
