// Helpers for the HTTP suites: a database handle on the server's database,
// workspaces with API keys, and a small fetch wrapper.
import { inject } from "vitest";
import Ajv2020 from "ajv/dist/2020";
import { openApiDocument } from "@/lib/api/openapi";
import { openDatabase, type Database } from "@/lib/db/connect";

export { apiWorkspace } from "./workspaces";

export const baseUrl = () => inject("baseUrl");

export async function serverDatabase(): Promise<Database> {
  return openDatabase({ kind: "postgres", url: inject("databaseUrl") }, { poolSize: 4 });
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export async function call(
  path: string,
  init: {
    key?: string;
    body?: unknown;
    rawBody?: string;
    idempotencyKey?: string;
    method?: string;
    authorization?: string;
    /** Another server than the suite's (a second app instance). */
    server?: string;
  } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (init.authorization !== undefined) headers.authorization = init.authorization;
  else if (init.key) headers.authorization = `Key ${init.key}`;
  if (init.idempotencyKey !== undefined) headers["idempotency-key"] = init.idempotencyKey;
  const method = init.method ?? (init.body !== undefined || init.rawBody !== undefined ? "POST" : "GET");
  const response = await fetch(`${init.server ?? baseUrl()}${path}`, {
    method,
    headers,
    body: init.rawBody ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export const operate = (key: string, body: unknown, idempotencyKey?: string) => call("/api/v1/operations", { key, body, idempotencyKey });

// Every response is checked against the OpenAPI document (R9.5).
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat("date-time", {
  type: "string",
  validate: (value: string) => /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)),
});
ajv.addSchema({ $id: "openapi", components: openApiDocument.components });

export function matchesOpenApi(path: "/api/v1/operations" | "/api/v1/balance", method: "post" | "get", reply: Reply): string[] {
  const operation = (
    openApiDocument.paths as Record<
      string,
      Record<string, { responses: Record<string, { content?: { "application/json": { schema: { $ref: string } } } }> }>
    >
  )[path]![method]!;
  const response = operation.responses[String(reply.status)];
  if (!response) return [`status ${reply.status} is not documented for ${method.toUpperCase()} ${path}`];
  const ref = response.content!["application/json"].schema.$ref.replace("#/components", "openapi#/components");
  const validate = ajv.getSchema(ref)!;
  return validate(reply.json) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
