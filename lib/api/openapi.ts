// The OpenAPI 3.1 description of the metering API (R9.5), served at
// /api/v1/openapi.json. Integration tests validate real responses against
// these schemas, so the document cannot drift from the behaviour.
import { API_STATUS } from "./status";

const decimalString = {
  type: "string",
  pattern: "^-?[0-9]+$",
  description: "A whole number written as a string (credits and counts can exceed 2^53).",
};

const status = (codes: number[], withDetails: boolean) => ({
  type: "object",
  required: withDetails ? ["code", "description", "details", "req_id"] : ["code", "description", "req_id"],
  additionalProperties: false,
  properties: {
    code: { type: "integer", enum: codes },
    description: { type: "string" },
    ...(withDetails ? { details: { type: "string" } } : {}),
    req_id: { type: "string", pattern: "^req_[0-9a-f]{24}$" },
  },
});

const errorBody = (codes: number[]) => ({
  type: "object",
  required: ["status"],
  additionalProperties: false,
  properties: { status: status(codes, true) },
});

const balance = {
  type: "object",
  required: ["included", "prepaid", "flex_used", "packages"],
  additionalProperties: false,
  properties: {
    included: decimalString,
    prepaid: decimalString,
    flex_used: decimalString,
    packages: {
      type: "array",
      items: {
        type: "object",
        required: ["type", "remaining_operations", "expires_at"],
        additionalProperties: false,
        properties: { type: { type: "string" }, remaining_operations: decimalString, expires_at: { type: "string", format: "date-time" } },
      },
    },
  },
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, description: string) => ({ description, content: { "application/json": { schema } } });

export const openApiDocument = {
  openapi: "3.1.0",
  info: {
    title: "Meterdesk metering API",
    version: "1.0.0",
    description:
      "Perform metered operations and read balances. Credits are integers (2,000,000 credits = $1 by default) written as decimal strings.",
  },
  servers: [{ url: "/" }],
  security: [{ apiKey: [] }],
  paths: {
    "/api/v1/operations": {
      post: {
        operationId: "performOperation",
        summary: "Perform a metered operation",
        description:
          "Counts the operations of the request (a batch counts each input; video is ceil(seconds × fps)), rates them by the month's tiers and pays them from included/package credits, then prepaid, then flex. Only successful calls are counted or charged.",
        parameters: [
          {
            name: "Idempotency-Key",
            in: "header",
            required: false,
            schema: { type: "string", minLength: 1, maxLength: 255 },
            description:
              "A retry with the same key within 24 h returns the first response and charges nothing more; the same key with a different body is a 409.",
          },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: ref("OperationRequest"),
              examples: {
                batch: { value: { type: "predict", inputs: 32 } },
                video: { value: { type: "predict", video_seconds: 61.4, fps: 1 } },
                train: { value: { type: "train", runs: 1 } },
              },
            },
          },
        },
        responses: {
          "200": json(ref("OperationResponse"), "Performed and charged."),
          "400": json(ref("InvalidRequest"), "Invalid body or Idempotency-Key; `details` names the field. Nothing is charged."),
          "401": json(ref("InvalidKey"), "Missing, malformed, unknown or revoked API key."),
          "402": json(
            ref("PaymentRequired"),
            "Insufficient credits or flex disabled (11100), in arrears for usage that needs flex (11101), spend cap reached (11103). Nothing is charged.",
          ),
          "403": json(ref("Suspended"), "The account is in retention for an unpaid invoice (11102). Nothing is charged."),
          "409": json(ref("IdempotencyConflict"), "The Idempotency-Key was used with a different body (11003)."),
          "429": {
            ...json(ref("Throttled"), "Over the per-second or per-hour limit (11005). Not charged."),
            headers: { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 1 } } },
          },
          "500": json(ref("InternalError"), "Unexpected error; nothing acknowledged. Retry with the same Idempotency-Key."),
        },
      },
    },
    "/api/v1/balance": {
      get: {
        operationId: "getBalance",
        summary: "Read the balances and rate limits",
        responses: {
          "200": json(ref("BalanceResponse"), "The balances by source and the current rate limits."),
          "401": json(ref("InvalidKey"), "Missing, malformed, unknown or revoked API key."),
          "500": json(ref("InternalError"), "Unexpected error."),
        },
      },
    },
  },
  components: {
    securitySchemes: {
      apiKey: { type: "apiKey", in: "header", name: "Authorization", description: "`Key <key>` or `Bearer <key>`." },
    },
    schemas: {
      OperationRequest: {
        type: "object",
        required: ["type"],
        additionalProperties: false,
        properties: {
          type: { type: "string", description: "An operation type of the catalog: upload, predict, search, train." },
          inputs: { type: "integer", minimum: 1, maximum: 10000, description: "Inputs in the batch: each is one operation." },
          video_seconds: { type: ["number", "string"], description: "Length of a video; operations = ceil(seconds × fps)." },
          fps: { type: ["number", "string"], description: "Frames analysed per second, 0.1–30 (default 1)." },
          runs: { type: "integer", minimum: 1, maximum: 10000, description: "Training runs (train only)." },
        },
      },
      OperationResponse: {
        type: "object",
        required: ["status", "usage"],
        additionalProperties: false,
        properties: {
          status: status([API_STATUS.OK.code], false),
          usage: {
            type: "object",
            required: ["operations", "credits", "usd", "sources", "balance"],
            additionalProperties: false,
            properties: {
              operations: { type: "integer", minimum: 1 },
              credits: decimalString,
              usd: { type: "string", pattern: "^[0-9]+(\\.[0-9]+)?$" },
              sources: {
                type: "object",
                required: ["included", "package", "prepaid", "flex"],
                additionalProperties: false,
                properties: { included: decimalString, package: decimalString, prepaid: decimalString, flex: decimalString },
              },
              balance: ref("Balance"),
            },
          },
        },
      },
      BalanceResponse: {
        type: "object",
        required: ["status", "balance", "rate_limits"],
        additionalProperties: false,
        properties: {
          status: status([API_STATUS.OK.code], false),
          balance: ref("Balance"),
          rate_limits: {
            type: "object",
            required: ["per_second", "per_hour"],
            additionalProperties: false,
            properties: { per_second: { type: ["integer", "null"] }, per_hour: { type: ["integer", "null"] } },
          },
        },
      },
      Balance: balance,
      InvalidRequest: errorBody([API_STATUS.INVALID_BODY.code]),
      InvalidKey: errorBody([API_STATUS.INVALID_KEY.code]),
      PaymentRequired: errorBody([API_STATUS.INSUFFICIENT_CREDITS.code, API_STATUS.ARREARS.code, API_STATUS.SPEND_CAP.code]),
      Suspended: errorBody([API_STATUS.RETENTION.code]),
      IdempotencyConflict: errorBody([API_STATUS.IDEMPOTENCY_MISMATCH.code]),
      Throttled: errorBody([API_STATUS.THROTTLED.code]),
      InternalError: {
        type: "object",
        required: ["status"],
        additionalProperties: false,
        properties: { status: status([API_STATUS.INTERNAL.code], false) },
      },
    },
  },
} as const;
