// The HTTP suite on the embedded default (R13): the production build on a
// fresh PGlite folder with the in-process rate limiter. PGlite admits one
// process per folder, so everything the tests need is written before the
// server opens it: migrations, the catalog and one workspace per case.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { setWorkspaceRateLimit } from "@/lib/db/api-auth";
import { openDatabase } from "@/lib/db/connect";
import { applyMigrations } from "@/lib/db/migrate";
import { startAppServer } from "../../scripts/lib/app-server";
import { loadCatalog } from "../helpers/factories";
import { apiWorkspace } from "./workspaces";

export type PgliteKeys = Record<"burst" | "spaced" | "hourly", string>;

declare module "vitest" {
  export interface ProvidedContext {
    pgliteBaseUrl: string;
    pgliteKeys: PgliteKeys;
  }
}

export default async function setup(project: TestProject) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "md-http-pglite-"));
  const dir = path.join(root, "pglite");
  const now = new Date();
  const database = await openDatabase({ kind: "pglite", dir }, { role: "http-test setup" });
  let keys: PgliteKeys;
  try {
    await applyMigrations(database.sql);
    await loadCatalog(database.prisma);
    const burst = await apiWorkspace(database, { now, planCode: "growth_monthly" });
    const spaced = await apiWorkspace(database, { now, planCode: "growth_monthly" });
    const hourly = await apiWorkspace(database, { now, planCode: "payg", prepaid: 10n ** 12n });
    await database.prisma.$transaction((tx) =>
      setWorkspaceRateLimit(tx, {
        workspaceId: hourly.workspaceId,
        window: "HOUR",
        limit: 20,
        reason: "test a small hour",
        actor: { id: null, email: "support@test.dev", role: "SUPPORT" },
        now,
      }),
    );
    keys = { burst: burst.secret, spaced: spaced.secret, hourly: hourly.secret };
  } finally {
    await database.close();
  }

  const server = await startAppServer({ pgliteDir: dir });
  project.provide("pgliteBaseUrl", server.url);
  project.provide("pgliteKeys", keys);

  return async () => {
    await server.stop();
    if (/\[api\].*failed/.test(server.log())) console.error(`server log:\n${server.log().slice(-5000)}`);
    fs.rmSync(root, { recursive: true, force: true });
  };
}
