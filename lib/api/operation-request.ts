// The body of POST /api/v1/operations (R9.1) and how many operations it is
// (R2.2, R2.3). Every problem names its field.
import { z } from "zod";
import { CountingError, countOperations, type CountRequest } from "@/lib/billing/counting";

const decimal = z.union([z.number(), z.string()]);

export const operationBodySchema = z
  .object({
    type: z.string().min(1, "type: name an operation type, e.g. predict").max(40),
    inputs: z.number().optional(),
    video_seconds: decimal.optional(),
    fps: decimal.optional(),
    runs: z.number().optional(),
  })
  .strict();

export type OperationBody = z.infer<typeof operationBodySchema>;

export interface ParsedOperation {
  type: string;
  operations: bigint;
}

export type ParseResult = { ok: true; value: ParsedOperation } | { ok: false; field: string; message: string };

function describeIssue(issue: z.core.$ZodIssue): { field: string; message: string } {
  const field = issue.path.length > 0 ? issue.path.join(".") : "body";
  if (issue.code === "unrecognized_keys") {
    return { field: issue.keys[0] ?? "body", message: `${issue.keys.join(", ")}: unknown field` };
  }
  if (issue.code === "invalid_type") return { field, message: `${field}: expected ${issue.expected}` };
  return { field, message: issue.message.startsWith(`${field}:`) ? issue.message : `${field}: ${issue.message}` };
}

/** Validates a decoded JSON body against the catalog's operation types. */
/** The catalog's operation types: a Set of codes, or the rating catalog's Map by code. */
export interface KnownTypes {
  has(code: string): boolean;
  keys(): Iterable<string>;
}

export function parseOperationBody(json: unknown, knownTypes: KnownTypes): ParseResult {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, field: "body", message: 'body: expected a JSON object such as {"type":"predict","inputs":32}' };
  }
  const parsed = operationBodySchema.safeParse(json);
  if (!parsed.success) return { ok: false, ...describeIssue(parsed.error.issues[0]!) };
  const body = parsed.data;
  if (!knownTypes.has(body.type)) {
    return {
      ok: false,
      field: "type",
      message: `type: unknown operation type "${body.type.slice(0, 40)}"; use one of ${[...knownTypes.keys()].join(", ")}`,
    };
  }
  // R2.1: train is charged per training run, the others per input.
  if (body.type === "train" && body.runs === undefined) {
    return { ok: false, field: "runs", message: "runs: train is counted per training run" };
  }
  if (body.type !== "train" && body.runs !== undefined) {
    return { ok: false, field: "runs", message: `runs: only for train; ${body.type} counts inputs or video_seconds` };
  }
  // countOperations checks the rest: exactly one of inputs / video_seconds / runs, fps only with video.
  const request = {
    ...(body.inputs !== undefined ? { inputs: body.inputs } : {}),
    ...(body.runs !== undefined ? { runs: body.runs } : {}),
    ...(body.video_seconds !== undefined ? { videoSeconds: body.video_seconds } : {}),
    ...(body.fps !== undefined ? { fps: body.fps } : {}),
  } as CountRequest;
  try {
    return { ok: true, value: { type: body.type, operations: countOperations(request) } };
  } catch (error) {
    if (error instanceof CountingError) {
      const message = error.message.startsWith(`${error.field}:`) ? error.message : `${error.field}: ${error.message}`;
      return { ok: false, field: error.field, message };
    }
    throw error;
  }
}
