// Bundled in place of the `server-only` package in the production server (server/index.ts): the guard matters only to Next.js bundles.
export {};
