// API keys (R9.1, R10): the keys that authenticate calls to the metering API.
import { KeyRound } from "lucide-react";
import type { Metadata } from "next";
import { ApiKeyTable } from "@/components/billing/api-key-table";
import { ManagerActions } from "@/components/billing/view-only-note";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader, Section } from "@/components/ui/page-header";
import { requireWorkspace } from "@/lib/auth/access";
import { can } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { MAX_ACTIVE_API_KEYS } from "@/lib/db/api-keys";
import { listApiKeys } from "@/lib/db/queries/dashboard";
import { appOrigin } from "@/lib/env";
import { CreateKeyDialog } from "./create-key-dialog";
import { RevokeKeyButton } from "./revoke-key-button";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const ctx = await requireWorkspace(slug, "read");
  const keys = await listApiKeys(await db(), ctx.workspace.id);
  const canManage = can(ctx.role, "manage-billing");
  const origin = appOrigin();
  const active = keys.filter((key) => !key.revokedAt).length;
  const atLimit = active >= MAX_ACTIVE_API_KEYS;

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys authenticate your calls to the metering API. A key's secret is shown once, when it is created; here you see its prefix only."
        actions={
          <ManagerActions canManage={canManage}>
            <CreateKeyDialog
              slug={ctx.workspace.slug}
              disabledReason={atLimit ? `A workspace can hold ${MAX_ACTIVE_API_KEYS} active keys; revoke one first.` : undefined}
            />
          </ManagerActions>
        }
      />

      {canManage && atLimit ? (
        <Alert tone="info" title={`This workspace has ${MAX_ACTIVE_API_KEYS} active keys, the most it can hold`} className="mb-6">
          Revoke a key you no longer use to create a new one.
        </Alert>
      ) : null}

      {keys.length === 0 ? (
        <EmptyState
          icon={KeyRound}
          title="No API keys yet"
          description="Create a key to start calling the metering API. Every successful call is metered and charged to this workspace."
        />
      ) : (
        <>
          <p className="mb-3 text-sm text-muted-foreground tabular-nums">
            {active} active {active === 1 ? "key" : "keys"}
            {keys.length > active ? `, ${keys.length - active} revoked` : ""}
          </p>
          <ApiKeyTable
            keys={keys}
            actions={canManage ? (key) => <RevokeKeyButton slug={ctx.workspace.slug} keyId={key.id} name={key.name} /> : undefined}
          />
        </>
      )}

      <Section title="Calling the API">
        <Card>
          <CardHeader>
            <CardTitle as="h3">Report an operation</CardTitle>
            <CardDescription>
              Send the key as a bearer token. A batch counts each input; the response says which credits paid.
            </CardDescription>
          </CardHeader>
          <CardContent className="pt-3">
            <pre
              tabIndex={0}
              aria-label="Example request"
              className="overflow-x-auto rounded-lg bg-surface-muted p-4 font-mono text-[12.5px] leading-relaxed ring-1 ring-border focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
            >
              <code>{`curl -X POST ${origin}/api/v1/operations \\
  -H "Authorization: Bearer <your key>" \\
  -H "Content-Type: application/json" \\
  -d '{"type":"predict","inputs":32}'`}</code>
            </pre>
          </CardContent>
        </Card>
      </Section>
    </>
  );
}
