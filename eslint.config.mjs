// Lint: Next.js core-web-vitals + TypeScript rules, plus the project's
// boundaries (STYLE): only lib/env.ts reads process.env in app code, and
// customer code never imports staff code.
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: ["node_modules/**", ".next/**", ".data/**", "lib/generated/**", "next-env.d.ts", "test-results/**", "playwright-report/**"],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}"],
    ignores: ["lib/env.ts", "**/*.test.ts"],
    rules: {
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration through lib/env.ts." }],
    },
  },
  {
    files: ["app/(dashboard)/**/*.{ts,tsx}", "app/(public)/**/*.{ts,tsx}", "components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/(support)/**", "@/lib/db/queries/support"], message: "Customer code never imports staff code." }] },
      ],
    },
  },
  {
    files: ["lib/billing/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/lib/db*", "@/lib/generated/*", "next/*", "@/lib/clock"],
              message: "lib/billing is pure: no database, no Next, no clock (R8.7).",
            },
          ],
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: "lib/billing takes `now` as an argument (R8.7).",
        },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "lib/billing takes `now` as an argument (R8.7)." },
      ],
    },
  },
];

export default config;
