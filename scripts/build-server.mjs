// Bundles the production server (server/index.ts) into .next/meterdesk/server.mjs,
// after `next build`. Packages stay in node_modules; the project's own code
// (lib/, the generated Prisma client) is bundled, `@/` resolved from tsconfig.
import { build } from "esbuild";

await build({
  entryPoints: ["server/index.ts"],
  outfile: ".next/meterdesk/server.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  alias: { "server-only": "./server/server-only.ts" },
  // Some bundled code (the generated Prisma client) calls require().
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  sourcemap: "linked",
  logLevel: "warning",
});
console.log("built .next/meterdesk/server.mjs");
