// Provisioning for the crash test and the ingest benchmark: a migrated
// database with the catalog, and workspaces with API keys and room to spend.
import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { generateApiKey } from "@/lib/api-keys/key";
import { parseCatalog } from "@/lib/catalog/schema";
import { createUser, createWorkspace } from "@/lib/db/accounts";
import { setWorkspaceRateLimit } from "@/lib/db/api-auth";
import { syncCatalog } from "@/lib/db/catalog";
import type { Database } from "@/lib/db/connect";
import { grantPrepaid } from "@/lib/db/ledger/grants";
import { applyMigrations } from "@/lib/db/migrate";

export async function prepareDatabase(database: Database): Promise<void> {
  await applyMigrations(database.sql);
  await syncCatalog(database.prisma, parseCatalog(JSON.parse(fs.readFileSync(path.join(process.cwd(), "prisma/catalog.json"), "utf8"))));
}

export interface ApiWorkspace {
  workspaceId: string;
  secret: string;
}

/** A Growth workspace with prepaid credits and, optionally, a custom per-second limit. */
export async function provisionApiWorkspace(
  database: Database,
  options: { prepaidCredits?: bigint; perSecond?: number; now?: Date } = {},
): Promise<ApiWorkspace> {
  const now = options.now ?? new Date();
  const tag = randomUUID().slice(0, 8);
  return database.prisma.$transaction(
    async (tx) => {
      const user = await createUser(tx, { email: `api-${tag}@provision.test`, name: "API", passwordHash: null });
      const workspace = await createWorkspace(tx, { ownerId: user.id, name: `API ${tag}`, planCode: "growth_monthly", now });
      if (options.prepaidCredits) {
        await grantPrepaid(tx, {
          workspaceId: workspace.id,
          credits: options.prepaidCredits,
          kind: "SUPPORT",
          idempotencyKey: `provision:${tag}`,
          at: now,
        });
      }
      if (options.perSecond) {
        await setWorkspaceRateLimit(tx, {
          workspaceId: workspace.id,
          window: "SECOND",
          limit: options.perSecond,
          reason: "load test",
          actor: { id: null, email: "provision@test", role: "ADMIN" },
          now,
        });
      }
      const key = generateApiKey();
      await tx.apiKey.create({ data: { workspaceId: workspace.id, name: "load", prefix: key.prefix, secretHash: key.secretHash } });
      return { workspaceId: workspace.id, secret: key.secret };
    },
    { timeout: 30_000 },
  );
}
