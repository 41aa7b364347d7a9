// Next.js configuration (plain JavaScript, typed through JSDoc).

/** @type {import("next").NextConfig} */
const nextConfig = {
  // Native and WASM packages stay outside the bundle and load from node_modules.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/adapter-pg", "pg", "@node-rs/argon2"],
  // forbidden() renders app/forbidden.tsx with HTTP 403 for staff-only pages.
  experimental: { authInterrupts: true },
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: true }, // `npm test` runs tsc itself before the build.
};

export default nextConfig;
