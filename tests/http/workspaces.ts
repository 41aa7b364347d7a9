// Workspaces with an API key for the HTTP suites, made straight in a database
// (the suites' own, or a PGlite folder before its server opens it).
import { generateApiKey } from "@/lib/api-keys/key";
import type { Database } from "@/lib/db/connect";
import { makeWorkspace, type WorkspaceOptions } from "../helpers/factories";

export interface ApiWorkspace {
  workspaceId: string;
  keyId: string;
  secret: string;
}

export async function apiWorkspace(database: Database, options: WorkspaceOptions): Promise<ApiWorkspace> {
  const workspace = await makeWorkspace(database.prisma, options);
  const key = generateApiKey();
  const row = await database.prisma.apiKey.create({
    data: { workspaceId: workspace.id, name: "test", prefix: key.prefix, secretHash: key.secretHash },
    select: { id: true },
  });
  return { workspaceId: workspace.id, keyId: row.id, secret: key.secret };
}
