// The Usage page's query string, validated on the server (the page, the data
// route and the CSV route).
import { z } from "zod";
import { RANGE_KINDS } from "@/lib/usage/range";
import type { UsageRequest } from "./usage-query";

export const usageRequestSchema = z.object({
  range: z.enum(RANGE_KINDS).default("30d"),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  tz: z.string().min(1).max(64).default("UTC"),
});

// The schema's output is the request the page and the browser share (a compile-time check).
export const _parsedIsARequest = (parsed: z.infer<typeof usageRequestSchema>): UsageRequest => parsed;
