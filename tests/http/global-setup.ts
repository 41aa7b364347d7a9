// The HTTP suites drive the production build (`next build` must have run) on a
// real PostgreSQL and Redis: this starts the server on a free port against a
// fresh database, and stops it and drops the database afterwards.
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { openDatabase } from "@/lib/db/connect";
import { applyMigrations } from "@/lib/db/migrate";
import { createScratchDatabase, startAppServer } from "../../scripts/lib/app-server";
import { loadCatalog } from "../helpers/factories";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
    redisUrl: string;
    /** The server's session secret: suites mint session cookies with it (tests/http/sessions.ts). */
    authSecret: string;
  }
}

export default async function setup(project: TestProject) {
  const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
  const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test", "md_http");
  const database = await openDatabase({ kind: "postgres", url: scratch.url });
  await applyMigrations(database.sql);
  await loadCatalog(database.prisma);
  await database.close();

  const authSecret = randomBytes(32).toString("hex");
  const server = await startAppServer({ databaseUrl: scratch.url, redisUrl, authSecret });
  project.provide("baseUrl", server.url);
  project.provide("databaseUrl", scratch.url);
  project.provide("redisUrl", redisUrl);
  project.provide("authSecret", authSecret);

  return async () => {
    await server.stop();
    if (/\[api\].*failed/.test(server.log())) console.error(`server log:\n${server.log().slice(-5000)}`);
    await scratch.drop();
  };
}
