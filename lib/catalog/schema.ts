// The shape of the catalog file (prisma/catalog.json, R3.3) and its checks.
// Pure: the seed loads it into the database, which is then the single source
// for the engine, the dashboard and the calculator.
import { z } from "zod";

const wholeNumber = z
  .string()
  .regex(/^\d+$/, "must be a whole number written as a string")
  .transform((value) => BigInt(value));

const tierSchema = z.object({
  from: wholeNumber,
  to: wholeNumber.nullable(),
  credits: wholeNumber,
});

const operationTypeSchema = z
  .object({
    code: z.string().regex(/^[a-z][a-z0-9_]*$/),
    name: z.string().min(1),
    unit: z.enum(["input", "run"]),
    tiers: z.array(tierSchema).min(1),
  })
  .superRefine((type, ctx) => {
    // R3.1: tiers start at 1, follow each other without gaps, and only the last is open-ended.
    let expectedFrom = 1n;
    type.tiers.forEach((tier, index) => {
      const last = index === type.tiers.length - 1;
      if (tier.from !== expectedFrom) {
        ctx.addIssue({ code: "custom", path: ["tiers", index, "from"], message: `${type.code}: tier must start at ${expectedFrom}` });
      }
      if (tier.to === null && !last) {
        ctx.addIssue({ code: "custom", path: ["tiers", index, "to"], message: `${type.code}: only the last tier may be open-ended` });
      }
      if (tier.to !== null && tier.to < tier.from) {
        ctx.addIssue({ code: "custom", path: ["tiers", index, "to"], message: `${type.code}: tier ends before it starts` });
      }
      if (last && tier.to !== null) {
        ctx.addIssue({ code: "custom", path: ["tiers", index, "to"], message: `${type.code}: the last tier must be open-ended` });
      }
      expectedFrom = (tier.to ?? tier.from) + 1n;
    });
  });

const planSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]*$/),
  name: z.string().min(1),
  description: z.string().default(""),
  rank: z.number().int().min(0),
  interval: z.enum(["NONE", "MONTH", "YEAR"]),
  feeCents: z.number().int().min(0),
  includedCredits: wholeNumber,
  flexAllowed: z.boolean(),
  requiresCard: z.boolean(),
  payAsYouGo: z.boolean(),
  rateLimits: z.object({ SECOND: z.number().int().positive(), HOUR: z.number().int().positive().optional() }),
});

const packageSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]*$/),
  name: z.string().min(1),
  operationType: z.string(),
  operations: wholeNumber,
  validity: z.enum(["MONTH", "YEAR"]),
  priceCents: z.number().int().positive(),
});

export const catalogSchema = z
  .object({
    $comment: z.string().optional(),
    operationTypes: z.array(operationTypeSchema).min(1),
    plans: z.array(planSchema).min(1),
    packages: z.array(packageSchema),
  })
  .superRefine((catalog, ctx) => {
    const typeCodes = new Set(catalog.operationTypes.map((type) => type.code));
    catalog.packages.forEach((pkg, index) => {
      if (!typeCodes.has(pkg.operationType)) {
        ctx.addIssue({
          code: "custom",
          path: ["packages", index, "operationType"],
          message: `unknown operation type ${pkg.operationType}`,
        });
      }
    });
    if (!catalog.plans.some((plan) => plan.code === "free")) {
      ctx.addIssue({ code: "custom", path: ["plans"], message: "the catalog needs a plan with code free (new workspaces start on it)" });
    }
    for (const key of ["operationTypes", "plans", "packages"] as const) {
      const codes = catalog[key].map((item) => item.code);
      if (new Set(codes).size !== codes.length) ctx.addIssue({ code: "custom", path: [key], message: `duplicate codes in ${key}` });
    }
  });

export type Catalog = z.infer<typeof catalogSchema>;
export type CatalogPlan = Catalog["plans"][number];
export type CatalogOperationType = Catalog["operationTypes"][number];

export const FREE_PLAN_CODE = "free";

export function parseCatalog(json: unknown): Catalog {
  return catalogSchema.parse(json);
}
