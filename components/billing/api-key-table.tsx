// API keys by their visible prefix only: the secret is shown once at creation
// and never stored (R10), and support never sees it (R11).
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { TBody, THead, Table, Td, Th, Tr } from "@/components/ui/table";
import { DateText } from "./dates";

export interface ApiKeyTableRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/**
 * `actions` renders the controls of an active key's row (the dashboard's
 * "Revoke" for people who manage billing); without it the table only reads.
 */
export function ApiKeyTable({ keys, actions }: { keys: ApiKeyTableRow[]; actions?: (key: ApiKeyTableRow) => ReactNode }) {
  return (
    <Table label="API keys">
      <THead>
        <tr>
          <Th>Name</Th>
          <Th>Key</Th>
          <Th>Created</Th>
          <Th>Last used</Th>
          <Th>Status</Th>
          {actions ? (
            <Th align="right">
              <span className="sr-only">Actions</span>
            </Th>
          ) : null}
        </tr>
      </THead>
      <TBody>
        {keys.map((key) => (
          <Tr key={key.id} className={key.revokedAt ? "text-muted-foreground" : undefined}>
            <Td className="font-medium">{key.name}</Td>
            <Td>
              <code className="rounded-md bg-surface-muted px-1.5 py-0.5 font-mono text-[12.5px] ring-1 ring-border">
                {key.prefix}
                <span aria-hidden className="text-muted-foreground">
                  …
                </span>
              </code>
            </Td>
            <Td className="whitespace-nowrap text-muted-foreground">
              <DateText date={key.createdAt} />
            </Td>
            <Td className="whitespace-nowrap text-muted-foreground">
              {key.lastUsedAt ? <DateText date={key.lastUsedAt} withTime /> : "Never"}
            </Td>
            <Td>
              {key.revokedAt ? (
                <Badge title={`Revoked ${key.revokedAt.toISOString()}`}>
                  Revoked <DateText date={key.revokedAt} />
                </Badge>
              ) : (
                <Badge tone="success" dot>
                  Active
                </Badge>
              )}
            </Td>
            {actions ? <Td align="right">{key.revokedAt ? null : actions(key)}</Td> : null}
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
