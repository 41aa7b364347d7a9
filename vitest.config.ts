// Test projects:
//   unit        — pure tests beside the code (lib/, app/, components/, scripts/);
//   rsc         — server-component tests (*.rsc.test.tsx) under React's react-server build;
//   pglite      — tests/integration against an in-memory PGlite per file;
//   postgres    — the same files against a real PostgreSQL, one fresh database
//                 per file (TEST_DATABASE_URL, default postgres@127.0.0.1/test);
//   http        — real HTTP against the production build on PostgreSQL + Redis;
//   http-pglite — real HTTP against the production build on the embedded
//                 default (a PGlite folder, the in-process rate limiter).
// Each integration file opens its own database, so files run in parallel.
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const integration = ["tests/integration/**/*.test.ts"];
// Integration tests write nothing into the app's own .data folder: a fixed session secret
// (unsubscribe links are signed with it) and an outbox folder of their own.
const integrationEnv = {
  AUTH_SECRET: "integration-tests-only-secret-0123456789abcdef",
  OUTBOX_DIR: path.join(os.tmpdir(), "meterdesk-test-outbox"),
};

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: root },
      // lib/db guards itself with `import "server-only"`; tests are server code.
      { find: /^server-only$/, replacement: fileURLToPath(new URL("tests/helpers/empty.ts", import.meta.url)) },
    ],
  },
  test: {
    // PGlite boots a whole PostgreSQL in WebAssembly; a file's first query can take seconds.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          environment: "node",
          include: ["lib/**/*.test.ts", "app/**/*.test.ts", "components/**/*.test.ts", "scripts/**/*.test.ts"],
        },
      },
      {
        // Server components under the react-server build of React (its `cache` lasts one request),
        // rendered with React's own Flight renderer.
        extends: true,
        resolve: {
          conditions: ["react-server", "node", "import", "default"],
          // What Next.js's bundler does for server components: next/navigation's react-server build.
          alias: [{ find: /^next\/navigation$/, replacement: "next/dist/client/components/navigation.react-server.js" }],
        },
        ssr: { resolve: { conditions: ["react-server", "node", "import", "default"], externalConditions: ["react-server"] } },
        test: {
          name: "rsc",
          environment: "node",
          include: ["lib/**/*.rsc.test.tsx", "app/**/*.rsc.test.tsx"],
          execArgv: ["--conditions=react-server"],
        },
      },
      {
        extends: true,
        test: {
          name: "pglite",
          environment: "node",
          include: integration,
          // Races between connections need a real server, and Redis is a real server too:
          // those files run in the PostgreSQL project only.
          exclude: ["tests/integration/**/*.postgres.test.ts", "tests/integration/**/*.redis.test.ts"],
          env: { TEST_DB: "pglite", ...integrationEnv },
        },
      },
      {
        extends: true,
        test: { name: "postgres", environment: "node", include: integration, env: { TEST_DB: "postgres", ...integrationEnv } },
      },
      {
        // Real HTTP against the production build (run `next build` first) on PostgreSQL and Redis.
        extends: true,
        test: {
          name: "http",
          environment: "node",
          include: ["tests/http/**/*.test.ts"],
          exclude: ["tests/http/**/*.pglite.test.ts"],
          globalSetup: ["tests/http/global-setup.ts"],
          env: { TEST_DB: "postgres" },
          testTimeout: 60_000,
        },
      },
      {
        // Real HTTP against the production build on the embedded default (run `next build` first).
        extends: true,
        test: {
          name: "http-pglite",
          environment: "node",
          include: ["tests/http/**/*.pglite.test.ts"],
          globalSetup: ["tests/http/pglite-setup.ts"],
          env: { TEST_DB: "pglite" },
          testTimeout: 60_000,
        },
      },
    ],
  },
});
